import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { AssignTicketInput, RecordTicketInput } from '../../activities';
import type { ticketWorkflow } from '../../workflows';
import type { AssignmentResult } from '../../domain/ticket-machine';
import type { Actor, StaffActor, TicketEvent, TicketState } from '../../domain/ticket-types';
import {
  acceptTicketUpdate,
  confirmTicketUpdate,
  resolveTicketUpdate,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket-contract';
import { workflowBundle as workflowBundleOnce } from '../support/desk';
import { createTimeSkippingEnv } from '../support/temporal';
import { technician, ticketInput } from './fixtures';

const tech1 = technician('tech1');
const tech2 = technician('tech2');
const requester: Actor = { kind: 'requester', name: '张老师' };

/** Activities that record what the workflow asked for, and assign from a script. */
function fakeActivities(assignees: (StaffActor | null)[]) {
  const events: TicketEvent[] = [];
  const assignCalls: AssignTicketInput[] = [];
  const activities: Activities = {
    recordTicket(input: RecordTicketInput): Promise<void> {
      for (const event of input.events) if (!events.some((e) => e.seq === event.seq)) events.push(event);
      return Promise.resolve();
    },
    assignTicket(input: AssignTicketInput): Promise<AssignmentResult> {
      assignCalls.push(input);
      const next = assignees.length > 1 ? assignees.shift() : assignees[0];
      return Promise.resolve(
        next ? { assignee: next, reason: 'test' } : { assignee: null, reason: 'nobody' },
      );
    },
  };
  return { activities, events, assignCalls };
}

async function waitFor(
  handle: WorkflowHandle,
  predicate: (state: TicketState) => boolean,
): Promise<TicketState> {
  for (let i = 0; i < 100; i += 1) {
    const { state } = await handle.query(ticketStateQuery);
    if (predicate(state)) return state;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('condition not reached');
}

describe('ticket workflow (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: WorkflowBundleWithSourceMap;
  let counter = 0;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    workflowBundle = await workflowBundleOnce();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  async function run<T>(fake: ReturnType<typeof fakeActivities>, fn: () => Promise<T>): Promise<T> {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'test-tickets',
      workflowBundle,
      activities: fake.activities,
    });
    return worker.runUntil(fn);
  }

  async function start(priority = 'P1') {
    counter += 1;
    const number = `R2026-${String(counter).padStart(6, '0')}`;
    const submittedAt = new Date(await env.currentTimeMs()).toISOString();
    const handle = await env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(number),
      taskQueue: 'test-tickets',
      args: [ticketInput(number, { priority, submittedAt })],
    });
    return { handle, number, submittedAt };
  }

  test('when the assignee accepts, resolves and the requester confirms, then the ticket closes with the accepter as owner', async () => {
    const fake = fakeActivities([tech1]);
    await run(fake, async () => {
      const { handle } = await start();
      await waitFor(handle, (s) => s.status === 'assigned');
      const accepted = await handle.executeUpdate(acceptTicketUpdate, { args: [tech1, { type: 'accept' }] });
      expect(accepted.view.owner?.badge).toBe(tech1.badge);
      expect(accepted.view.status).toBe('in_progress');
      await handle.executeUpdate(resolveTicketUpdate, {
        args: [tech1, { type: 'resolve', resolution: '更换网线' }],
      });
      const closed = await handle.executeUpdate(confirmTicketUpdate, {
        args: [requester, { type: 'confirm', rating: 5, comment: '很快' }],
      });
      expect(closed.view.status).toBe('closed');
      expect(closed.view.rating).toBe(5);
      const outcome = await handle.result();
      expect(outcome.status).toBe('closed');
    });
    expect(fake.events.map((e) => e.type)).toEqual([
      'submitted',
      'assigned',
      'accepted',
      'resolved',
      'confirmed',
    ]);
    expect(fake.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  test('when nobody accepts for hours, then each respond escalation level fires at its deadline, once', async () => {
    const fake = fakeActivities([tech1, tech2]);
    await run(fake, async () => {
      const { handle, submittedAt } = await start('P1');
      await env.sleep('3h');
      const { state } = await handle.query(ticketStateQuery);
      expect(state.escalation.respond).toBe(2);
      const escalations = fake.events.filter((e) => e.type === 'escalated');
      expect(escalations.map((e) => e.data.level)).toEqual([1, 2]);
      const deadline = Date.parse(submittedAt) + 10 * 60_000;
      expect(escalations[0].data.deadline).toBe(new Date(deadline).toISOString());
      expect(Date.parse(escalations[0].data.firedAt as string) - deadline).toBeLessThan(1000);
      expect(Date.parse(escalations[1].data.firedAt as string) - (deadline + 30 * 60_000)).toBeLessThan(1000);
      // Level 1 reassigns away from the technician who did not respond.
      expect(fake.assignCalls[1].exclude).toContain('tech1');
      expect(state.assignee?.username).toBe('tech2');
      await handle.terminate();
    });
  });

  test('when an actor who does not hold the ticket accepts, then the update is refused as Forbidden and never enters history', async () => {
    const fake = fakeActivities([tech1]);
    await run(fake, async () => {
      const { handle } = await start();
      await waitFor(handle, (s) => s.status === 'assigned');
      const refusal = await handle
        .executeUpdate(acceptTicketUpdate, { args: [tech2, { type: 'accept' }] })
        .catch((err: unknown) => err);
      expect(refusal).toBeInstanceOf(WorkflowUpdateFailedError);
      const cause = (refusal as WorkflowUpdateFailedError).cause;
      expect(cause).toBeInstanceOf(ApplicationFailure);
      expect((cause as ApplicationFailure).type).toBe('Forbidden');
      const wrongState = await handle
        .executeUpdate(resolveTicketUpdate, { args: [tech1, { type: 'resolve', resolution: 'x' }] })
        .catch((err: unknown) => err);
      expect(((wrongState as WorkflowUpdateFailedError).cause as ApplicationFailure).type).toBe('Conflict');
      const history = await handle.fetchHistory();
      const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes);
      expect(accepted).toHaveLength(0);
      await handle.terminate();
    });
  });
});
