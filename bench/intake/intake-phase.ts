import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Pool } from 'pg';
import { ProcessMeter, spawnTs } from '../lib/proc';
import { sleep, summarize, type Summary } from '../lib/stats';
import { ACK_P99_LIMIT_MS } from './limits';
import { cpuNow, persistenceLine, persistenceTotals, type PersistenceTotals } from './measure';

export interface StepResult {
  rate: number;
  achieved: number;
  errors: number;
  /** Failed requests by HTTP status or error message. */
  failures: Record<string, number>;
  latency: Summary;
  /** The acknowledgement split by the API's Server-Timing: PostgreSQL, the Temporal start, the rest. */
  phases: { db: Summary; temporal: Summary; rest: Summary };
  /** Wall-clock window in which the step's requests were sent. */
  startedAtMs: number;
  sentUntilMs: number;
  /** CPU seconds each metered process used during the step, by label. */
  cpu: Record<string, number>;
}

/** What load.ts sends when a step's requests are all answered. */
type LoadStep = { type: string } & Omit<StepResult, 'cpu'>;

/** How long each step's tickets waited from submission to the dispatch decision (assigned or queued). */
export interface DispatchLag {
  tickets: number;
  dispatched: number;
  lagMs: Summary;
}

export interface IntakeResults {
  steps: StepResult[];
  /** Per step, in the same order. */
  lags: DispatchLag[];
  /** Per step, the Temporal persistence line while its reports were taken. */
  stores: string[];
  /** Tickets still without a dispatch decision when the last step gave up waiting. */
  undispatched: number;
  /** The processes each step's CPU per ticket is split over. */
  stepMeters: ProcessMeter[];
  loadMeter?: ProcessMeter;
}

/** What --ceilings-only prints from: no intake steps. */
export const NO_INTAKE: IntakeResults = { steps: [], lags: [], stores: [], undispatched: 0, stepMeters: [] };

export interface IntakeContext {
  pool: Pool;
  port: number;
  worker: ChildProcess;
  /** The load generator is added here, so the caller stops it. */
  children: ChildProcess[];
  meters: readonly ProcessMeter[];
  metricsUrl: string | undefined;
  log: (line: string) => void;
  rates: string;
  stepSeconds: number;
  pauseWorker: boolean;
  stopAtMiss: boolean;
}

/**
 * The intake steps: load.ts posts tickets at each rate in turn; after each step the bench waits until
 * every ticket has its dispatch decision, and only then lets the next rate start, from a quiet desk.
 */
export async function runIntakeSteps(ctx: IntakeContext): Promise<IntakeResults> {
  const stepMeters = ctx.meters.filter((m) => m.label !== 'ceiling worker' && m.label !== 'bench client');
  if (ctx.pauseWorker) ctx.worker.kill('SIGSTOP');
  let store = await persistenceTotals(ctx.metricsUrl);
  const load = spawnTs(path.join(__dirname, 'load.ts'), {
    BENCH_API_URL: `http://127.0.0.1:${ctx.port}`,
    BENCH_RATES: ctx.rates,
    BENCH_STEP_SECONDS: String(ctx.stepSeconds),
  });
  ctx.children.push(load);
  const loadMeter = new ProcessMeter(() => load.pid, 'load generator');
  stepMeters.push(loadMeter);
  const results: IntakeResults = { steps: [], lags: [], stores: [], undispatched: 0, stepMeters, loadMeter };
  let cpu = cpuNow(stepMeters);
  const afterStep = async (message: LoadStep) => {
    if (!(await recordStep(ctx, results, message, { cpu, store }))) {
      load.kill('SIGTERM');
      return;
    }
    await sleep(2000);
    cpu = cpuNow(stepMeters);
    store = await persistenceTotals(ctx.metricsUrl);
    if (ctx.pauseWorker) ctx.worker.kill('SIGSTOP');
    load.send({ type: 'next' });
  };
  await new Promise<void>((resolve, reject) => {
    load.on('message', (message: LoadStep) => {
      if (message.type !== 'step') return;
      if (ctx.pauseWorker) ctx.worker.kill('SIGCONT');
      afterStep(message).catch(reject);
    });
    load.once('exit', () => resolve());
  });
  return results;
}

/** Measures and logs one finished step into `results`; false when the ladder should end here. */
async function recordStep(
  ctx: IntakeContext,
  results: IntakeResults,
  message: LoadStep,
  before: { cpu: readonly number[]; store: PersistenceTotals },
): Promise<boolean> {
  // The store's work while the step's reports were taken (the backlog's own work comes after).
  const after = await persistenceTotals(ctx.metricsUrl);
  const store = persistenceLine(before.store, after, message.achieved * ctx.stepSeconds);
  results.stores.push(store);
  // The step's CPU includes working off its backlog: its tickets' whole cost.
  results.undispatched = await waitForDispatch(ctx.pool, 120_000);
  const cpuAfter = cpuNow(results.stepMeters);
  const cpu = Object.fromEntries(results.stepMeters.map((m, i) => [m.label, cpuAfter[i] - before.cpu[i]]));
  const m: StepResult = { ...message, cpu };
  results.steps.push(m);
  const lag = await dispatchLag(ctx.pool, m);
  results.lags.push(lag);
  ctx.log(
    `intake ${m.rate}/s: achieved ${m.achieved.toFixed(1)}/s, ack p50 ${m.latency.p50.toFixed(0)} ms, p99 ${m.latency.p99.toFixed(0)} ms, errors ${m.errors}${m.errors ? ` ${JSON.stringify(m.failures)}` : ''}; dispatch p99 ${lag.lagMs.p99.toFixed(0)} ms; Temporal ${store}`,
  );
  const missed = m.latency.p99 >= ACK_P99_LIMIT_MS || m.errors > 0;
  const hopeless = m.latency.p99 > ACK_P99_LIMIT_MS * 4 || m.errors > m.rate || results.undispatched > 0;
  return !hopeless && !(ctx.stopAtMiss && missed);
}

async function dispatchLag(pool: Pool, step: StepResult): Promise<DispatchLag> {
  const { rows } = await pool.query<{ lag_ms: number | null }>(
    `SELECT (SELECT EXTRACT(EPOCH FROM min(e.at) - t.submitted_at) * 1000 FROM ticket_events e
              WHERE e.ticket_number = t.number AND e.type IN ('assigned', 'queued'))::float8 AS lag_ms
       FROM tickets t
      WHERE t.submitted_at >= to_timestamp($1 / 1000.0) AND t.submitted_at < to_timestamp($2 / 1000.0)`,
    [step.startedAtMs, step.sentUntilMs],
  );
  const lags = rows.flatMap((r) => (r.lag_ms == null ? [] : [r.lag_ms]));
  return { tickets: rows.length, dispatched: lags.length, lagMs: summarize(lags) };
}

/** Waits until every submitted ticket has its dispatch decision in the read model, or `ms` pass. */
async function waitForDispatch(pool: Pool, ms: number): Promise<number> {
  const until = Date.now() + ms;
  for (;;) {
    const row = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ticket_intake i WHERE NOT EXISTS (
         SELECT 1 FROM ticket_events e WHERE e.ticket_number = i.number AND e.type IN ('assigned', 'queued'))`,
    );
    const waiting = row.rows[0]?.n ?? 0;
    if (waiting === 0 || Date.now() > until) return waiting;
    await sleep(500);
  }
}
