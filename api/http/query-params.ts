import { z } from 'zod';

import { isBareDate } from '../../db/repositories/time-range';

function plausibleInstant(value: string): boolean {
  const ms = Date.parse(isBareDate(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms).getUTCFullYear();
  if (year < 1970 || year > 9999) return false;
  // Date.parse rolls 2026-02-31 over to March; a real calendar date survives the round trip.
  return !isBareDate(value) || new Date(ms).toISOString().slice(0, 10) === value;
}

/** A day (`2026-11-01`, in the desk calendar's time zone) or an instant with an offset (`2026-11-01T08:00:00Z`). */
export const DateOrInstant = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2}))?$/,
    'is not a date or a date-time',
  )
  .refine(plausibleInstant, 'is not a real date between 1970 and 9999')
  .meta({ examples: ['2026-11-01', '2026-11-01T08:00:00+08:00'] });
