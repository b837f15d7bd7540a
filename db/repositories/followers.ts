import { query, type Queryable } from '../pool';
import type { Lang } from '../../domain/ticket-types';

/** `ticket_followers`: people who asked to hear about a ticket they did not file. */

/** Adds a follower unless the same person (name, phone, e-mail) already follows the ticket. */
export async function addFollower(
  db: Queryable,
  number: string,
  follower: { name: string; phone?: string; email?: string; lang: string },
): Promise<void> {
  await db.query(
    `INSERT INTO ticket_followers (ticket_number, name, phone, email, lang)
     SELECT $1, $2, $3, $4, $5
      WHERE NOT EXISTS (SELECT 1 FROM ticket_followers WHERE ticket_number = $1 AND name = $2
                          AND phone IS NOT DISTINCT FROM $3 AND email IS NOT DISTINCT FROM $4)`,
    [number, follower.name, follower.phone ?? null, follower.email ?? null, follower.lang],
  );
}

/** A ticket's followers in the order they came. */
export const listFollowers = (
  db: Queryable,
  number: string,
): Promise<{ id: string; name: string; email: string | null; lang: Lang }[]> =>
  query(db, 'SELECT id::text, name, email, lang FROM ticket_followers WHERE ticket_number = $1 ORDER BY id', [
    number,
  ]);
