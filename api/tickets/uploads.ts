import type { RequestHandler, Response } from 'express';
import multer from 'multer';
import type { Queryable } from '../../db/pool';
import { findPhoto } from '../../db/repositories/photos';
import { AppError } from '../http/errors';
import { textGuard } from '../http/text-guard';

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export interface Photo {
  contentType: PhotoType;
  bytes: Buffer;
}

/** The image type by magic bytes; the browser's declared type alone is never trusted. */
export function sniffImageType(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 8 &&
    bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'image/png';
  if (
    bytes.length >= 12 &&
    bytes.subarray(0, 4).toString('latin1') === 'RIFF' &&
    bytes.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  return null;
}

/**
 * Multipart parsing for the report form: at most one photo of 5 MB, in memory. A multer failure (too large,
 * too many files) is kept in `res.locals.uploadError` so the form can be shown again with the message.
 * The text fields then go through the text rule like every other body.
 */
export function photoUpload(field: string): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 20, fieldSize: 16 * 1024, parts: 25 },
  }).single(field);
  return (req, res, next) => {
    upload(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        res.locals.uploadError = err.code === 'LIMIT_FILE_SIZE' ? 'too_large' : 'invalid';
        req.body ??= {};
        return textGuard(req, res, next);
      }
      if (err) return next(err);
      textGuard(req, res, next);
    });
  };
}

/** The uploaded photo, checked by size and magic bytes; undefined when none was chosen. */
export function checkPhoto(file: Express.Multer.File | undefined): Photo | undefined {
  if (!file || file.size === 0) return undefined;
  if (file.size > MAX_PHOTO_BYTES)
    throw new AppError(413, 'Content Too Large', 'The photo is larger than 5 MB.');
  const contentType = sniffImageType(file.buffer);
  if (!contentType || !(PHOTO_TYPES as readonly string[]).includes(file.mimetype)) {
    throw AppError.unprocessable('The photo must be a JPEG, PNG or WebP image.', [
      { field: 'photo', message: 'is not a JPEG, PNG or WebP image' },
    ]);
  }
  return { contentType, bytes: file.buffer };
}

/** A ticket's photo by id; a 404 when there is none (or the id is not a photo id). */
export async function loadPhoto(db: Queryable, number: string, id: string): Promise<Photo> {
  const row = /^\d{1,18}$/.test(id) ? await findPhoto(db, number, id) : undefined;
  if (!row) throw AppError.notFound(`No photo ${id} on ticket ${number}.`);
  // The table's CHECK admits only PHOTO_TYPES.
  return { contentType: row.contentType as PhotoType, bytes: row.bytes };
}

/** Sends a stored photo with its stored image type; never sniffed or rendered as a document by the browser. */
export function sendPhoto(res: Response, photo: Photo): void {
  res
    .status(200)
    .set({
      'Content-Type': photo.contentType,
      'Content-Disposition': 'inline',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
      'Cache-Control': 'private, max-age=3600',
    })
    .end(photo.bytes);
}
