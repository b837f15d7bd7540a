import type { Pool } from 'pg';
import { withTransaction, type Queryable } from '../../db/pool';
import * as org from '../../db/repositories/org';
import {
  findStaffAccount,
  insertStaffAccount,
  listShifts,
  listStaffAccounts,
  replaceShifts,
  updateStaffAccount,
  type ShiftRow,
  type StaffAccount,
} from '../../db/repositories/staff-accounts';
import { revokeSessionsOf } from '../../db/repositories/sessions';
import type { ApiTokenInfo } from '../../db/repositories/api-tokens';
import type { StaffActor } from '../../domain/ticket-types';
import { hashPassword } from '../../lib/passwords';
import type { NewStaff, Shifts, StaffPatch } from './admin-schemas';
import { issueApiToken } from '../auth/api-tokens';
import type { NewApiToken } from './admin-schemas';
import { AppError } from '../http/errors';

export type { ShiftRow, StaffAccount } from '../../db/repositories/staff-accounts';
export type { SkillUse, Team, Unit } from '../../db/repositories/org';

/** Database refusals that are the client's mistake become 409/422 instead of a 500. */
export async function asClientError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    const { code, constraint, detail } = (err ?? {}) as {
      code?: string;
      constraint?: string;
      detail?: string;
    };
    if (code === '23505') throw AppError.conflict(detail ?? `Already exists (${constraint ?? 'unique'}).`);
    if (code === '23503')
      throw AppError.unprocessable(detail ?? 'A referenced record does not exist.', [
        { field: fieldOf(constraint), message: 'does not exist' },
      ]);
    if (code === '23514' || code === '22001')
      throw AppError.unprocessable(detail ?? 'A value is not allowed.', [
        { field: fieldOf(constraint), message: 'is not allowed' },
      ]);
    throw err;
  }
}

function fieldOf(constraint: string | undefined): string {
  if (!constraint) return 'request body';
  if (constraint.includes('unit_code')) return 'unitCode';
  if (constraint.includes('team_code')) return 'teamCode';
  if (constraint.includes('username')) return 'username';
  return constraint;
}

export function listStaff(pool: Pool): Promise<StaffAccount[]> {
  return listStaffAccounts(pool);
}

async function staffOr404(db: Queryable, username: string): Promise<StaffAccount> {
  const row = await findStaffAccount(db, username);
  if (!row) throw AppError.notFound(`No staff account ${username}.`);
  return row;
}

export async function createStaff(pool: Pool, body: NewStaff): Promise<StaffAccount> {
  const passwordHash = await hashPassword(body.password);
  return asClientError(() =>
    insertStaffAccount(pool, {
      username: body.username,
      name: body.name,
      badge: body.badge,
      unitCode: body.unitCode,
      teamCode: body.teamCode ?? null,
      roles: [...new Set(body.roles)],
      skills: body.skills ?? [],
      zones: body.zones ?? [],
      email: body.email ?? null,
      phone: body.phone ?? null,
      lang: body.lang ?? 'zh-CN',
      passwordHash,
    }),
  );
}

/** Changes an account; an admin cannot lock themselves out (drop their own admin role or deactivate themselves). */
export async function updateStaff(
  pool: Pool,
  admin: StaffActor,
  username: string,
  patch: StaffPatch,
): Promise<StaffAccount> {
  if (
    username === admin.username &&
    (patch.active === false || (patch.roles && !patch.roles.includes('admin')))
  )
    throw AppError.conflict('You cannot remove your own admin role or deactivate yourself.');
  const { password, roles, ...fields } = patch;
  const change = {
    ...fields,
    ...(roles === undefined ? {} : { roles: [...new Set(roles)] }),
    ...(password === undefined ? {} : { passwordHash: await hashPassword(password) }),
  };
  return withTransaction(pool, async (client) => {
    await staffOr404(client, username);
    await asClientError(() => updateStaffAccount(client, username, change));
    // A changed password or a deactivated account ends the sessions it had.
    if (password !== undefined || patch.active === false) await revokeSessionsOf(client, username);
    return staffOr404(client, username);
  });
}

export async function getShifts(pool: Pool, username: string): Promise<ShiftRow[]> {
  await staffOr404(pool, username);
  return listShifts(pool, username);
}

/** Replaces the weekly roster of one person in one transaction. */
export async function putShifts(pool: Pool, username: string, shifts: Shifts): Promise<ShiftRow[]> {
  await withTransaction(pool, async (client) => {
    await staffOr404(client, username);
    await replaceShifts(client, username, shifts);
  });
  return getShifts(pool, username);
}

const orNotFound =
  (what: string, code: string) =>
  <T>(row: T | undefined): T => {
    if (!row) throw AppError.notFound(`No ${what} ${code}.`);
    return row;
  };

export const listTeams = (pool: Pool) => org.listTeams(pool);
export const createTeam = (pool: Pool, body: org.Team) => asClientError(() => org.insertTeam(pool, body));
export const updateTeam = (pool: Pool, code: string, patch: Partial<org.Team>) =>
  asClientError(() => org.updateTeam(pool, code, patch)).then(orNotFound('team', code));
export const listUnits = (pool: Pool) => org.listUnits(pool);
export const createUnit = (pool: Pool, body: org.Unit) => asClientError(() => org.insertUnit(pool, body));
export const updateUnit = (pool: Pool, code: string, patch: Partial<org.Unit>) =>
  asClientError(() => org.updateUnit(pool, code, patch)).then(orNotFound('service unit', code));
export const listSkills = (pool: Pool) => org.listSkills(pool);

export async function createApiToken(
  pool: Pool,
  admin: StaffActor,
  body: NewApiToken,
): Promise<{ token: string } & ApiTokenInfo> {
  const { token, info } = await asClientError(() =>
    issueApiToken(pool, {
      name: body.name,
      username: body.username,
      scopes: [...new Set(body.scopes)],
      expiresAt: body.expiresAt ?? null,
      createdBy: admin.username,
    }),
  );
  return { token, ...info };
}
