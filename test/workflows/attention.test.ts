import { WithStartWorkflowOperation } from '@temporalio/client';
import type { ticketWorkflow } from '../../workflows';
import { ticketCommandUpdates, ticketWorkflowId } from '../../workflows/ticket-contract';
import { allDayPolicy, requester, technician, ticketInput } from './fixtures';
import { MINUTE, TEST_TASK_QUEUE, useWorkflowLab } from './harness';

const tech1 = technician('tech1');
const lab = useWorkflowLab('N');

/** Polls (in real time) until `check` holds; the time-skipping server moves only when told. */
async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`not reached: ${what}`);
}

describe('a step that fails for good (time-skipping)', () => {
  test('when the opening write is refused for good, then the ticket is marked for attention and opens on the retry', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1], failWrites: 1 });
    await eventually(() => ticket.record.flags.length === 1, 'the ticket is flagged');
    expect(ticket.record.flags[0]).toMatchObject({
      number: ticket.number,
      kind: 'failed',
      activity: 'openTicket',
      reason: expect.stringContaining('SQLSTATE 22021') as unknown,
    });
    expect(ticket.record.records).toHaveLength(0);
    expect((await ticket.handle.describe()).status.name).toBe('RUNNING');

    await lab().sleep(MINUTE);
    const state = await ticket.waitFor((s) => s.status === 'assigned');
    expect(state.assignee?.username).toBe('tech1');
    expect(ticket.events.map((e) => e.type)).toEqual(['submitted', 'assigned']);
    expect(ticket.record.flags).toHaveLength(1);
  });

  test('when a later write is refused for good, then the action still answers, the ticket is flagged and the write is retried with the next action', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    ticket.record.failWrites = 1;
    const accepted = await ticket.act(tech1, { type: 'accept' });
    expect(accepted.state.status).toBe('in_progress');
    expect(ticket.record.flags).toEqual([
      expect.objectContaining({ kind: 'failed', activity: 'recordTicket' }),
    ]);
    expect(ticket.eventsOf('accepted')).toHaveLength(0);

    await ticket.act(tech1, { type: 'note', note: '已到现场' });
    await ticket.waitFor((s) => s.seq >= 4);
    expect(ticket.events.map((e) => e.type)).toEqual(['submitted', 'assigned', 'accepted', 'note']);
  });

  test('when writes keep failing, then the retries back off (1, 2, 4 minutes) and the ticket still reaches its end', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1], failWrites: 3 });
    await eventually(() => ticket.record.flags.length === 1, 'first flag');
    await lab().sleep(MINUTE);
    await eventually(() => ticket.record.flags.length === 2, 'second flag after 1 minute');
    expect(ticket.record.flags[1].activity).toBe('recordTicket');
    await lab().sleep(MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(ticket.record.flags).toHaveLength(2);
    await lab().sleep(MINUTE);
    await eventually(() => ticket.record.flags.length === 3, 'third flag 2 minutes after the second');
    await lab().sleep(3 * MINUTE);
    expect(ticket.record.records).toHaveLength(0);
    await lab().sleep(MINUTE);
    await ticket.waitFor((s) => s.status === 'assigned');
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(tech1, { type: 'resolve', resolution: '已修复' });
    await ticket.act(requester, { type: 'confirm', rating: 5, comment: null });
    expect(await ticket.handle.result()).toMatchObject({ status: 'closed' });
  });
});

describe('an action that arrives before the opening (time-skipping)', () => {
  test('when a cancel is delivered with the start, then the ticket opens first and the cancel follows as its own event', async () => {
    const number = 'N2026-900001';
    const record = lab().fake.ticket(number);
    record.assignees = [tech1];
    const start = new WithStartWorkflowOperation<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(number),
      taskQueue: TEST_TASK_QUEUE,
      args: [ticketInput(number, { policy: allDayPolicy })],
      workflowIdConflictPolicy: 'FAIL',
    });
    const snapshot = await lab().env.client.workflow.executeUpdateWithStart(ticketCommandUpdates.cancel, {
      args: [requester, { type: 'cancel', reason: null }],
      startWorkflowOperation: start,
    });
    expect(snapshot.state.status).toBe('cancelled');
    const handle = await start.workflowHandle();
    expect(await handle.result()).toMatchObject({ status: 'cancelled' });
    const events = [...record.events].sort((a, b) => a.seq - b.seq).map((e) => `${e.seq}:${e.type}`);
    expect(events).toEqual(['1:submitted', '2:assigned', '3:cancelled']);
    expect(record.assignCalls[0]?.requestKey).toBe(`${number}:1`);
  });
});
