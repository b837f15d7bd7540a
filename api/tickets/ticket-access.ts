import type { Pool } from 'pg';
import { hasEmail } from '../../db/repositories/staff';
import { canActOn, canSeeTicket, isRequesterAccount, ticketScope } from '../../domain/authz';
import type { Actor, StaffActor, TicketState } from '../../domain/ticket-types';
import { isTrackingToken } from '../../lib/tracking-token';
import { AppError } from '../http/errors';

export interface TicketAccess {
  staff?: StaffActor;
  trackingToken?: string;
}

/**
 * Reading needs the right to see the ticket (`canSeeTicket`); acting needs the right to act on it
 * (`canActOn`, which implies seeing), and the lifecycle rules in the workflow decide the rest.
 */
export type AccessPurpose = 'read' | 'act' | 'answer';

/** Whether a signed-in requester account reported this ticket: the account's e-mail is the one on the report. */
async function reportedBy(pool: Pool, username: string, state: TicketState): Promise<boolean> {
  const email = state.requester.email?.trim().toLowerCase();
  if (!email) return false;
  return hasEmail(pool, username, email);
}

/**
 * Who is asking, as the workflow will see them: a staff member, or the requester (by tracking token or
 * signed-in requester account). A requester sees only their own ticket; a technician or team lead sees
 * only what their team handles, what they hold or own, and queued tickets they may accept; nobody acts
 * on a ticket they cannot see; answering the survey is the requester's alone.
 */
export async function resolveTicketActor(
  pool: Pool,
  secret: string,
  state: TicketState,
  access: TicketAccess,
  purpose: AccessPurpose,
): Promise<Actor> {
  const requester: Actor = { kind: 'requester', name: state.requester.name };
  const tokenValid =
    access.trackingToken != null && isTrackingToken(secret, state.number, access.trackingToken);
  const { staff } = access;
  if (purpose === 'answer' && access.trackingToken != null) {
    if (!tokenValid) throw AppError.forbidden('The tracking token does not match this ticket.');
    return requester;
  }
  if (staff && !isRequesterAccount(staff.roles)) {
    if (purpose === 'answer') throw AppError.forbidden('Only the requester can answer the survey.');
    const scope = ticketScope(state);
    if (purpose === 'act' ? canActOn(staff, scope) : canSeeTicket(staff, scope)) return staff;
    if (tokenValid) return requester;
    throw AppError.forbidden('This ticket is handled by another team.');
  }
  if (staff) {
    if (await reportedBy(pool, staff.username, state)) return requester;
    if (tokenValid) return requester;
    throw AppError.forbidden('You can see only the tickets you reported.');
  }
  if (access.trackingToken == null)
    throw AppError.unauthorized('Sign in, or send the tracking token (X-Tracking-Token).');
  if (!tokenValid) throw AppError.forbidden('The tracking token does not match this ticket.');
  return requester;
}
