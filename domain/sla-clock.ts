/**
 * SLA clock arithmetic: when a limit falls due, and how much clock time has passed.
 *
 * A `24x7` clock counts every millisecond. A `business` clock counts only working time: days whose
 * ISO weekday is in `calendar.workdays` and whose local date is not in `calendar.holidays`, between
 * `hours[0]` and `hours[1]` of local wall-clock time in `calendar.timezone`. Working hours follow the
 * wall clock across DST changes, so 08:00-18:00 on a DST-change day is still 08:00-18:00 local time
 * (9 or 11 elapsed hours for a 10-hour working day is not what anyone means by "working hours").
 *
 * Deterministic and sandbox-safe for Temporal workflows: no clock reads and no I/O; the only
 * platform service used is `Intl.DateTimeFormat` for time-zone offsets.
 */
import { MS_PER_MINUTE } from './duration';
import type { Calendar, ClockKind } from './sla-types';
import {
  formatterFor,
  isoDate,
  isoWeekday,
  localDayNumber,
  minutesOfDay,
  wallClockToInstant,
} from './time-zone';

export {
  isCalendarDate,
  isTimeOfDay,
  isTimeZone,
  localDate,
  localWeekday,
  minutesOfDay,
  zonedTime,
} from './time-zone';

/** A span of working time, as instants: `[open, close)`. */
interface WorkingWindow {
  open: number;
  close: number;
}

/** A calendar prepared for fast per-day lookups. */
interface CalendarRules {
  timeZone: string;
  workdays: ReadonlySet<number>;
  holidays: ReadonlySet<string>;
  openMinute: number;
  closeMinute: number;
}

/** The instant at which `durationMs` of `kind` clock time has elapsed after `startMs`.
 *
 * For a business clock, counting starts at `startMs` if that is inside working hours and at the
 * next opening otherwise. A positive duration that uses up a working day exactly ends at that day's
 * closing time, not at the next opening. A zero duration returns `startMs` unchanged, even outside
 * working hours: "0s after the deadline" is the deadline itself, which escalation level 0 relies on.
 */
export function addClockTime(
  startMs: number,
  durationMs: number,
  kind: ClockKind,
  calendar: Calendar,
): number {
  assertInstant(startMs, 'startMs');
  if (!Number.isFinite(durationMs) || durationMs < 0) {
    throw new RangeError(`durationMs must be a finite number >= 0, got ${durationMs}`);
  }
  switch (kind) {
    case '24x7':
      return startMs + durationMs;
    case 'business':
      return durationMs === 0 ? startMs : addWorkingTime(startMs, durationMs, compileCalendar(calendar));
  }
}

/** Clock time of `kind` elapsed in `[fromMs, toMs)`; 0 when `toMs <= fromMs`. */
export function clockTimeBetween(fromMs: number, toMs: number, kind: ClockKind, calendar: Calendar): number {
  assertInstant(fromMs, 'fromMs');
  assertInstant(toMs, 'toMs');
  if (toMs <= fromMs) {
    return 0;
  }
  switch (kind) {
    case '24x7':
      return toMs - fromMs;
    case 'business':
      return workingTimeBetween(fromMs, toMs, compileCalendar(calendar));
  }
}

/** Whether `ms` falls inside the calendar's working hours. */
export function isWorkingTime(ms: number, calendar: Calendar): boolean {
  assertInstant(ms, 'ms');
  const window = workingWindow(localDayNumber(ms, calendar.timezone), compileCalendar(calendar));
  return window !== null && window.open <= ms && ms < window.close;
}

/** Length of one working day (`hours[1] - hours[0]`) in ms: what `1d` means on a business clock. */
export function workingDayMs(calendar: Pick<Calendar, 'hours'>): number {
  const [open, close] = calendar.hours;
  return (minutesOfDay(close) - minutesOfDay(open)) * MS_PER_MINUTE;
}

function addWorkingTime(startMs: number, durationMs: number, rules: CalendarRules): number {
  let remaining = durationMs;
  for (const window of workingWindowsFrom(startMs, rules, Infinity)) {
    const from = Math.max(startMs, window.open);
    const available = window.close - from;
    if (remaining <= available) {
      return from + remaining;
    }
    remaining -= Math.max(0, available);
  }
  // workingWindowsFrom never ends without an upper bound: it yields or throws.
  throw new Error('working-time iteration ended without reaching the duration');
}

function workingTimeBetween(fromMs: number, toMs: number, rules: CalendarRules): number {
  let total = 0;
  for (const window of workingWindowsFrom(fromMs, rules, toMs)) {
    total += Math.max(0, Math.min(window.close, toMs) - Math.max(window.open, fromMs));
  }
  return total;
}

/** Working windows day by day, starting with the local day of `fromMs`, up to the local day of `untilMs`.
 *
 * Without an end (`untilMs` infinite) it throws once more consecutive days pass without working
 * time than holidays and weekends can explain, so a calendar with no working hours cannot loop forever.
 */
function* workingWindowsFrom(
  fromMs: number,
  rules: CalendarRules,
  untilMs: number,
): Generator<WorkingWindow> {
  const lastDay = Number.isFinite(untilMs) ? localDayNumber(untilMs, rules.timeZone) : Infinity;
  // A week of weekends, every holiday in a row, plus slack for days a DST gap swallows.
  const maxIdleDays = rules.holidays.size + 14;
  let idleDays = 0;
  for (let day = localDayNumber(fromMs, rules.timeZone); day <= lastDay; day += 1) {
    const window = workingWindow(day, rules);
    if (window !== null) {
      idleDays = 0;
      yield window;
    } else if (++idleDays > maxIdleDays && lastDay === Infinity) {
      throw new Error(
        `calendar ${rules.timeZone} has no working hours in ${maxIdleDays} days after ${isoDate(day - maxIdleDays)}: check workdays, hours and holidays`,
      );
    }
  }
}

function workingWindow(day: number, rules: CalendarRules): WorkingWindow | null {
  if (!rules.workdays.has(isoWeekday(day)) || rules.holidays.has(isoDate(day))) {
    return null;
  }
  const open = wallClockToInstant(day, rules.openMinute, rules.timeZone);
  const close = wallClockToInstant(day, rules.closeMinute, rules.timeZone);
  // A working day that a DST gap swallows entirely has no working time.
  return close > open ? { open, close } : null;
}

function compileCalendar(calendar: Calendar): CalendarRules {
  const openMinute = minutesOfDay(calendar.hours[0]);
  const closeMinute = minutesOfDay(calendar.hours[1]);
  if (openMinute >= closeMinute) {
    throw new RangeError(`working hours ${calendar.hours.join('-')} must start before they end`);
  }
  formatterFor(calendar.timezone);
  return {
    timeZone: calendar.timezone,
    workdays: new Set(calendar.workdays),
    holidays: new Set(calendar.holidays),
    openMinute,
    closeMinute,
  };
}

function assertInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) {
    throw new RangeError(`${name} must be a finite epoch-millisecond instant, got ${ms}`);
  }
}
