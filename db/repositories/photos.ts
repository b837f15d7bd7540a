import { query, queryOne, type Queryable } from '../pool';

/** `ticket_photos`: the photo a report came with. */

/** A photo as stored; the table admits only the image types api/tickets/uploads.ts accepts. */
export interface StoredPhoto {
  contentType: string;
  bytes: Buffer;
}

/** Stores a photo; returns its id. */
export async function insertPhoto(db: Queryable, number: string, photo: StoredPhoto): Promise<string> {
  const row = await queryOne<{ id: string }>(
    db,
    `INSERT INTO ticket_photos (ticket_number, content_type, size_bytes, bytes) VALUES ($1, $2, $3, $4)
     RETURNING id::text`,
    [number, photo.contentType, photo.bytes.length, photo.bytes],
  );
  if (!row) throw new Error('photo insert returned no row');
  return row.id;
}

/** A ticket's photo ids in the order they came. */
export async function listPhotoIds(db: Queryable, number: string): Promise<string[]> {
  const rows = await query<{ id: string }>(
    db,
    'SELECT id::text FROM ticket_photos WHERE ticket_number = $1 ORDER BY id',
    [number],
  );
  return rows.map((row) => row.id);
}

/** One photo of a ticket; `id` must be a bigint's digits. */
export const findPhoto = (db: Queryable, number: string, id: string): Promise<StoredPhoto | undefined> =>
  queryOne<StoredPhoto>(
    db,
    'SELECT content_type AS "contentType", bytes FROM ticket_photos WHERE ticket_number = $1 AND id = $2',
    [number, id],
  );
