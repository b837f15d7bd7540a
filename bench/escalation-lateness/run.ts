import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Pool } from 'pg';
import { parseSlaPolicy } from '../../domain/sla-policy';
import type { SlaPolicy } from '../../domain/sla-types';
import { TICKET_TASK_QUEUE, ticketWorkflowId } from '../../workflows/ticket-contract';
import { formatMeter, ProcessMeter, runMain, spawnTs, stopChild, waitForMessage } from '../lib/proc';
import { bundleWorkflowsToFile, startBenchStack, TEMPORAL_SQLITE_PRAGMAS } from '../lib/stack';
import { intArg, mapLimit, sleep, summarize } from '../lib/stats';
import { referenceFor, ticketInput } from '../lib/tickets';

/**
 * Issue 3: how late does an escalation fire? N P1 tickets whose response deadlines fall uniformly
 * 60–240 s after the start (`--from`, `--to`) all go unanswered; every escalation records dueAt and firedAt.
 */
const SPREAD_FROM_S = intArg('from', 60);
const SPREAD_TO_S = intArg('to', 240);
const LEVEL2_AFTER_S = 30;
const LEVELS = 2;
const POLL_BASELINE_S = 300;

const policyFile = {
  calendar: { timezone: 'Asia/Shanghai', workdays: [1, 2, 3, 4, 5], hours: ['08:00', '18:00'], holidays: [] },
  priorities: {
    P1: { respond: `${SPREAD_FROM_S}s`, resolve: '4h', clock: '24x7' },
    P3: { respond: '2h', resolve: '3d', clock: '24x7' },
  },
  defaultPriority: 'P3',
  escalation: {
    respond: [
      { after: '0s', notify: ['team_lead', 'dispatcher'], reassign: true },
      { after: `${LEVEL2_AFTER_S}s`, notify: ['manager'] },
    ],
    resolve: [{ after: '0s', notify: ['owner', 'team_lead'] }],
  },
  survey: { remindAfter: '1d', expireAfter: '3d' },
};

/** The policy with P1's response limit set so that this ticket's deadline lands exactly at `deadlineMs`. */
function policyWithDeadline(base: SlaPolicy, submittedMs: number, deadlineMs: number): SlaPolicy {
  const p1 = base.priorities.P1;
  return { ...base, priorities: { ...base.priorities, P1: { ...p1, respondMs: deadlineMs - submittedMs } } };
}

/** Waits until every ticket has its row (submitted, assigned and recorded), or until `byMs`. */
async function waitForRows(pool: Pool, tickets: number, byMs: number): Promise<void> {
  while (Date.now() < byMs) {
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM tickets WHERE status = 'assigned'",
    );
    if (rows[0].n >= tickets) return;
    await sleep(500);
  }
}

async function main(): Promise<void> {
  const tickets = intArg('tickets', 2000);
  const pragmas = process.argv.includes('--sqlite-defaults') ? [] : TEMPORAL_SQLITE_PRAGMAS;
  const stack = await startBenchStack({ sqlitePragmas: pragmas });
  try {
    const policy = parseSlaPolicy(policyFile);
    const policyPath = path.join(stack.dataDir, 'sla-policy.json');
    await writeFile(policyPath, JSON.stringify(policyFile));
    const bundle = await bundleWorkflowsToFile(stack.dataDir);
    const worker = spawnTs(path.join(__dirname, '..', 'lib', 'worker-main.ts'), {
      DATABASE_URL: stack.databaseUrl,
      TEMPORAL_ADDRESS: stack.temporalAddress,
      ECHODESK_SLA_POLICY: policyPath,
      BENCH_WORKFLOW_BUNDLE: bundle,
      LOG_LEVEL: 'warn',
    });
    await waitForMessage(worker, 'ready');
    const ref = await referenceFor(stack.pool, 'IH-2-301', 'wifi');

    const t0 = Date.now();
    const workerMeter = new ProcessMeter(() => worker.pid, 'worker');
    const temporalMeter = new ProcessMeter(() => stack.temporalPid(), 'temporal server');
    const deadlines = Array.from(
      { length: tickets },
      (_, i) => t0 + (SPREAD_FROM_S + ((SPREAD_TO_S - SPREAD_FROM_S) * (i + 0.5)) / tickets) * 1000,
    );
    await mapLimit(deadlines, 16, async (deadline, i) => {
      const number = `B${String(i + 1).padStart(6, '0')}`;
      const submitted = new Date();
      await stack.client.workflow.start('ticketWorkflow', {
        workflowId: ticketWorkflowId(number),
        taskQueue: TICKET_TASK_QUEUE,
        args: [
          ticketInput(
            ref,
            number,
            policyWithDeadline(policy, submitted.getTime(), deadline),
            'P1',
            submitted,
          ),
        ],
      });
    });
    const openedS = (Date.now() - t0) / 1000;
    process.stderr.write(
      `opened ${tickets} tickets in ${openedS.toFixed(1)} s; waiting for their deadlines to pass\n`,
    );

    await waitForRows(stack.pool, tickets, deadlines[0]);
    const settledS = (Date.now() - t0) / 1000;
    process.stderr.write(
      `all ${tickets} tickets assigned and recorded ${settledS.toFixed(1)} s after the start\n`,
    );
    if (settledS > SPREAD_FROM_S) {
      process.stderr.write(
        `warning: the first deadlines passed before every ticket was open and idle; rerun with --from ${Math.ceil(settledS * 1.5)}\n`,
      );
    }

    const expected = tickets * LEVELS;
    const endBy = t0 + (SPREAD_TO_S + LEVEL2_AFTER_S + 60) * 1000;
    let fired = 0;
    while (Date.now() < endBy) {
      const { rows } = await stack.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM ticket_events WHERE type = 'escalated'",
      );
      fired = rows[0].n;
      if (fired >= expected && Date.now() > t0 + (SPREAD_TO_S + LEVEL2_AFTER_S) * 1000) break;
      await sleep(5000);
    }
    const workerUse = workerMeter.stop();
    const temporalUse = temporalMeter.stop();
    const { rows } = await stack.pool.query<{ ms: number; level: number }>(
      `SELECT extract(epoch FROM ((data->>'firedAt')::timestamptz - (data->>'dueAt')::timestamptz)) * 1000 AS ms,
              (data->>'level')::int AS level
         FROM ticket_events WHERE type = 'escalated'`,
    );
    const lateness = summarize(rows.map((r) => Number(r.ms)));
    const twice = await stack.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT ticket_number, data->>'clock', data->>'level' FROM ticket_events
        WHERE type = 'escalated' GROUP BY 1, 2, 3 HAVING count(*) > 1) d`,
    );
    await stopChild(worker);

    const baseline = {
      p50: (POLL_BASELINE_S / 2) * 1000,
      p99: POLL_BASELINE_S * 0.99 * 1000,
      max: POLL_BASELINE_S * 1000,
    };
    const s = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
    const out = [
      '',
      `Escalation lateness (firedAt − dueAt), ${tickets} open P1 tickets, deadlines ${SPREAD_FROM_S}–${SPREAD_TO_S} s after start, ${LEVELS} respond levels`,
      `escalations fired ${lateness.count} of ${expected} expected${lateness.count === expected ? ' ✓' : ' ✗'}; fired twice for one clock+level: ${twice.rows[0].n}`,
      '',
      '            echodesk     polling every 300 s (GLPI, Zammad, Znuny, osTicket)   polling / echodesk',
      `  p50       ${s(lateness.p50).padEnd(12)} ${s(baseline.p50).padEnd(54)} ${(baseline.p50 / Math.max(lateness.p50, 1)).toFixed(0)}×`,
      `  p99       ${s(lateness.p99).padEnd(12)} ${s(baseline.p99).padEnd(54)} ${(baseline.p99 / Math.max(lateness.p99, 1)).toFixed(0)}×`,
      `  max       ${s(lateness.max).padEnd(12)} ${s(baseline.max).padEnd(54)} ${(baseline.max / Math.max(lateness.max, 1)).toFixed(0)}×`,
      `  mean      ${s(lateness.mean)}`,
      '',
      `tickets opened in ${openedS.toFixed(1)} s (${(tickets / openedS).toFixed(0)}/s)`,
      formatMeter(workerUse),
      formatMeter(temporalUse),
      `target p99 < 1 s: ${lateness.p99 < 1000 ? 'met' : 'NOT met'}`,
      '',
    ];
    process.stdout.write(out.join('\n'));
    if (lateness.count !== expected || twice.rows[0].n > 0) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

runMain(main);
