import type { Pool } from 'pg';
import { z } from 'zod';
import type { TicketAction } from '../../domain/ticket-actions';
import type { CommandOf } from '../../workflows/ticket-contract';
import { findTeam } from '../../db/repositories/org';
import { findTechnician } from '../../db/repositories/staff';
import { AppError } from '../http/errors';
import { text } from '../http/text-schemas';

/**
 * The API half of the actions table (docs/architecture.md): for each lifecycle action of
 * `domain/ticket-actions.ts`, the schema of its request body and how a valid body becomes the command the
 * workflow runs. Routes, the pages' forms and OpenAPI read it; the compiler refuses a missing action.
 */
export interface ActionApi<A extends TicketAction, Body> {
  /** The request body: validated at the edge, documented in OpenAPI as it is. */
  body: z.ZodType<Body>;
  /** What a `refine` says, in JSON Schema (zod cannot derive it); test/api/openapi.test.ts holds both to the same bodies. */
  bodyRule?: Record<string, unknown>;
  /** The workflow command for a valid body; may look up what the body names (422 when it is not there). */
  command: (body: Body, pool: Pool) => CommandOf<A> | Promise<CommandOf<A>>;
}

/** One row, with the command builder typed by its own body schema. */
const row = <A extends TicketAction, Body>(_action: A, spec: ActionApi<A, Body>): ActionApi<A, Body> => spec;

const reason = text(500);
const Priority = z.string().regex(/^P[1-9]$/, 'is not a priority like P2');

const table = {
  accept: row('accept', { body: z.strictObject({}), command: () => ({ type: 'accept' }) }),
  decline: row('decline', {
    body: z.strictObject({ reason }),
    command: (b) => ({ type: 'decline', reason: b.reason }),
  }),
  transfer: row('transfer', {
    body: z
      .strictObject({
        to: z.string().trim().min(1).max(40).optional(),
        team: z.string().trim().min(1).max(40).optional(),
        reason,
      })
      .refine((body) => (body.to == null) !== (body.team == null), {
        message: 'give exactly one of "to" (a technician\'s username) or "team" (a team code)',
        path: ['to'],
      }),
    bodyRule: { oneOf: [{ required: ['to'] }, { required: ['team'] }] },
    command: async (b, pool) => {
      if (b.team != null) {
        if (!(await findTeam(pool, b.team)))
          throw AppError.unprocessable(`No team ${b.team}.`, [{ field: 'team', message: 'no such team' }]);
        return { type: 'transfer', to: { kind: 'team', team: b.team }, reason: b.reason };
      }
      const username = b.to ?? '';
      const staff = await findTechnician(pool, username);
      if (!staff)
        throw AppError.unprocessable(`No active technician ${username}.`, [
          { field: 'to', message: 'no such technician' },
        ]);
      return { type: 'transfer', to: { kind: 'staff', staff }, reason: b.reason };
    },
  }),
  note: row('note', {
    body: z.strictObject({ note: text(2000) }),
    command: (b) => ({ type: 'note', note: b.note }),
  }),
  on_site: row('on_site', { body: z.strictObject({}), command: () => ({ type: 'on_site' }) }),
  pause: row('pause', {
    body: z.strictObject({ reason }),
    command: (b) => ({ type: 'pause', reason: b.reason }),
  }),
  resume: row('resume', {
    body: z.strictObject({ reason }),
    command: (b) => ({ type: 'resume', reason: b.reason }),
  }),
  resolve: row('resolve', {
    body: z.strictObject({ resolution: text(2000) }),
    command: (b) => ({ type: 'resolve', resolution: b.resolution }),
  }),
  confirm: row('confirm', {
    body: z.strictObject({ rating: z.number().int().min(1).max(5), comment: text(1000).optional() }),
    command: (b) => ({ type: 'confirm', rating: b.rating, comment: b.comment ?? null }),
  }),
  reject: row('reject', {
    body: z.strictObject({ reason }),
    command: (b) => ({ type: 'reject', reason: b.reason }),
  }),
  cancel: row('cancel', {
    body: z.strictObject({ reason: reason.optional() }),
    command: (b) => ({ type: 'cancel', reason: b.reason ?? null }),
  }),
  priority: row('priority', {
    body: z.strictObject({ priority: Priority, reason }),
    command: (b) => ({ type: 'priority', priority: b.priority, reason: b.reason }),
  }),
};

/** The valid body of each action, as its schema parses it. */
export type ActionBody = { [A in TicketAction]: Parameters<(typeof table)[A]['command']>[0] };

export const ACTION_API: { [A in TicketAction]: ActionApi<A, ActionBody[A]> } = table;
