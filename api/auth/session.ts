import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../../config/env';
import type { StaffActor } from '../../domain/ticket-types';
import { setCaller } from '../http/caller';
import { login, logout, staffForToken } from './auth';

/** The staff console's session cookie: the opaque auth token of api/auth/auth.ts, signed with the desk's secret. */
export const SESSION_COOKIE = 'echodesk_session';
const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;

export function sessionCookieOptions(config: Pick<Config, 'publicUrl'>): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    signed: true,
    secure: config.publicUrl.startsWith('https:'),
    path: '/',
    maxAge: SESSION_MAX_AGE_MS,
  };
}

const sessionToken = (req: Request): string | null => {
  const signed = req.signedCookies as Record<string, unknown> | undefined;
  const value = signed?.[SESSION_COOKIE];
  return typeof value === 'string' && /^[A-Za-z0-9_-]{20,200}$/.test(value) ? value : null;
};

/**
 * The pages' `authenticate`: records the caller (`callerOf`, api/http/caller.ts) with the account of a valid
 * session cookie; an invalid or expired one is cleared. Needs cookie-parser with the secret.
 */
export function loadSession(pool: Pool, config: Pick<Config, 'publicUrl'>): RequestHandler {
  return async (req, res, next) => {
    const token = sessionToken(req);
    const staff = token ? await staffForToken(pool, token) : null;
    setCaller(req, res, staff ? { staff } : {});
    if (token && !staff)
      res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(config), maxAge: undefined });
    next();
  };
}

/** Checks the password (api/auth/auth.ts, with its limits) and sets the session cookie; throws the same 401 or 429 as the API. */
export async function startSession(
  req: Request,
  res: Response,
  pool: Pool,
  config: Pick<Config, 'publicUrl'>,
  username: string,
  password: string,
): Promise<Omit<StaffActor, 'kind'>> {
  const { token, user } = await login(pool, username, password, req.ip);
  res.cookie(SESSION_COOKIE, token, sessionCookieOptions(config));
  return user;
}

/** Revokes the session's token and clears the cookie. */
export async function endSession(
  req: Request,
  res: Response,
  pool: Pool,
  config: Pick<Config, 'publicUrl'>,
): Promise<void> {
  const token = sessionToken(req);
  if (token) await logout(pool, token);
  res.clearCookie(SESSION_COOKIE, { ...sessionCookieOptions(config), maxAge: undefined });
}
