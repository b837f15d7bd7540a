import { Router } from 'express';
import { listCategories } from '../../db/repositories/categories';
import type { ApiDeps } from '../deps';

export function referenceRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/categories', async (_req, res) => {
    const rows = await listCategories(deps.pool);
    res.json({
      items: rows.map((row) => ({
        code: row.code,
        names: { 'zh-CN': row.name, en: row.nameEn },
        placeKinds: row.placeKinds,
      })),
    });
  });
  return router;
}
