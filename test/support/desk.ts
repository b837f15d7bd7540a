import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { startApiServer, type RunningApi } from '../../api/server';
import { loadConfig, type Config } from '../../config/env';
import { seedDemoData } from '../../db/seed';
import { parseSlaPolicy } from '../../domain/sla-policy';
import type { SlaPolicy } from '../../domain/sla-types';
import { createTicketWorker } from '../../worker/create-worker';
import { createTestDatabase, type TestDatabase } from './db';
import { createDevServerEnv } from './temporal';
import { workflowBundle } from './workflow-bundle';

export const DEMO_PASSWORD = 'demo-password';

/** A policy with limits of seconds, so real-clock tests can watch a deadline pass. */
export const fastPolicy: SlaPolicy = parseSlaPolicy({
  calendar: { timezone: 'Asia/Shanghai', workdays: [1, 2, 3, 4, 5], hours: ['08:00', '18:00'], holidays: [] },
  priorities: {
    P1: { respond: '3s', resolve: '1h', clock: '24x7' },
    P3: { respond: '1h', resolve: '3d', clock: '24x7' },
  },
  defaultPriority: 'P3',
  escalation: {
    respond: [{ after: '0s', notify: ['team_lead', 'dispatcher'] }],
    resolve: [{ after: '0s', notify: ['owner', 'team_lead'] }],
  },
  survey: { remindAfter: '1d', expireAfter: '3d' },
});

export { workflowBundle };

export interface TestDesk {
  db: TestDatabase;
  env: TestWorkflowEnvironment;
  config: Readonly<Config>;
  policy: SlaPolicy;
  api: RunningApi;
  baseUrl: string;
  /** The Prometheus endpoint, on its own port. */
  metricsUrl: string;
  startWorker(): Promise<RunningWorker>;
  worker: RunningWorker;
  close(): Promise<void>;
}

export interface RunningWorker {
  worker: Worker;
  stop(): Promise<void>;
}

/** The whole desk in-process: its own database (seeded), a real Temporal dev server, a worker and the API on a free port. */
export async function startTestDesk(
  options: {
    policy?: SlaPolicy;
    /** A Temporal frontend the test runs itself (e.g. to restart it); default: a dev server of its own. */
    temporalAddress?: string;
  } = {},
): Promise<TestDesk> {
  const policy = options.policy ?? fastPolicy;
  const [db, env, workflows] = await Promise.all([
    createTestDatabase(),
    options.temporalAddress
      ? TestWorkflowEnvironment.createFromExistingServer({ address: options.temporalAddress })
      : createDevServerEnv(),
    workflowBundle(),
  ]);
  await seedDemoData(db.pool, { password: DEMO_PASSWORD, nodeEnv: 'test' });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    ECHODESK_SECRET: 'test-secret',
    PORT: '0',
  });
  const startWorker = async (): Promise<RunningWorker> => {
    const worker = await createTicketWorker({
      connection: env.nativeConnection,
      pool: db.pool,
      config,
      policy,
      workflowBundle: workflows,
    });
    const running = worker.run();
    return {
      worker,
      stop: async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
      },
    };
  };
  const worker = await startWorker();
  const api = await startApiServer({ pool: db.pool, temporal: env.client, config, policy }, '127.0.0.1', 0, {
    host: '127.0.0.1',
    port: 0,
  });
  const desk: TestDesk = {
    db,
    env,
    config,
    policy,
    api,
    baseUrl: `http://127.0.0.1:${api.port}`,
    metricsUrl: `http://127.0.0.1:${api.metricsPort}/metrics`,
    startWorker,
    worker,
    close: async () => {
      await api.close();
      await desk.worker.stop();
      await env.teardown();
      await db.drop();
    },
  };
  return desk;
}

export interface HttpResult<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** JSON over HTTP against the desk; never throws on a status, and reads a body that is not JSON as `{}`. */
export async function http<T = Record<string, unknown>>(
  desk: TestDesk,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const res = await fetch(`${desk.baseUrl}${path}`, {
    method,
    headers,
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  // Any answer is read: a QR code is a PNG; only a JSON body is parsed.
  const json = text !== '' && /json/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, headers: res.headers, body: (json ? JSON.parse(text) : {}) as T };
}

export async function loginAs(desk: TestDesk, username: string): Promise<string> {
  const res = await http<{ token: string }>(desk, 'POST', '/api/auth/login', {
    body: { username, password: DEMO_PASSWORD },
  });
  if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status}`);
  return res.body.token;
}

/** Polls until `predicate` holds, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (predicate(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A ticket submitted over the API at IH-2-301 (network), then held and accepted by `username` (moved there by an admin if dispatch chose someone else). */
export async function ticketAcceptedBy(
  desk: TestDesk,
  username: string,
  description: string,
  requester = '赵老师',
): Promise<string> {
  const admin = await loginAs(desk, 'admin');
  const submitted = await http<{ number: string }>(desk, 'POST', '/api/tickets', {
    body: { locationCode: 'IH-2-301', category: 'network', description, requester: { name: requester } },
  });
  if (submitted.status !== 201) throw new Error(`submit failed: ${submitted.status}`);
  const { number } = submitted.body;
  const assigned = await eventually(
    () =>
      http<{ status: string; assignee: { username: string } | null }>(desk, 'GET', `/api/tickets/${number}`, {
        token: admin,
      }),
    (r) => r.body.status === 'assigned',
  );
  if (assigned.body.assignee?.username !== username) {
    const moved = await http(desk, 'POST', `/api/tickets/${number}/transfer`, {
      token: admin,
      body: { to: username, reason: '指定处理人' },
    });
    if (moved.status !== 200) throw new Error(`transfer to ${username} failed: ${moved.status}`);
  }
  const token = await loginAs(desk, username);
  const accepted = await http(desk, 'POST', `/api/tickets/${number}/accept`, { token, body: {} });
  if (accepted.status !== 200) throw new Error(`accept by ${username} failed: ${accepted.status}`);
  return number;
}
