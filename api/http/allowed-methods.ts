import type { RequestHandler } from 'express';
import { AUTHZ_MATRIX, OPERATION_IDS, type OperationRule } from '../../domain/authz';
import { AppError } from './errors';

/** The order methods are listed in an `Allow` header. */
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

interface Resource {
  pattern: RegExp;
  methods: Set<string>;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** An Express-style path (`/api/tickets/:id`) as a regular expression matching it the way Express routes do (any case, optional trailing slash). */
const pathPattern = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split('/')
      .map((segment) => (segment.startsWith(':') ? '[^/]+' : escapeRegExp(segment)))
      .join('/')}/?$`,
    'i',
  );

/** Every path of the matrix with the methods it answers: the matrix's own, HEAD wherever GET is, and OPTIONS. */
const RESOURCES: Resource[] = (() => {
  const byPath = new Map<string, Set<string>>();
  for (const op of OPERATION_IDS) {
    const { method, path }: OperationRule = AUTHZ_MATRIX[op];
    const methods = byPath.get(path) ?? new Set<string>(['OPTIONS']);
    methods.add(method);
    if (method === 'GET') methods.add('HEAD');
    byPath.set(path, methods);
  }
  return [...byPath].map(([path, methods]) => ({ pattern: pathPattern(path), methods }));
})();

/** The methods a request path answers (for `Allow`), or null when no operation of the matrix has this path. */
export function allowedMethods(requestPath: string): string[] | null {
  const methods = new Set<string>();
  for (const resource of RESOURCES) {
    if (resource.pattern.test(requestPath)) for (const m of resource.methods) methods.add(m);
  }
  if (methods.size === 0) return null;
  return METHOD_ORDER.filter((m) => methods.has(m));
}

/**
 * Method dispatch for the paths of the matrix (domain/authz.ts), before credentials are looked at:
 * OPTIONS answers 204 with `Allow`, a method the path does not have answers 405 with `Allow` as
 * application/problem+json. Paths outside the matrix (pages, unknown) pass through untouched.
 */
export const methodDispatch: RequestHandler = (req, res, next) => {
  const allowed = allowedMethods(req.path);
  if (!allowed || (allowed.includes(req.method) && req.method !== 'OPTIONS')) return next();
  res.set('Allow', allowed.join(', '));
  if (req.method === 'OPTIONS') {
    res.status(204).end();
    return;
  }
  next(
    new AppError(
      405,
      'Method Not Allowed',
      `${req.method} is not a method of ${req.path}; it answers ${allowed.join(', ')}.`,
    ),
  );
};
