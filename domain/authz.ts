import {
  TICKET_ACTION_NAMES,
  TICKET_ACTIONS,
  type TicketAction,
  type TicketActionRow,
} from './ticket-actions';
import { ADMINS, DISPATCHERS, hasRole, MANAGERS, ROLES, STAFF, TECHNICIANS, type Role } from './roles';
import type { TicketState, TicketStatus } from './ticket-types';

export {
  ADMINS,
  DESK,
  DISPATCHERS,
  hasRole,
  MANAGERS,
  REQUESTER,
  ROLES,
  STAFF,
  TECHNICIANS,
  type Role,
} from './roles';

/**
 * Who may call what: every HTTP operation of echodesk, the roles allowed to call it, and the scope an
 * integration (API) token needs for it. This table is the only place endpoint access is decided;
 * `api/http/authz-middleware.ts` enforces it, `api/openapi/openapi.ts` documents it, and
 * `test/api/authz-matrix.test.ts` walks it. Lifecycle actions are decided twice on purpose: here by role
 * (may this kind of person ever do this?), and in `domain/ticket-rules.ts` by the ticket's state
 * (may this person do it to this ticket now?); `domain/authz.test.ts` checks that the two agree.
 */

/** Scopes of integration tokens; a signed-in person's token has every scope their roles allow. */
export type Scope = 'tickets:read' | 'tickets:write' | 'reports:read' | 'admin';
export const SCOPES: readonly Scope[] = ['tickets:read', 'tickets:write', 'reports:read', 'admin'];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OperationRule {
  method: HttpMethod;
  /** Express-style path (`:id`); OpenAPI writes it `{id}`. */
  path: string;
  /** `anyone` needs no credentials; otherwise the roles that may call it. */
  allow: 'anyone' | readonly Role[];
  /** The scope an integration token needs; operations without one are closed to integration tokens. */
  scope?: Scope;
  /** A requester may identify with the ticket's tracking token (`X-Tracking-Token` or `?token=`). */
  tracking?: boolean;
  summary: string;
}

const SIGNED_IN: readonly Role[] = ROLES;

/** One row per lifecycle action, from the actions table (domain/ticket-actions.ts). */
const ACTION_RULES = Object.fromEntries(
  TICKET_ACTION_NAMES.map((name): [string, OperationRule] => {
    const row: TicketActionRow = TICKET_ACTIONS[name];
    return [
      `tickets.${name}`,
      {
        method: 'POST',
        path: `/api/tickets/:id/${row.segment}`,
        allow: row.allow,
        scope: 'tickets:write',
        summary: row.summary,
        ...(row.requester ? { tracking: true } : {}),
      },
    ];
  }),
) as { [A in TicketAction as `tickets.${A}`]: OperationRule };

const admin = (method: HttpMethod, path: string, summary: string): OperationRule => ({
  method,
  path: `/api/admin${path}`,
  allow: ADMINS,
  scope: 'admin',
  summary,
});

/** The authorization matrix: operation id → rule. */
export const AUTHZ_MATRIX = {
  'auth.login': { method: 'POST', path: '/api/auth/login', allow: 'anyone', summary: 'Sign in' },
  'auth.logout': { method: 'POST', path: '/api/auth/logout', allow: SIGNED_IN, summary: 'Sign out' },
  'auth.me': { method: 'GET', path: '/api/auth/me', allow: SIGNED_IN, summary: 'Who am I' },

  'tickets.submit': {
    method: 'POST',
    path: '/api/tickets',
    allow: 'anyone',
    scope: 'tickets:write',
    summary: 'Report a problem',
  },
  'tickets.list': {
    method: 'GET',
    path: '/api/tickets',
    allow: SIGNED_IN,
    scope: 'tickets:read',
    summary: 'List tickets from the read model',
  },
  'tickets.get': {
    method: 'GET',
    path: '/api/tickets/:id',
    allow: SIGNED_IN,
    scope: 'tickets:read',
    tracking: true,
    summary: 'One ticket with its events',
  },
  'tickets.history': {
    method: 'GET',
    path: '/api/tickets/:id/history',
    allow: MANAGERS,
    scope: 'tickets:read',
    summary: "The ticket's Temporal history in plain words",
  },
  ...ACTION_RULES,

  'reports.sla': {
    method: 'GET',
    path: '/api/reports/sla',
    allow: MANAGERS,
    scope: 'reports:read',
    summary: 'SLA report over a date range',
  },

  'reference.categories': { method: 'GET', path: '/api/categories', allow: 'anyone', summary: 'Categories' },
  'locations.list': {
    method: 'GET',
    path: '/api/locations',
    allow: STAFF,
    scope: 'tickets:read',
    summary: 'Locations',
  },
  'locations.qr': {
    method: 'GET',
    path: '/api/locations/:code/qr.png',
    allow: STAFF,
    scope: 'tickets:read',
    summary: "A location's QR code",
  },
  'locations.create': {
    method: 'POST',
    path: '/api/locations',
    allow: MANAGERS,
    scope: 'admin',
    summary: 'Add a location',
  },
  'locations.deactivate': {
    method: 'POST',
    path: '/api/locations/:code/deactivate',
    allow: MANAGERS,
    scope: 'admin',
    summary: 'Take a location out of service',
  },

  'admin.staff.list': admin('GET', '/staff', 'Staff accounts'),
  'admin.staff.create': admin('POST', '/staff', 'Create a staff account'),
  'admin.staff.update': admin('PATCH', '/staff/:username', 'Change a staff account'),
  'admin.shifts.get': admin('GET', '/staff/:username/shifts', "A staff member's weekly roster"),
  'admin.shifts.put': admin('PUT', '/staff/:username/shifts', "Replace a staff member's weekly roster"),
  'admin.teams.list': admin('GET', '/teams', 'Teams'),
  'admin.teams.create': admin('POST', '/teams', 'Create a team'),
  'admin.teams.update': admin('PATCH', '/teams/:code', 'Change a team'),
  'admin.units.list': admin('GET', '/units', 'Service units'),
  'admin.units.create': admin('POST', '/units', 'Create a service unit'),
  'admin.units.update': admin('PATCH', '/units/:code', 'Change a service unit'),
  'admin.skills.list': admin('GET', '/skills', 'Skills in use (categories and staff)'),
  'admin.tokens.list': admin('GET', '/api-tokens', 'Integration tokens'),
  'admin.tokens.create': admin('POST', '/api-tokens', 'Issue an integration token'),
  'admin.tokens.revoke': admin('DELETE', '/api-tokens/:id', 'Revoke an integration token'),

  'ops.openapi': { method: 'GET', path: '/api/openapi.json', allow: 'anyone', summary: 'This document' },
  'ops.docs': { method: 'GET', path: '/api/docs', allow: 'anyone', summary: 'The API reference page' },
  'ops.healthz': { method: 'GET', path: '/healthz', allow: 'anyone', summary: 'Liveness' },
  'ops.readyz': { method: 'GET', path: '/readyz', allow: 'anyone', summary: 'Readiness' },
} as const satisfies Record<string, OperationRule>;

export type OperationId = keyof typeof AUTHZ_MATRIX;
export const OPERATION_IDS = Object.keys(AUTHZ_MATRIX) as OperationId[];

export const rule = (op: OperationId): OperationRule => AUTHZ_MATRIX[op];

/** Who is calling, as far as the matrix cares: signed in (with roles, and scopes for integration tokens) or not, holding a tracking token or not. */
export interface Principal {
  signedIn: boolean;
  roles: readonly string[];
  /** Null for a person's sign-in token; the granted scopes for an integration token. */
  scopes: readonly Scope[] | null;
  tracking: boolean;
}

export const ANONYMOUS: Principal = { signedIn: false, roles: [], scopes: null, tracking: false };

/** `unauthenticated` is HTTP 401 (sign in and retry), `forbidden` is 403 (signed in, but not allowed). */
export type Decision = 'allow' | 'unauthenticated' | 'forbidden';

/** The matrix's answer for one call; ticket-level rules (whose ticket, which state) come after. */
export function decide(op: OperationId, principal: Principal): Decision {
  const r: OperationRule = AUTHZ_MATRIX[op];
  if (r.allow === 'anyone') return 'allow';
  // A tracking token speaks for the requester, whoever else is signed in on the same device.
  if (principal.tracking && r.tracking === true && r.allow.includes('requester')) return 'allow';
  if (!principal.signedIn) return 'unauthenticated';
  if (!hasRole(principal, r.allow)) return 'forbidden';
  if (principal.scopes != null && (r.scope == null || !principal.scopes.includes(r.scope)))
    return 'forbidden';
  return 'allow';
}

/** The roles that may call `op` (every role for public operations). */
export function allowedRoles(op: OperationId): readonly Role[] {
  const r: OperationRule = AUTHZ_MATRIX[op];
  return r.allow === 'anyone' ? ROLES : r.allow;
}

export interface Viewer {
  username: string;
  roles: readonly string[];
  teamCode: string | null;
}

/** The facts about a ticket that decide who may see it and act on it. */
export interface TicketScope {
  status: TicketStatus;
  /** The team the ticket is with: its holder's, else its owner's, else the team it was sent to (the read model's `team_code`). */
  teamCode: string | null;
  assignee: string | null;
  owner: string | null;
}

/** The scope of a ticket as its workflow state has it. */
export const ticketScope = (state: TicketState): TicketScope => ({
  status: state.status,
  teamCode: state.assignee?.teamCode ?? state.owner?.teamCode ?? state.team,
  assignee: state.assignee?.username ?? null,
  owner: state.owner?.username ?? null,
});

/**
 * Queued: submitted and so held by nobody (the dispatcher queue, or the moment before dispatch); the
 * accept rule (`domain/ticket-rules.ts`) lets anyone the matrix allows to accept take such a ticket.
 */
export const isQueued = (ticket: TicketScope): boolean => ticket.status === 'submitted';

/** Who may take a queued ticket: the roles of the matrix's accept row, which `domain/authz.test.ts` holds to the accept rule. */
const mayAccept = (viewer: Viewer): boolean => hasRole(viewer, allowedRoles('tickets.accept'));

/** Which tickets a signed-in viewer may read: all, their team's (plus those they hold or own, and queued ones), or only their own reports. */
export type Visibility =
  | { kind: 'all' }
  | { kind: 'team'; teamCode: string | null; username: string; queued: boolean }
  | { kind: 'requester'; username: string };

/** Dispatchers see every ticket; technicians their team's; anyone else (a requester account) their own reports. */
export function visibility(viewer: Viewer): Visibility {
  if (hasRole(viewer, DISPATCHERS)) return { kind: 'all' };
  if (hasRole(viewer, TECHNICIANS))
    return { kind: 'team', teamCode: viewer.teamCode, username: viewer.username, queued: mayAccept(viewer) };
  return { kind: 'requester', username: viewer.username };
}

/**
 * Whether a staff viewer may see a ticket: dispatchers, managers and admins every one; technicians and
 * team leads their team's, the ones they hold or own, and queued ones they may accept. Requester
 * accounts are checked against the reporter's address instead.
 */
export function canSeeTicket(viewer: Viewer, ticket: TicketScope): boolean {
  const seen = visibility(viewer);
  switch (seen.kind) {
    case 'all':
      return true;
    case 'team':
      return (
        (seen.teamCode != null && ticket.teamCode === seen.teamCode) ||
        ticket.assignee === seen.username ||
        ticket.owner === seen.username ||
        (seen.queued && isQueued(ticket))
      );
    case 'requester':
      return false;
  }
}

/**
 * Act ⇒ see: the one gate a staff member passes before any lifecycle action reaches the workflow, over
 * the API and the staff pages' forms alike (both call `runAction`, which asks `api/tickets/ticket-access.ts`,
 * which asks this). Acting needs the right to see the ticket; the lifecycle rules in
 * `domain/ticket-rules.ts` then decide whether this action is allowed in this state. Any later rule
 * that takes the right to act away from someone who can still see (a revoked badge, a deactivated
 * owner) is added here, and only here, so every action path and the offered buttons follow it.
 */
export function canActOn(viewer: Viewer, ticket: TicketScope): boolean {
  return canSeeTicket(viewer, ticket);
}

/** A signed-in account with no staff role acts as a requester. */
export const isRequesterAccount = (roles: readonly string[]): boolean => !hasRole({ roles }, STAFF);
