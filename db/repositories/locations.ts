import { query, queryOne, type Queryable } from '../pool';
import type { LocationRecord } from '../../domain/ticket-types';

/** The places tickets are reported from (`locations`), as the API, the pages and intake read them. */

const COLUMNS = 'code, campus, building, floor, room, zone, kind, active';

export interface LocationFields {
  code: string;
  campus: string;
  building: string;
  floor?: string | null;
  room?: string | null;
  zone: string;
  kind: string;
}

/** Places in campus, building and floor order, optionally of one building and active or not. */
export const listLocations = (
  db: Queryable,
  filter: { building?: string; active?: boolean } = {},
): Promise<LocationRecord[]> =>
  query<LocationRecord>(
    db,
    `SELECT ${COLUMNS} FROM locations
      WHERE ($1::text IS NULL OR building = $1) AND ($2::boolean IS NULL OR active = $2)
      ORDER BY campus, building, floor NULLS FIRST, code`,
    [filter.building ?? null, filter.active ?? null],
  );

/** One place by its code (any case). */
export const findLocation = (db: Queryable, code: string): Promise<LocationRecord | undefined> =>
  queryOne<LocationRecord>(db, `SELECT ${COLUMNS} FROM locations WHERE code = $1`, [code.toUpperCase()]);

/** Adds a place; undefined when its code is taken. */
export const insertLocation = (db: Queryable, body: LocationFields): Promise<LocationRecord | undefined> =>
  queryOne<LocationRecord>(
    db,
    `INSERT INTO locations (code, campus, building, floor, room, zone, kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
    [body.code, body.campus, body.building, body.floor ?? null, body.room ?? null, body.zone, body.kind],
  );

/** Marks a place out of service; undefined when there is no such place. */
export const deactivateLocation = (db: Queryable, code: string): Promise<LocationRecord | undefined> =>
  queryOne<LocationRecord>(db, `UPDATE locations SET active = false WHERE code = $1 RETURNING ${COLUMNS}`, [
    code.toUpperCase(),
  ]);

/** Every building with a place, by name. */
export const listBuildings = async (db: Queryable): Promise<string[]> =>
  (await query<{ building: string }>(db, 'SELECT DISTINCT building FROM locations ORDER BY building')).map(
    (row) => row.building,
  );
