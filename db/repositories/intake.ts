import { query, queryOne, type Queryable } from '../pool';
import type { LocationRecord, TicketCategory } from '../../domain/ticket-types';

/** ticket_intake: the numbers handed out at intake and their Idempotency-Keys, before a ticket is written. */

/**
 * Takes the next ticket number of `year` and records the intake in one statement (no transaction round
 * trips on the hot path). A repeated Idempotency-Key inserts nothing and answers undefined; the sequence
 * value it drew is left unused, as PostgreSQL sequences do on any rollback.
 */
export const insertIntake = async (
  db: Queryable,
  year: string,
  idempotencyKey: string | undefined,
  requestHash: string,
): Promise<string | undefined> =>
  (
    await queryOne<{ number: string }>(
      db,
      `INSERT INTO ticket_intake (number, idempotency_key, request_hash)
       VALUES ('R' || $1::text || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0'), $2, $3)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING number`,
      [year, idempotencyKey ?? null, requestHash],
    )
  )?.number;

/** The intake an Idempotency-Key took, with the hash of the request that took it. */
export const findIntakeByKey = (
  db: Queryable,
  idempotencyKey: string,
): Promise<{ number: string; requestHash: string } | undefined> =>
  queryOne(db, 'SELECT number, request_hash AS "requestHash" FROM ticket_intake WHERE idempotency_key = $1', [
    idempotencyKey,
  ]);

/** Gives a number up (its workflow never started). */
export const deleteIntake = async (db: Queryable, number: string): Promise<void> => {
  await query(db, 'DELETE FROM ticket_intake WHERE number = $1', [number]);
};

/** Whether a number was taken at intake (its ticket may not be written yet). */
export const intakeExists = async (db: Queryable, number: string): Promise<boolean> =>
  (await queryOne(db, 'SELECT 1 FROM ticket_intake WHERE number = $1', [number])) != null;

/** What a report names, looked up in one round trip: the place (active or not) and the active category. */
export interface IntakeReferences {
  location: LocationRecord | null;
  category: TicketCategory | null;
  /** The kinds of place the category fits; null when there is no such active category. */
  placeKinds: string[] | null;
}

export const findIntakeReferences = async (
  db: Queryable,
  locationCode: string,
  categoryCode: string,
): Promise<IntakeReferences> =>
  (await queryOne<IntakeReferences>(
    db,
    `SELECT (SELECT json_build_object('code', code, 'campus', campus, 'building', building, 'floor', floor,
                                      'room', room, 'zone', zone, 'kind', kind, 'active', active)
               FROM locations WHERE code = $1) AS location,
            (SELECT json_build_object('code', code, 'name', name, 'nameEn', name_en, 'skill', skill)
               FROM categories WHERE code = $2 AND active) AS category,
            (SELECT place_kinds FROM categories WHERE code = $2 AND active) AS "placeKinds"`,
    [locationCode, categoryCode],
  )) ?? { location: null, category: null, placeKinds: null };

/** Numbers taken more than `olderThanMs` ago whose ticket is still not written, oldest first, with how long they waited. */
export const unopenedIntakes = (
  db: Queryable,
  olderThanMs: number,
  limit: number,
): Promise<{ number: string; waited_s: number }[]> =>
  query<{ number: string; waited_s: number }>(
    db,
    `SELECT i.number, extract(epoch FROM now() - i.created_at)::int AS waited_s FROM ticket_intake i
      WHERE i.created_at < now() - make_interval(secs => $1::double precision / 1000)
        AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.number = i.number)
      ORDER BY i.created_at LIMIT $2`,
    [olderThanMs, limit],
  );
