import express, { type Request, type RequestHandler, type Response } from 'express';
import { hasRole, MANAGERS } from '../../domain/authz';
import type { Lang, StaffActor } from '../../domain/ticket-types';
import type { Translate } from '../../lib/i18n';
import type { ApiDeps } from '../deps';
import { callerOf } from '../http/caller';
import { AppError } from '../http/errors';
import { textGuard } from '../http/text-guard';
import type { RenderPage } from './view';

/** What every page router gets: the API's dependencies and the page renderer. */
export interface PageDeps extends ApiDeps {
  render: RenderPage;
  formatTime: (lang: Lang, value: string | null | undefined) => string;
}

export const pageLang = (res: Response): Lang => res.locals.lang as Lang;
export const pageT = (res: Response): Translate => res.locals.t as Translate;
/** The signed-in staff member: the caller `loadSession` recorded (api/auth/session.ts), as the API's handlers read it. */
export const pageStaff = (res: Response): StaffActor | undefined => callerOf(res).staff;

/** The signed-in staff member, or a redirect to the login page that comes back here. */
export function requirePageStaff(req: Request, res: Response): StaffActor | null {
  const staff = pageStaff(res);
  if (staff) return staff;
  res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
  return null;
}

export function requireManager(req: Request, res: Response): StaffActor | null {
  const staff = requirePageStaff(req, res);
  if (!staff) return null;
  if (!hasRole(staff, MANAGERS))
    throw AppError.forbidden('Manager views are for managers and administrators.');
  return staff;
}

/** The body parser of every page form: urlencoded fields, then the text rule over them. */
const urlencoded = express.urlencoded({ extended: false, limit: '32kb' });
export const formBody: RequestHandler = (req, res, next) => {
  urlencoded(req, res, (err?: unknown) => (err ? next(err) : textGuard(req, res, next)));
};

/** A trimmed string form field, or '' when missing. */
export function field(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value.trim() : '';
}

/** An untrimmed string form field (passwords keep their spaces), or '' when missing. */
export function rawField(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** Only same-site relative paths are followed after login. */
export function safeNext(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(staff|manage)(\/|$|\?)/.test(value) ? value : fallback;
}

/** A translation, or `fallback` when the dictionary has no such key (e.g. a kind of place added later). */
export function labelOr(t: Translate, key: string, fallback: string): string {
  const text = t(key);
  return text === key ? fallback : text;
}
