import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { startApiServer } from '../api/server';
import type { Config } from '../config/env';
import { migrate } from '../db/migrate';
import { createPool, type Pool } from '../db/pool';
import type { SlaPolicy } from '../domain/sla-types';
import { logger } from '../lib/logger';
import { createMailer } from '../lib/mailer';
import { startStuckTicketWatch } from '../lib/stuck-tickets';
import { createTicketWorker } from '../worker/create-worker';
import { startOutboxDispatcher } from '../worker/outbox-dispatcher';

/**
 * The application's two processes, wired once from their configuration: `api/main.ts` and
 * `worker/main.ts` run one each, `npm start` runs both in one process next to its dev services.
 */
export interface AppContext {
  config: Readonly<Config>;
  policy: SlaPolicy;
  pool: Pool;
  temporalAddress: string;
}

/** A pool on `url` with every migration applied (under an advisory lock, so replicas may race). */
export async function openDatabase(url: string): Promise<{ pool: Pool; applied: string[] }> {
  const pool = createPool(url);
  try {
    return { pool, applied: await migrate(pool) };
  } catch (err) {
    await pool.end();
    throw err;
  }
}

export interface RunningWorkerProcess {
  worker: Worker;
  /** Settles when the worker stops (SIGINT/SIGTERM, or `stop()`), rejecting if it failed. */
  done: Promise<void>;
  /** Shuts the worker down (it drains), then the outbox dispatcher and the Temporal connection. */
  stop(): Promise<void>;
}

/** The ticket worker and the e-mail outbox dispatcher. */
export async function startWorkerProcess(ctx: AppContext): Promise<RunningWorkerProcess> {
  const { config, policy, pool } = ctx;
  const connection = await NativeConnection.connect({ address: ctx.temporalAddress });
  const worker = await createTicketWorker({ connection, pool, config, policy });
  const done = worker.run();
  const mailer = createMailer(config.SMTP_URL, config.SMTP_FROM);
  const outbox = startOutboxDispatcher({ pool, mailer, log: logger });
  return {
    worker,
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done.catch(() => undefined);
      await outbox.stop();
      mailer?.close();
      await connection.close();
    },
  };
}

export interface RunningApiProcess {
  port: number;
  metricsPort: number | null;
  temporal: Client;
  /** Stops the stuck-ticket watch, finishes requests in flight, closes the Temporal connection. */
  stop(): Promise<void>;
}

/** The HTTP API and pages, their metrics listener, and the stuck-ticket watch. */
export async function startApiProcess(
  ctx: AppContext & { temporalUiUrl?: string },
): Promise<RunningApiProcess> {
  const { pool, policy } = ctx;
  const config = ctx.temporalUiUrl ? { ...ctx.config, TEMPORAL_UI_URL: ctx.temporalUiUrl } : ctx.config;
  const connection = await Connection.connect({ address: ctx.temporalAddress });
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const api = await startApiServer({ pool, temporal, config, policy }, config.HOST, config.PORT, {
    host: config.metricsHost,
    port: config.METRICS_PORT,
  }).catch(async (err: unknown) => {
    await connection.close();
    throw err;
  });
  const watch = startStuckTicketWatch({ pool, temporal, stuckAfterMs: config.stuckAfterMs, log: logger });
  return {
    port: api.port,
    metricsPort: api.metricsPort,
    temporal,
    async stop() {
      await watch.stop();
      await api.close();
      await connection.close();
    },
  };
}
