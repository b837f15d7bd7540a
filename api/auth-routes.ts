import { Router } from 'express';
import rateLimit from 'express-rate-limit';
import { bearerToken, login, logout } from './auth';
import { authorize } from './authz-middleware';
import type { ApiDeps } from './deps';
import { LoginBody } from './schemas';
import { parse } from './validate';

export function authRouter(deps: ApiDeps): Router {
  const router = Router();
  // Failed logins are limited per client address; successful ones do not count against the limit.
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000,
    limit: 20,
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
  });

  router.post('/login', loginLimit, authorize('auth.login'), async (req, res) => {
    const { username, password } = parse(LoginBody, req.body);
    res.json(await login(deps.pool, username, password));
  });

  router.post('/logout', authorize('auth.logout'), async (req, res) => {
    const token = bearerToken(req.get('authorization'));
    if (token) await logout(deps.pool, token);
    res.status(204).end();
  });

  router.get('/me', authorize('auth.me'), (_req, res) => {
    res.json(res.locals.staff);
  });

  return router;
}
