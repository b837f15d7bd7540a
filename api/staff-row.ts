import type { StaffActor, StaffRole } from '../domain/ticket-types';

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
