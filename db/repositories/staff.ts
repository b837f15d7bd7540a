import { query, queryOne, type Queryable } from '../pool';
import type { Lang, StaffActor, StaffRef, StaffRole } from '../../domain/ticket-types';

/**
 * Staff accounts as the application reads them: one place for the staff lookup SQL, shared by the API,
 * the pages and the activities.
 */

/** Columns that describe a staff member as an actor; select them with `STAFF_ACTOR_COLUMNS` from `staff s JOIN service_units u`. */
export interface StaffActorRow {
  username: string;
  name: string;
  badge: string;
  unit: string;
  unit_code: string;
  team_code: string | null;
  roles: StaffRole[];
}

export const STAFF_ACTOR_COLUMNS =
  's.username, s.name, s.badge, u.name AS unit, s.unit_code, s.team_code, s.roles';

/** `staff s` joined to its service unit `u`. */
export const STAFF_WITH_UNIT = 'staff s JOIN service_units u ON u.code = s.unit_code';

export const toStaffActor = (row: StaffActorRow): StaffActor => ({
  kind: 'staff',
  username: row.username,
  name: row.name,
  badge: row.badge,
  unit: row.unit,
  unitCode: row.unit_code,
  teamCode: row.team_code,
  roles: row.roles,
});

/** The roles that hold tickets: the ones a ticket can be assigned or transferred to. */
export const HOLDER_ROLES: readonly StaffRole[] = ['technician', 'team_lead'];

const STAFF_REF = `SELECT s.username, s.name, s.badge, u.name AS unit, s.unit_code AS "unitCode", s.team_code AS "teamCode"
  FROM ${STAFF_WITH_UNIT}`;

/** A staff member as tickets name them, active or not. */
export const findStaffRef = async (db: Queryable, username: string): Promise<StaffRef | null> =>
  (await queryOne<StaffRef>(db, `${STAFF_REF} WHERE s.username = $1`, [username])) ?? null;

/** An active technician or team lead, who can be handed a ticket. */
export const findTechnician = async (db: Queryable, username: string): Promise<StaffRef | null> =>
  (await queryOne<StaffRef>(db, `${STAFF_REF} WHERE s.username = $1 AND s.active AND s.roles && $2::text[]`, [
    username,
    HOLDER_ROLES,
  ])) ?? null;

/** Every active technician and team lead, by username. */
export const listTechnicians = (
  db: Queryable,
): Promise<{ username: string; name: string; badge: string; unit: string }[]> =>
  query(
    db,
    `SELECT s.username, s.name, s.badge, u.name AS unit FROM ${STAFF_WITH_UNIT}
      WHERE s.active AND s.roles && $1::text[] ORDER BY s.username`,
    [HOLDER_ROLES],
  );

/** Whether the account's e-mail is `email` (lower case), ignoring case. */
export const hasEmail = async (db: Queryable, username: string, email: string): Promise<boolean> =>
  (await queryOne(db, 'SELECT 1 FROM staff WHERE username = $1 AND lower(email) = $2', [username, email])) !=
  null;

export interface StaffContact {
  username: string;
  name: string;
  email: string | null;
  lang: Lang;
  roles: string[];
  team_code: string | null;
}

/** How to reach the active staff named in `usernames` and everyone active with one of `roles`. */
export const listStaffContacts = (
  db: Queryable,
  usernames: readonly string[],
  roles: readonly string[],
): Promise<StaffContact[]> =>
  query<StaffContact>(
    db,
    `SELECT username, name, email, lang, roles, team_code FROM staff
      WHERE active AND (username = ANY($1) OR roles && $2::text[])`,
    [usernames, roles],
  );
