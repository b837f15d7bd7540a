import { z } from 'zod';
import { AUTHZ_MATRIX, OPERATION_IDS, type OperationId, type OperationRule } from '../../domain/authz';
import * as admin from '../admin/admin-schemas';
import { LocationCode, LocationListQuery, NewLocationBody } from '../locations/locations-service';
import { SlaReportQuery } from '../reports/reports-service';
import * as out from './response-schemas';
import { TICKET_ACTION_NAMES, TICKET_ACTIONS, type TicketAction } from '../../domain/ticket-actions';
import { LoginBody } from '../auth/auth-schemas';
import { ACTION_API } from '../tickets/actions';
import { IdempotencyKey, NewTicketBody, TicketNumber } from '../tickets/schemas';
import { TicketListQuery } from '../tickets/tickets-query';

export type JsonSchema = Record<string, unknown>;

export interface Content {
  schema?: z.ZodType;
  contentType?: string;
  description: string;
  /** A raw schema for non-JSON bodies (CSV, PNG, HTML). */
  raw?: JsonSchema;
  /** OpenAPI links: operations a client (or a fuzzer) can call next with values from this answer. */
  links?: Record<string, unknown>;
}

/** What OpenAPI needs beyond the matrix row: the schemas that validate the request, and the answers. */
export interface OperationDoc {
  path?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  headers?: Record<string, { schema: z.ZodType; description: string }>;
  body?: z.ZodType;
  responses: Record<string, Content>;
  tags: string[];
  description?: string;
}

const json = (schema: z.ZodType, description: string): Content => ({ schema, description });
/** An error answer an operation documents beyond the common ones, as application/problem+json. */
const problem = (description: string): Content => json(out.Problem, description);
const ok = (schema: z.ZodType, description = 'OK') => ({ '200': json(schema, description) });
const TICKET = { id: TicketNumber.meta({ examples: ['R2026-000123'] }) };

/** Operations on one ticket: `/api/tickets/:id` and its actions. */
const ON_A_TICKET = /^\/api\/tickets\/:id(\/|$)/;

/**
 * Links from a submission's 201 to every operation on that ticket, by the number it returns; where a
 * requester may call the operation, with the tracking token it returns too. Derived from the matrix.
 */
function submissionLinks(): Record<string, unknown> {
  const links: Record<string, unknown> = {};
  for (const op of OPERATION_IDS) {
    const r: OperationRule = AUTHZ_MATRIX[op];
    if (!ON_A_TICKET.test(r.path)) continue;
    links[op] = {
      operationId: op,
      parameters: {
        'path.id': '$response.body#/number',
        ...(r.tracking ? { 'header.X-Tracking-Token': '$response.body#/trackingToken' } : {}),
      },
      description: r.tracking ? `${r.summary}, as its requester with the tracking token` : r.summary,
    };
  }
  return links;
}

/** A ticket whose workflow has not started yet (the moment after intake) answers 503; a retry soon succeeds. */
const STILL_OPENING = { '503': problem('The ticket is still being opened; retry in a moment') };

const actionDoc = (name: TicketAction): OperationDoc => {
  const { body, bodyRule } = ACTION_API[name];
  return {
    path: TICKET,
    body: bodyRule ? body.meta(bodyRule) : body,
    responses: {
      ...ok(
        out.TicketAfterAction,
        'The ticket after the action, as a read by the caller would show it; only `{id, number, visible: false}` when the action handed it out of their sight',
      ),
      ...STILL_OPENING,
    },
    tags: ['ticket actions'],
    description: `${TICKET_ACTIONS[name].description} Acting needs the right to see the ticket (403 otherwise); the workflow then decides whether the ticket's state allows it: 409 when it does not, 403 when this person may not do this to this ticket.`,
  };
};

/** One entry per lifecycle action, from the actions table. */
const ACTION_DOCS = Object.fromEntries(
  TICKET_ACTION_NAMES.map((name): [string, OperationDoc] => [`tickets.${name}`, actionDoc(name)]),
) as { [A in TicketAction as `tickets.${A}`]: OperationDoc };

/** What OpenAPI says of each operation beyond its matrix row. */
export const DOCS: Record<OperationId, OperationDoc> = {
  'auth.login': {
    body: LoginBody.meta({ examples: [{ username: 'manager', password: 'demo-password' }] }),
    responses: {
      '200': json(out.LoginResult, 'Signed in'),
      '429': problem('Too many failed sign-ins; `Retry-After` says when to try again'),
    },
    tags: ['auth'],
    description:
      'Wrong username and wrong password get the same 401; failed attempts are limited per username and address, per address and per username (docs/api.md).',
  },
  'auth.logout': {
    responses: { '204': { description: 'Signed out; the token is revoked' } },
    tags: ['auth'],
  },
  'auth.me': { responses: ok(out.SignedInUser), tags: ['auth'] },
  'tickets.submit': {
    body: NewTicketBody.meta({
      examples: [
        {
          locationCode: 'IH-2-301',
          category: 'wifi',
          description: '无线连不上',
          requester: { name: '王老师', phone: '13800000000' },
        },
      ],
    }),
    headers: {
      'Idempotency-Key': {
        schema: IdempotencyKey,
        description: 'A retry with the same key returns the same ticket',
      },
    },
    responses: {
      '201': {
        ...json(out.TicketReceipt, 'The ticket number and tracking link'),
        links: submissionLinks(),
      },
      '429': problem('Too many reports from this address; `Retry-After` says when to try again'),
      '503': problem(
        'Temporal cannot take the ticket now; retry (with the same Idempotency-Key, the same ticket)',
      ),
    },
    tags: ['tickets'],
  },
  'tickets.list': {
    query: TicketListQuery,
    responses: ok(out.TicketPage, 'One page, newest first (submitted_at DESC, number DESC)'),
    tags: ['tickets'],
    description:
      'Dispatchers, managers and admins see every ticket; technicians and team leads their team’s, those they hold or own, and queued (submitted) ones; requester accounts the tickets they reported.',
  },
  'tickets.get': {
    path: TICKET,
    responses: { ...ok(out.TicketDetail), ...STILL_OPENING },
    tags: ['tickets'],
    description: 'Staff within their visibility, or the requester with the tracking token.',
  },
  'tickets.history': {
    path: TICKET,
    responses: ok(out.TicketHistory, 'The timeline from Temporal’s event history'),
    tags: ['tickets'],
  },
  ...ACTION_DOCS,
  'reports.sla': {
    query: SlaReportQuery,
    responses: {
      '200': {
        schema: out.SlaReport,
        description:
          'The report; with `Accept: text/csv` the same figures as CSV, one row per group and a total row',
      },
    },
    tags: ['reports'],
  },
  'reference.categories': { responses: ok(out.Categories), tags: ['reference'] },
  'locations.list': { query: LocationListQuery, responses: ok(out.Locations), tags: ['locations'] },
  'locations.qr': {
    path: { code: LocationCode.meta({ examples: ['IH-2-301'] }) },
    responses: {
      '200': {
        contentType: 'image/png',
        description: 'The QR code',
        raw: { type: 'string', contentMediaType: 'image/png' },
      },
    },
    tags: ['locations'],
  },
  'locations.create': {
    body: NewLocationBody,
    responses: { '201': json(out.LocationItem, 'Created') },
    tags: ['locations'],
  },
  'locations.deactivate': {
    path: { code: LocationCode.meta({ examples: ['IH-2-301'] }) },
    responses: ok(out.LocationItem),
    tags: ['locations'],
  },
  'admin.staff.list': { responses: ok(out.StaffList), tags: ['admin'] },
  'admin.staff.create': {
    body: admin.NewStaffBody,
    responses: { '201': json(out.StaffAccount, 'Created') },
    tags: ['admin'],
  },
  'admin.staff.update': {
    path: { username: admin.Username },
    body: admin.StaffPatchBody,
    responses: ok(out.StaffAccount),
    tags: ['admin'],
    description:
      'A new password or deactivation ends the account’s sessions. Admins cannot lock themselves out.',
  },
  'admin.shifts.get': { path: { username: admin.Username }, responses: ok(out.ShiftList), tags: ['admin'] },
  'admin.shifts.put': {
    path: { username: admin.Username },
    body: admin.ShiftsBody,
    responses: ok(out.ShiftList),
    tags: ['admin'],
  },
  'admin.teams.list': { responses: ok(out.TeamList), tags: ['admin'] },
  'admin.teams.create': {
    body: admin.NewTeamBody,
    responses: { '201': json(out.Team, 'Created') },
    tags: ['admin'],
  },
  'admin.teams.update': {
    path: { code: admin.Code },
    body: admin.TeamPatchBody,
    responses: ok(out.Team),
    tags: ['admin'],
  },
  'admin.units.list': { responses: ok(out.UnitList), tags: ['admin'] },
  'admin.units.create': {
    body: admin.NewUnitBody,
    responses: { '201': json(out.Unit, 'Created') },
    tags: ['admin'],
  },
  'admin.units.update': {
    path: { code: admin.Code.meta({ examples: ['xinlu'] }) },
    body: admin.UnitPatchBody,
    responses: ok(out.Unit),
    tags: ['admin'],
  },
  'admin.skills.list': { responses: ok(out.SkillList), tags: ['admin'] },
  'admin.tokens.list': { responses: ok(out.ApiTokenList), tags: ['admin'] },
  'admin.tokens.create': {
    body: admin.NewApiTokenBody,
    responses: { '201': json(out.IssuedApiToken, 'The token, shown only this once') },
    tags: ['admin'],
  },
  'admin.tokens.revoke': {
    path: { id: admin.TokenId.meta({ examples: ['1'] }) },
    responses: ok(out.ApiTokenInfo, 'Revoked'),
    tags: ['admin'],
  },
  'ops.openapi': {
    responses: { '200': { description: 'This document', raw: { type: 'object' } } },
    tags: ['ops'],
  },
  'ops.docs': {
    responses: {
      '200': { contentType: 'text/html', description: 'The reference page', raw: { type: 'string' } },
    },
    tags: ['ops'],
  },
  'ops.healthz': { responses: ok(out.Health), tags: ['ops'] },
  'ops.readyz': {
    responses: {
      '200': json(out.Readiness, 'Ready'),
      '503': json(out.Readiness, 'PostgreSQL or Temporal unreachable'),
    },
    tags: ['ops'],
  },
};
