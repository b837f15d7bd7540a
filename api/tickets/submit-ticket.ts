import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Pool } from 'pg';
import {
  deleteIntake,
  findIntakeByKey,
  findIntakeReferences,
  insertIntake,
} from '../../db/repositories/intake';
import type { StaffActor, TicketInput } from '../../domain/ticket-types';
import { trackingToken, trackingUrl } from '../../lib/tracking-token';
import type { ticketWorkflow } from '../../workflows/ticket-workflow';
import { ticketWorkflowId } from '../../workflows/ticket-contract';
import type { ApiDeps } from '../deps';
import { AppError } from '../http/errors';
import type { NewTicket } from './schemas';

export interface TicketReceipt {
  id: string;
  number: string;
  status: 'submitted';
  trackingToken: string;
  trackingUrl: string;
}

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
    .start<typeof ticketWorkflow>('ticketWorkflow', {
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
  if (!idempotencyKey) await deleteIntake(deps.pool, number);
  const retry = idempotencyKey ? ' Retry with the same Idempotency-Key.' : ' Please try again.';
  throw Object.assign(AppError.unavailable(`The desk cannot open tickets right now.${retry}`), {
    cause: err,
  });
}

/** Takes the next number of the desk's year, or, for a repeated Idempotency-Key, the first request's number. */
async function allocateNumber(
  pool: Pool,
  timezone: string,
  at: Date,
  hash: string,
  idempotencyKey: string | undefined,
): Promise<{ number: string; replayed: boolean }> {
  const inserted = await insertIntake(pool, ticketYear(timezone, at), idempotencyKey, hash);
  if (inserted) return { number: inserted, replayed: false };
  const earlier = idempotencyKey ? await findIntakeByKey(pool, idempotencyKey) : undefined;
  if (!earlier) throw new Error('Idempotency record vanished after a conflict on its key');
  if (earlier.requestHash !== hash) {
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
  const refs = await findIntakeReferences(deps.pool, code, body.category);
  const location = refs.location;
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
