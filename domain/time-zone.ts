/**
 * Local dates and wall-clock times in an IANA time zone, computed with `Intl.DateTimeFormat` only: pure,
 * deterministic and sandbox-safe, for the SLA clocks (`sla-clock.ts`) and the policy's checks.
 */
import { MS_PER_DAY, MS_PER_MINUTE } from './duration';

const TIME_OF_DAY = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

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

/** Seconds since local midnight of instant `ms` in `timeZone` (0..86399). */
export function localSecondOfDay(ms: number, timeZone: string): number {
  const local = ms + offsetMs(ms, timeZone);
  return Math.floor((((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY) / 1000);
}

/** Days since 1970-01-01 of the local date of `ms` in `timeZone`. */
export function localDayNumber(ms: number, timeZone: string): number {
  return Math.floor((ms + offsetMs(ms, timeZone)) / MS_PER_DAY);
}

export function wallClockToInstant(day: number, minuteOfDay: number, timeZone: string): number {
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
export function formatterFor(timeZone: string): Intl.DateTimeFormat {
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

export function isoDate(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function isoWeekday(day: number): number {
  // Day 0, 1970-01-01, was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}
