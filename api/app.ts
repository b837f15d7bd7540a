import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { logger } from '../lib/logger';
import { adminRouter } from './admin/admin-routes';
import { methodDispatch } from './http/allowed-methods';
import { authenticate } from './auth/auth';
import { authRouter } from './auth/auth-routes';
import type { ApiDeps } from './deps';
import { notFoundHandler, problemHandler } from './http/errors';
import { healthRouter } from './ops/health-routes';
import { jsonBody } from './http/json-body';
import { locationsRouter } from './locations/locations-routes';
import { createMetrics, type ApiMetrics } from './ops/metrics';
import { opsRouter } from './ops/ops-routes';
import { pagesRouter } from './pages';
import { referenceRouter } from './reference/reference-routes';
import { reportsRouter } from './reports/reports-routes';
import { textGuard } from './http/text-guard';
import { ticketsQueryRouter } from './tickets/tickets-query-routes';
import { ticketsRouter } from './tickets/tickets-routes';

/**
 * The Express app: JSON API and pages over the given dependencies; it opens no connections of its own.
 * `metrics` collects what the app serves; its registry is served elsewhere (api/server.ts), not here.
 */
export function createApp(deps: ApiDeps, metrics: ApiMetrics = createMetrics(deps.pool)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.ECHODESK_TRUST_PROXY);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = req.headers['x-request-id'];
        const requestId = typeof id === 'string' && /^[\w-]{1,64}$/.test(id) ? id : randomUUID();
        res.setHeader('x-request-id', requestId);
        return requestId;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // Paths only: query strings carry tracking tokens, and headers carry credentials.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(metrics.middleware);
  app.use(methodDispatch);
  app.use(healthRouter(deps));
  app.use(opsRouter());
  app.use('/api', jsonBody('64kb'), textGuard, authenticate(deps.pool));
  app.use('/api/auth', authRouter(deps));
  app.use('/api/tickets', ticketsQueryRouter(deps));
  app.use('/api/tickets', ticketsRouter(deps));
  app.use('/api/reports', reportsRouter(deps));
  app.use('/api/admin', adminRouter(deps));
  app.use('/api/locations', locationsRouter(deps));
  app.use('/api', referenceRouter(deps));
  app.use(pagesRouter(deps));
  app.use(notFoundHandler);
  app.use(problemHandler);
  return app;
}
