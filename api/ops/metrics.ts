import express, { type Express, type RequestHandler } from 'express';
import type { Pool } from 'pg';
import { ATTENTION_KINDS } from '../../domain/attention';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  /** Counts and times every request by route (the matrix operation id where there is one) and status. */
  middleware: RequestHandler;
}

/** Prometheus metrics of one app: its own registry, so several apps in one process (tests) do not collide. */
export function createMetrics(pool: Pool): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'echodesk_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'echodesk_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'echodesk_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'echodesk_tickets',
    help: 'Tickets in the read model by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const { rows } = await pool.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM tickets GROUP BY status',
      );
      for (const row of rows) this.set({ status: row.status }, row.n);
    },
  });
  new Gauge({
    name: 'echodesk_tickets_needing_attention',
    help: 'Tickets marked as needing attention (cannot make progress by themselves), by kind',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const kind of ATTENTION_KINDS) this.set({ kind }, 0);
      const { rows } = await pool.query<{ kind: string; n: number }>(
        'SELECT kind, count(*)::int AS n FROM ticket_attention WHERE cleared_at IS NULL GROUP BY kind',
      );
      for (const row of rows) this.set({ kind: row.kind }, row.n);
    },
  });
  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const operation = res.locals.operation as string | undefined;
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const labels = {
        method: req.method,
        route: operation ?? (typeof route === 'string' ? `${req.baseUrl}${route}` : 'unmatched'),
        status: String(res.statusCode),
      };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
  return { registry, middleware };
}

/** The scrape endpoint alone: `GET /metrics`, and 404 for everything else. */
export function metricsApp(registry: Registry): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not found: this port serves GET /metrics only.\n');
  });
  return app;
}
