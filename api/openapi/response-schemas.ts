import { z } from 'zod';

/**
 * Schemas of what the API answers, for the OpenAPI document (api/openapi/openapi.ts) and the fuzzing tests that
 * check responses against it. Objects are loose: a client must accept fields added later.
 */
const iso = z.iso.datetime().meta({ examples: ['2026-11-27T08:10:00.000Z'] });
const isoOrNull = iso.nullable();
const number = z.string().meta({ examples: ['R2026-000123'] });

export const Problem = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.looseObject({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({
    examples: [
      {
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'The request body is not valid: description: must not be empty',
        instance: '/api/tickets',
        errors: [{ field: 'description', message: 'must not be empty' }],
      },
    ],
  });

export const PublicStaff = z.looseObject({
  username: z.string(),
  name: z.string(),
  badge: z.string(),
  unit: z.string(),
});

const Location = z.looseObject({
  code: z.string(),
  campus: z.string(),
  building: z.string(),
  floor: z.string().nullable(),
  room: z.string().nullable(),
});

const EventActor = z.looseObject({ kind: z.enum(['staff', 'requester']), name: z.string() }).nullable();

export const TicketEvent = z.looseObject({
  seq: z.int(),
  type: z.string(),
  at: z.string(),
  actor: EventActor,
  data: z.record(z.string(), z.unknown()),
});

const Status = z.enum(['submitted', 'assigned', 'in_progress', 'paused', 'resolved', 'closed', 'cancelled']);
const Clocks = z.looseObject({ respond: z.int(), resolve: z.int() });
const Deadlines = z.looseObject({ respond: isoOrNull, resolve: isoOrNull });

export const TicketDetail = z
  .looseObject({
    id: number,
    number,
    status: Status,
    priority: z.string(),
    category: z.string(),
    categoryName: z.looseObject({ 'zh-CN': z.string(), en: z.string() }),
    location: Location,
    description: z.string(),
    requester: z.looseObject({ name: z.string() }),
    assignee: PublicStaff.nullable(),
    owner: PublicStaff.nullable(),
    deadlines: Deadlines,
    escalation: Clocks,
    breached: z.boolean(),
    paused: z.looseObject({ reason: z.string(), since: iso }).nullable(),
    reopenCount: z.int(),
    rating: z.int().nullable(),
    resolution: z.string().nullable(),
    submittedAt: iso,
    acceptedAt: isoOrNull,
    resolvedAt: isoOrNull,
    closedAt: isoOrNull,
    cancelledAt: isoOrNull,
    events: z.array(TicketEvent),
    allowedActions: z.array(z.string()),
    attention: z
      .array(
        z.looseObject({
          kind: z.enum(['failed', 'lagging', 'not_opened', 'task_failing']),
          reason: z.string(),
          since: iso,
        }),
      )
      .optional()
      .describe('Staff only: why the ticket cannot make progress by itself (empty when it can).'),
  })
  .meta({
    examples: [
      {
        id: 'R2026-000123',
        number: 'R2026-000123',
        status: 'in_progress',
        priority: 'P2',
        category: 'network',
        categoryName: { 'zh-CN': '有线网络', en: 'Wired network' },
        location: { code: 'IH-2-301', campus: '主校区', building: '信息楼', floor: '3', room: '301' },
        description: '教室网络断开',
        requester: { name: '张老师' },
        assignee: { username: 'tech2', name: '王工', badge: 'XW-0231', unit: '新路网络' },
        owner: { username: 'tech2', name: '王工', badge: 'XW-0231', unit: '新路网络' },
        deadlines: { respond: '2026-11-27T08:10:00.000Z', resolve: '2026-11-27T16:00:00.000Z' },
        escalation: { respond: 0, resolve: 0 },
        breached: false,
        paused: null,
        reopenCount: 0,
        rating: null,
        resolution: null,
        submittedAt: '2026-11-27T08:00:00.000Z',
        acceptedAt: '2026-11-27T08:05:00.000Z',
        resolvedAt: null,
        closedAt: null,
        cancelledAt: null,
        events: [{ seq: 1, type: 'submitted', at: '2026-11-27T08:00:00.000Z', actor: null, data: {} }],
        allowedActions: ['note', 'pause', 'resolve'],
      },
    ],
  });

/** An action's answer when the action took the ticket out of the caller's sight (a hand-over to another team). */
export const TicketOutOfSight = z
  .strictObject({ id: number, number, visible: z.literal(false) })
  .meta({ examples: [{ id: 'R2026-000123', number: 'R2026-000123', visible: false }] });

/** What a lifecycle action answers: the ticket as a read by the same person would show it. */
export const TicketAfterAction = z.union([TicketDetail, TicketOutOfSight]);

export const TicketReceipt = z.looseObject({
  id: number,
  number,
  status: z.literal('submitted'),
  trackingToken: z.string(),
  trackingUrl: z.string(),
});

export const TicketListItem = z.looseObject({
  id: number,
  number,
  status: Status,
  priority: z.string(),
  category: z.string(),
  location: Location,
  owner: PublicStaff.nullable(),
  assignee: PublicStaff.nullable(),
  team: z.string().nullable(),
  unit: z.string().nullable(),
  breached: z.boolean(),
  escalation: Clocks,
  deadlines: Deadlines,
  submittedAt: iso,
  acceptedAt: isoOrNull,
  resolvedAt: isoOrNull,
  closedAt: isoOrNull,
  cancelledAt: isoOrNull,
  rating: z.int().nullable(),
  reopenCount: z.int(),
});

export const TicketPage = z.looseObject({
  items: z.array(TicketListItem),
  nextPage: z
    .string()
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/)
    .nullable()
    .meta({
      description:
        'Opaque cursor (base64url, at most 200 characters): pass it as `page` for the next page; null on the last',
    }),
});

export const HistoryEntry = z.looseObject({
  eventId: z.int(),
  at: z.string(),
  kind: z.enum([
    'workflow_started',
    'action',
    'signal',
    'timer_started',
    'timer_fired',
    'timer_cancelled',
    'activity_retried',
    'activity_failed',
    'activity_timed_out',
    'ticket_event',
    'escalation',
    'workflow_ended',
  ]),
  summary: z.string(),
  actor: EventActor,
  ticketEvent: TicketEvent.optional(),
  data: z.record(z.string(), z.unknown()),
});
export const TicketHistory = z.looseObject({ number, items: z.array(HistoryEntry) });

const rate = z.number().min(0).max(1).nullable();
const OnTime = z.looseObject({ measured: z.int(), onTime: z.int(), onTimeRate: rate });
const Percentiles = z.looseObject({ p50: z.number().nullable(), p90: z.number().nullable() });
const SlaFigures = z.looseObject({
  tickets: z.int(),
  open: z.int(),
  closed: z.int(),
  cancelled: z.int(),
  respond: OnTime,
  resolve: OnTime,
  timeToAccept: Percentiles.meta({ description: 'Seconds from submission to acceptance' }),
  timeToResolve: Percentiles.meta({ description: 'Seconds from submission to resolution' }),
  escalations: z.looseObject({
    respond: z.record(z.string(), z.int()),
    resolve: z.record(z.string(), z.int()),
  }),
  reopen: z.looseObject({ resolved: z.int(), reopened: z.int(), rate }),
  satisfaction: z.looseObject({
    surveys: z.int(),
    responses: z.int(),
    responseRate: rate,
    ratings: z.int(),
    average: z.number().nullable(),
    distribution: z.record(z.string(), z.int()),
  }),
});
export const SlaReport = z.looseObject({
  from: iso,
  to: iso,
  timezone: z.string(),
  groupBy: z.enum(['category', 'unit', 'owner', 'week']),
  groups: z.array(SlaFigures.extend({ key: z.string().nullable() })),
  total: SlaFigures,
});

export const SignedInUser = z.looseObject({
  username: z.string(),
  name: z.string(),
  badge: z.string(),
  unit: z.string(),
  unitCode: z.string(),
  teamCode: z.string().nullable(),
  roles: z.array(z.string()),
});
export const LoginResult = z.looseObject({ token: z.string(), expiresAt: iso, user: SignedInUser });

export const Categories = z.looseObject({
  items: z.array(
    z.looseObject({
      code: z.string(),
      names: z.looseObject({ 'zh-CN': z.string(), en: z.string() }),
      placeKinds: z.array(z.string()),
    }),
  ),
});
export const LocationItem = z.looseObject({
  code: z.string(),
  campus: z.string(),
  building: z.string(),
  floor: z.string().nullable(),
  room: z.string().nullable(),
  zone: z.string(),
  kind: z.string(),
  active: z.boolean(),
});
export const Locations = z.looseObject({ items: z.array(LocationItem) });

export const Health = z.looseObject({ status: z.string() });
export const Readiness = z.looseObject({ status: z.string(), checks: z.record(z.string(), z.string()) });

export * from './admin-response-schemas';
