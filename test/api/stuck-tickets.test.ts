import { spawn } from 'node:child_process';
import path from 'node:path';
import { createMetrics } from '../../api/ops/metrics';
import type { TicketInput } from '../../domain/ticket-types';
import { scanStuckTickets } from '../../lib/stuck-tickets';
import { trackingToken } from '../../lib/tracking-token';
import { ticketWorkflowId } from '../../workflows/ticket-contract';
import { PageClient } from '../pages/page-client';
import { DEMO_PASSWORD, eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';
import { markAttention } from '../../activities/attention';
import { ticketInput } from '../workflows/fixtures';

let desk: TestDesk;

beforeAll(async () => {
  desk = await startTestDesk();
}, 120_000);

afterAll(async () => {
  await desk.close();
});

/**
 * Starts a worker with the opening as it was before the fix, in a process of its own; the returned
 * function kills it as a deploy replaces a worker (a graceful stop would wait on its endless retries).
 */
async function startOldWorker(): Promise<() => Promise<void>> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, '..', 'support', 'old-opening-worker.ts')],
    {
      env: {
        ...process.env,
        DATABASE_URL: desk.db.url,
        TEMPORAL_ADDRESS: desk.env.address,
        TASK_QUEUE: desk.config.ECHODESK_TASK_QUEUE,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('old worker running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`old worker exited ${code}: ${out.slice(-2000)}`)));
  });
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
}

/** A report as the API took it before text was checked at the edge: the intake row, then its workflow. */
async function startRawTicket(number: string, input: TicketInput, ageMinutes: number): Promise<void> {
  await desk.db.pool.query(
    `INSERT INTO ticket_intake (number, request_hash, created_at) VALUES ($1, 'raw', now() - make_interval(mins => $2))`,
    [number, ageMinutes],
  );
  await desk.env.client.workflow.start('ticketWorkflow', {
    workflowId: ticketWorkflowId(number),
    taskQueue: desk.config.ECHODESK_TASK_QUEUE,
    args: [input],
  });
}

const attentionOf = async (number: string) =>
  (
    await desk.db.pool.query<{
      kind: string;
      reason: string;
      cleared: boolean;
      summary: Record<string, unknown>;
    }>(
      `SELECT kind, reason, cleared_at IS NOT NULL AS cleared, summary FROM ticket_attention
        WHERE ticket_number = $1 ORDER BY kind`,
      [number],
    )
  ).rows;

const ticketRow = async (number: string) =>
  (
    await desk.db.pool.query<{ status: string; description: string; requester: { name: string } }>(
      'SELECT status, description, requester FROM tickets WHERE number = $1',
      [number],
    )
  ).rows[0];

test('when a ticket was started with a NUL by the old code, then it is found stuck, shown to people, and heals once the worker is updated', async () => {
  const number = 'R2026-900001';
  await desk.worker.stop();
  const killOldWorker = await startOldWorker();
  await startRawTicket(
    number,
    ticketInput(number, {
      category: { code: 'wifi', name: '无线网络', nameEn: 'Wi-Fi', skill: 'network' },
      description: '无线\u0000连不上\ud800',
      requester: { name: '王\u0000老师', lang: 'zh-CN' },
      priority: 'P3',
      policy: desk.policy,
    }),
    10,
  );
  // The old opening fails on every attempt: no record, while the report is ten minutes old.
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  expect(await ticketRow(number)).toBeUndefined();

  const scan = await scanStuckTickets({
    pool: desk.db.pool,
    temporal: desk.env.client,
    stuckAfterMs: 60_000,
  });
  expect(scan.notOpened).toBe(1);
  const [mark] = await attentionOf(number);
  expect(mark).toMatchObject({ kind: 'not_opened', cleared: false });
  expect(mark.reason).toContain('has not recorded the opening');
  expect(mark.summary).toMatchObject({ category: '无线网络', status: 'submitted' });

  // The requester is told the truth meanwhile: the report is received (the workflow cannot answer a query).
  const tracked = await http<{ status: string; description: string }>(desk, 'GET', `/api/tickets/${number}`, {
    headers: { 'x-tracking-token': trackingToken(desk.config.secret, number) },
  });
  expect(tracked.status).toBe(200);
  expect(tracked.body.status).toBe('submitted');

  const metrics = createMetrics(desk.db.pool);
  const gauge = await metrics.registry.getSingleMetricAsString('echodesk_tickets_needing_attention');
  expect(gauge).toContain('echodesk_tickets_needing_attention{kind="not_opened"} 1');

  const manager = new PageClient(desk);
  await manager.post('/staff/login', '/staff/login', { username: 'manager', password: DEMO_PASSWORD });
  const dashboard = await manager.get('/manage?lang=en');
  expect(dashboard.status).toBe(200);
  expect(dashboard.text).toMatch(/<span class="n">1<\/span><span>Needs attention<\/span>/);
  expect(dashboard.text).toContain(`/manage/tickets/${number}/history`);
  const dispatcher = new PageClient(desk);
  await dispatcher.post('/staff/login', '/staff/login', { username: 'disp1', password: DEMO_PASSWORD });
  const queue = await dispatcher.get('/staff?lang=en');
  expect(queue.text).toContain(`/staff/tickets/${number}`);
  expect(queue.text).toContain('Not opened');

  await killOldWorker();
  desk.worker = await desk.startWorker();
  const healed = await eventually(
    () => ticketRow(number),
    (row) => row != null,
    60_000,
  );
  expect(healed.description).toBe('无线连不上');
  expect(healed.requester.name).toBe('王老师');
  expect(await attentionOf(number)).toEqual([expect.objectContaining({ kind: 'not_opened', cleared: true })]);
  expect(await metrics.registry.getSingleMetricAsString('echodesk_tickets_needing_attention')).toContain(
    'echodesk_tickets_needing_attention{kind="not_opened"} 0',
  );
}, 120_000);

test('when a report has no workflow at all, then the scan marks it as never started, and clears it when the report is gone', async () => {
  const number = 'R2026-900002';
  await desk.db.pool.query(
    `INSERT INTO ticket_intake (number, request_hash, created_at) VALUES ($1, 'raw', now() - interval '5 minutes')`,
    [number],
  );
  await scanStuckTickets({ pool: desk.db.pool, temporal: desk.env.client, stuckAfterMs: 60_000 });
  expect(await attentionOf(number)).toEqual([
    expect.objectContaining({
      kind: 'not_opened',
      cleared: false,
      reason: expect.stringContaining('never started') as unknown,
    }),
  ]);
  await desk.db.pool.query('DELETE FROM ticket_intake WHERE number = $1', [number]);
  await scanStuckTickets({ pool: desk.db.pool, temporal: desk.env.client, stuckAfterMs: 60_000 });
  expect(await attentionOf(number)).toEqual([expect.objectContaining({ kind: 'not_opened', cleared: true })]);
});

test('when a ticket workflow keeps failing its tasks, then the scan marks it within minutes', async () => {
  const number = 'R2026-900003';
  // No policy: the workflow cannot even open, every workflow task fails (as a code bug would).
  const broken = { ...ticketInput(number), policy: undefined } as unknown as TicketInput;
  const started = Date.now();
  await startRawTicket(number, broken, 0);
  await eventually(
    () => scanStuckTickets({ pool: desk.db.pool, temporal: desk.env.client, stuckAfterMs: 60_000 }),
    (scan) => scan.taskFailing >= 1,
    240_000,
  );
  const elapsedS = Math.round((Date.now() - started) / 1000);
  expect(elapsedS).toBeLessThan(300);
  const marks = await attentionOf(number);
  expect(marks).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        kind: 'task_failing',
        cleared: false,
        reason: expect.stringContaining('WorkflowTaskFailed') as unknown,
      }),
    ]),
  );
  await desk.env.client.workflow.getHandle(ticketWorkflowId(number)).terminate('test over');
  await eventually(
    async () => {
      await scanStuckTickets({ pool: desk.db.pool, temporal: desk.env.client, stuckAfterMs: 60_000 });
      return attentionOf(number);
    },
    (rows) => rows.some((row) => row.kind === 'task_failing' && row.cleared),
    30_000,
  );
}, 300_000);

test('when a ticket is marked, then staff see the mark on the ticket (API and page) and the requester does not', async () => {
  const receipt = await http<{ number: string; trackingToken: string }>(desk, 'POST', '/api/tickets', {
    body: {
      locationCode: 'IH-2-301',
      category: 'network',
      description: '网口没有信号',
      requester: { name: '赵老师' },
    },
  });
  expect(receipt.status).toBe(201);
  const { number, trackingToken } = receipt.body;
  await eventually(
    () => ticketRow(number),
    (row) => row?.status === 'assigned',
  );
  await markAttention(desk.db.pool, number, 'failed', 'recordTicket: value out of range', {});
  const token = await loginAs(desk, 'disp1');
  const staffView = await http<{ attention: { kind: string; reason: string }[] }>(
    desk,
    'GET',
    `/api/tickets/${number}`,
    {
      token,
    },
  );
  expect(staffView.body.attention).toEqual([
    expect.objectContaining({ kind: 'failed', reason: 'recordTicket: value out of range' }),
  ]);
  const requesterView = await http(desk, 'GET', `/api/tickets/${number}`, {
    headers: { 'x-tracking-token': trackingToken },
  });
  expect(requesterView.status).toBe(200);
  expect(requesterView.body).not.toHaveProperty('attention');
  const dispatcher = new PageClient(desk);
  await dispatcher.post('/staff/login', '/staff/login', { username: 'disp1', password: DEMO_PASSWORD });
  const page = await dispatcher.get(`/staff/tickets/${number}?lang=en`);
  expect(page.text).toContain('Needs attention:</strong> Step failed · recordTicket: value out of range');
});
