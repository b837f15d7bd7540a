import { STAFF_ROLES, type Actor, type StaffRole } from './ticket-types';

/** `requester` is the person who reported a ticket: by its tracking token, or signed in with a requester account. */
export type Role = 'requester' | StaffRole;
export const ROLES: readonly Role[] = ['requester', ...STAFF_ROLES];

/*
 * The groups of roles the desk reasons with, each named once for what its members do. Use these names
 * wherever a group is meant (the matrix, the actions table, pages, SQL parameters, the lifecycle rules),
 * never a hand-written list.
 */

/** Every staff role. */
export const STAFF: readonly StaffRole[] = STAFF_ROLES;
/** Who does the repairs: accepts, works on and resolves tickets, and sees their team's. */
export const TECHNICIANS: readonly StaffRole[] = ['technician', 'team_lead'];
/** Who oversees every ticket: sees and acts on all of them, cancels them, works the dispatcher queue. */
export const DISPATCHERS: readonly StaffRole[] = ['dispatcher', 'manager', 'admin'];
/** The desk: the dispatchers and the team leads, who change priorities and see the queues of unassigned work. */
export const DESK: readonly StaffRole[] = ['team_lead', ...DISPATCHERS];
/** Who reads reports and histories and manages locations. */
export const MANAGERS: readonly StaffRole[] = ['manager', 'admin'];
export const ADMINS: readonly StaffRole[] = ['admin'];
/** The person who reported a ticket. */
export const REQUESTER: readonly Role[] = ['requester'];

/**
 * Whether `who` holds a role of `group`: a staff actor, a viewer or principal (by their roles), or
 * nobody (a requester actor, no one signed in).
 */
export function hasRole(
  who: Actor | { roles: readonly string[] } | undefined,
  group: readonly Role[],
): boolean {
  if (who == null || !('roles' in who)) return false;
  return who.roles.some((role) => (group as readonly string[]).includes(role));
}
