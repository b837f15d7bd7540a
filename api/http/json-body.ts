import express, { type RequestHandler } from 'express';
import { AppError } from './errors';

const JSON_TYPES = ['application/json', 'application/*+json'];

/** A body is present when it is chunked or has a length above zero; `Content-Length: 0` is no body. */
const hasBody = (headers: Record<string, string | string[] | undefined>): boolean =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

/** Refuses a request body that is not JSON with 415; a request without a body (an action like accept) passes. */
const requireJson: RequestHandler = (req, _res, next) => {
  if (!hasBody(req.headers) || req.is(JSON_TYPES)) return next();
  const sent = req.get('content-type');
  next(
    AppError.unsupportedMediaType(
      `The request body must be JSON: send Content-Type: application/json${sent ? ` (got ${sent.split(';')[0].slice(0, 100)})` : ''}.`,
    ),
  );
};

/** The JSON API's body handling: 415 for other media types, then JSON of at most `limit`. */
export function jsonBody(limit: string): RequestHandler[] {
  return [requireJson, express.json({ limit, type: JSON_TYPES })];
}
