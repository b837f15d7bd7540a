import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createActivities } from '../activities';
import type { Config } from '../config/env';
import type { SlaPolicy } from '../domain/sla-types';
import { createNotificationRenderer } from '../lib/notification-renderer';
import { trackingUrl } from '../lib/tracking-token';

export interface TicketWorkerOptions {
  connection: NativeConnection;
  pool: Pool;
  config: Pick<Config, 'TEMPORAL_NAMESPACE' | 'ECHODESK_TASK_QUEUE' | 'publicUrl' | 'secret'> &
    Partial<Pick<Config, 'stuckAfterMs'>>;
  policy: SlaPolicy;
  /** A prebuilt bundle (tests bundle once per file); otherwise the workflows are bundled from sources. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  tuning?: Partial<
    Pick<
      WorkerOptions,
      'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions' | 'maxConcurrentWorkflowTaskExecutions'
    >
  >;
}

/** The ticket worker: the one place where the pool, renderer and Temporal connection meet. */
export async function createTicketWorker(options: TicketWorkerOptions): Promise<Worker> {
  const { config, policy, pool } = options;
  const render = createNotificationRenderer({ timezone: policy.calendar.timezone });
  const base = config.publicUrl.replace(/\/$/, '');
  const activities = createActivities({
    pool,
    render,
    stuckAfterMs: config.stuckAfterMs,
    links: {
      tracking: (number) => trackingUrl(base, config.secret, number),
      staff: (number) => `${base}/staff/tickets/${encodeURIComponent(number)}`,
    },
  });
  return Worker.create({
    connection: options.connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.ECHODESK_TASK_QUEUE,
    activities,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    ...options.tuning,
  });
}
