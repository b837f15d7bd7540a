import { Router } from 'express';
import type { ApiDeps } from '../deps';

export function referenceRouter(deps: ApiDeps): Router {
  const router = Router();
  router.get('/categories', async (_req, res) => {
    const { rows } = await deps.pool.query(
      `SELECT code, name AS "name", name_en AS "nameEn", place_kinds AS "placeKinds"
         FROM categories WHERE active ORDER BY sort, code`,
    );
    res.json({
      items: rows.map((row: { code: string; name: string; nameEn: string; placeKinds: string[] }) => ({
        code: row.code,
        names: { 'zh-CN': row.name, en: row.nameEn },
        placeKinds: row.placeKinds,
      })),
    });
  });
  return router;
}
