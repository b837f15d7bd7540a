import { query, type Queryable } from '../pool';
import type { AttentionKind } from '../../domain/attention';

/** `ticket_attention`: the "needs attention" marks the workflow, activities and stuck scan set and clear. */

const isoUtc = (column: string, ms = false): string =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS${ms ? '.MS' : ''}"Z"')`;

/** Marks (or re-marks) a ticket; `since` stays at the first mark while it is open. Text arrives sanitized. */
export async function upsertAttention(
  db: Queryable,
  number: string,
  kind: AttentionKind,
  reason: string,
  summaryJson: string,
): Promise<void> {
  await db.query(
    `INSERT INTO ticket_attention (ticket_number, kind, reason, summary) VALUES ($1, $2, $3, $4)
     ON CONFLICT (ticket_number, kind) DO UPDATE SET
       reason = EXCLUDED.reason,
       summary = CASE WHEN EXCLUDED.summary = '{}' THEN ticket_attention.summary ELSE EXCLUDED.summary END,
       since = CASE WHEN ticket_attention.cleared_at IS NULL THEN ticket_attention.since ELSE now() END,
       updated_at = now(), cleared_at = NULL`,
    [number, kind, reason, summaryJson],
  );
}

/** Clears a ticket's open marks of these kinds. */
export async function clearAttention(
  db: Queryable,
  number: string,
  kinds: readonly AttentionKind[],
): Promise<void> {
  await db.query(
    `UPDATE ticket_attention SET cleared_at = now(), updated_at = now()
      WHERE ticket_number = $1 AND cleared_at IS NULL AND kind = ANY ($2::text[])`,
    [number, kinds],
  );
}

/** Clears the stuck scan's open marks of tickets it no longer finds; returns how many it cleared. */
export async function clearScanMarksExcept(
  db: Queryable,
  still: { notOpened: readonly string[]; taskFailing: readonly string[] },
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE ticket_attention a SET cleared_at = now(), updated_at = now()
      WHERE a.cleared_at IS NULL
        AND ((a.kind = 'not_opened' AND NOT (a.ticket_number = ANY ($1::text[])))
          OR (a.kind = 'task_failing' AND NOT (a.ticket_number = ANY ($2::text[]))))`,
    [still.notOpened, still.taskFailing],
  );
  return rowCount ?? 0;
}

export interface AttentionMark {
  kind: AttentionKind;
  reason: string;
  since: string;
}

/** The ticket's open marks, oldest first. */
export const openAttentionMarks = (db: Queryable, number: string): Promise<AttentionMark[]> =>
  query<AttentionMark>(
    db,
    `SELECT kind, reason, ${isoUtc('since', true)} AS since
       FROM ticket_attention WHERE ticket_number = $1 AND cleared_at IS NULL ORDER BY since`,
    [number],
  );

export interface AttentionRow {
  number: string;
  kind: string;
  reason: string;
  since: string;
  /** From the read model when the ticket has a row, else from the mark's summary. */
  status: string;
  category: string | null;
  place: string | null;
}

/** Every ticket with an open mark, longest waiting first: the manager's attention list. */
export const needsAttention = (db: Queryable, limit = 100): Promise<AttentionRow[]> =>
  query<AttentionRow>(
    db,
    `SELECT a.ticket_number AS number, a.kind, a.reason, ${isoUtc('a.since')} AS since,
            COALESCE(t.status, a.summary->>'status', 'submitted') AS status,
            COALESCE(t.view->'categoryName'->>'zh-CN', a.summary->>'category') AS category,
            COALESCE(concat_ws(' ', t.view->'location'->>'building', t.view->'location'->>'room'),
                     a.summary->>'place') AS place
       FROM ticket_attention a LEFT JOIN tickets t ON t.number = a.ticket_number
      WHERE a.cleared_at IS NULL
      ORDER BY a.since, a.ticket_number LIMIT $1`,
    [limit],
  );
