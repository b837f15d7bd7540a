import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { pickPort } from '../../db/embedded';
import { loadSlaPolicy } from '../../config/load-sla-policy';
import { loadConfig } from '../../config/env';
import type { StaffActor } from '../../domain/ticket-types';
import {
  acceptTicketUpdate,
  confirmTicketUpdate,
  resolveTicketUpdate,
  TICKET_TASK_QUEUE,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket-contract';
import {
  formatMeter,
  ProcessMeter,
  runMain,
  spawnTs,
  stopChild,
  waitForMessage,
  type MeterReport,
} from '../lib/proc';
import { bundleWorkflowsToFile, startBenchStack, TEMPORAL_SQLITE_PRAGMAS } from '../lib/stack';
import { intArg, sleep, type Summary } from '../lib/stats';
import { referenceFor, ticketInput, type TicketReference } from '../lib/tickets';
import { BENCH_TASK_QUEUE, stepUpdate } from './workflows';

/**
 * Issue 6: intake over HTTP at rising rates from a second process, and the ceiling of the Temporal
 * server in use (no-op starts/s, lifecycles/s of a no-op workflow shaped like a ticket), with
 * echodesk's figures as ratios to those ceilings.
 */
const ACK_P99_LIMIT_MS = 250;
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
  latency: Summary;
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

async function echodeskLifecycle(client: Client, ref: TicketReference, number: string): Promise<void> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const policy = loadSlaPolicy(config.slaPolicyPath);
  const handle = await client.workflow.start('ticketWorkflow', {
    workflowId: ticketWorkflowId(number),
    taskQueue: TICKET_TASK_QUEUE,
    args: [ticketInput(ref, number, policy, 'P3', new Date())],
  });
  // Whoever the dispatch rules picked accepts; before they pick, any technician may take it from the queue.
  const holder = await handle.executeUpdate(acceptTicketUpdate, { args: [tech, { type: 'accept' }] }).then(
    () => tech,
    async (): Promise<StaffActor> => {
      const { state } = await handle.query(ticketStateQuery);
      if (!state.assignee) throw new Error(`ticket ${number} refused the queue accept but has no assignee`);
      const assignee: StaffActor = { ...state.assignee, kind: 'staff', roles: ['technician'] };
      await handle.executeUpdate(acceptTicketUpdate, { args: [assignee, { type: 'accept' }] });
      return assignee;
    },
  );
  await handle.executeUpdate(resolveTicketUpdate, {
    args: [holder, { type: 'resolve', resolution: '重启AP' }],
  });
  await handle.executeUpdate(confirmTicketUpdate, {
    args: [
      { kind: 'requester', name: '压测同学' },
      { type: 'confirm', rating: 5, comment: null },
    ],
  });
  await handle.result();
}

async function main(): Promise<void> {
  const stepSeconds = intArg('step-seconds', 10);
  const rates = (process.argv[process.argv.indexOf('--rates') + 1] ?? '').includes(',')
    ? process.argv[process.argv.indexOf('--rates') + 1]
    : '5,10,20,30,40,60,80,100';
  const tuning: Record<string, number> = {};
  if (process.argv.includes('--max-cached')) tuning.maxCachedWorkflows = intArg('max-cached', 0);
  if (process.argv.includes('--wf-slots')) tuning.maxConcurrentWorkflowTaskExecutions = intArg('wf-slots', 0);
  if (process.argv.includes('--act-slots'))
    tuning.maxConcurrentActivityTaskExecutions = intArg('act-slots', 0);
  const pragmas = process.argv.includes('--sqlite-defaults') ? [] : TEMPORAL_SQLITE_PRAGMAS;
  const stack = await startBenchStack({ sqlitePragmas: pragmas });
  const children: ChildProcess[] = [];
  try {
    const bundle = await bundleWorkflowsToFile(stack.dataDir);
    const port = await pickPort(0);
    const env = {
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      LOG_LEVEL: 'error',
      PORT: String(port),
    };
    const worker = spawnTs(path.join(__dirname, '..', 'lib', 'worker-main.ts'), {
      ...env,
      BENCH_WORKFLOW_BUNDLE: bundle,
      BENCH_WORKER_TUNING: JSON.stringify(tuning),
      BENCH_POOL_MAX: String(intArg('pool', 10)),
    });
    const ceilingWorker = spawnTs(path.join(__dirname, 'worker.ts'), env);
    const api = spawnTs(path.join(__dirname, '..', '..', 'api', 'main.ts'), env, { quiet: true });
    children.push(worker, ceilingWorker, api);
    await Promise.all([
      waitForMessage(worker, 'ready'),
      waitForMessage(ceilingWorker, 'ready'),
      waitForHttp(`http://127.0.0.1:${port}/readyz`),
    ]);
    const ref = await referenceFor(stack.pool, 'IH-2-301', 'wifi');
    const meters = [
      new ProcessMeter(() => api.pid, 'api'),
      new ProcessMeter(() => worker.pid, 'ticket worker'),
      new ProcessMeter(() => ceilingWorker.pid, 'ceiling worker'),
      new ProcessMeter(() => stack.temporalPid(), 'temporal server'),
      new ProcessMeter(() => process.pid, 'bench client'),
    ];
    const { client } = stack;
    const log = (line: string) => process.stderr.write(`${line}\n`);

    const noopStarts = await throughput(stepSeconds, 32, async (i) => {
      await client.workflow.start('noopWorkflow', {
        workflowId: `noop-${i}`,
        taskQueue: BENCH_TASK_QUEUE,
        args: [],
      });
    });
    log(`no-op workflow starts: ${noopStarts.toFixed(1)}/s`);
    await sleep(3000);
    const shaped = await throughput(stepSeconds * 2, 16, async (i) => {
      const handle = await client.workflow.start('shapedWorkflow', {
        workflowId: `shaped-${i}`,
        taskQueue: BENCH_TASK_QUEUE,
        args: [UPDATES_PER_LIFECYCLE],
      });
      for (let u = 0; u < UPDATES_PER_LIFECYCLE; u++) await handle.executeUpdate(stepUpdate, { args: ['x'] });
      await handle.result();
    });
    log(`no-op lifecycles of a ticket's shape: ${shaped.toFixed(1)}/s`);
    await sleep(3000);
    const lifecycles = await throughput(stepSeconds * 2, 16, (i) =>
      echodeskLifecycle(client, ref, `L${String(i).padStart(6, '0')}`),
    );
    log(`echodesk ticket lifecycles: ${lifecycles.toFixed(1)}/s`);
    await sleep(3000);

    const load = spawnTs(path.join(__dirname, 'load.ts'), {
      BENCH_API_URL: `http://127.0.0.1:${port}`,
      BENCH_RATES: rates,
      BENCH_STEP_SECONDS: String(stepSeconds),
    });
    children.push(load);
    const loadMeter = new ProcessMeter(() => load.pid, 'load generator');
    const steps: StepResult[] = [];
    await new Promise<void>((resolve) => {
      load.on('message', (m: { type: string } & StepResult) => {
        if (m.type === 'step') {
          steps.push(m);
          log(
            `intake ${m.rate}/s: achieved ${m.achieved.toFixed(1)}/s, p50 ${m.latency.p50.toFixed(0)} ms, p99 ${m.latency.p99.toFixed(0)} ms, errors ${m.errors}`,
          );
          if (m.latency.p99 > ACK_P99_LIMIT_MS * 4 || m.errors > m.rate) load.kill('SIGTERM');
        }
      });
      load.once('exit', () => resolve());
    });
    const reports: MeterReport[] = [...meters, loadMeter].map((m) => m.stop());
    const passing = steps.filter(
      (s) => s.latency.p99 < ACK_P99_LIMIT_MS && s.errors === 0 && s.achieved >= 0.9 * s.rate,
    );
    const sustained = Math.max(0, ...passing.map((s) => s.achieved));

    const out = [
      '',
      `Intake and ceilings (Temporal dev server, SQLite pragmas: ${pragmas.join(' ') || 'defaults'}; worker tuning ${JSON.stringify(tuning)}; pg pool ${intArg('pool', 10)})`,
      '  rate/s  achieved/s  ack p50 ms  ack p99 ms  errors',
      ...steps.map(
        (s) =>
          `  ${String(s.rate).padStart(6)}  ${s.achieved.toFixed(1).padStart(10)}  ${s.latency.p50.toFixed(0).padStart(10)}  ${s.latency.p99.toFixed(0).padStart(10)}  ${String(s.errors).padStart(6)}`,
      ),
      '',
      `sustained intake with ack p99 < ${ACK_P99_LIMIT_MS} ms: ${sustained.toFixed(1)} tickets/s`,
      `ceiling: no-op workflow starts ${noopStarts.toFixed(1)}/s -> intake / ceiling = ${(sustained / noopStarts).toFixed(2)} (target >= 0.5)`,
      `ceiling: no-op lifecycles of a ticket's shape (2 + ${UPDATES_PER_LIFECYCLE} activities, ${UPDATES_PER_LIFECYCLE} updates) ${shaped.toFixed(1)}/s`,
      `echodesk full lifecycles ${lifecycles.toFixed(1)}/s -> cost ratio ${(shaped / lifecycles).toFixed(2)}x the no-op of the same shape (target <= 1.5)`,
      '',
      ...reports.map(formatMeter),
      '',
    ];
    process.stdout.write(out.join('\n'));
  } finally {
    for (const child of children) await stopChild(child);
    await stack.stop();
  }
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const res = await fetch(url).catch(() => null);
    if (res?.ok) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer`);
}

runMain(main);
