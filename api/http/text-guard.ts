import type { Request, RequestHandler } from 'express';
import { checkDeep, checkText, type TextFault } from '../../domain/text';
import { AppError, type FieldError } from './errors';

/**
 * The text rule (domain/text.ts) at the edge, over every string a request carries: the path's segments,
 * the query string and the parsed body (JSON, urlencoded or multipart fields). A refused character answers
 * 400 naming each field; what passes is NFC-normalised with LF line breaks, so routes and schemas only ever
 * see clean text. Mounted before the API's routes and the pages' routes, and after each body parser.
 */
export const textGuard: RequestHandler = (req, _res, next) => {
  const errors = [...pathFaults(req), ...cleanQuery(req), ...cleanBody(req)];
  if (errors.length === 0) return next();
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  next(AppError.badRequest(`The request is not valid: ${detail}`, errors));
};

const asFieldErrors = (faults: TextFault[], whole: string): FieldError[] =>
  faults.map((f) => ({ field: f.path || whole, message: f.message }));

/** Route parameters (`:id`, `:code`) are segments of the path; Express itself answers 400 for bad %-escapes. */
function pathFaults(req: Request): FieldError[] {
  for (const segment of req.path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return [{ field: 'path', message: 'is not valid percent-encoded UTF-8' }];
    }
    const checked = checkText(decoded);
    if (!checked.ok) return [{ field: 'path', message: checked.message }];
  }
  return [];
}

/** Express 5 parses `req.query` from the URL on every read; the cleaned copy is pinned on the request. */
function cleanQuery(req: Request): FieldError[] {
  const checked = checkDeep(req.query);
  if (!checked.ok) return asFieldErrors(checked.faults, 'query string');
  Object.defineProperty(req, 'query', {
    value: checked.value,
    writable: true,
    configurable: true,
    enumerable: true,
  });
  return [];
}

function cleanBody(req: Request): FieldError[] {
  if (req.body == null) return [];
  const checked = checkDeep(req.body);
  if (!checked.ok) return asFieldErrors(checked.faults, 'request body');
  req.body = checked.value;
  return [];
}
