import { query, queryOne, type Queryable } from '../pool';

/** Staff accounts as the admin API manages them (never the password hash), and their weekly shifts. */

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

/** The fields of an account a new one is made of (the password arrives hashed). */
export type NewStaffAccount = Omit<StaffAccount, 'active'> & { passwordHash: string };

/** What an admin can change; `passwordHash` replaces the password. */
export type StaffAccountChange = Partial<Omit<StaffAccount, 'username'> & { passwordHash: string }>;

const STAFF_COLUMNS = `username, name, badge, unit_code AS "unitCode", team_code AS "teamCode", roles, skills, zones,
  email, phone, lang, active`;

/** Column of each changeable field; values go in as parameters. */
const STAFF_FIELDS: Record<keyof StaffAccountChange, string> = {
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
  passwordHash: 'password_hash',
};

export const listStaffAccounts = (db: Queryable): Promise<StaffAccount[]> =>
  query<StaffAccount>(db, `SELECT ${STAFF_COLUMNS} FROM staff ORDER BY username`);

export const findStaffAccount = (db: Queryable, username: string): Promise<StaffAccount | undefined> =>
  queryOne<StaffAccount>(db, `SELECT ${STAFF_COLUMNS} FROM staff WHERE username = $1`, [username]);

export async function insertStaffAccount(db: Queryable, a: NewStaffAccount): Promise<StaffAccount> {
  const row = await queryOne<StaffAccount>(
    db,
    `INSERT INTO staff (username, name, badge, unit_code, team_code, roles, skills, zones, email, phone, lang, password_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${STAFF_COLUMNS}`,
    [
      a.username,
      a.name,
      a.badge,
      a.unitCode,
      a.teamCode,
      a.roles,
      a.skills,
      a.zones,
      a.email,
      a.phone,
      a.lang,
      a.passwordHash,
    ],
  );
  if (!row) throw new Error('INSERT ... RETURNING returned no row');
  return row;
}

/** Writes the given fields of an account (nothing when none is given). */
export async function updateStaffAccount(
  db: Queryable,
  username: string,
  change: StaffAccountChange,
): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [username];
  for (const [field, column] of Object.entries(STAFF_FIELDS) as [keyof StaffAccountChange, string][]) {
    if (change[field] === undefined) continue;
    values.push(change[field]);
    sets.push(`${column} = $${values.length}`);
  }
  if (sets.length === 0) return;
  await db.query(`UPDATE staff SET ${sets.join(', ')} WHERE username = $1`, values);
}

export interface ShiftRow {
  weekday: number;
  starts: string;
  ends: string;
}

export const listShifts = (db: Queryable, username: string): Promise<ShiftRow[]> =>
  query<ShiftRow>(
    db,
    `SELECT weekday, to_char(starts, 'HH24:MI') AS starts, to_char(ends, 'HH24:MI') AS ends
       FROM shifts WHERE username = $1 ORDER BY weekday, starts`,
    [username],
  );

/** Replaces a person's weekly roster; run it in a transaction. */
export async function replaceShifts(
  db: Queryable,
  username: string,
  shifts: readonly ShiftRow[],
): Promise<void> {
  await db.query('DELETE FROM shifts WHERE username = $1', [username]);
  await db.query(
    `INSERT INTO shifts (username, weekday, starts, ends)
     SELECT $1, s.weekday, s.starts::time, s.ends::time
       FROM unnest($2::int[], $3::text[], $4::text[]) AS s(weekday, starts, ends)`,
    [username, shifts.map((s) => s.weekday), shifts.map((s) => s.starts), shifts.map((s) => s.ends)],
  );
}
