import { query, type Queryable } from '../pool';

/**
 * `notification_outbox`: every message the desk sends. The activities write it, the dispatcher
 * (worker/outbox-dispatcher.ts) delivers its e-mail rows, the tracking page shows the requester's.
 */

/** One message to write, in the outbox's column order. */
export type OutboxRow = [
  dedupeKey: string,
  ticketNumber: string,
  eventSeq: number,
  recipientKind: string,
  recipient: string,
  channel: 'email' | 'web',
  address: string | null | undefined,
  lang: string,
  template: string,
  subject: string,
  body: string,
];

/** Writes messages in one statement; a message already written (same dedupe key) is left alone. */
export async function insertOutboxRows(db: Queryable, rows: OutboxRow[]): Promise<void> {
  if (rows.length === 0) return;
  const column = (i: number) => rows.map((row) => row[i]);
  await db.query(
    `INSERT INTO notification_outbox
       (dedupe_key, ticket_number, event_seq, recipient_kind, recipient, channel, address, lang, template, subject, body)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[],
                          $8::text[], $9::text[], $10::text[], $11::text[])
     ON CONFLICT (dedupe_key) DO NOTHING`,
    Array.from({ length: 11 }, (_, i) => column(i)),
  );
}

export interface MessageRow {
  id: string;
  subject: string;
  body: string;
  channel: string;
  status: string;
  createdAt: string;
}

/** Messages the desk sent to the requester about this ticket (the outbox keeps every one), newest first. */
export const requesterMessages = (db: Queryable, number: string): Promise<MessageRow[]> =>
  query<MessageRow>(
    db,
    `SELECT id::text, subject, body, channel, status,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt"
       FROM notification_outbox WHERE ticket_number = $1 AND recipient_kind = 'requester' ORDER BY id DESC`,
    [number],
  );

/** An e-mail row a dispatcher has claimed. */
export interface ClaimedEmail {
  id: string;
  ticket_number: string;
  template: string;
  address: string | null;
  subject: string;
  body: string;
  attempts: number;
}

/**
 * Reserves the oldest due e-mail row: the attempt is counted and the row is hidden from other dispatchers until the
 * lease ends. One statement, so no transaction stays open while the mail server is talked to.
 */
export async function claimNextEmail(db: Queryable, leaseMs: number): Promise<ClaimedEmail | undefined> {
  const rows = await query<ClaimedEmail>(
    db,
    `UPDATE notification_outbox AS o
        SET attempts = o.attempts + 1,
            next_attempt_at = now() + $1::double precision * interval '1 millisecond'
      WHERE o.id = (SELECT id FROM notification_outbox
                     WHERE status = 'pending' AND channel = 'email' AND next_attempt_at <= now()
                     ORDER BY next_attempt_at, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.ticket_number, o.template, o.address, o.subject, o.body, o.attempts`,
    [leaseMs],
  );
  return rows[0];
}

/**
 * Records a final outcome. The `attempts` guard makes a dispatcher whose lease ran out (and whose row another
 * dispatcher took over) leave the newer claim alone.
 */
export async function finishEmail(
  db: Queryable,
  row: ClaimedEmail,
  status: 'sent' | 'failed' | 'skipped',
  error: string | null,
): Promise<void> {
  await query(
    db,
    `UPDATE notification_outbox
        SET status = $3,
            sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
            last_error = coalesce($4, last_error)
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [row.id, row.attempts, status, error],
  );
}

/** Leaves a claimed row pending, to be tried again after `delayMs`. */
export async function scheduleEmailRetry(
  db: Queryable,
  row: ClaimedEmail,
  error: string,
  delayMs: number,
): Promise<void> {
  await query(
    db,
    `UPDATE notification_outbox
        SET last_error = $3,
            next_attempt_at = now() + $4::double precision * interval '1 millisecond'
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [row.id, row.attempts, error, delayMs],
  );
}
