import type { Client } from '@temporalio/client';
import { loadSlaPolicy } from '../../config/load-sla-policy';
import { loadConfig } from '../../config/env';
import type { StaffActor } from '../../domain/ticket-types';
import {
  ticketCommandUpdates,
  TICKET_TASK_QUEUE,
  ticketStateQuery,
  ticketWorkflowId,
} from '../../workflows/ticket-contract';
import type { TicketReference } from '../lib/tickets';
import { ticketInput } from '../lib/tickets';

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

/** The SLA policy the desk runs with, as its config names it. */
export const benchPolicy = () =>
  loadSlaPolicy(loadConfig({ ...process.env, LOG_LEVEL: 'silent' }).slaPolicyPath);

/** One echodesk ticket through the workflow client: start → accept → resolve → confirm, until it ends. */
export async function echodeskLifecycle(client: Client, ref: TicketReference, number: string): Promise<void> {
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
