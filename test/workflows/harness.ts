import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type {
  Activities,
  AssignTicketInput,
  FlagTicketInput,
  OpenTicketInput,
  RecordTicketInput,
} from '../../activities';
import type { Dispatched } from '../../activities/assign-ticket';
import { openTicketWith } from '../../activities/open-ticket';
import type { SlaPolicy } from '../../domain/sla-types';
import type { AssignmentResult } from '../../domain/ticket-machine';
import type { TicketCommand } from '../../domain/ticket-rules';
import type { Actor, StaffRef, TicketEvent, TicketInput, TicketState } from '../../domain/ticket-types';
import type { ticketWorkflow } from '../../workflows';
import {
  ticketCommandUpdates,
  ticketStateQuery,
  ticketWorkflowId,
  type TicketSnapshot,
} from '../../workflows/ticket-contract';
import { PERMANENT_FAILURE_TYPE } from '../../domain/attention';
import { createTimeSkippingEnv } from '../support/temporal';
import { ticketInput } from './fixtures';
import { workflowBundle } from '../support/workflow-bundle';

export const TEST_TASK_QUEUE = 'test-tickets';
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export { workflowBundle };

/** What the fake activities saw of one ticket, and the holders its dispatch script hands out. */
export interface TicketRecord {
  events: TicketEvent[];
  assignCalls: AssignTicketInput[];
  records: RecordTicketInput[];
  /** Dispatch answers in order; the last one repeats. `null` means nobody suitable. */
  assignees: (StaffRef | null)[];
  /** Real milliseconds the opening's local activity takes (a slow database), default 0. */
  openingDelayMs: number;
  /** How many of the next writes (the opening's included) fail for good, as PostgreSQL refusing the data would. */
  failWrites: number;
  /** What the workflow reported as needing attention. */
  flags: FlagTicketInput[];
}

/** Fake activities keyed by ticket number: they record what the workflow persisted and assign from a script. */
export function fakeActivities() {
  const tickets = new Map<string, TicketRecord>();
  const ticket = (number: string): TicketRecord => {
    let record = tickets.get(number);
    if (!record) {
      record = {
        events: [],
        assignCalls: [],
        records: [],
        assignees: [null],
        openingDelayMs: 0,
        failWrites: 0,
        flags: [],
      };
      tickets.set(number, record);
    }
    return record;
  };
  const recordTicket = (input: RecordTicketInput): Promise<void> => {
    const record = ticket(input.state.number);
    if (record.failWrites > 0) {
      record.failWrites -= 1;
      return Promise.reject(
        ApplicationFailure.create({
          type: PERMANENT_FAILURE_TYPE,
          message: "PostgreSQL refused the ticket's data (SQLSTATE 22021)",
          nonRetryable: true,
        }),
      );
    }
    record.records.push(input);
    for (const event of input.events)
      if (!record.events.some((e) => e.seq === event.seq)) record.events.push(event);
    return Promise.resolve();
  };
  const assignTicket = (input: AssignTicketInput): Promise<AssignmentResult> => {
    const record = ticket(input.number);
    record.assignCalls.push(input);
    const next = record.assignees.length > 1 ? record.assignees.shift() : record.assignees[0];
    return Promise.resolve(
      next ? { assignee: next, reason: 'scripted' } : { assignee: null, reason: 'nobody suitable' },
    );
  };
  // As the real one: a repeated request key (a retried first workflow task) gets the first answer back.
  const decisions = new Map<string, Dispatched>();
  const dispatchOnce = async (input: AssignTicketInput): Promise<Dispatched> => {
    const earlier = decisions.get(input.requestKey);
    if (earlier) return { ...earlier, fresh: false };
    const decided: Dispatched = { result: await assignTicket(input), atMs: input.atMs, fresh: true };
    decisions.set(input.requestKey, decided);
    return decided;
  };
  const activities: Activities = {
    recordTicket,
    assignTicket,
    flagTicket(input: FlagTicketInput) {
      ticket(input.number).flags.push(input);
      return Promise.resolve();
    },
    async openTicket(input: OpenTicketInput) {
      const { openingDelayMs } = ticket(input.dispatch.number);
      if (openingDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, openingDelayMs));
      return openTicketWith(dispatchOnce, recordTicket, input);
    },
  };
  return { activities, ticket };
}

export type FakeActivities = ReturnType<typeof fakeActivities>;

/** A ticket under test: its handle, what the fakes recorded, and shortcuts to act on it. */
export class TicketProbe {
  constructor(
    readonly handle: WorkflowHandle<typeof ticketWorkflow>,
    readonly number: string,
    readonly submittedAtMs: number,
    readonly record: TicketRecord,
  ) {}

  get events(): TicketEvent[] {
    return [...this.record.events].sort((a, b) => a.seq - b.seq);
  }

  eventsOf(type: TicketEvent['type']): TicketEvent[] {
    return this.events.filter((e) => e.type === type);
  }

  async state(): Promise<TicketState> {
    return (await this.handle.query(ticketStateQuery)).state;
  }

  async snapshot(): Promise<TicketSnapshot> {
    return this.handle.query(ticketStateQuery);
  }

  /** Polls the workflow until `predicate` holds and every event it made is persisted. */
  async waitFor(predicate: (state: TicketState) => boolean): Promise<TicketState> {
    for (let i = 0; i < 200; i += 1) {
      const { state, unpersisted } = await this.snapshot();
      const persisted = this.record.events.length === state.seq;
      if (predicate(state) && unpersisted.length === 0 && persisted) return state;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`ticket ${this.number}: condition not reached`);
  }

  /** Runs a lifecycle command as `actor` through its update. */
  act(actor: Actor, command: TicketCommand): Promise<TicketSnapshot> {
    // Each action's update, widened to the one handler shape the workflow registers (see everyTicketUpdate).
    const update: UpdateDefinition<TicketSnapshot, [Actor, TicketCommand]> =
      ticketCommandUpdates[command.type];
    return this.handle.executeUpdate(update, { args: [actor, command] });
  }

  /** The failure type (Forbidden, Conflict, Invalid) of a command the workflow refuses. */
  async refusal(actor: Actor, command: TicketCommand): Promise<string> {
    const error = await this.act(actor, command).then(
      () => null,
      (err: unknown) => err,
    );
    if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure))
      throw new Error(`expected ${command.type} to be refused, got ${String(error)}`);
    return error.cause.type ?? '';
  }

  /** How many updates the server accepted into the workflow's history. */
  async acceptedUpdates(): Promise<number> {
    const history = await this.handle.fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes).length;
  }
}

export interface StartOptions {
  priority?: string;
  policy?: SlaPolicy;
  assignees?: (StaffRef | null)[];
  /** Submission time; defaults to the server's now. Pass the instant just slept to, so deadlines come out exact. */
  submittedAtMs?: number;
  input?: Partial<TicketInput>;
  /** See TicketRecord.openingDelayMs; with a delay, start() returns without waiting for the opening. */
  openingDelayMs?: number;
  /** The workflow task timeout (server default 10 s); a local activity longer than it spans several tasks. */
  workflowTaskTimeout?: string;
  /** See TicketRecord.failWrites; with failing writes, start() returns without waiting for the opening. */
  failWrites?: number;
}

/** One time-skipping server, one bundle and one background worker over fake activities, for one test file. */
export class WorkflowLab {
  private counter = 0;

  private constructor(
    readonly env: TestWorkflowEnvironment,
    readonly fake: FakeActivities,
    private readonly worker: Worker,
    private readonly running: Promise<void>,
    private readonly prefix: string,
  ) {}

  static async create(prefix = 'T'): Promise<WorkflowLab> {
    const [env, bundle] = await Promise.all([createTimeSkippingEnv(), workflowBundle()]);
    const fake = fakeActivities();
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: TEST_TASK_QUEUE,
      workflowBundle: bundle,
      activities: fake.activities,
    });
    return new WorkflowLab(env, fake, worker, worker.run(), prefix);
  }

  async close(): Promise<void> {
    this.worker.shutdown();
    await this.running;
    await this.env.teardown();
  }

  now(): Promise<number> {
    return this.env.currentTimeMs();
  }

  /** Skips time forward by `ms`, firing every timer on the way. */
  async sleep(ms: number): Promise<void> {
    await this.env.sleep(ms);
  }

  /** Skips time forward to the instant `atMs` (which must not be in the past). */
  async sleepUntil(atMs: number): Promise<void> {
    const now = await this.now();
    if (atMs < now) throw new Error(`cannot go back in time to ${new Date(atMs).toISOString()}`);
    if (atMs > now) await this.env.sleep(atMs - now);
  }

  /** Starts a ticket now; its first dispatch answers come from `assignees`. */
  async start(options: StartOptions = {}): Promise<TicketProbe> {
    this.counter += 1;
    const number = `${this.prefix}2026-${String(this.counter).padStart(6, '0')}`;
    const submittedAtMs = options.submittedAtMs ?? (await this.now());
    const record = this.fake.ticket(number);
    record.assignees = options.assignees ?? [null];
    record.openingDelayMs = options.openingDelayMs ?? 0;
    record.failWrites = options.failWrites ?? 0;
    const input = ticketInput(number, {
      priority: options.priority ?? 'P1',
      submittedAt: new Date(submittedAtMs).toISOString(),
      ...(options.policy ? { policy: options.policy } : {}),
      ...options.input,
    });
    const handle = await this.env.client.workflow.start<typeof ticketWorkflow>('ticketWorkflow', {
      workflowId: ticketWorkflowId(number),
      taskQueue: TEST_TASK_QUEUE,
      args: [input],
      ...(options.workflowTaskTimeout ? { workflowTaskTimeout: options.workflowTaskTimeout } : {}),
    });
    const probe = new TicketProbe(handle, number, submittedAtMs, record);
    if (record.openingDelayMs === 0 && record.failWrites === 0) await probe.waitFor((s) => s.seq >= 2);
    return probe;
  }
}

/** Creates a lab before the file's tests and closes it after them. */
export function useWorkflowLab(prefix = 'T'): () => WorkflowLab {
  let lab: WorkflowLab | undefined;
  beforeAll(async () => {
    lab = await WorkflowLab.create(prefix);
  });
  afterAll(async () => {
    await lab?.close();
  });
  return () => {
    if (!lab) throw new Error('the workflow lab is not started');
    return lab;
  };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
