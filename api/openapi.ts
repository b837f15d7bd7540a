import { z } from 'zod';
import {
  allowedRoles,
  AUTHZ_MATRIX,
  OPERATION_IDS,
  type OperationId,
  type OperationRule,
} from '../domain/authz';
import * as admin from './admin-schemas';
import { LocationCode, LocationListQuery, NewLocationBody } from './locations-service';
import { SlaReportQuery } from './reports-service';
import * as out from './response-schemas';
import {
  ActionBodies,
  IdempotencyKey,
  LoginBody,
  NewTicketBody,
  TicketNumber,
  type ActionName,
} from './schemas';
import { TicketListQuery } from './tickets-query';

type JsonSchema = Record<string, unknown>;

interface Content {
  schema?: z.ZodType;
  contentType?: string;
  description: string;
  /** A raw schema for non-JSON bodies (CSV, PNG, HTML). */
  raw?: JsonSchema;
  /** OpenAPI links: operations a client (or a fuzzer) can call next with values from this answer. */
  links?: Record<string, unknown>;
}

/** What OpenAPI needs beyond the matrix row: the schemas that validate the request, and the answers. */
interface OperationDoc {
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

const ACTION_SUMMARY: Record<ActionName, string> = {
  accept:
    'The assignee (or any technician, for an unassigned ticket) accepts; the first accepter becomes the owner.',
  decline: 'The assignee declines with a reason; the desk reassigns.',
  transfer: 'Hand over to a technician (`to`) or a team (`team`) with a reason; ownership stays.',
  note: 'An internal work note; requesters see that one was written, not what it says.',
  on_site: 'The holder records arrival on site.',
  pause: 'Stop the resolve clock (waiting for the requester, parts or access).',
  resume: 'Restart the resolve clock.',
  resolve: 'Resolve with a resolution note; the requester is asked to confirm and rate.',
  confirm: 'The requester confirms the repair with a rating 1–5 (and a comment); the ticket closes.',
  reject: 'The requester says the problem is not fixed; the ticket reopens to its owner.',
  cancel: 'The requester (before resolution) or a dispatcher (with a reason) cancels.',
  priority: 'A dispatcher or team lead changes the priority; deadlines are recomputed.',
};

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

/**
 * What a body's `refine` says, in JSON Schema: zod cannot derive it, so it is stated here, next to the
 * schema it describes (test/api/openapi.test.ts checks that both accept and refuse the same bodies).
 */
const BODY_RULES: Partial<Record<ActionName, JsonSchema>> = {
  transfer: { oneOf: [{ required: ['to'] }, { required: ['team'] }] },
};

const actionDoc = (name: ActionName): OperationDoc => ({
  path: TICKET,
  body: BODY_RULES[name] ? ActionBodies[name].meta(BODY_RULES[name]) : ActionBodies[name],
  responses: {
    ...ok(
      out.TicketAfterAction,
      'The ticket after the action, as a read by the caller would show it; only `{id, number, visible: false}` when the action handed it out of their sight',
    ),
    ...STILL_OPENING,
  },
  tags: ['ticket actions'],
  description: `${ACTION_SUMMARY[name]} Acting needs the right to see the ticket (403 otherwise); the workflow then decides whether the ticket's state allows it: 409 when it does not, 403 when this person may not do this to this ticket.`,
});

const DOCS: Record<OperationId, OperationDoc> = {
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
  'tickets.accept': actionDoc('accept'),
  'tickets.decline': actionDoc('decline'),
  'tickets.transfer': actionDoc('transfer'),
  'tickets.note': actionDoc('note'),
  'tickets.on_site': actionDoc('on_site'),
  'tickets.pause': actionDoc('pause'),
  'tickets.resume': actionDoc('resume'),
  'tickets.resolve': actionDoc('resolve'),
  'tickets.cancel': actionDoc('cancel'),
  'tickets.priority': actionDoc('priority'),
  'tickets.confirm': actionDoc('confirm'),
  'tickets.reject': actionDoc('reject'),
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

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

const firstExample = (schema: JsonSchema): unknown =>
  Array.isArray(schema.examples) ? (schema.examples as unknown[])[0] : undefined;

const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

const PROBLEM_CODES: Record<string, string> = {
  '400': 'The request is not valid; `errors` names each bad field',
  '401': 'No credentials, or a token that is invalid, expired or revoked',
  '403': 'The role, token scope or ticket does not allow this',
  '404': 'No such resource',
  '409': 'The resource’s state does not allow this now',
  '415': 'The request body is not JSON (`Content-Type: application/json`)',
  '422': 'Well-formed, but refers to something that does not exist or is not allowed',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'integer' } },
};

function security(r: OperationRule): Record<string, string[]>[] {
  if (r.allow === 'anyone') return [];
  return r.tracking ? [{ bearerAuth: [] }, { trackingToken: [] }] : [{ bearerAuth: [] }];
}

function responses(doc: OperationDoc, r: OperationRule): Record<string, unknown> {
  const problem = { 'application/problem+json': { schema: toSchema(out.Problem, 'output') } };
  const answers: Record<string, unknown> = {};
  for (const [status, c] of Object.entries(doc.responses)) {
    if (!c.schema && !c.raw) {
      answers[status] = { description: c.description };
      continue;
    }
    const schema = c.raw ?? toSchema(c.schema as z.ZodType, 'output');
    const isProblem = c.schema === out.Problem;
    const type = isProblem ? 'application/problem+json' : (c.contentType ?? 'application/json');
    const media: Record<string, unknown> = {
      [type]: { schema, ...(firstExample(schema) ? { example: firstExample(schema) } : {}) },
    };
    if (doc.tags.includes('reports')) media['text/csv'] = { schema: { type: 'string' } };
    answers[status] = {
      description: c.description,
      ...(status === '429' ? { headers: RETRY_AFTER } : {}),
      content: media,
      ...(c.links ? { links: c.links } : {}),
    };
  }
  const codes = ['400', '404', '409', '422'];
  if (doc.body) codes.push('415');
  if (r.allow !== 'anyone') codes.push('401', '403');
  for (const code of codes) answers[code] ??= { description: PROBLEM_CODES[code], content: problem };
  answers.default = { description: 'Any other error, as application/problem+json', content: problem };
  return answers;
}

function parameters(doc: OperationDoc): unknown[] {
  const params: unknown[] = [];
  for (const [name, schema] of Object.entries(doc.path ?? {})) {
    const s = toSchema(schema, 'input');
    params.push({
      name,
      in: 'path',
      required: true,
      schema: s,
      ...(firstExample(s) ? { example: firstExample(s) } : {}),
    });
  }
  for (const [name, schema] of Object.entries(doc.query?.shape ?? {})) {
    const s = toSchema(schema as z.ZodType, 'input');
    const required = !(schema as z.ZodType).safeParse(undefined).success;
    params.push({
      name,
      in: 'query',
      required,
      schema: s,
      ...(s.description ? { description: s.description } : {}),
    });
  }
  for (const [name, { schema, description }] of Object.entries(doc.headers ?? {})) {
    params.push({ name, in: 'header', required: false, description, schema: toSchema(schema, 'input') });
  }
  return params;
}

function operation(op: OperationId): Record<string, unknown> {
  const r: OperationRule = AUTHZ_MATRIX[op];
  const doc = DOCS[op];
  const roles = r.allow === 'anyone' ? 'anyone' : allowedRoles(op).join(', ');
  const body = doc.body && toSchema(doc.body, 'input');
  return {
    operationId: op,
    summary: r.summary,
    description: [
      doc.description,
      `Allowed: ${roles}.`,
      r.scope ? `Integration token scope: \`${r.scope}\`.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    tags: doc.tags,
    security: security(r),
    'x-roles': r.allow === 'anyone' ? ['anyone'] : allowedRoles(op),
    ...(r.scope ? { 'x-scope': r.scope } : {}),
    parameters: parameters(doc),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: body,
                ...(firstExample(body) ? { example: firstExample(body) } : {}),
              },
            },
          },
        }
      : {}),
    responses: responses(doc, r),
  };
}

let cached: Record<string, unknown> | undefined;

/** The OpenAPI 3.1 document: paths and access from the matrix (domain/authz.ts), schemas from the zod schemas that validate requests. */
export function openApiDocument(): Record<string, unknown> {
  if (cached) return cached;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATION_IDS) {
    const r: OperationRule = AUTHZ_MATRIX[op];
    const path = openApiPath(r.path);
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = operation(op);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'echodesk',
      version: '0.1.0',
      description:
        'The service desk of a university network and information center. Errors are application/problem+json. Roles, scopes and pagination: docs/api.md.',
    },
    servers: [{ url: '/' }],
    tags: ['auth', 'tickets', 'ticket actions', 'reports', 'reference', 'locations', 'admin', 'ops'].map(
      (name) => ({
        name,
      }),
    ),
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            'A sign-in token from POST /api/auth/login, or an integration token (edk_…) with scopes',
        },
        trackingToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Tracking-Token',
          description: 'The requester’s tracking token of one ticket',
        },
      },
    },
    paths,
  };
  return cached;
}
