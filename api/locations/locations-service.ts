import QRCode from 'qrcode';
import { z } from 'zod';
import type { Queryable } from '../../db/pool';
import * as locations from '../../db/repositories/locations';
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

export { findLocation, listBuildings, listLocations } from '../../db/repositories/locations';

export async function requireLocation(db: Queryable, code: string): Promise<Location> {
  const location = await locations.findLocation(db, code);
  if (!location) throw AppError.notFound(`No location ${code}.`);
  return location;
}

export async function addLocation(db: Queryable, body: NewLocation): Promise<Location> {
  const row = await locations.insertLocation(db, body);
  if (!row) throw AppError.conflict(`Location ${body.code} already exists.`);
  return row;
}

/** Takes a place out of service: its QR code then shows a "no longer in service" page. Idempotent. */
export async function deactivateLocation(db: Queryable, code: string): Promise<Location> {
  const row = await locations.deactivateLocation(db, code);
  if (!row) throw AppError.notFound(`No location ${code}.`);
  return row;
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
