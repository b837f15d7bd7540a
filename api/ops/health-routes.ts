import { Router } from 'express';
import type { ApiDeps } from '../deps';

async function check(name: string, probe: () => Promise<unknown>): Promise<[string, string]> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000)),
    ]);
    return [name, 'ok'];
  } catch {
    return [name, 'unreachable'];
  }
}

export function healthRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = Object.fromEntries(
      await Promise.all([
        check('postgres', () => deps.pool.query('SELECT 1')),
        check('temporal', () => deps.temporal.workflowService.getSystemInfo({})),
      ]),
    );
    const ready = Object.values(checks).every((status) => status === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
  return router;
}
