import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pickPort } from '../../devstack/ports';
import { verifyReadModel, type Difference } from '../../scripts/lib/verify-read-model';
import { waitForHttp, waitForMessage } from '../lib/proc';
import { bundleWorkflowsToFile, DEMO_PASSWORD, startBenchStack, TEMPORAL_SQLITE_PRAGMAS } from '../lib/stack';
import { mapLimit, sleep } from '../lib/stats';
import { driveTicket, loginAll, SCENARIOS, type TicketOutcome } from './driver';
import { Supervised } from './supervisor';

/** A policy of seconds: P1 tickets miss their response limit while the chaos runs, surveys expire in half a minute. */
export const CHAOS_POLICY = {
  calendar: { timezone: 'Asia/Shanghai', workdays: [1, 2, 3, 4, 5], hours: ['08:00', '18:00'], holidays: [] },
  priorities: {
    P1: { respond: '4s', resolve: '1h', clock: '24x7' },
    P3: { respond: '1h', resolve: '3d', clock: '24x7' },
  },
  defaultPriority: 'P3',
  escalation: {
    respond: [
      { after: '0s', notify: ['team_lead', 'dispatcher'], reassign: true },
      { after: '4s', notify: ['manager'] },
    ],
    resolve: [{ after: '0s', notify: ['owner', 'team_lead'] }],
  },
  survey: { remindAfter: '10s', expireAfter: '25s' },
};

export interface ChaosOptions {
  tickets: number;
  /** Tickets driven at once. */
  concurrency: number;
  workerKills: number;
  apiRestarts: number;
  temporalRestarts: number;
  /** Seconds between faults, drawn uniformly from this range. */
  faultEverySeconds: [number, number];
  /** The whole run gives up after this long. */
  timeLimitMs: number;
  /** A database to use instead of an embedded PostgreSQL (the test suite passes its own). */
  databaseUrl?: string;
  log: (line: string) => void;
}

export interface ChaosReport {
  tickets: number;
  byStatus: Record<string, number>;
  byScenario: Record<string, number>;
  faults: { workerKills: number; apiRestarts: number; temporalRestarts: number; crashes: number };
  intakeRows: number;
  ticketRows: number;
  workflows: number;
  running: number;
  escalations: number;
  differences: Difference[];
  problems: string[];
  seconds: number;
  retries: number;
}

/** Drives tickets through their lifecycles over HTTP while killing the worker, the API and Temporal; then checks every ticket. */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const { log } = opts;
  const stack = await startBenchStack({
    sqlitePragmas: TEMPORAL_SQLITE_PRAGMAS,
    databaseUrl: opts.databaseUrl,
    log,
  });
  const supervised: Supervised[] = [];
  try {
    const policyPath = path.join(stack.dataDir, 'chaos-policy.json');
    await writeFile(policyPath, JSON.stringify(CHAOS_POLICY));
    const bundle = await bundleWorkflowsToFile(stack.dataDir);
    const port = await pickPort(0);
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      ECHODESK_SLA_POLICY: policyPath,
      ECHODESK_SECRET: 'chaos-secret',
      PORT: String(port),
      METRICS_PORT: '0',
      LOG_LEVEL: 'error',
      NODE_ENV: 'development' as const,
    };
    const lib = path.join(__dirname, '..', 'lib');
    const worker = new Supervised(
      'worker',
      path.join(lib, 'worker-main.ts'),
      { ...env, BENCH_WORKFLOW_BUNDLE: bundle },
      (child) => waitForMessage(child, 'ready'),
      log,
    );
    const api = new Supervised(
      'api',
      path.join(__dirname, '..', '..', 'api', 'main.ts'),
      env,
      () => waitForHttp(`${baseUrl}/healthz`),
      log,
    );
    supervised.push(worker, api);
    await Promise.all([worker.start(), api.start()]);
    const tokens = await loginAll(baseUrl, DEMO_PASSWORD);

    const runId = `chaos-${started}`;
    const deadlineMs = started + opts.timeLimitMs;
    const scenarios = Array.from({ length: opts.tickets }, (_, i) => SCENARIOS[i % SCENARIOS.length]);
    let driving = true;
    const faults = { workerKills: 0, apiRestarts: 0, temporalRestarts: 0, crashes: 0 };
    const monkey = (async () => {
      const plan = [
        ...Array<string>(opts.workerKills).fill('worker'),
        ...Array<string>(opts.apiRestarts).fill('api'),
        ...Array<string>(opts.temporalRestarts).fill('temporal'),
      ].sort(() => Math.random() - 0.5);
      for (const fault of plan) {
        const [lo, hi] = opts.faultEverySeconds;
        await sleep((lo + Math.random() * (hi - lo)) * 1000);
        if (!driving) break;
        if (fault === 'worker') {
          log('fault: SIGKILL worker');
          await worker.restart('SIGKILL', Math.random() * 3000);
          faults.workerKills += 1;
        } else if (fault === 'api') {
          const signal = faults.apiRestarts % 2 === 0 ? 'SIGKILL' : 'SIGTERM';
          log(`fault: ${signal} api`);
          await api.restart(signal, 500);
          faults.apiRestarts += 1;
        } else {
          log('fault: SIGKILL Temporal dev server');
          await stack.killAndRestartTemporal();
          faults.temporalRestarts += 1;
        }
      }
    })();
    const outcomes = await mapLimit(scenarios, opts.concurrency, (scenario, i) =>
      driveTicket({ baseUrl, tokens, runId, deadlineMs }, i, scenario),
    );
    driving = false;
    await monkey;
    faults.crashes = worker.crashes + api.crashes;

    const running = await waitForWorkflowsToEnd(
      stack.client,
      Math.min(deadlineMs + 60_000, Date.now() + 90_000),
    );
    const report = await check(stack, outcomes, running);
    return {
      ...report,
      faults,
      seconds: (Date.now() - started) / 1000,
      retries: outcomes.reduce((n, o) => n + o.retries, 0),
    };
  } finally {
    for (const s of supervised) await s.stop();
    await stack.stop();
  }
}

async function countWorkflows(
  client: Awaited<ReturnType<typeof startBenchStack>>['client'],
  query: string,
): Promise<number> {
  const { count } = await client.workflow.count(query);
  return count;
}

async function waitForWorkflowsToEnd(
  client: Awaited<ReturnType<typeof startBenchStack>>['client'],
  byMs: number,
): Promise<number> {
  for (;;) {
    const running = await countWorkflows(
      client,
      "WorkflowType = 'ticketWorkflow' AND ExecutionStatus = 'Running'",
    );
    if (running === 0 || Date.now() > byMs) return running;
    await sleep(1000);
  }
}

async function check(
  stack: Awaited<ReturnType<typeof startBenchStack>>,
  outcomes: TicketOutcome[],
  running: number,
) {
  const problems: string[] = [];
  const count = async (sql: string) => (await stack.pool.query<{ n: number }>(sql)).rows[0].n;
  const intakeRows = await count('SELECT count(*)::int AS n FROM ticket_intake');
  const ticketRows = await count('SELECT count(*)::int AS n FROM tickets');
  const escalations = await count("SELECT count(*)::int AS n FROM ticket_events WHERE type = 'escalated'");
  const workflows = await countWorkflows(stack.client, "WorkflowType = 'ticketWorkflow'");
  const n = outcomes.length;
  const numbers = new Set(outcomes.map((o) => o.number));
  if (intakeRows !== n) problems.push(`${intakeRows} intake rows for ${n} submissions (lost or duplicated)`);
  if (ticketRows !== n) problems.push(`${ticketRows} ticket rows for ${n} submissions`);
  if (workflows !== n) problems.push(`${workflows} ticket workflows for ${n} submissions`);
  if (numbers.size !== n) problems.push(`${numbers.size} distinct numbers for ${n} submissions`);
  if (running > 0) problems.push(`${running} workflows still running`);
  const { rows } = await stack.pool.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM tickets GROUP BY status',
  );
  const byStatus = Object.fromEntries(rows.map((r) => [r.status, r.n]));
  for (const [status, k] of Object.entries(byStatus))
    if (status !== 'closed' && status !== 'cancelled') problems.push(`${k} tickets ${status}`);
  for (const o of outcomes) {
    if (o.error) problems.push(`ticket #${o.index} (${o.scenario}, ${o.number ?? 'no number'}): ${o.error}`);
    else if ((o.scenario === 'cancel') !== (o.status === 'cancelled'))
      problems.push(`ticket #${o.index} (${o.scenario}) ended ${o.status}`);
  }
  const verified = await verifyReadModel({ pool: stack.pool, client: stack.client });
  if (verified.inFlight.length > 0)
    problems.push(`${verified.inFlight.length} tickets with a read-model write still in flight`);
  const byScenario: Record<string, number> = {};
  for (const o of outcomes) byScenario[o.scenario] = (byScenario[o.scenario] ?? 0) + 1;
  return {
    tickets: n,
    byStatus,
    byScenario,
    intakeRows,
    ticketRows,
    workflows,
    running,
    escalations,
    differences: verified.differences,
    problems,
  };
}

/** The report as lines for a terminal. */
export function formatChaosReport(r: ChaosReport): string {
  return [
    '',
    `chaos: ${r.tickets} tickets in ${r.seconds.toFixed(0)} s; faults: ${r.faults.workerKills} worker SIGKILLs, ${r.faults.apiRestarts} API restarts, ${r.faults.temporalRestarts} Temporal kills, ${r.faults.crashes} unplanned exits`,
    `  scenarios    ${JSON.stringify(r.byScenario)}`,
    `  final status ${JSON.stringify(r.byStatus)}`,
    `  intake rows ${r.intakeRows}, ticket rows ${r.ticketRows}, workflows ${r.workflows} (running ${r.running}), escalations ${r.escalations}, HTTP retries ${r.retries}`,
    `  read model vs workflows: ${r.differences.length} differences`,
    ...r.differences
      .slice(0, 20)
      .map((d) => `    ${d.number} ${d.what}: ${JSON.stringify(d.expected)} vs ${JSON.stringify(d.actual)}`),
    ...r.problems.slice(0, 20).map((p) => `  problem: ${p}`),
    r.problems.length + r.differences.length === 0
      ? '  OK: every ticket ended, none lost, none duplicated, no escalation twice, read model agrees'
      : '  FAILED',
    '',
  ].join('\n');
}
