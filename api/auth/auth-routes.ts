import { Router } from 'express';
import { bearerToken, login, logout } from './auth';
import { authorize } from '../http/authz-middleware';
import type { ApiDeps } from '../deps';
import { callerOf } from '../http/caller';
import { LoginBody } from './auth-schemas';
import { parse } from '../http/validate';

export function authRouter(deps: ApiDeps): Router {
  const router = Router();
  // Failed sign-ins are limited per username and per address (api/http/rate-limits.ts); a blocked attempt is a 429.
  router.post('/login', authorize('auth.login'), async (req, res) => {
    const { username, password } = parse(LoginBody, req.body);
    res.json(await login(deps.pool, username, password, req.ip));
  });

  router.post('/logout', authorize('auth.logout'), async (req, res) => {
    const token = bearerToken(req.get('authorization'));
    if (token) await logout(deps.pool, token);
    res.status(204).end();
  });

  router.get('/me', authorize('auth.me'), (_req, res) => {
    res.json(callerOf(res).staff);
  });

  return router;
}
