import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { loadSlaPolicy } from '../../config/load-sla-policy';
import { loadConfig } from '../../config/env';
import type { StaffActor } from '../../domain/ticket-types';
import {
  ticketCommandUpdates,
  TICKET_TASK_QUEUE,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket-contract';
import { formatMeter, ProcessMeter, runMain, spawnTs, stopChild, type MeterReport } from '../lib/proc';
import { openLoop } from '../lib/open-loop';
import { startBenchStack, TEMPORAL_SQLITE_PRAGMAS } from '../lib/stack';
import { startDesk, temporalMetricsUrl } from './desk';
import { intArg, sleep, summarize, sustainedRate, type Summary } from '../lib/stats';
import { referenceFor, ticketInput, type TicketReference } from '../lib/tickets';
import { BENCH_TASK_QUEUE, stepUpdate } from './workflows';

/**
 * Issue 6: intake over HTTP at rising rates from a second process, and the ceiling of the Temporal
 * server in use (no-op starts/s, lifecycles/s of a no-op workflow shaped like a ticket), with
 * echodesk's figures as ratios to those ceilings.
 */
const ACK_P99_LIMIT_MS = 250;
/** A rate counts as sustained only if the desk also keeps up: its tickets reach a dispatch decision this fast (p99). */
const DISPATCH_P99_LIMIT_MS = 5000;
const UPDATES_PER_LIFECYCLE = 3;

const tech: StaffActor = {
  kind: 'staff',
  username: 'tech1',
  name: '李工',
  badge: 'NIC-0231',
  unit: '网络与信息中心',
  unitCode: 'nic',
  teamCode: 'net',
  roles: ['technician'],
};

interface StepResult {
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

/** How long each step's tickets waited from submission to the dispatch decision (assigned or queued). */
interface DispatchLag {
  tickets: number;
  dispatched: number;
  lagMs: Summary;
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

/** Runs `fn` in `lanes` closed loops for `seconds`; returns completions per second. */
async function throughput(seconds: number, lanes: number, fn: (i: number) => Promise<void>): Promise<number> {
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let next = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (Date.now() < until) {
        await fn(next++);
        done += 1;
      }
    }),
  );
  return done / ((Date.now() - started) / 1000);
}

/** One step of no-op starts sent open loop, measured as the intake steps are. */
interface CeilingStep {
  rate: number;
  achieved: number;
  errors: number;
  /** Start call → server accepted. */
  latency: Summary;
  /** Start call sent → workflow completed (its first and only task done): the no-op's "dispatch". */
  completedMs: Summary;
  /** CPU ms per workflow of each metered process, including working off the step's backlog. */
  cpuSplit: string;
  /** Temporal persistence operations per start while the step's starts were sent, and their mean time. */
  store: string;
}

/**
 * The bare ceiling measured by the intake's own test: no-op starts at fixed open-loop rates through the
 * same client, each step for `seconds`, p99 of the start call, then (once every one has completed) how
 * long each took from the start call to completion. The ceiling worker runs them meanwhile, as the ticket
 * worker runs tickets, and every step starts from a drained server. Stops after a step whose p99 passes
 * four times the limit.
 */
async function openLoopNoopCeiling(
  client: Client,
  rates: readonly number[],
  seconds: number,
  meters: readonly ProcessMeter[],
  log: (line: string) => void,
  metricsUrl: string | undefined,
  stopAtMiss: boolean,
): Promise<CeilingStep[]> {
  const steps: CeilingStep[] = [];
  for (const rate of rates) {
    const cpuBefore = cpuNow(meters);
    const storeBefore = await persistenceTotals(metricsUrl);
    const sentAt = new Map<string, number>();
    const windowFrom = new Date(Date.now() - 1000);
    const sent = await openLoop(rate, seconds * 1000, async (i) => {
      const workflowId = `noop-open-${rate}-${i}`;
      sentAt.set(workflowId, Date.now());
      await client.workflow.start('noopWorkflow', { workflowId, taskQueue: BENCH_TASK_QUEUE, args: [] });
      return undefined;
    });
    const { latencies, errors, achieved } = sent;
    const store = persistenceLine(storeBefore, await persistenceTotals(metricsUrl), latencies.length);
    const query = `WorkflowType = 'noopWorkflow' AND ExecutionStatus = 'Completed' AND StartTime >= '${windowFrom.toISOString()}'`;
    await drain(client, query, latencies.length);
    const { split } = cpuPerItem(meters, cpuBefore, latencies.length);
    const completed: number[] = [];
    for await (const execution of client.workflow.list({ query })) {
      const sentMs = sentAt.get(execution.workflowId);
      if (sentMs !== undefined && execution.closeTime) completed.push(execution.closeTime.getTime() - sentMs);
    }
    const step: CeilingStep = {
      rate,
      achieved,
      errors,
      latency: summarize(latencies),
      completedMs: summarize(completed),
      cpuSplit: split,
      store,
    };
    steps.push(step);
    log(
      `no-op starts open loop ${rate}/s: achieved ${achieved.toFixed(1)}/s, start p50 ${step.latency.p50.toFixed(0)} ms, p99 ${step.latency.p99.toFixed(0)} ms, errors ${errors}; completed p99 ${step.completedMs.p99.toFixed(0)} ms; ${step.store}`,
    );
    if (step.latency.p99 > ACK_P99_LIMIT_MS * (stopAtMiss ? 1 : 4) || errors > (stopAtMiss ? 0 : rate)) break;
    await sleep(2000);
  }
  return steps;
}

const benchPolicy = () => loadSlaPolicy(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).slaPolicyPath);

async function echodeskLifecycle(client: Client, ref: TicketReference, number: string): Promise<void> {
  const policy = benchPolicy();
  const handle = await client.workflow.start('ticketWorkflow', {
    workflowId: ticketWorkflowId(number),
    taskQueue: TICKET_TASK_QUEUE,
    args: [ticketInput(ref, number, policy, 'P3', new Date())],
  });
  // Whoever the dispatch rules picked accepts; before they pick, any technician may take it from the queue.
  const holder = await handle
    .executeUpdate(ticketCommandUpdates.accept, { args: [tech, { type: 'accept' }] })
    .then(
      () => tech,
      async (): Promise<StaffActor> => {
        const { state } = await handle.query(ticketStateQuery);
        if (!state.assignee) throw new Error(`ticket ${number} refused the queue accept but has no assignee`);
        const assignee: StaffActor = { ...state.assignee, kind: 'staff', roles: ['technician'] };
        await handle.executeUpdate(ticketCommandUpdates.accept, { args: [assignee, { type: 'accept' }] });
        return assignee;
      },
    );
  await handle.executeUpdate(ticketCommandUpdates.resolve, {
    args: [holder, { type: 'resolve', resolution: '重启AP' }],
  });
  await handle.executeUpdate(ticketCommandUpdates.confirm, {
    args: [
      { kind: 'requester', name: '压测同学' },
      { type: 'confirm', rating: 5, comment: null },
    ],
  });
  await handle.result();
}

async function main(): Promise<void> {
  const stepSeconds = intArg('step-seconds', 10);
  const ratesAt = process.argv.indexOf('--rates');
  const rates = ratesAt >= 0 ? (process.argv[ratesAt + 1] ?? '') : '5,10,20,30,40,60,80,100';
  if (!/^\d+(,\d+)*$/.test(rates)) throw new Error('--rates needs a comma-separated list of whole numbers');
  const ceilingRatesAt = process.argv.indexOf('--ceiling-rates');
  const ceilingRates =
    ceilingRatesAt >= 0 ? (process.argv[ceilingRatesAt + 1] ?? '') : '60,80,100,120,140,160';
  if (!/^\d+(,\d+)*$/.test(ceilingRates))
    throw new Error('--ceiling-rates needs a comma-separated list of whole numbers');
  const tuning: Record<string, number> = {};
  if (process.argv.includes('--max-cached')) tuning.maxCachedWorkflows = intArg('max-cached', 0);
  if (process.argv.includes('--wf-slots')) tuning.maxConcurrentWorkflowTaskExecutions = intArg('wf-slots', 0);
  if (process.argv.includes('--act-slots'))
    tuning.maxConcurrentActivityTaskExecutions = intArg('act-slots', 0);
  // BENCH_SQLITE_PRAGMAS="a=1,b=2" replaces the benches' pragmas (for A/B runs of the store's settings).
  const pragmas = process.env.BENCH_SQLITE_PRAGMAS
    ? process.env.BENCH_SQLITE_PRAGMAS.split(',').filter(Boolean)
    : process.argv.includes('--sqlite-defaults')
      ? []
      : TEMPORAL_SQLITE_PRAGMAS;
  const workerNice = process.argv.includes('--worker-nice')
    ? Number(process.argv[process.argv.indexOf('--worker-nice') + 1])
    : 10;
  if (!Number.isInteger(workerNice) || workerNice < 0 || workerNice > 19)
    throw new Error('--worker-nice needs 0 to 19');
  // Diagnostic: the ticket worker is stopped (SIGSTOP) while each step's reports are sent and resumed after,
  // so the step measures what the intake path alone costs and sustains.
  const pauseWorker = process.argv.includes('--pause-worker');
  const intakeOnly = process.argv.includes('--intake-only');
  const ceilingsOnly = process.argv.includes('--ceilings-only');
  // --stop-at-miss: each ladder ends at its first step over the limit (the rounds runner counts contiguous passes only).
  const stopAtMiss = process.argv.includes('--stop-at-miss');
  if (intakeOnly && ceilingsOnly) throw new Error('--intake-only and --ceilings-only exclude each other');
  // --pin-temporal: the Temporal server on CPU 0 alone and everything else (this process and all it starts)
  // on the others, as with Temporal on a host of its own (docs/scaling.md); both phases alike.
  const pinTemporal = process.argv.includes('--pin-temporal');
  if (pinTemporal) {
    if (availableParallelism() < 2) throw new Error('--pin-temporal needs 2 CPUs or more');
    execFileSync('taskset', ['-a', '-p', '-c', `1-${availableParallelism() - 1}`, String(process.pid)]);
  }
  const dynamicConfig = (process.env.BENCH_DYNAMIC_CONFIG ?? '').split(',').filter(Boolean);
  const stack = await startBenchStack({ sqlitePragmas: pragmas, dynamicConfig });
  const temporalPid = stack.temporalPid();
  if (pinTemporal && temporalPid) execFileSync('taskset', ['-a', '-p', '-c', '0', String(temporalPid)]);
  const children: ChildProcess[] = [];
  try {
    const { port, worker, ceilingWorker, api } = await startDesk(stack, children, {
      tuning,
      poolMax: intArg('pool', 10),
      workerNice,
      // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the ticket worker.
      workerNodeArgs: (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean),
      apiNodeArgs: (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean),
    });
    const ref = await referenceFor(stack.pool, 'IH-2-301', 'wifi');
    const meters = [
      new ProcessMeter(() => api.pid, 'api'),
      new ProcessMeter(() => worker.pid, 'ticket worker'),
      new ProcessMeter(() => ceilingWorker.pid, 'ceiling worker'),
      new ProcessMeter(() => stack.temporalPid(), 'temporal server'),
      new ProcessMeter(() => stack.postgresPid(), 'postgresql', true),
      new ProcessMeter(() => process.pid, 'bench client'),
    ];
    const { client } = stack;
    const metricsUrl = await temporalMetricsUrl(stack.dataDir);
    const log = (line: string) => process.stderr.write(`${line}\n`);

    // --intake-only (a diagnostic for quick A/B runs of the desk): no ceilings, no ratios.
    let noopStarts = NaN;
    let noopCpuMs = NaN;
    let noopSplit = '';
    let noopRuns = NaN;
    let ceilingSteps: CeilingStep[] = [];
    let shaped = NaN;
    let lifecycles = NaN;
    let openingStarts = NaN;
    let openingSplit = '';
    if (!intakeOnly) {
      // The bare ceiling by the intake's own test (open loop, the same p99 limits), so the ratio compares like with
      // like; first, so it runs on a store as fresh as the intake phase's.
      ceilingSteps = await openLoopNoopCeiling(
        client,
        ceilingRates.split(',').map(Number),
        stepSeconds,
        meters.filter((m) => m.label !== 'api' && m.label !== 'ticket worker'),
        log,
        metricsUrl,
        stopAtMiss,
      );
      await sleep(2000);
      const cpuBeforeNoop = cpuNow(meters);
      let noopCount = 0;
      noopStarts = await throughput(stepSeconds, 32, async (i) => {
        noopCount += 1;
        await client.workflow.start('noopWorkflow', {
          workflowId: `noop-${i}`,
          taskQueue: BENCH_TASK_QUEUE,
          args: [],
        });
      });
      // Each start's whole cost (server, ceiling worker, client) counts: wait until every no-op has completed.
      await drain(client, "WorkflowType = 'noopWorkflow' AND ExecutionStatus = 'Completed'", noopCount);
      ({ totalMs: noopCpuMs, split: noopSplit } = cpuPerItem(meters, cpuBeforeNoop, noopCount));
      log(
        `no-op workflow starts: ${noopStarts.toFixed(1)}/s, ${noopCpuMs.toFixed(1)} CPU ms each (${noopSplit})`,
      );
      // The engine's processing ceiling: no-op workflows started and run to completion, 32 at a time.
      noopRuns = await throughput(stepSeconds, 32, async (i) => {
        await client.workflow.execute('noopWorkflow', {
          workflowId: `noop-run-${i}`,
          taskQueue: BENCH_TASK_QUEUE,
          args: [],
        });
      });
      log(`no-op workflows run end to end: ${noopRuns.toFixed(1)}/s`);
      await sleep(2000);
      shaped = await throughput(stepSeconds * 2, 16, async (i) => {
        const handle = await client.workflow.start('shapedWorkflow', {
          workflowId: `shaped-${i}`,
          taskQueue: BENCH_TASK_QUEUE,
          args: [UPDATES_PER_LIFECYCLE],
        });
        for (let u = 0; u < UPDATES_PER_LIFECYCLE; u++)
          await handle.executeUpdate(stepUpdate, { args: ['x'] });
        await handle.result();
      });
      log(`no-op lifecycles of a ticket's shape: ${shaped.toFixed(1)}/s`);
      await sleep(3000);
      lifecycles = await throughput(stepSeconds * 2, 16, (i) =>
        echodeskLifecycle(client, ref, `L${String(i).padStart(6, '0')}`),
      );
      log(`echodesk ticket lifecycles: ${lifecycles.toFixed(1)}/s`);
      await sleep(3000);
      // A no-op with a ticket opening's shape and input size, left open as tickets are (last: they stay in the cache).
      const openingInput = ticketInput(ref, 'O000000', benchPolicy(), 'P3', new Date());
      const cpuBeforeOpening = cpuNow(meters);
      let openingCount = 0;
      openingStarts = await throughput(stepSeconds, 32, async (i) => {
        openingCount += 1;
        await client.workflow.start('openingShapedWorkflow', {
          workflowId: `opening-${i}`,
          taskQueue: BENCH_TASK_QUEUE,
          args: [openingInput],
        });
      });
      // Until every one has finished its first task (the upsert says so).
      await drain(
        client,
        "WorkflowType = 'openingShapedWorkflow' AND EchodeskStatus = 'assigned'",
        openingCount,
      );
      ({ split: openingSplit } = cpuPerItem(meters, cpuBeforeOpening, openingCount));
      log(
        `no-op workflows of a ticket opening's shape: ${openingStarts.toFixed(1)}/s (CPU ms each: ${openingSplit})`,
      );
    }
    // What each process burns with no load at all, so per-ticket figures can be read net of it.
    const idleBefore = cpuNow(meters);
    const idleStarted = Date.now();
    await sleep(5000);
    const idleSeconds = (Date.now() - idleStarted) / 1000;
    const idle = meters
      .map((m, i) => `${m.label} ${((100 * (m.cpuSoFar() - idleBefore[i])) / idleSeconds).toFixed(0)}%`)
      .join(', ');
    log(`idle: ${idle} of a core`);

    // --ceilings-only: no intake steps (the rounds runner measures them in a process of their own).
    const steps: StepResult[] = [];
    const lags: DispatchLag[] = [];
    const stores: string[] = [];
    let undispatched = 0;
    let loadMeter: ProcessMeter | undefined;
    const stepMeters = meters.filter((m) => m.label !== 'ceiling worker' && m.label !== 'bench client');
    if (!ceilingsOnly) {
      if (pauseWorker) worker.kill('SIGSTOP');
      let storeBefore = await persistenceTotals(metricsUrl);
      const load = spawnTs(path.join(__dirname, 'load.ts'), {
        BENCH_API_URL: `http://127.0.0.1:${port}`,
        BENCH_RATES: rates,
        BENCH_STEP_SECONDS: String(stepSeconds),
      });
      children.push(load);
      loadMeter = new ProcessMeter(() => load.pid, 'load generator');
      stepMeters.push(loadMeter);
      let cpuBefore = cpuNow(stepMeters);
      await new Promise<void>((resolve, reject) => {
        load.on('message', (message: { type: string } & Omit<StepResult, 'cpu'>) => {
          if (message.type !== 'step') return;
          if (pauseWorker) worker.kill('SIGCONT');
          void (async () => {
            // The store's work while the step's reports were taken (the backlog's own work comes after).
            stores.push(
              persistenceLine(
                storeBefore,
                await persistenceTotals(metricsUrl),
                message.achieved * stepSeconds,
              ),
            );
            // The step's CPU includes working off its backlog: its tickets' whole cost.
            undispatched = await waitForDispatch(stack.pool, 120_000);
            const cpuAfter = cpuNow(stepMeters);
            const cpu = Object.fromEntries(stepMeters.map((m, i) => [m.label, cpuAfter[i] - cpuBefore[i]]));
            const m: StepResult = { ...message, cpu };
            steps.push(m);
            const lag = await dispatchLag(stack.pool, m);
            lags.push(lag);
            log(
              `intake ${m.rate}/s: achieved ${m.achieved.toFixed(1)}/s, ack p50 ${m.latency.p50.toFixed(0)} ms, p99 ${m.latency.p99.toFixed(0)} ms, errors ${m.errors}${m.errors ? ` ${JSON.stringify(m.failures)}` : ''}; dispatch p99 ${lag.lagMs.p99.toFixed(0)} ms; Temporal ${stores[stores.length - 1]}`,
            );
            const missed = m.latency.p99 >= ACK_P99_LIMIT_MS || m.errors > 0;
            if (
              m.latency.p99 > ACK_P99_LIMIT_MS * 4 ||
              m.errors > m.rate ||
              undispatched > 0 ||
              (stopAtMiss && missed)
            ) {
              load.kill('SIGTERM');
              return;
            }
            await sleep(2000);
            cpuBefore = cpuNow(stepMeters);
            storeBefore = await persistenceTotals(metricsUrl);
            if (pauseWorker) worker.kill('SIGSTOP');
            load.send({ type: 'next' });
          })().catch(reject);
        });
        load.once('exit', () => resolve());
      });
    }
    const reports: MeterReport[] = [...meters, ...(loadMeter ? [loadMeter] : [])].map((m) => m.stop());
    const accepted = (s: { latency: Summary; errors: number; achieved: number; rate: number }) =>
      s.latency.p99 < ACK_P99_LIMIT_MS && s.errors === 0 && s.achieved >= 0.9 * s.rate;
    // A rate counts as sustained only if it and every lower rate passed: a pass above a miss is noise.
    const noopOpenStarts = sustainedRate(ceilingSteps, accepted);
    const noopOpenRuns = sustainedRate(
      ceilingSteps,
      (s) => accepted(s) && s.completedMs.p99 < DISPATCH_P99_LIMIT_MS,
    );
    // Acceptance: acknowledged within the limit, as the no-op ceiling counts starts accepted.
    const sustainedAcks = sustainedRate(steps, accepted);
    // Processing: acknowledged within the limit and every ticket dispatched within DISPATCH_P99_LIMIT_MS.
    const sustained = sustainedRate(
      steps,
      (s, i) =>
        accepted(s) && lags[i].dispatched === lags[i].tickets && lags[i].lagMs.p99 < DISPATCH_P99_LIMIT_MS,
    );
    const result: PhaseResult = {
      type: 'result',
      intake:
        steps.length > 0
          ? { acked: sustainedAcks, dispatched: sustained, atTop: sustainedAcks === steps.at(-1)?.achieved }
          : undefined,
      ceiling:
        ceilingSteps.length > 0
          ? {
              starts: noopOpenStarts,
              completed: noopOpenRuns,
              lifecycleRatio: shaped / lifecycles,
              atTop: noopOpenStarts === ceilingSteps.at(-1)?.achieved,
            }
          : undefined,
    };
    // Wait until the message is out: the bench leaves through process.exit.
    if (process.send)
      await new Promise<void>((resolve) => process.send?.(result, undefined, {}, () => resolve()));

    const out = [
      '',
      `Intake and ceilings (Temporal dev server, SQLite pragmas: ${pragmas.join(' ') || 'defaults'}; worker tuning ${JSON.stringify(tuning)}; pg pool ${intArg('pool', 10)}; worker nice ${workerNice}; ${pinTemporal ? 'Temporal alone on CPU 0; ' : ''}${pauseWorker ? 'worker stopped while reports are sent (diagnostic); ' : ''}steps of ${stepSeconds} s, each from a desk that has worked off the one before)`,
      ...(steps.length > 0
        ? [
            `  rate/s  achieved/s  ack p50 ms  ack p99 ms  p99 db / temporal / rest  errors  dispatched  dispatch p50 ms  dispatch p99 ms  CPU ms per ticket (${stepMeters.map((m) => m.label).join(' / ')}); Temporal persistence while reports were taken`,
            ...steps.map((s, i) => {
              const lag = lags[i];
              const tickets = Math.max(1, lag.tickets);
              const perTicket = stepMeters
                .map((m) => ((s.cpu[m.label] * 1000) / tickets).toFixed(1))
                .join(' / ');
              return `  ${String(s.rate).padStart(6)}  ${s.achieved.toFixed(1).padStart(10)}  ${s.latency.p50.toFixed(0).padStart(10)}  ${s.latency.p99.toFixed(0).padStart(10)}  ${`${s.phases.db.p99.toFixed(0)} / ${s.phases.temporal.p99.toFixed(0)} / ${s.phases.rest.p99.toFixed(0)}`.padStart(24)}  ${String(s.errors).padStart(6)}  ${`${lag.dispatched}/${lag.tickets}`.padStart(10)}  ${lag.lagMs.p50.toFixed(0).padStart(15)}  ${lag.lagMs.p99.toFixed(0).padStart(15)}  ${perTicket}; ${stores[i] ?? ''}`;
            }),
            undispatched > 0
              ? `!! ${undispatched} tickets still without a dispatch decision 120 s after the load stopped`
              : '',
          ]
        : []),
      ...(ceilingSteps.length > 0
        ? [
            '',
            `Bare ceiling by the intake's test: no-op starts sent open loop through the same client, the ceiling worker running them, each step from a drained server`,
            `  rate/s  achieved/s  start p50 ms  start p99 ms  errors  completed p50 ms  completed p99 ms  CPU ms per no-op; Temporal persistence while starts were sent`,
            ...ceilingSteps.map(
              (s) =>
                `  ${String(s.rate).padStart(6)}  ${s.achieved.toFixed(1).padStart(10)}  ${s.latency.p50.toFixed(0).padStart(12)}  ${s.latency.p99.toFixed(0).padStart(12)}  ${String(s.errors).padStart(6)}  ${s.completedMs.p50.toFixed(0).padStart(16)}  ${s.completedMs.p99.toFixed(0).padStart(16)}  ${s.cpuSplit}; ${s.store}`,
            ),
            `ceiling: no-op starts with start p99 < ${ACK_P99_LIMIT_MS} ms ${noopOpenStarts.toFixed(1)}/s; also completed with p99 < ${DISPATCH_P99_LIMIT_MS} ms ${noopOpenRuns.toFixed(1)}/s`,
          ]
        : []),
      ...(steps.length > 0 && ceilingSteps.length > 0
        ? [
            `intake acknowledged with p99 < ${ACK_P99_LIMIT_MS} ms: ${sustainedAcks.toFixed(1)} tickets/s -> / no-op starts by the same test = ${ratio(sustainedAcks, noopOpenStarts)} (target >= 0.5)`,
            `intake acknowledged and dispatched (p99 < ${DISPATCH_P99_LIMIT_MS} ms): ${sustained.toFixed(1)} tickets/s -> / no-op starts also completed by the same test = ${ratio(sustained, noopOpenRuns)}`,
          ]
        : []),
      ...(!intakeOnly
        ? [
            '',
            `ceiling: no-op workflow starts ${noopStarts.toFixed(1)}/s accepted (${noopCpuMs.toFixed(1)} CPU ms each once run: ${noopSplit})`,
            `ceiling: no-op workflows run end to end ${noopRuns.toFixed(1)}/s`,
            ...(steps.length > 0
              ? [
                  `intake acknowledged with p99 < ${ACK_P99_LIMIT_MS} ms: ${sustainedAcks.toFixed(1)} tickets/s -> / no-op starts accepted (32 in flight, no latency bound) = ${ratio(sustainedAcks, noopStarts)}`,
                  `intake acknowledged and dispatched (p99 < ${DISPATCH_P99_LIMIT_MS} ms): ${sustained.toFixed(1)} tickets/s -> / no-op starts = ${ratio(sustained, noopStarts)}, / no-op runs = ${ratio(sustained, noopRuns)}`,
                ]
              : []),
            `ceiling: no-op workflows of a ticket opening's shape (input of a ticket's size, patch marker, local activity, upsert, timer) ${openingStarts.toFixed(1)}/s accepted (CPU ms each once run: ${openingSplit})`,
            `ceiling: no-op lifecycles of a ticket's shape (2 + ${UPDATES_PER_LIFECYCLE} activities, ${UPDATES_PER_LIFECYCLE} updates) ${shaped.toFixed(1)}/s`,
            `echodesk full lifecycles ${lifecycles.toFixed(1)}/s -> cost ratio ${(shaped / lifecycles).toFixed(2)}x the no-op of the same shape (target <= 1.5)`,
          ]
        : []),
      '',
      `idle, before the load: ${idle} of a core`,
      ...reports.map(formatMeter),
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    for (const child of children) {
      child.kill('SIGCONT'); // a worker stopped by --pause-worker must run to hear SIGTERM
      await stopChild(child);
    }
    await stack.stop();
  }
}

/** What one phase reports to the rounds runner (`rounds.ts`) over IPC: sustained rates per second. */
export interface PhaseResult {
  type: 'result';
  /** `atTop`: the highest rate tried still passed, so the figure is a lower bound (try higher rates). */
  intake?: { acked: number; dispatched: number; atTop: boolean };
  ceiling?: { starts: number; completed: number; lifecycleRatio: number; atTop: boolean };
}

/** a / b to two places, or "n/a" when no rate of the ceiling passed. */
const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');

/** CPU seconds each meter has counted so far. */
const cpuNow = (meters: readonly ProcessMeter[]): number[] => meters.map((m) => m.cpuSoFar());

/** CPU ms per item since `before`: the sum over all meters, and "label ms, ..." for each. */
function cpuPerItem(
  meters: readonly ProcessMeter[],
  before: readonly number[],
  count: number,
): { totalMs: number; split: string } {
  const perItem = cpuNow(meters).map((now, i) => ((now - before[i]) * 1000) / Math.max(1, count));
  return {
    totalMs: perItem.reduce((sum, ms) => sum + ms, 0),
    split: meters.map((m, i) => `${m.label} ${perItem[i].toFixed(1)}`).join(', '),
  };
}

/** Waits until `count` workflows match `query` in visibility (their work is done), or 120 s pass. */
async function drain(client: Client, query: string, count: number): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const { count: done } = await client.workflow.count(query);
    if (done >= count) return;
    await sleep(250);
  }
  throw new Error(`only some of ${count} workflows reached: ${query}`);
}

/** Persistence operations the server has run so far, and their summed latency (s): all services, all operations. */
async function persistenceTotals(url: string | undefined): Promise<{ ops: number; seconds: number }> {
  const totals = { ops: 0, seconds: 0 };
  if (!url) return totals;
  const text = await fetch(url).then(
    (res) => res.text(),
    () => '',
  );
  for (const line of text.split('\n')) {
    const match = /^persistence_(requests|latency_sum)\{[^}]*\} (\S+)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'requests') totals.ops += Number(match[2]);
    else totals.seconds += Number(match[2]);
  }
  return totals;
}

/** "N persistence ops per item, mean M ms each" between two readings (M grows with queueing on the store). */
function persistenceLine(
  before: { ops: number; seconds: number },
  after: { ops: number; seconds: number },
  items: number,
): string {
  const ops = after.ops - before.ops;
  if (ops <= 0) return 'persistence: n/a';
  return `persistence ${(ops / Math.max(1, items)).toFixed(1)} ops each, mean ${((1000 * (after.seconds - before.seconds)) / ops).toFixed(1)} ms`;
}

runMain(main);
