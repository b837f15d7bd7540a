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
import { MS_PER_DAY, MS_PER_MINUTE } from './duration';
import type { Calendar, ClockKind } from './sla-types';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

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

/** Minutes since local midnight for `"HH:MM"` (`"00:00"`..`"24:00"`); throws on anything else. */
export function minutesOfDay(hhmm: string): number {
  const match = TIME_OF_DAY.exec(hhmm);
  if (match === null) {
    throw new RangeError(`${JSON.stringify(hhmm)} is not a time of day like "08:00"`);
  }
  // "24:00" (the end of the day) matches the second alternative, which captures nothing.
  return match[1] === undefined ? 24 * 60 : Number(match[1]) * 60 + Number(match[2]);
}

/** Whether `name` is an IANA time zone this runtime knows, e.g. `"Asia/Shanghai"`. */
export function isTimeZone(name: string): boolean {
  try {
    formatterFor(name);
    return true;
  } catch {
    return false;
  }
}

/** The local calendar date (`"YYYY-MM-DD"`) of instant `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): string {
  return isoDate(localDayNumber(ms, timeZone));
}

/** ISO weekday (1 = Monday .. 7 = Sunday) of the local date of instant `ms` in `timeZone`. */
export function localWeekday(ms: number, timeZone: string): number {
  return isoWeekday(localDayNumber(ms, timeZone));
}

/** The instant of local wall-clock time `"HH:MM"` on `date` (`"YYYY-MM-DD"`) in `timeZone`.
 *
 * Resolves DST like Temporal's `'compatible'` disambiguation: a time repeated when clocks go back
 * is its first occurrence; a time skipped when clocks go forward moves forward by the gap.
 */
export function zonedTime(date: string, hhmm: string, timeZone: string): number {
  const day = dayNumberOfDate(date);
  if (day === null) {
    throw new RangeError(`${JSON.stringify(date)} is not a calendar date like "2026-10-01"`);
  }
  return wallClockToInstant(day, minutesOfDay(hhmm), timeZone);
}

/** Whether `text` is a real calendar date written `"YYYY-MM-DD"` (so not `"2026-02-30"`). */
export function isCalendarDate(text: string): boolean {
  return dayNumberOfDate(text) !== null;
}

/** Whether `text` is a time of day `"HH:MM"` from `"00:00"` to `"24:00"`. */
export function isTimeOfDay(text: string): boolean {
  return TIME_OF_DAY.test(text);
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

/** Days since 1970-01-01 of the local date of `ms` in `timeZone`. */
function localDayNumber(ms: number, timeZone: string): number {
  return Math.floor((ms + offsetMs(ms, timeZone)) / MS_PER_DAY);
}

function wallClockToInstant(day: number, minuteOfDay: number, timeZone: string): number {
  const local = day * MS_PER_DAY + minuteOfDay * MS_PER_MINUTE;
  // Zones change offset at most once in any two days, so the offsets a day either side of the
  // wall-clock time are the only two candidates.
  const offsetBefore = offsetMs(local - MS_PER_DAY, timeZone);
  const offsetAfter = offsetMs(local + MS_PER_DAY, timeZone);
  if (offsetBefore === offsetAfter) {
    return local - offsetBefore;
  }
  const withBefore = local - offsetBefore;
  const withAfter = local - offsetAfter;
  const beforeValid = offsetMs(withBefore, timeZone) === offsetBefore;
  const afterValid = offsetMs(withAfter, timeZone) === offsetAfter;
  if (beforeValid && afterValid) {
    return Math.min(withBefore, withAfter);
  }
  if (afterValid) {
    return withAfter;
  }
  // Valid with the old offset, or in a gap: the old offset pushes a skipped time forward by the gap.
  return withBefore;
}

/** Offsets already computed, by zone and whole second: clock arithmetic asks for the same days again and again. */
const offsets = new Map<string, number>();
const OFFSET_CACHE_LIMIT = 4096;

/** Offset of `timeZone` from UTC at instant `ms` (local minus UTC), in ms. */
function offsetMs(ms: number, timeZone: string): number {
  const wholeSecond = Math.floor(ms / 1000) * 1000;
  const key = `${timeZone}@${wholeSecond}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = computeOffsetMs(wholeSecond, timeZone);
    if (offsets.size >= OFFSET_CACHE_LIMIT) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function computeOffsetMs(wholeSecond: number, timeZone: string): number {
  const fields: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(wholeSecond)) {
    if (part.type !== 'literal') {
      fields[part.type] = Number(part.value);
    }
  }
  const asUtc = Date.UTC(
    fields.year,
    fields.month - 1,
    fields.day,
    fields.hour,
    fields.minute,
    fields.second,
  );
  return asUtc - wholeSecond;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building them is far slower than using them. Throws on an unknown zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Days since 1970-01-01 of `"YYYY-MM-DD"`, or null when it is not a real date. */
function dayNumberOfDate(date: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (match === null) {
    return null;
  }
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY;
  // Date.UTC rolls 2026-02-30 over to March; a round trip catches that.
  return isoDate(day) === date ? day : null;
}

function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

function isoWeekday(day: number): number {
  // Day 0, 1970-01-01, was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function assertInstant(ms: number, name: string): void {
  if (!Number.isFinite(ms)) {
    throw new RangeError(`${name} must be a finite epoch-millisecond instant, got ${ms}`);
  }
}
