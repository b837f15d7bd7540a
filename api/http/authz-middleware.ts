import type { RequestHandler, Response } from 'express';
import { decide, rule, type OperationId, type Principal } from '../../domain/authz';
import { callerOf } from './caller';
import { AppError } from './errors';

export function principalOf(res: Response): Principal {
  const { staff, scopes, trackingToken } = callerOf(res);
  return {
    signedIn: staff != null,
    roles: staff?.roles ?? [],
    scopes: scopes ?? null,
    tracking: trackingToken != null,
  };
}

/** Enforces the matrix row of `op`: 401 when credentials are missing, 403 when the role or scope does not allow it. */
export function authorize(op: OperationId): RequestHandler {
  const { method, path } = rule(op);
  return (req, res, next) => {
    res.locals.operation = op;
    const decision = decide(op, principalOf(res));
    if (decision === 'allow') return next();
    if (decision === 'unauthenticated') {
      return next(AppError.unauthorized('Sign in first: send Authorization: Bearer <token>.'));
    }
    next(AppError.forbidden(`Your role or token scope does not allow ${method} ${path}.`));
  };
}
