import { z } from 'zod';
import { text } from '../http/text-schemas';

export const TicketNumber = z.string().regex(/^R\d{4}-\d{6,}$/, 'is not a ticket number like R2026-000123');

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
