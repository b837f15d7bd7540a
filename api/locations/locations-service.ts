import QRCode from 'qrcode';
import { z } from 'zod';
import { query, queryOne, type Queryable } from '../../db/pool';
import type { LocationRecord } from '../../domain/ticket-types';
import { AppError } from '../http/errors';
import { optionalText, text } from '../http/text-schemas';

export type Location = LocationRecord;

export const LocationCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, 'is not a location code like IH-2-301');

/** Body of POST /api/locations (and the add form of /manage/locations). */
export const NewLocationBody = z.strictObject({
  code: LocationCode,
  campus: text(50),
  building: text(50),
  floor: optionalText(20),
  room: optionalText(50),
  zone: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{0,29}$/, 'is not a zone code like north'),
  kind: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9_-]{0,29}$/, 'is not a kind of place like classroom'),
});
export type NewLocation = z.infer<typeof NewLocationBody>;

/** Query of GET /api/locations. */
export const LocationListQuery = z.object({
  building: optionalText(50),
  active: z.enum(['true', 'false']).optional(),
});

const COLUMNS = 'code, campus, building, floor, room, zone, kind, active';

export async function listLocations(
  db: Queryable,
  filter: { building?: string; active?: boolean } = {},
): Promise<Location[]> {
  return query<Location>(
    db,
    `SELECT ${COLUMNS} FROM locations
      WHERE ($1::text IS NULL OR building = $1) AND ($2::boolean IS NULL OR active = $2)
      ORDER BY campus, building, floor NULLS FIRST, code`,
    [filter.building ?? null, filter.active ?? null],
  );
}

export async function findLocation(db: Queryable, code: string): Promise<Location | undefined> {
  return queryOne<Location>(db, `SELECT ${COLUMNS} FROM locations WHERE code = $1`, [code.toUpperCase()]);
}

export async function requireLocation(db: Queryable, code: string): Promise<Location> {
  const location = await findLocation(db, code);
  if (!location) throw AppError.notFound(`No location ${code}.`);
  return location;
}

export async function addLocation(db: Queryable, body: NewLocation): Promise<Location> {
  const row = await queryOne<Location>(
    db,
    `INSERT INTO locations (code, campus, building, floor, room, zone, kind)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (code) DO NOTHING RETURNING ${COLUMNS}`,
    [body.code, body.campus, body.building, body.floor ?? null, body.room ?? null, body.zone, body.kind],
  );
  if (!row) throw AppError.conflict(`Location ${body.code} already exists.`);
  return row;
}

/** Takes a place out of service: its QR code then shows a "no longer in service" page. Idempotent. */
export async function deactivateLocation(db: Queryable, code: string): Promise<Location> {
  const row = await queryOne<Location>(
    db,
    `UPDATE locations SET active = false WHERE code = $1 RETURNING ${COLUMNS}`,
    [code.toUpperCase()],
  );
  if (!row) throw AppError.notFound(`No location ${code}.`);
  return row;
}

export async function listBuildings(db: Queryable): Promise<string[]> {
  const rows = await query<{ building: string }>(
    db,
    'SELECT DISTINCT building FROM locations ORDER BY building',
  );
  return rows.map((row) => row.building);
}

/** The address a location's QR code encodes: the scan-to-report page. */
export const reportUrl = (publicUrl: string, code: string): string =>
  `${publicUrl.replace(/\/$/, '')}/r/${encodeURIComponent(code)}`;

export function locationQrPng(publicUrl: string, code: string, width = 480): Promise<Buffer> {
  return QRCode.toBuffer(reportUrl(publicUrl, code), {
    type: 'png',
    errorCorrectionLevel: 'M',
    margin: 2,
    width,
  });
}

export function locationQrDataUrl(publicUrl: string, code: string): Promise<string> {
  return QRCode.toDataURL(reportUrl(publicUrl, code), { errorCorrectionLevel: 'M', margin: 1, width: 320 });
}
