import { Context, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import {
  CLEARED_BY_A_WRITE,
  isPermanentSqlState,
  PERMANENT_FAILURE_TYPE,
  type AttentionKind,
} from '../domain/attention';
import { clearAttention, upsertAttention } from '../db/repositories/attention';
import { placeName } from '../domain/place';
import { sanitizeDeep, sanitizeText } from '../domain/text';
import type { TicketState } from '../domain/ticket-types';

/** What the workflow tells when one of its steps failed for good. */
export interface FlagTicketInput {
  number: string;
  kind: AttentionKind;
  /** The activity that failed (openTicket, assignTicket, recordTicket). */
  activity: string;
  reason: string;
  state: TicketState;
}

/**
 * The error as the workflow should see it: a data error no retry can fix (PostgreSQL SQLSTATE class 22,
 * most of 23, a value JavaScript cannot convert) becomes a non-retryable `TicketDataError`; anything else
 * (connection lost, timeouts, serialization) is left to retry.
 */
export function classifyActivityError(err: unknown): unknown {
  if (err instanceof ApplicationFailure) return err;
  const code = (err as { code?: unknown } | null)?.code;
  const sqlState = typeof code === 'string' ? code : undefined;
  if (isPermanentSqlState(sqlState) || err instanceof RangeError) {
    const message = err instanceof Error ? err.message : String(err);
    const detail = sqlState
      ? `PostgreSQL refused the ticket's data (SQLSTATE ${sqlState}): ${message}`
      : message;
    return ApplicationFailure.create({
      type: PERMANENT_FAILURE_TYPE,
      message: sanitizeText(detail).slice(0, 500),
      nonRetryable: true,
      cause: err instanceof Error ? err : undefined,
    });
  }
  return err;
}

/**
 * Runs one attempt of a ticket's activity: classifies its error, and when the step has kept failing
 * for longer than `stuckAfterMs` since it was first scheduled, marks the ticket `lagging` (best effort,
 * outside the failed transaction) so a person sees a read model that no longer follows its workflow.
 */
export async function guarded<T>(
  pool: Pool,
  stuckAfterMs: number,
  number: string,
  attempt: () => Promise<T>,
): Promise<T> {
  try {
    return await attempt();
  } catch (err) {
    const classified = classifyActivityError(err);
    if (!(classified instanceof ApplicationFailure)) await noteLag(pool, stuckAfterMs, number, err);
    throw classified;
  }
}

async function noteLag(pool: Pool, stuckAfterMs: number, number: string, err: unknown): Promise<void> {
  const { info } = Context.current();
  const failingMs = Date.now() - info.scheduledTimestampMs;
  if (failingMs < stuckAfterMs) return;
  const message = err instanceof Error ? err.message : String(err);
  const reason = sanitizeText(
    `${info.activityType} has failed ${info.attempt} times over ${Math.round(failingMs / 1000)} s: ${message}`,
  ).slice(0, 500);
  await markAttention(pool, number, 'lagging', reason, {}).catch((markErr: unknown) => {
    log.warn('could not mark a lagging ticket', { number, error: String(markErr) });
  });
}

/** What a dispatcher needs to recognise a report the read model may not have: category, place, when. */
export function attentionSummary(state: TicketState): Record<string, unknown> {
  const { category, location, submittedAtMs, status, priority } = state;
  return sanitizeDeep({
    status,
    priority,
    category: category.name,
    place: placeName(location),
    locationCode: location.code,
    submittedAt: Number.isFinite(submittedAtMs) ? new Date(submittedAtMs).toISOString() : null,
  });
}

/** Marks (or re-marks) a ticket as needing attention; `since` stays at the first mark while it is open. */
export async function markAttention(
  db: Pick<Pool | PoolClient, 'query'>,
  number: string,
  kind: AttentionKind,
  reason: string,
  summary: Record<string, unknown>,
): Promise<void> {
  await upsertAttention(
    db,
    number,
    kind,
    sanitizeText(reason).slice(0, 1000),
    JSON.stringify(sanitizeDeep(summary)),
  );
}

/** A successful write of the ticket clears the marks its workflow and activities set. */
export async function clearWriteMarks(client: PoolClient, number: string): Promise<void> {
  await clearAttention(client, number, CLEARED_BY_A_WRITE);
}

/** The workflow's report of a step that failed for good. */
export async function flagTicket(pool: Pool, input: FlagTicketInput): Promise<void> {
  const reason = `${input.activity}: ${input.reason}`;
  await markAttention(pool, input.number, input.kind, reason, attentionSummary(input.state));
  log.warn('ticket needs attention', { number: input.number, kind: input.kind, activity: input.activity });
}
