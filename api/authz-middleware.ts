import type { Request, RequestHandler, Response } from 'express';
import { decide, rule, type OperationId, type Principal, type Scope } from '../domain/authz';
import type { StaffActor } from '../domain/ticket-types';
import { AppError } from './errors';

/** The tracking token a requester sent, by header or (for links) query string. */
export function trackingTokenOf(req: Request): string | undefined {
  const header = req.get('x-tracking-token');
  if (header) return header;
  return typeof req.query.token === 'string' && req.query.token !== '' ? req.query.token : undefined;
}

/** The signed-in account `authenticate` found, if any. */
export const accountOf = (res: Response): StaffActor | undefined =>
  res.locals.staff as StaffActor | undefined;

/** Scopes of an integration token; undefined for a person's sign-in. */
export const scopesOf = (res: Response): Scope[] | undefined => res.locals.scopes as Scope[] | undefined;

export function principalOf(req: Request, res: Response): Principal {
  const account = accountOf(res);
  return {
    signedIn: account != null,
    roles: account?.roles ?? [],
    scopes: scopesOf(res) ?? null,
    tracking: trackingTokenOf(req) != null,
  };
}

/** Enforces the matrix row of `op`: 401 when credentials are missing, 403 when the role or scope does not allow it. */
export function authorize(op: OperationId): RequestHandler {
  const { method, path } = rule(op);
  return (req, res, next) => {
    res.locals.operation = op;
    const decision = decide(op, principalOf(req, res));
    if (decision === 'allow') return next();
    if (decision === 'unauthenticated') {
      return next(AppError.unauthorized('Sign in first: send Authorization: Bearer <token>.'));
    }
    next(AppError.forbidden(`Your role or token scope does not allow ${method} ${path}.`));
  };
}
