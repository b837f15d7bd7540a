/**
 * Records the event histories of representative tickets on the time-skipping test server and writes
 * them to test/fixtures/histories/<scenario>.json, for test/workflows/replay.test.ts.
 *
 *   npx tsx scripts/record-histories.ts            # every scenario
 *   npx tsx scripts/record-histories.ts cancel     # only the named ones
 *
 * Re-record only when a workflow change is meant to be incompatible and running tickets are
 * handled (see docs/workflow-versioning.md); otherwise keep the old fixtures, which is the point.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import {
  allDayPolicy,
  dispatcher,
  requester,
  teamLead,
  technician,
  testPolicy,
  ticketInput,
} from '../test/workflows/fixtures';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { DAY, HOUR, MINUTE, TEST_TASK_QUEUE, TicketProbe, WorkflowLab } from '../test/workflows/harness';
import type { ticketWorkflow } from '../workflows';
import { ticketCommandUpdates, ticketWorkflowId } from '../workflows/ticket-contract';

const { History } = temporal.api.history.v1;
const tech1 = technician('tech1');
const tech2 = technician('tech2');
const tech3 = technician('tech3', 'onsite');
const lead1 = teamLead('lead1');

type Scenario = (lab: WorkflowLab) => Promise<TicketProbe>;

/** Each scenario drives one ticket to its end (or to a state worth replaying) and returns it. */
export const SCENARIOS: Record<string, Scenario> = {
  'happy-path': async (lab) => {
    const ticket = await lab.start({ policy: testPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(tech1, { type: 'on_site' });
    await ticket.act(tech1, { type: 'note', note: '网线松动' });
    await ticket.act(tech1, { type: 'resolve', resolution: '重新压接网线' });
    await ticket.act(requester, { type: 'confirm', rating: 5, comment: '很快' });
    return ticket;
  },
  'escalations-both-clocks': async (lab) => {
    const ticket = await lab.start({ policy: allDayPolicy, priority: 'P2', assignees: [tech1, tech2] });
    await lab.sleep(HOUR + 5 * MINUTE);
    await ticket.waitFor((s) => s.escalation.respond === 2);
    await ticket.act(tech2, { type: 'accept' });
    await lab.sleep(10 * HOUR);
    await ticket.waitFor((s) => s.escalation.resolve === 2 && s.priority === 'P1');
    await ticket.act(tech2, { type: 'resolve', resolution: '更换光模块' });
    await ticket.act(requester, { type: 'confirm', rating: 3, comment: null });
    return ticket;
  },
  'pause-resume': async (lab) => {
    const ticket = await lab.start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab.sleep(HOUR);
    await ticket.act(tech1, { type: 'pause', reason: '等待配件' });
    await lab.sleep(5 * HOUR);
    await ticket.act(tech1, { type: 'resume', reason: '配件已到' });
    await lab.sleep(HOUR);
    await ticket.act(dispatcher, { type: 'priority', priority: 'P2', reason: '影响范围小' });
    await ticket.act(tech1, { type: 'resolve', resolution: '更换电源' });
    await ticket.act(requester, { type: 'confirm', rating: 4, comment: null });
    return ticket;
  },
  'transfer-decline': async (lab) => {
    const ticket = await lab.start({ policy: allDayPolicy, assignees: [tech1, tech2, tech3] });
    await ticket.act(tech1, { type: 'decline', reason: '不在本区域' });
    await ticket.waitFor((s) => s.assignee?.username === 'tech2');
    await ticket.act(tech2, { type: 'accept' });
    await ticket.act(lead1, { type: 'transfer', to: { kind: 'team', team: 'onsite' }, reason: '现场组处理' });
    await ticket.waitFor((s) => s.assignee?.username === 'tech3');
    await ticket.act(tech3, { type: 'transfer', to: { kind: 'staff', staff: tech1 }, reason: '需要网络组' });
    await ticket.act(tech1, { type: 'resolve', resolution: '已修复' });
    await ticket.act(requester, { type: 'confirm', rating: 5, comment: null });
    return ticket;
  },
  'reject-reopen-confirm': async (lab) => {
    const ticket = await lab.start({ policy: allDayPolicy, priority: 'P2', assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab.sleep(9 * HOUR);
    await ticket.waitFor((s) => s.escalation.resolve === 1);
    await ticket.act(tech1, { type: 'resolve', resolution: '重启AP' });
    await lab.sleep(2 * HOUR);
    await ticket.act(requester, { type: 'reject', reason: '还是连不上' });
    await lab.sleep(HOUR);
    await ticket.act(tech1, { type: 'resolve', resolution: '更换AP' });
    await ticket.act(requester, { type: 'confirm', rating: 4, comment: '第二次修好了' });
    return ticket;
  },
  'survey-expiry': async (lab) => {
    const ticket = await lab.start({ policy: testPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(tech1, { type: 'resolve', resolution: '更换网线' });
    await lab.sleep(3 * DAY + HOUR);
    await ticket.waitFor((s) => s.status === 'closed');
    return ticket;
  },
  'needs-attention': async (lab) => {
    // The opening's write and then a later write are refused for good; each is retried after its backoff.
    const ticket = await lab.start({ policy: allDayPolicy, assignees: [tech1], failWrites: 2 });
    await waitForFlags(ticket, 1);
    await lab.sleep(MINUTE);
    await waitForFlags(ticket, 2);
    await lab.sleep(2 * MINUTE);
    await ticket.waitFor((s) => s.status === 'assigned');
    ticket.record.failWrites = 1;
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(tech1, { type: 'resolve', resolution: '已修复' });
    await ticket.act(requester, { type: 'confirm', rating: 5, comment: null });
    return ticket;
  },
  'action-before-opening': async (lab) => {
    // The requester's cancel reaches the workflow in its first task, with the start (update-with-start).
    const number = `H2026-9${String(Date.now() % 100000).padStart(5, '0')}`;
    const record = lab.fake.ticket(number);
    record.assignees = [tech1];
    const submittedAtMs = await lab.now();
    const start = new WithStartWorkflowOperation<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(number),
      taskQueue: TEST_TASK_QUEUE,
      args: [
        ticketInput(number, { policy: allDayPolicy, submittedAt: new Date(submittedAtMs).toISOString() }),
      ],
      workflowIdConflictPolicy: 'FAIL',
    });
    await lab.env.client.workflow.executeUpdateWithStart(ticketCommandUpdates.cancel, {
      args: [requester, { type: 'cancel', reason: null }],
      startWorkflowOperation: start,
    });
    return new TicketProbe(await start.workflowHandle(), number, submittedAtMs, record);
  },
  cancel: async (lab) => {
    const ticket = await lab.start({ policy: testPolicy, priority: 'P3', assignees: [null] });
    await ticket.act(requester, { type: 'cancel', reason: null });
    return ticket;
  },
};

/** Waits (in real time) until the workflow has reported `count` steps that failed for good. */
async function waitForFlags(ticket: TicketProbe, count: number): Promise<void> {
  for (let i = 0; i < 200 && ticket.record.flags.length < count; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  if (ticket.record.flags.length < count) throw new Error(`${ticket.number}: fewer than ${count} flags`);
}

/** Waits for the workflow to complete without `result()`, which would let the test server skip years ahead. */
async function completed(ticket: TicketProbe): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if ((await ticket.handle.describe()).status.name === 'COMPLETED') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${ticket.number} did not complete`);
}

export const HISTORIES_DIR = path.join(__dirname, '..', 'test', 'fixtures', 'histories');

async function main(names: string[]): Promise<void> {
  const wanted = names.length > 0 ? names : Object.keys(SCENARIOS);
  const unknown = wanted.filter((name) => !(name in SCENARIOS));
  if (unknown.length > 0) throw new Error(`unknown scenarios: ${unknown.join(', ')}`);
  await mkdir(HISTORIES_DIR, { recursive: true });
  const lab = await WorkflowLab.create('H');
  try {
    for (const name of wanted) {
      const ticket = await SCENARIOS[name](lab);
      await completed(ticket);
      const history = await ticket.handle.fetchHistory();
      const file = path.join(HISTORIES_DIR, `${name}.json`);
      await writeFile(file, `${JSON.stringify(History.fromObject(history).toJSON(), null, 1)}\n`);
      console.log(`${name}: ${history.events?.length ?? 0} events → ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    await lab.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
