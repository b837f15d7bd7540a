import { Router } from 'express';
import { authorize } from '../http/authz-middleware';
import { renderDocsPage } from './docs-page';
import { openApiDocument } from '../openapi/openapi';

/** The OpenAPI document and its reference page. (Prometheus metrics have a port of their own: api/server.ts.) */
export function opsRouter(): Router {
  const router = Router();
  let page: string | undefined;
  router.get('/api/openapi.json', authorize('ops.openapi'), (_req, res) => {
    res.json(openApiDocument());
  });
  router.get('/api/docs', authorize('ops.docs'), (_req, res) => {
    page ??= renderDocsPage(openApiDocument());
    res.type('html').send(page);
  });
  return router;
}
