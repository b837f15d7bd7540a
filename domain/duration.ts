/**
 * Durations as written in the SLA policy file: one non-negative integer and one unit,
 * `"45s"`, `"10m"`, `"4h"` or `"2d"`. Pure code, safe inside Temporal workflows.
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

const DURATION_PATTERN = /^(\d+)([smhd])$/;

type DurationUnit = 's' | 'm' | 'h' | 'd';

export interface ParseDurationOptions {
  /** Length of one `d`; a business clock passes the length of one working day. Defaults to 24 h. */
  dayMs?: number;
}

/** The error text used wherever a duration string is refused, so the policy file and the API say the same. */
export function durationErrorMessage(text: unknown): string {
  return `${JSON.stringify(text)} is not a duration like "45s", "10m", "4h" or "2d"`;
}

/** Milliseconds in `text`, e.g. `parseDuration('10m') === 600000`; throws on anything but `<integer><s|m|h|d>`. */
export function parseDuration(text: string, options: ParseDurationOptions = {}): number {
  const match = DURATION_PATTERN.exec(text);
  if (match === null) {
    throw new Error(durationErrorMessage(text));
  }
  const amount = Number(match[1]);
  const ms = amount * unitMs(match[2] as DurationUnit, options.dayMs ?? MS_PER_DAY);
  // Past 2^53 ms (about 285,000 years) the arithmetic stops being exact, so such a limit is a typo.
  if (!Number.isSafeInteger(ms)) {
    throw new Error(`${JSON.stringify(text)} is too long a duration`);
  }
  return ms;
}

/** Whether `text` is a duration that `parseDuration` accepts. */
export function isDuration(text: unknown): text is string {
  if (typeof text !== 'string') {
    return false;
  }
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

/** Compact human form, largest units first and zero parts left out: `"1d 2h 5m"`, `"45s"`, `"0s"`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new RangeError(`cannot format ${ms} as a duration`);
  }
  if (ms < 0) {
    return `-${formatDuration(-ms)}`;
  }
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of FORMAT_UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      parts.push(`${amount}${unit}`);
      rest -= amount * size;
    }
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

const FORMAT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', MS_PER_DAY],
  ['h', MS_PER_HOUR],
  ['m', MS_PER_MINUTE],
  ['s', MS_PER_SECOND],
  ['ms', 1],
];

function unitMs(unit: DurationUnit, dayMs: number): number {
  switch (unit) {
    case 's':
      return MS_PER_SECOND;
    case 'm':
      return MS_PER_MINUTE;
    case 'h':
      return MS_PER_HOUR;
    case 'd':
      return dayMs;
  }
}
