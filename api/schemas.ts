import { z } from 'zod';
import { checkText, isBlankText, TEXT_MESSAGES, type TextProblem } from '../domain/text';

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
 * edge (api/text-guard.ts) refuses the same characters first; the schema holds the rule wherever it is used.
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

export const TicketNumber = z.string().regex(/^R\d{4}-\d{6,}$/, 'is not a ticket number like R2026-000123');

export const LoginBody = z.strictObject({
  username: z.string().trim().min(1).max(40),
  password: z.string().min(1).max(200),
});

export const RequesterInput = z.strictObject({
  name: text(50),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{5,20}$/, 'is not a phone number')
    .optional(),
  email: z.email('is not an email address').max(200).optional(),
  lang: z.enum(['zh-CN', 'en']).optional(),
});

export const NewTicketBody = z.strictObject({
  locationCode: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9-]{1,39}$/, 'is not a location code'),
  category: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{1,39}$/, 'is not a category code'),
  description: text(2000),
  requester: RequesterInput,
  priority: z
    .string()
    .regex(/^P[1-9]$/, 'is not a priority like P2')
    .optional(),
});
export type NewTicket = z.infer<typeof NewTicketBody>;

export const IdempotencyKey = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII');

const reason = text(500);

/** One body schema per lifecycle action. */
export const ActionBodies = {
  accept: z.strictObject({}),
  decline: z.strictObject({ reason }),
  transfer: z
    .strictObject({
      to: z.string().trim().min(1).max(40).optional(),
      team: z.string().trim().min(1).max(40).optional(),
      reason,
    })
    .refine((body) => (body.to == null) !== (body.team == null), {
      message: 'give exactly one of "to" (a technician\'s username) or "team" (a team code)',
      path: ['to'],
    }),
  note: z.strictObject({ note: text(2000) }),
  on_site: z.strictObject({}),
  pause: z.strictObject({ reason }),
  resume: z.strictObject({ reason }),
  resolve: z.strictObject({ resolution: text(2000) }),
  confirm: z.strictObject({ rating: z.number().int().min(1).max(5), comment: text(1000).optional() }),
  reject: z.strictObject({ reason }),
  cancel: z.strictObject({ reason: reason.optional() }),
  priority: z.strictObject({ priority: z.string().regex(/^P[1-9]$/, 'is not a priority like P2'), reason }),
} as const;

export type ActionName = keyof typeof ActionBodies;
export const ACTION_NAMES = Object.keys(ActionBodies) as ActionName[];

/** URL segment of each action (on-site arrival is /on-site in URLs). */
export const actionFromPath = (segment: string): ActionName | null => {
  const name = segment.replace(/-/g, '_');
  return (ACTION_NAMES as string[]).includes(name) ? (name as ActionName) : null;
};
