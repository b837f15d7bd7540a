import { query, queryOne, type Queryable } from '../pool';

/** The desk's organisation: teams, service units and the skills categories need and staff have. */

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

/** A table keyed by `code`, with the column of each field. */
interface CodeTable<T> {
  table: string;
  columns: Record<keyof T & string, string>;
}

const TEAMS: CodeTable<Team> = {
  table: 'teams',
  columns: { code: 'code', name: 'name', nameEn: 'name_en', unitCode: 'unit_code' },
};
const UNITS: CodeTable<Unit> = {
  table: 'service_units',
  columns: { code: 'code', name: 'name', nameEn: 'name_en', kind: 'kind' },
};

const selectList = <T>(t: CodeTable<T>): string =>
  Object.entries(t.columns)
    .map(([field, column]) => `${String(column)} AS "${field}"`)
    .join(', ');

const listRows = <T extends object>(db: Queryable, t: CodeTable<T>): Promise<T[]> =>
  query<T & Record<string, unknown>>(db, `SELECT ${selectList(t)} FROM ${t.table} ORDER BY code`);

async function insertRow<T extends object>(db: Queryable, t: CodeTable<T>, body: T): Promise<T> {
  const fields = Object.keys(t.columns) as (keyof T & string)[];
  const row = await queryOne<T & Record<string, unknown>>(
    db,
    `INSERT INTO ${t.table} (${fields.map((f) => t.columns[f]).join(', ')})
     VALUES (${fields.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${selectList(t)}`,
    fields.map((f) => body[f]),
  );
  if (!row) throw new Error('INSERT ... RETURNING returned no row');
  return row;
}

/** Changes the given fields (none: reads the row); undefined when there is no such code. */
function updateRow<T extends object>(
  db: Queryable,
  t: CodeTable<T>,
  code: string,
  patch: Partial<T>,
): Promise<T | undefined> {
  const fields = (Object.keys(t.columns) as (keyof T & string)[]).filter(
    (f) => f !== 'code' && patch[f] !== undefined,
  );
  const sets = fields.map((f, i) => `${t.columns[f]} = $${i + 2}`);
  return queryOne<T & Record<string, unknown>>(
    db,
    sets.length > 0
      ? `UPDATE ${t.table} SET ${sets.join(', ')} WHERE code = $1 RETURNING ${selectList(t)}`
      : `SELECT ${selectList(t)} FROM ${t.table} WHERE code = $1`,
    [code, ...fields.map((f) => patch[f])],
  );
}

/** Every team, by code. */
export const listTeams = (db: Queryable): Promise<Team[]> => listRows(db, TEAMS);
export const insertTeam = (db: Queryable, body: Team): Promise<Team> => insertRow(db, TEAMS, body);
export const updateTeam = (db: Queryable, code: string, patch: Partial<Team>) =>
  updateRow(db, TEAMS, code, patch);
/** Whether a team exists. */
export const findTeam = async (db: Queryable, code: string): Promise<boolean> =>
  (await queryOne(db, 'SELECT 1 FROM teams WHERE code = $1', [code])) != null;

/** Every service unit, by code. */
export const listUnits = (db: Queryable): Promise<Unit[]> => listRows(db, UNITS);
export const insertUnit = (db: Queryable, body: Unit): Promise<Unit> => insertRow(db, UNITS, body);
export const updateUnit = (db: Queryable, code: string, patch: Partial<Unit>) =>
  updateRow(db, UNITS, code, patch);

export interface SkillUse {
  skill: string;
  categories: string[];
  staff: string[];
}

/** Skills are the codes categories need and staff have; this shows who covers which. */
export const listSkills = (db: Queryable): Promise<SkillUse[]> =>
  query<SkillUse>(
    db,
    `WITH skills AS (SELECT skill FROM categories UNION SELECT unnest(skills) FROM staff)
     SELECT s.skill,
       coalesce((SELECT array_agg(code ORDER BY code) FROM categories WHERE skill = s.skill), '{}') AS categories,
       coalesce((SELECT array_agg(username ORDER BY username) FROM staff WHERE s.skill = ANY(skills) AND active), '{}') AS staff
     FROM skills s ORDER BY s.skill`,
  );
