import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Pool } from 'pg';
import type { AttentionKind } from '../domain/attention';
import { queryOne } from '../db/pool';
import { canActOn, canSeeTicket, ticketScope } from '../domain/authz';
import { openingStep } from '../domain/ticket-machine';
import { allowedCommands, type TicketCommand } from '../domain/ticket-rules';
import { toView } from '../domain/ticket-view';
import type {
  Actor,
  StaffActor,
  StaffRef,
  TicketEvent,
  TicketCategory,
  TicketInput,
  LocationRecord,
  TicketState,
  TicketView,
} from '../domain/ticket-types';
import { ticketStartInput } from '../lib/workflow-history';
import { trackingToken, trackingUrl } from '../lib/tracking-token';
import {
  REFUSAL_FAILURE_TYPES,
  ticketCommandUpdates,
  ticketStateQuery,
  ticketWorkflowId,
} from '../workflows/ticket-contract';
import type { ApiDeps } from './deps';
import { AppError } from './errors';
import { resolveTicketActor, type AccessPurpose } from './ticket-access';
import type { ActionBodies, ActionName, NewTicket } from './schemas';
import type { z } from 'zod';

export interface Access {
  staff?: StaffActor;
  trackingToken?: string;
}

export interface TicketReceipt {
  id: string;
  number: string;
  status: 'submitted';
  trackingToken: string;
  trackingUrl: string;
}

export interface AttentionMark {
  kind: AttentionKind;
  reason: string;
  since: string;
}

export interface TicketDetail extends TicketView {
  /** Staff readers only: the open "needs attention" marks. */
  attention?: AttentionMark[];
  events: TicketEvent[];
  allowedActions: string[];
}

/** An action's answer when the action took the ticket out of the actor's sight (a hand-over to another team). */
export interface TicketOutOfSight {
  id: string;
  number: string;
  visible: false;
}

export const isOutOfSight = (answer: TicketDetail | TicketOutOfSight): answer is TicketOutOfSight =>
  'visible' in answer && answer.visible === false;

const REQUESTER_ACTIONS: readonly ActionName[] = ['confirm', 'reject'];

const yearFormats = new Map<string, Intl.DateTimeFormat>();

/** The year of `at` in the desk's zone (ticket numbers restart each year); building a formatter costs far more than using it. */
function ticketYear(timezone: string, at: Date): string {
  let format = yearFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone: timezone, year: 'numeric' });
    yearFormats.set(timezone, format);
  }
  return format.format(at);
}

const requestHash = (body: NewTicket): string =>
  createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** Milliseconds an intake spent on PostgreSQL (references, number) and on starting its workflow. */
export interface IntakeTimings {
  db: number;
  temporal: number;
}

/** Accepts a report: checks the place and category, allocates the number, starts the ticket's workflow. A repeated Idempotency-Key returns the first ticket. */
export async function submitTicket(
  deps: ApiDeps,
  body: NewTicket,
  options: { idempotencyKey?: string; staff?: StaffActor },
): Promise<{ receipt: TicketReceipt; replayed: boolean; timings: IntakeTimings }> {
  const submittedAt = new Date();
  const dbFrom = performance.now();
  const input = await buildTicketInput(deps, body, options.staff, submittedAt);
  const hash = requestHash(body);
  const { number, replayed } = await allocateNumber(
    deps.pool,
    deps.policy.calendar.timezone,
    submittedAt,
    hash,
    options.idempotencyKey,
  );
  const temporalFrom = performance.now();
  // On a replay the first request's workflow may not have started yet (its API died in between): starting again is safe.
  await deps.temporal.workflow
    .start('ticketWorkflow', {
      workflowId: ticketWorkflowId(number),
      taskQueue: deps.config.ECHODESK_TASK_QUEUE,
      args: [{ ...input, number }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    })
    .catch((err: unknown) => {
      // A replay after the ticket's workflow has ended (closed, cancelled): it did start; answer its receipt.
      if (replayed && err instanceof WorkflowExecutionAlreadyStartedError) return;
      return abandonIntake(deps, number, options.idempotencyKey, err);
    });
  const { secret, publicUrl } = deps.config;
  return {
    replayed,
    timings: { db: temporalFrom - dbFrom, temporal: performance.now() - temporalFrom },
    receipt: {
      id: number,
      number,
      status: 'submitted',
      trackingToken: trackingToken(secret, number),
      trackingUrl: trackingUrl(publicUrl, secret, number),
    },
  };
}

/**
 * Temporal did not take the ticket: without an Idempotency-Key nobody can resume it, so its number is
 * given up; with one, the intake stays and a retry with the same key starts the same ticket.
 */
async function abandonIntake(
  deps: ApiDeps,
  number: string,
  idempotencyKey: string | undefined,
  err: unknown,
): Promise<never> {
  if (!idempotencyKey) await deps.pool.query('DELETE FROM ticket_intake WHERE number = $1', [number]);
  const retry = idempotencyKey ? ' Retry with the same Idempotency-Key.' : ' Please try again.';
  throw Object.assign(AppError.unavailable(`The desk cannot open tickets right now.${retry}`), {
    cause: err,
  });
}

/**
 * Takes the next ticket number and records the intake in one statement (no transaction round trips on
 * the hot path). A repeated Idempotency-Key inserts nothing and returns the first request's number;
 * the sequence value it drew is left unused, as PostgreSQL sequences do on any rollback.
 */
async function allocateNumber(
  pool: Pool,
  timezone: string,
  at: Date,
  hash: string,
  idempotencyKey: string | undefined,
): Promise<{ number: string; replayed: boolean }> {
  const inserted = await queryOne<{ number: string }>(
    pool,
    `INSERT INTO ticket_intake (number, idempotency_key, request_hash)
     VALUES ('R' || $1::text || '-' || lpad(nextval('ticket_number_seq')::text, 6, '0'), $2, $3)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING number`,
    [ticketYear(timezone, at), idempotencyKey ?? null, hash],
  );
  if (inserted) return { number: inserted.number, replayed: false };
  const earlier = await queryOne<{ number: string; request_hash: string }>(
    pool,
    'SELECT number, request_hash FROM ticket_intake WHERE idempotency_key = $1',
    [idempotencyKey],
  );
  if (!earlier) throw new Error('Idempotency record vanished after a conflict on its key');
  if (earlier.request_hash !== hash) {
    throw AppError.unprocessable('This Idempotency-Key was already used for a different request.', [
      { field: 'Idempotency-Key', message: 'was used for a different request body' },
    ]);
  }
  return { number: earlier.number, replayed: true };
}

/** Whether a category is offered at a kind of place; a category listing no kinds (such as `other`) fits every place. */
export const categoryFitsPlace = (placeKinds: readonly string[], kind: string): boolean =>
  placeKinds.length === 0 || placeKinds.includes(kind);

async function buildTicketInput(
  deps: ApiDeps,
  body: NewTicket,
  staff: StaffActor | undefined,
  submittedAt: Date,
): Promise<Omit<TicketInput, 'number'>> {
  const code = body.locationCode.toUpperCase();
  // One round trip for both references: the place (if any) and the active category (if any).
  const refs = await queryOne<{
    location: LocationRecord | null;
    category: TicketCategory | null;
    placeKinds: string[] | null;
  }>(
    deps.pool,
    `SELECT (SELECT json_build_object('code', code, 'campus', campus, 'building', building, 'floor', floor,
                                      'room', room, 'zone', zone, 'kind', kind, 'active', active)
               FROM locations WHERE code = $1) AS location,
            (SELECT json_build_object('code', code, 'name', name, 'nameEn', name_en, 'skill', skill)
               FROM categories WHERE code = $2 AND active) AS category,
            (SELECT place_kinds FROM categories WHERE code = $2 AND active) AS "placeKinds"`,
    [code, body.category],
  );
  const location = refs?.location;
  if (!location)
    throw AppError.unprocessable(`Unknown location ${code}.`, [
      { field: 'locationCode', message: 'no such location' },
    ]);
  if (!location.active) {
    throw AppError.unprocessable(`Location ${code} is no longer in service.`, [
      { field: 'locationCode', message: 'the location is deactivated' },
    ]);
  }
  const category = refs.category;
  if (!category) {
    throw AppError.unprocessable(`Unknown category ${body.category}.`, [
      { field: 'category', message: 'no such category' },
    ]);
  }
  if (!categoryFitsPlace(refs.placeKinds ?? [], location.kind)) {
    throw AppError.unprocessable(
      `Category ${category.code} is not offered at ${code}, a place of kind ${location.kind}; GET /api/categories lists the kinds of place each category fits.`,
      [{ field: 'category', message: `not offered at a place of kind ${location.kind}` }],
    );
  }
  const { policy } = deps;
  if (body.priority && !staff) {
    throw AppError.forbidden('Only staff can set a priority; leave it out and the desk sets it.');
  }
  if (body.priority && !policy.priorities[body.priority]) {
    throw AppError.unprocessable(`Unknown priority ${body.priority}.`, [
      { field: 'priority', message: `expected one of ${Object.keys(policy.priorities).join(', ')}` },
    ]);
  }
  const { active: _active, ...place } = location;
  const { name, phone, email, lang } = body.requester;
  return {
    submittedAt: submittedAt.toISOString(),
    location: place,
    category,
    description: body.description,
    requester: { name, ...(phone ? { phone } : {}), ...(email ? { email } : {}), lang: lang ?? 'zh-CN' },
    priority: body.priority ?? policy.defaultPriority,
    policy,
  };
}

interface TicketRow {
  state: TicketState;
  view: TicketView;
}

/** The ticket as the read model has it, or as its workflow has it in the moment between intake and the first write. */
async function loadTicket(
  deps: ApiDeps,
  number: string,
): Promise<{ state: TicketState; view: TicketView; events: TicketEvent[] }> {
  const row = await queryOne<TicketRow>(deps.pool, 'SELECT state, view FROM tickets WHERE number = $1', [
    number,
  ]);
  if (row) {
    const { rows } = await deps.pool.query<TicketEvent>(
      `SELECT seq, type, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, data
         FROM ticket_events WHERE ticket_number = $1 ORDER BY seq`,
      [number],
    );
    return { ...row, events: rows };
  }
  const intake = await queryOne(deps.pool, 'SELECT 1 FROM ticket_intake WHERE number = $1', [number]);
  if (!intake) throw AppError.notFound(`No ticket ${number}.`);
  const handle = deps.temporal.workflow.getHandle(ticketWorkflowId(number));
  try {
    // A workflow whose opening is stuck (no worker, a failing step) may never answer: wait briefly.
    const snapshot = await deps.temporal.connection.withDeadline(Date.now() + QUERY_WAIT_MS, () =>
      handle.query(ticketStateQuery),
    );
    return { state: snapshot.state, view: snapshot.view, events: snapshot.unpersisted };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw AppError.unavailable(`Ticket ${number} is still being opened; retry in a moment.`);
    return openingFromStart(deps, number, err);
  }
}

/** How long a read waits for the workflow's own answer before it falls back to the submission. */
const QUERY_WAIT_MS = 3_000;

/**
 * The ticket as submitted, from its workflow's start event, when the workflow cannot answer (its opening
 * is stuck and marked for attention): the truth a requester can be told is that the report is received.
 */
async function openingFromStart(
  deps: ApiDeps,
  number: string,
  queryError: unknown,
): Promise<{ state: TicketState; view: TicketView; events: TicketEvent[] }> {
  const input = await ticketStartInput(deps.temporal, number).catch(() => undefined);
  if (!input)
    throw Object.assign(
      AppError.unavailable(`Ticket ${number} cannot be read right now; retry in a moment.`),
      {
        cause: queryError,
      },
    );
  const opened = openingStep(input);
  return { state: opened.state, view: toView(opened.state, input.policy, Date.now()), events: opened.events };
}

/** Who is asking, checked against who may see or act on this ticket (api/ticket-access.ts). */
function resolveAccess(
  deps: ApiDeps,
  state: TicketState,
  access: Access,
  purpose: AccessPurpose,
): Promise<Actor> {
  return resolveTicketActor(deps.pool, deps.config.secret, state, access, purpose);
}

/** Work notes are internal: requesters see that one was written, not what it says. */
function eventsFor(actor: Actor, events: TicketEvent[]): TicketEvent[] {
  if (actor.kind === 'staff') return events;
  return events.map((event) => (event.type === 'note' ? { ...event, data: {} } : event));
}

/**
 * The ticket as `actor` may see it, for a read and for an action's answer alike (one shaping, so an
 * action never tells more than a read would): null for staff who cannot see it; requesters get notes
 * without their text; the offered actions are the ones this person could run now.
 */
function ticketFor(
  deps: ApiDeps,
  actor: Actor,
  ticket: { state: TicketState; view: TicketView; events: TicketEvent[] },
): TicketDetail | null {
  const scope = ticketScope(ticket.state);
  if (actor.kind === 'staff' && !canSeeTicket(actor, scope)) return null;
  const mayAct = actor.kind !== 'staff' || canActOn(actor, scope);
  const priorities = Object.keys(deps.policy.priorities);
  return {
    ...ticket.view,
    events: eventsFor(actor, ticket.events),
    allowedActions: mayAct ? allowedCommands(ticket.state, actor, priorities) : [],
  };
}

export async function getTicket(deps: ApiDeps, number: string, access: Access): Promise<TicketDetail> {
  const ticket = await loadTicket(deps, number);
  const actor = await resolveAccess(deps, ticket.state, access, 'read');
  const detail = ticketFor(deps, actor, ticket);
  if (!detail) throw AppError.forbidden('This ticket is handled by another team.');
  return withAttention(deps, actor, number, detail);
}

/** Staff see the ticket's open "needs attention" marks with it; requesters never do. */
async function withAttention(
  deps: ApiDeps,
  actor: Actor,
  number: string,
  detail: TicketDetail,
): Promise<TicketDetail> {
  if (actor.kind !== 'staff') return detail;
  return { ...detail, attention: await openAttention(deps, number) };
}

/** The ticket's open "needs attention" marks (ticket_attention), for staff. */
async function openAttention(deps: ApiDeps, number: string): Promise<AttentionMark[]> {
  const { rows } = await deps.pool.query<AttentionMark>(
    `SELECT kind, reason, to_char(since AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS since
       FROM ticket_attention WHERE ticket_number = $1 AND cleared_at IS NULL ORDER BY since`,
    [number],
  );
  return rows;
}

type ActionBody<A extends ActionName> = z.infer<(typeof ActionBodies)[A]>;

/**
 * Runs a lifecycle action as a Temporal update; refusals come back as 403/409/422 with the workflow's
 * reason. Staff must be able to act on the ticket (`canActOn`); the answer is the ticket as a read by
 * the same person would show it, or only its number when the action took it out of their sight.
 */
export async function runAction<A extends ActionName>(
  deps: ApiDeps,
  number: string,
  action: A,
  body: ActionBody<A>,
  access: Access,
): Promise<TicketDetail | TicketOutOfSight> {
  const ticket = await loadTicket(deps, number);
  const actor = await resolveAccess(
    deps,
    ticket.state,
    access,
    REQUESTER_ACTIONS.includes(action) ? 'answer' : 'act',
  );
  if (actor.kind === 'requester' && !REQUESTER_ACTIONS.includes(action) && action !== 'cancel') {
    throw AppError.forbidden('Sign in as staff to do this.');
  }
  const command = await toCommand(deps, action, body);
  const handle = deps.temporal.workflow.getHandle(ticketWorkflowId(number));
  try {
    const update = ticketCommandUpdates[action] as unknown as typeof ticketCommandUpdates.note;
    const snapshot = await handle.executeUpdate(update, {
      args: [actor, command as Extract<TicketCommand, { type: 'note' }>],
    });
    const fresh = await loadTicket(deps, number);
    const after = { state: snapshot.state, view: snapshot.view, events: fresh.events };
    const detail = ticketFor(deps, actor, after);
    if (!detail) return { id: number, number, visible: false };
    return withAttention(deps, actor, number, detail);
  } catch (err) {
    throw mapUpdateError(err, ticket.state);
  }
}

function mapUpdateError(err: unknown, state: TicketState): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const { type, message } = err.cause;
    if (type === REFUSAL_FAILURE_TYPES.forbidden) return AppError.forbidden(message);
    if (type === REFUSAL_FAILURE_TYPES.conflict) return AppError.conflict(message);
    if (type === REFUSAL_FAILURE_TYPES.invalid) return AppError.unprocessable(message);
  }
  if (err instanceof WorkflowNotFoundError || isCompletedError(err)) {
    return AppError.conflict(`Cannot change the ticket: it is ${state.status}.`);
  }
  return err;
}

function isCompletedError(err: unknown): boolean {
  return err instanceof Error && /already completed|workflow execution already/i.test(err.message);
}

async function toCommand<A extends ActionName>(
  deps: ApiDeps,
  action: A,
  rawBody: ActionBody<A>,
): Promise<TicketCommand> {
  const body = rawBody as Partial<
    Record<'reason' | 'note' | 'resolution' | 'priority' | 'to' | 'team' | 'comment', string>
  > & {
    rating?: number;
  };
  const reason = body.reason ?? '';
  const name: ActionName = action;
  switch (name) {
    case 'accept':
    case 'on_site':
      return { type: name };
    case 'decline':
    case 'pause':
    case 'resume':
    case 'reject':
      return { type: name, reason };
    case 'note':
      return { type: 'note', note: body.note ?? '' };
    case 'resolve':
      return { type: 'resolve', resolution: body.resolution ?? '' };
    case 'priority':
      return { type: 'priority', priority: body.priority ?? '', reason };
    case 'confirm':
      return { type: 'confirm', rating: body.rating ?? 0, comment: body.comment ?? null };
    case 'cancel':
      return { type: 'cancel', reason: body.reason ?? null };
    case 'transfer':
      if (body.team != null) {
        await requireTeam(deps, body.team);
        return { type: 'transfer', to: { kind: 'team', team: body.team }, reason };
      }
      return {
        type: 'transfer',
        to: { kind: 'staff', staff: await requireTechnician(deps, body.to ?? '') },
        reason,
      };
  }
}

async function requireTechnician(deps: ApiDeps, username: string): Promise<StaffRef> {
  const staff = await queryOne<StaffRef>(
    deps.pool,
    `SELECT s.username, s.name, s.badge, u.name AS unit, s.unit_code AS "unitCode", s.team_code AS "teamCode"
       FROM staff s JOIN service_units u ON u.code = s.unit_code
      WHERE s.username = $1 AND s.active AND s.roles && ARRAY['technician', 'team_lead']`,
    [username],
  );
  if (!staff)
    throw AppError.unprocessable(`No active technician ${username}.`, [
      { field: 'to', message: 'no such technician' },
    ]);
  return staff;
}

async function requireTeam(deps: ApiDeps, team: string): Promise<void> {
  const row = await queryOne(deps.pool, 'SELECT 1 FROM teams WHERE code = $1', [team]);
  if (!row) throw AppError.unprocessable(`No team ${team}.`, [{ field: 'team', message: 'no such team' }]);
}
