import type { PoolClient } from 'pg';
import {
  findDispatchDecision,
  insertDispatchDecision,
  listCandidates,
  lockDispatch,
  markAssigned,
} from '../db/repositories/dispatch';
import { findStaffRef } from '../db/repositories/staff';
import { chooseAssignee } from '../domain/dispatch';
import type { AssignmentResult } from '../domain/ticket-machine';

export interface AssignTicketInput {
  number: string;
  /** Identifies this dispatch request, so a retried activity returns the decision already made. */
  requestKey: string;
  skill: string;
  zone: string;
  team: string | null;
  exclude: string[];
  atMs: number;
  timezone: string;
}

/** A dispatch decision, the instant it was applied at, and whether this call made it (false: an earlier call with the same key did). */
export interface Dispatched {
  result: AssignmentResult;
  atMs: number;
  fresh: boolean;
}

/** Picks the holder by the dispatch rules (skill, zone, on duty, fewest open, round-robin), or none for the dispatcher queue. */
export async function chooseAndRecordAssignee(
  client: PoolClient,
  input: AssignTicketInput,
): Promise<AssignmentResult> {
  return (await dispatchOnce(client, input)).result;
}

/** `chooseAndRecordAssignee`, also telling the instant the decision was made for and whether it is new; a repeated request key returns the first answer. */
export async function dispatchOnce(client: PoolClient, input: AssignTicketInput): Promise<Dispatched> {
  const found = await findDispatchDecision(client, input.requestKey);
  if (found) {
    const result = await withStaff(client, found.username, found.reason);
    return { result, atMs: found.at_ms == null ? input.atMs : Number(found.at_ms), fresh: false };
  }

  await lockDispatch(client);
  const candidates = await listCandidates(client, input.team);
  const { chosen, reason } = chooseAssignee({
    candidates,
    skill: input.skill,
    zone: input.zone,
    atMs: input.atMs,
    timezone: input.timezone,
    exclude: input.exclude,
  });
  const username = chosen?.username ?? null;
  await insertDispatchDecision(client, {
    requestKey: input.requestKey,
    number: input.number,
    username,
    reason,
    atMs: input.atMs,
  });
  if (username) await markAssigned(client, username);
  return { result: await withStaff(client, username, reason), atMs: input.atMs, fresh: true };
}

async function withStaff(
  client: PoolClient,
  username: string | null,
  reason: string,
): Promise<AssignmentResult> {
  if (!username) return { assignee: null, reason };
  return { assignee: await findStaffRef(client, username), reason };
}
