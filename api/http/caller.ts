import type { Request, Response } from 'express';
import type { Scope } from '../../domain/authz';
import type { StaffActor } from '../../domain/ticket-types';

/**
 * Who is calling, as every handler sees it: a signed-in account (a person's sign-in, or an integration
 * token with its scopes), and the tracking token a requester sent, either, both or neither.
 */
export interface Caller {
  /** The signed-in account (staff or requester account), if any. */
  staff?: StaffActor;
  /** Scopes of an integration token; absent for a person's sign-in. */
  scopes?: Scope[];
  /** The ticket's tracking token a requester sent (`X-Tracking-Token`, or `?token=` for links). */
  trackingToken?: string;
}

/**
 * The tracking token a requester sent, by header or (for links) query string. Empty is absent: an
 * empty header falls back to the query string, and an empty `?token=` is no token (401, not 403).
 */
export function trackingTokenOf(req: Request): string | undefined {
  const header = req.get('x-tracking-token');
  if (header) return header;
  return typeof req.query.token === 'string' && req.query.token !== '' ? req.query.token : undefined;
}

/** Records the caller for every later handler: `authenticate` (api/auth/auth.ts) calls it once per request. */
export function setCaller(req: Request, res: Response, account: Omit<Caller, 'trackingToken'>): void {
  const trackingToken = trackingTokenOf(req);
  const caller: Caller = { ...account, ...(trackingToken ? { trackingToken } : {}) };
  res.locals.caller = caller;
}

/** Who is calling (anonymous before `authenticate` ran). */
export const callerOf = (res: Response): Caller => (res.locals.caller as Caller | undefined) ?? {};
