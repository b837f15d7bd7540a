import { Router } from 'express';
import type { Registry } from 'prom-client';
import { authorize } from './authz-middleware';
import { renderDocsPage } from './docs-page';
import { openApiDocument } from './openapi';

/** The OpenAPI document, its reference page and Prometheus metrics. */
export function opsRouter(registry: Registry): Router {
  const router = Router();
  let page: string | undefined;
  router.get('/api/openapi.json', authorize('ops.openapi'), (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/api/docs', authorize('ops.docs'), (_req, res) => {
    page ??= renderDocsPage(openApiDocument());
    res.type('html').send(page);
  });
  router.get('/metrics', authorize('ops.metrics'), async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
