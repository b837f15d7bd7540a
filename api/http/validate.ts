import type { z } from 'zod';
import { AppError } from './errors';

/** Parses input with a schema; a failure names every bad field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : what,
    message: issue.message,
  }));
  throw AppError.badRequest(
    `The ${what} is not valid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
    errors,
  );
}
