import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Config } from '../../config/env';
import { AppError } from './errors';

/** Name of the hidden form field every page form carries. */
export const CSRF_FIELD = '_csrf';
const CSRF_COOKIE = 'echodesk_csrf';

const formToken = (secret: string, id: string): string =>
  createHmac('sha256', secret).update(`csrf:${id}`).digest('base64url');

/**
 * Gives each browser a random id in a signed, httpOnly cookie and puts the form token for it in
 * `res.locals.csrfToken`: an HMAC of the id, so a page from another site can neither read nor forge it.
 */
export function provideCsrfToken(config: Pick<Config, 'secret' | 'publicUrl'>): RequestHandler {
  return (req, res, next) => {
    const signed = req.signedCookies as Record<string, unknown> | undefined;
    let id = signed?.[CSRF_COOKIE];
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      id = randomBytes(18).toString('base64url');
      res.cookie(CSRF_COOKIE, id, {
        httpOnly: true,
        sameSite: 'lax',
        signed: true,
        secure: config.publicUrl.startsWith('https:'),
        path: '/',
      });
    }
    res.locals.csrfId = id;
    res.locals.csrfToken = formToken(config.secret, id as string);
    next();
  };
}

/** Refuses a form post whose `_csrf` field does not match this browser's cookie (run after the body is parsed). */
export function verifyCsrf(config: Pick<Config, 'secret'>): RequestHandler {
  return (req, res, next) => {
    const body = req.body as Record<string, unknown> | undefined;
    const given = Buffer.from(typeof body?.[CSRF_FIELD] === 'string' ? body[CSRF_FIELD] : '');
    const id = res.locals.csrfId as string | undefined;
    const expected = Buffer.from(id ? formToken(config.secret, id) : '');
    const ok = id != null && given.length === expected.length && timingSafeEqual(given, expected);
    next(
      ok
        ? undefined
        : AppError.forbidden(
            'The form has expired or did not come from this site; reload the page and try again.',
          ),
    );
  };
}
