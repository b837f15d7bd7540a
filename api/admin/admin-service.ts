import type { Pool, PoolClient } from 'pg';
import { query, queryOne, withTransaction } from '../../db/pool';
import type { StaffActor } from '../../domain/ticket-types';
import { hashPassword } from '../../lib/passwords';
import type { NewStaff, Shifts, StaffPatch } from './admin-schemas';
import { issueApiToken, type ApiTokenInfo } from '../auth/api-tokens';
import type { NewApiToken } from './admin-schemas';
import { AppError } from '../http/errors';

/** A staff account as the admin API shows it: never the password hash. */
export interface StaffAccount {
  username: string;
  name: string;
  badge: string;
  unitCode: string;
  teamCode: string | null;
  roles: string[];
  skills: string[];
  zones: string[];
  email: string | null;
  phone: string | null;
  lang: string;
  active: boolean;
}

const STAFF_COLUMNS = `username, name, badge, unit_code AS "unitCode", team_code AS "teamCode", roles, skills, zones,
  email, phone, lang, active`;

/** Column of each patchable field; values go in as parameters. */
const STAFF_FIELDS: Record<Exclude<keyof StaffPatch, 'password'>, string> = {
  name: 'name',
  badge: 'badge',
  unitCode: 'unit_code',
  teamCode: 'team_code',
  roles: 'roles',
  skills: 'skills',
  zones: 'zones',
  email: 'email',
  phone: 'phone',
  lang: 'lang',
  active: 'active',
};

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
  return query<StaffAccount>(pool, `SELECT ${STAFF_COLUMNS} FROM staff ORDER BY username`);
}

async function staffOr404(db: Pool | PoolClient, username: string): Promise<StaffAccount> {
  const row = await queryOne<StaffAccount>(db, `SELECT ${STAFF_COLUMNS} FROM staff WHERE username = $1`, [
    username,
  ]);
  if (!row) throw AppError.notFound(`No staff account ${username}.`);
  return row;
}

export async function createStaff(pool: Pool, body: NewStaff): Promise<StaffAccount> {
  const hash = await hashPassword(body.password);
  return asClientError(async () => {
    const row = await queryOne<StaffAccount>(
      pool,
      `INSERT INTO staff (username, name, badge, unit_code, team_code, roles, skills, zones, email, phone, lang, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${STAFF_COLUMNS}`,
      [
        body.username,
        body.name,
        body.badge,
        body.unitCode,
        body.teamCode ?? null,
        [...new Set(body.roles)],
        body.skills ?? [],
        body.zones ?? [],
        body.email ?? null,
        body.phone ?? null,
        body.lang ?? 'zh-CN',
        hash,
      ],
    );
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return row;
  });
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
  const sets: string[] = [];
  const values: unknown[] = [username];
  for (const [field, column] of Object.entries(STAFF_FIELDS) as [keyof typeof STAFF_FIELDS, string][]) {
    if (patch[field] === undefined) continue;
    values.push(field === 'roles' ? [...new Set(patch.roles)] : patch[field]);
    sets.push(`${column} = $${values.length}`);
  }
  if (patch.password !== undefined) {
    values.push(await hashPassword(patch.password));
    sets.push(`password_hash = $${values.length}`);
  }
  return withTransaction(pool, async (client) => {
    await staffOr404(client, username);
    if (sets.length > 0) {
      await asClientError(() =>
        client.query(`UPDATE staff SET ${sets.join(', ')} WHERE username = $1`, values),
      );
    }
    // A changed password or a deactivated account ends the sessions it had.
    if (patch.password !== undefined || patch.active === false) {
      await client.query(
        'UPDATE auth_tokens SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL',
        [username],
      );
    }
    return staffOr404(client, username);
  });
}

export interface ShiftRow {
  weekday: number;
  starts: string;
  ends: string;
}

export async function getShifts(pool: Pool, username: string): Promise<ShiftRow[]> {
  await staffOr404(pool, username);
  return query<ShiftRow>(
    pool,
    `SELECT weekday, to_char(starts, 'HH24:MI') AS starts, to_char(ends, 'HH24:MI') AS ends
       FROM shifts WHERE username = $1 ORDER BY weekday, starts`,
    [username],
  );
}

/** Replaces the weekly roster of one person in one transaction. */
export async function putShifts(pool: Pool, username: string, shifts: Shifts): Promise<ShiftRow[]> {
  await withTransaction(pool, async (client) => {
    await staffOr404(client, username);
    await client.query('DELETE FROM shifts WHERE username = $1', [username]);
    await client.query(
      `INSERT INTO shifts (username, weekday, starts, ends)
       SELECT $1, s.weekday, s.starts::time, s.ends::time
         FROM unnest($2::int[], $3::text[], $4::text[]) AS s(weekday, starts, ends)`,
      [username, shifts.map((s) => s.weekday), shifts.map((s) => s.starts), shifts.map((s) => s.ends)],
    );
  });
  return getShifts(pool, username);
}

export interface Team {
  code: string;
  name: string;
  nameEn: string;
  unitCode: string;
}
export interface Unit {
  code: string;
  name: string;
  nameEn: string;
  kind: 'center' | 'vendor';
}

interface Table<T> {
  table: string;
  columns: Record<keyof T & string, string>;
  what: string;
}

const TEAMS: Table<Team> = {
  table: 'teams',
  columns: { code: 'code', name: 'name', nameEn: 'name_en', unitCode: 'unit_code' },
  what: 'team',
};
const UNITS: Table<Unit> = {
  table: 'service_units',
  columns: { code: 'code', name: 'name', nameEn: 'name_en', kind: 'kind' },
  what: 'service unit',
};

const selectList = <T>(t: Table<T>): string =>
  Object.entries(t.columns)
    .map(([field, column]) => `${String(column)} AS "${field}"`)
    .join(', ');

function listRows<T extends object>(pool: Pool, t: Table<T>): Promise<T[]> {
  return query<T & Record<string, unknown>>(pool, `SELECT ${selectList(t)} FROM ${t.table} ORDER BY code`);
}

function insertRow<T extends object>(pool: Pool, t: Table<T>, body: T): Promise<T> {
  const fields = Object.keys(t.columns) as (keyof T & string)[];
  return asClientError(async () => {
    const row = await queryOne<T & Record<string, unknown>>(
      pool,
      `INSERT INTO ${t.table} (${fields.map((f) => t.columns[f]).join(', ')})
       VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${selectList(t)}`,
      fields.map((f) => body[f]),
    );
    if (!row) throw new Error('INSERT ... RETURNING returned no row');
    return row;
  });
}

function updateRow<T extends object>(pool: Pool, t: Table<T>, code: string, patch: Partial<T>): Promise<T> {
  const fields = (Object.keys(t.columns) as (keyof T & string)[]).filter(
    (f) => f !== 'code' && patch[f] !== undefined,
  );
  const sets = fields.map((f, i) => `${t.columns[f]} = $${i + 2}`);
  return asClientError(async () => {
    const row = await queryOne<T & Record<string, unknown>>(
      pool,
      sets.length > 0
        ? `UPDATE ${t.table} SET ${sets.join(', ')} WHERE code = $1 RETURNING ${selectList(t)}`
        : `SELECT ${selectList(t)} FROM ${t.table} WHERE code = $1`,
      [code, ...fields.map((f) => patch[f])],
    );
    if (!row) throw AppError.notFound(`No ${t.what} ${code}.`);
    return row;
  });
}

export const listTeams = (pool: Pool) => listRows(pool, TEAMS);
export const createTeam = (pool: Pool, body: Team) => insertRow(pool, TEAMS, body);
export const updateTeam = (pool: Pool, code: string, patch: Partial<Team>) =>
  updateRow(pool, TEAMS, code, patch);
export const listUnits = (pool: Pool) => listRows(pool, UNITS);
export const createUnit = (pool: Pool, body: Unit) => insertRow(pool, UNITS, body);
export const updateUnit = (pool: Pool, code: string, patch: Partial<Unit>) =>
  updateRow(pool, UNITS, code, patch);

export interface SkillUse {
  skill: string;
  categories: string[];
  staff: string[];
}

/** Skills are the codes categories need and staff have; this shows who covers which. */
export function listSkills(pool: Pool): Promise<SkillUse[]> {
  return query<SkillUse>(
    pool,
    `WITH skills AS (SELECT skill FROM categories UNION SELECT unnest(skills) FROM staff)
     SELECT s.skill,
       coalesce((SELECT array_agg(code ORDER BY code) FROM categories WHERE skill = s.skill), '{}') AS categories,
       coalesce((SELECT array_agg(username ORDER BY username) FROM staff WHERE s.skill = ANY(skills) AND active), '{}') AS staff
     FROM skills s ORDER BY s.skill`,
  );
}

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
