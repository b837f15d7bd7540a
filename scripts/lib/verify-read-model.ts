import { status as grpcStatus } from '@grpc/grpc-js';
import type { Client } from '@temporalio/client';
import { isGrpcServiceError, WorkflowNotFoundError } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import type { Pool } from 'pg';
import { insertSurveyAnswers, type RecordTicketInput } from '../../activities/record-ticket';
import { insertEvents, upsertTicketRow } from '../../db/repositories/tickets';
import { openingRecordFromHistory, startInputOf } from '../../lib/workflow-history';
import { withTransaction } from '../../db/pool';
import type { TicketEvent, TicketInput } from '../../domain/ticket-types';
import { ticketWorkflowId } from '../../workflows/ticket-contract';

/** One way the read model disagrees with a ticket's workflow. */
export interface Difference {
  number: string;
  /** A column of `tickets`, `row`, `events`, `event <seq>`, `workflow` or `escalation`. */
  what: string;
  expected: unknown;
  actual: unknown;
}

export interface VerifyReport {
  /** Tickets looked at: the union of the read model, the intake log and Temporal visibility. */
  checked: number;
  workflows: number;
  differences: Difference[];
  /** Tickets whose latest write to the read model is still in flight (compared again on the next run). */
  inFlight: string[];
  /** Tickets rewritten from their workflow history (with `repair`). */
  repaired: string[];
}

export interface VerifyOptions {
  pool: Pool;
  client: Client;
  repair?: boolean;
  /** Histories fetched at once; default 8. */
  concurrency?: number;
}

/** What the workflow asked the read model to hold: its last recorded snapshot and every event it recorded. */
interface WorkflowRecord {
  last: RecordTicketInput;
  events: TicketEvent[];
  /** The last recordTicket activity has not completed yet. */
  inFlight: boolean;
}

interface TicketRow {
  status: string;
  priority: string;
  assignee_username: string | null;
  owner_username: string | null;
  respond_level: number;
  resolve_level: number;
  last_seq: number;
  state: unknown;
}

interface EventRow {
  seq: number;
  type: string;
  at: Date;
  actor: unknown;
  data: unknown;
}

/**
 * Compares every ticket's read model (`tickets` row and `ticket_events`) with its workflow history,
 * which needs no worker and holds every snapshot the workflow recorded, and with `repair` rewrites
 * the read model of each disagreeing ticket from that history.
 */
export async function verifyReadModel(options: VerifyOptions): Promise<VerifyReport> {
  const { pool, client } = options;
  const fromDb = await pool.query<{ number: string }>(
    'SELECT number FROM tickets UNION SELECT number FROM ticket_intake',
  );
  const fromTemporal = await listTicketWorkflows(client);
  const numbers = [...new Set([...fromDb.rows.map((r) => r.number), ...fromTemporal])].sort();
  const report: VerifyReport = {
    checked: numbers.length,
    workflows: fromTemporal.length,
    differences: [],
    inFlight: [],
    repaired: [],
  };
  let next = 0;
  const lane = async () => {
    while (next < numbers.length) {
      const number = numbers[next++];
      const record = await readWorkflowRecord(client, number);
      if (record === 'missing') {
        report.differences.push({
          number,
          what: 'workflow',
          expected: 'a ticket workflow',
          actual: 'none in Temporal',
        });
        continue;
      }
      if (record === 'unrecorded' || record.inFlight) {
        report.inFlight.push(number);
        continue;
      }
      const found = [
        ...escalatedTwice(number, record.events),
        ...(await compareTicket(pool, number, record)),
      ];
      report.differences.push(...found);
      if (options.repair && found.some((d) => d.what !== 'escalation')) {
        await rewriteTicket(pool, record);
        report.repaired.push(number);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, lane));
  return report;
}

async function listTicketWorkflows(client: Client): Promise<string[]> {
  const numbers: string[] = [];
  for await (const execution of client.workflow.list({ query: "WorkflowType = 'ticketWorkflow'" })) {
    if (execution.workflowId.startsWith('ticket-'))
      numbers.push(execution.workflowId.slice('ticket-'.length));
  }
  return [...new Set(numbers)];
}

/** Reads the recordTicket inputs out of the workflow's history (the latest run). */
async function readWorkflowRecord(
  client: Client,
  number: string,
): Promise<WorkflowRecord | 'missing' | 'unrecorded'> {
  let history: temporal.api.history.v1.IHistory;
  try {
    history = await client.workflow.getHandle(ticketWorkflowId(number)).fetchHistory();
  } catch (err) {
    if (
      err instanceof WorkflowNotFoundError ||
      (isGrpcServiceError(err) && err.code === grpcStatus.NOT_FOUND)
    )
      return 'missing';
    throw err;
  }
  const scheduled: { id: number; input: RecordTicketInput }[] = [];
  const completed = new Set<number>();
  let input: TicketInput | undefined;
  for (const event of history.events ?? []) {
    input = startInputOf(event) ?? input;
    const opened = openingRecordFromHistory(event, input);
    if (opened) {
      // The opening's local activity wrote this snapshot; its marker exists only once it completed.
      scheduled.push({ id: Number(event.eventId), input: opened });
      completed.add(Number(event.eventId));
    }
    const attrs = event.activityTaskScheduledEventAttributes;
    if (attrs?.activityType?.name === 'recordTicket') {
      const payload = attrs.input?.payloads?.[0];
      if (payload)
        scheduled.push({
          id: Number(event.eventId),
          input: defaultPayloadConverter.fromPayload<RecordTicketInput>(payload),
        });
    }
    const done = event.activityTaskCompletedEventAttributes;
    if (done) completed.add(Number(done.scheduledEventId));
  }
  const latest = scheduled[scheduled.length - 1];
  if (!latest) return 'unrecorded';
  const bySeq = new Map<number, TicketEvent>();
  for (const { input } of scheduled) for (const event of input.events) bySeq.set(event.seq, event);
  return {
    last: latest.input,
    events: [...bySeq.values()].sort((a, b) => a.seq - b.seq),
    inFlight: !completed.has(latest.id),
  };
}

/** Each clock's level escalates once per ticket; a second event for the same clock and level is a fault. */
function escalatedTwice(number: string, events: TicketEvent[]): Difference[] {
  const seen = new Map<string, number>();
  for (const event of events) {
    if (event.type !== 'escalated') continue;
    const key = `${String(event.data.clock)}:${String(event.data.level)}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen]
    .filter(([, count]) => count > 1)
    .map(([key, count]) => ({
      number,
      what: 'escalation',
      expected: `${key} once`,
      actual: `${count} times`,
    }));
}

async function compareTicket(pool: Pool, number: string, record: WorkflowRecord): Promise<Difference[]> {
  const { state } = record.last;
  const diffs: Difference[] = [];
  const differ = (what: string, expected: unknown, actual: unknown) => {
    if (canonical(expected) !== canonical(actual)) diffs.push({ number, what, expected, actual });
  };
  const { rows } = await pool.query<TicketRow>(
    `SELECT status, priority, assignee_username, owner_username, respond_level, resolve_level, last_seq, state
       FROM tickets WHERE number = $1`,
    [number],
  );
  const row = rows[0];
  if (!row)
    diffs.push({
      number,
      what: 'row',
      expected: `status ${state.status}, seq ${state.seq}`,
      actual: 'missing',
    });
  else {
    differ('status', state.status, row.status);
    differ('priority', state.priority, row.priority);
    differ('assignee', state.assignee?.username ?? null, row.assignee_username);
    differ('owner', state.owner?.username ?? null, row.owner_username);
    differ('respond_level', state.escalation.respond, row.respond_level);
    differ('resolve_level', state.escalation.resolve, row.resolve_level);
    differ('last_seq', state.seq, row.last_seq);
    if (diffs.length === 0) differ('state', state, row.state);
  }
  const events = await pool.query<EventRow>(
    'SELECT seq, type, at, actor, data FROM ticket_events WHERE ticket_number = $1 ORDER BY seq',
    [number],
  );
  differ(
    'events',
    record.events.map((e) => `${e.seq}:${e.type}`),
    events.rows.map((e) => `${e.seq}:${e.type}`),
  );
  const stored = new Map(events.rows.map((e) => [e.seq, e]));
  for (const event of record.events) {
    const have = stored.get(event.seq);
    if (!have || have.type !== event.type) continue;
    differ(
      `event ${event.seq}`,
      { at: Date.parse(event.at), actor: event.actor, data: event.data },
      { at: have.at.getTime(), actor: have.actor, data: have.data },
    );
  }
  return diffs;
}

/** Rewrites the ticket's row and events from its workflow's record, whatever the read model holds now. */
async function rewriteTicket(pool: Pool, record: WorkflowRecord): Promise<void> {
  const number = record.last.state.number;
  await withTransaction(pool, async (client) => {
    await client.query('DELETE FROM ticket_events WHERE ticket_number = $1', [number]);
    // The upsert never lets an older snapshot win; a broken row may claim a newer one, so it yields first.
    await client.query('UPDATE tickets SET last_seq = -1 WHERE number = $1', [number]);
    await upsertTicketRow(client, record.last);
    await insertEvents(client, number, record.events);
    await insertSurveyAnswers(client, number, record.events);
  });
}

/** JSON with object keys sorted, so jsonb round trips compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}
