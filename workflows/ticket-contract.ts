import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TicketCommand, TicketCommandType } from '../domain/ticket-rules';
import type { Actor, TicketEvent, TicketState, TicketStatus, TicketView } from '../domain/ticket-types';

export const TICKET_TASK_QUEUE = 'echodesk-tickets';

/** Workflow IDs come from the business key, so a number can never run twice. */
export const ticketWorkflowId = (number: string): string => `ticket-${number}`;

export interface TicketSnapshot {
  state: TicketState;
  view: TicketView;
  /** Events not yet written to the read model (normally none: updates return after the write). */
  unpersisted: TicketEvent[];
}

export interface TicketOutcome {
  number: string;
  status: TicketStatus;
  events: number;
}

export type CommandOf<T extends TicketCommandType> = Extract<TicketCommand, { type: T }>;

/** Every staff or requester action is an update: validated synchronously, refused ones never enter history. */
export const acceptTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'accept'>]>('accept');
export const declineTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'decline'>]>('decline');
export const transferTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'transfer'>]>('transfer');
export const noteTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'note'>]>('note');
export const onSiteTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'on_site'>]>('on_site');
export const pauseTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'pause'>]>('pause');
export const resumeTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'resume'>]>('resume');
export const resolveTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'resolve'>]>('resolve');
export const confirmTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'confirm'>]>('confirm');
export const rejectTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'reject'>]>('reject');
export const cancelTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'cancel'>]>('cancel');
export const priorityTicketUpdate = defineUpdate<TicketSnapshot, [Actor, CommandOf<'priority'>]>('priority');

export const ticketCommandUpdates = {
  accept: acceptTicketUpdate,
  decline: declineTicketUpdate,
  transfer: transferTicketUpdate,
  note: noteTicketUpdate,
  on_site: onSiteTicketUpdate,
  pause: pauseTicketUpdate,
  resume: resumeTicketUpdate,
  resolve: resolveTicketUpdate,
  confirm: confirmTicketUpdate,
  reject: rejectTicketUpdate,
  cancel: cancelTicketUpdate,
  priority: priorityTicketUpdate,
} as const satisfies {
  [T in TicketCommandType]: ReturnType<typeof defineUpdate<TicketSnapshot, [Actor, CommandOf<T>]>>;
};

export const ticketStateQuery = defineQuery<TicketSnapshot>('state');

/** Failure types of refused updates; the API maps them to HTTP statuses. */
export const REFUSAL_FAILURE_TYPES = {
  forbidden: 'Forbidden',
  conflict: 'Conflict',
  invalid: 'Invalid',
} as const;
