import { z } from 'zod';
import { checkText, isBlankText, TEXT_MESSAGES, type TextProblem } from '../../domain/text';

const free = (problem: TextProblem) => (s: string) => {
  const checked = checkText(s);
  return checked.ok || checked.problem !== problem;
};

/** A string under the one text rule: refused characters fail; the rest is NFC, LF, trimmed, and '' when blank. */
const ruledString = () =>
  z
    .string()
    .refine(free('surrogate'), { message: TEXT_MESSAGES.surrogate, abort: true })
    .refine(free('control'), { message: TEXT_MESSAGES.control, abort: true })
    .overwrite((s) => {
      const checked = checkText(s);
      const value = checked.ok ? checked.value.trim() : s;
      return isBlankText(value) ? '' : value;
    });

/**
 * Free text under the one text rule (domain/text.ts): control characters and lone surrogates fail, and text
 * of only whitespace and invisible characters (zero-width spaces, BOM, soft hyphens) is empty. The request
 * edge (api/http/text-guard.ts) refuses the same characters first; the schema holds the rule wherever it is used.
 */
export const text = (max: number) =>
  ruledString().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Optional free text: blank or invisible-only is null. */
export const optionalText = (max: number) =>
  ruledString()
    .max(max, `must be at most ${max} characters`)
    .transform((v) => (v === '' ? null : v))
    .nullable()
    .optional();
