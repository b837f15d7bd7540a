import type { PoolClient } from 'pg';
import { listFollowers } from '../db/repositories/followers';
import { insertOutboxRows, type OutboxRow } from '../db/repositories/outbox';
import {
  NOTIFIED_ROLES,
  planNotifications,
  type Audience,
  type PlannedNotification,
} from '../domain/notification-plan';
import { placeName } from '../domain/place';
import type { Lang, TicketEvent, TicketState, TicketView } from '../domain/ticket-types';
import type { NotificationRenderer } from '../lib/notification-renderer';

export interface RecordTicketInput {
  state: TicketState;
  view: TicketView;
  /** Deadlines of the clocks still running (null once a clock has stopped), for queues sorted by what is due. */
  live: { respond: number | null; resolve: number | null };
  events: TicketEvent[];
}

export interface Links {
  tracking(number: string): string;
  staff(number: string): string;
}

interface Recipient {
  kind: 'requester' | 'follower' | 'staff';
  id: string;
  name: string;
  email: string | null;
  lang: Lang;
}

interface StaffContact {
  username: string;
  name: string;
  email: string | null;
  lang: Lang;
  roles: string[];
  team_code: string | null;
}

const iso = (ms: number | null): string | null => (ms == null ? null : new Date(ms).toISOString());

/** The ticket row, its new events, survey answers and the messages the events send; returns how many messages. */
export async function writeTicketRecord(
  client: PoolClient,
  input: RecordTicketInput,
  render: NotificationRenderer,
  links: Links,
): Promise<number> {
  await upsertTicketRow(client, input);
  await insertEvents(client, input.state.number, input.events);
  await insertSurveyAnswers(client, input.state.number, input.events);
  return enqueueNotifications(client, input, render, links);
}

/** Upserts the ticket row; an older snapshot (a retry that lost a race) never overwrites a newer one. */
export async function upsertTicketRow(client: PoolClient, input: RecordTicketInput): Promise<void> {
  const { state, view, live } = input;
  await client.query(
    `INSERT INTO tickets (number, status, priority, category, location_code, building, description, requester,
       assignee_username, owner_username, team_code, owner_unit_code, respond_deadline, resolve_deadline,
       respond_level, resolve_level, breached, submitted_at, accepted_at, resolved_at, closed_at, cancelled_at,
       rating, reopen_count, last_seq, state, view, updated_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27, now())
     ON CONFLICT (number) DO UPDATE SET
       status = EXCLUDED.status, priority = EXCLUDED.priority, assignee_username = EXCLUDED.assignee_username,
       owner_username = EXCLUDED.owner_username, team_code = EXCLUDED.team_code, owner_unit_code = EXCLUDED.owner_unit_code,
       respond_deadline = EXCLUDED.respond_deadline, resolve_deadline = EXCLUDED.resolve_deadline,
       respond_level = EXCLUDED.respond_level, resolve_level = EXCLUDED.resolve_level, breached = EXCLUDED.breached,
       accepted_at = EXCLUDED.accepted_at, resolved_at = EXCLUDED.resolved_at, closed_at = EXCLUDED.closed_at,
       cancelled_at = EXCLUDED.cancelled_at, rating = EXCLUDED.rating, reopen_count = EXCLUDED.reopen_count,
       last_seq = EXCLUDED.last_seq, state = EXCLUDED.state, view = EXCLUDED.view, updated_at = now()
     WHERE tickets.last_seq <= EXCLUDED.last_seq`,
    [
      state.number,
      state.status,
      state.priority,
      state.category.code,
      state.location.code,
      state.location.building,
      state.description,
      JSON.stringify(state.requester),
      state.assignee?.username ?? null,
      state.owner?.username ?? null,
      state.assignee?.teamCode ?? state.owner?.teamCode ?? state.team,
      state.owner?.unitCode ?? null,
      iso(live.respond),
      iso(live.resolve),
      state.escalation.respond,
      state.escalation.resolve,
      view.breached,
      iso(state.submittedAtMs),
      iso(state.acceptedAtMs),
      iso(state.resolvedAtMs),
      iso(state.closedAtMs),
      iso(state.cancelledAtMs),
      state.survey.rating,
      state.reopenCount,
      state.seq,
      JSON.stringify(state),
      JSON.stringify(view),
    ],
  );
}

/** Inserts events by (ticket, seq); a retried activity inserts nothing twice. */
export async function insertEvents(client: PoolClient, number: string, events: TicketEvent[]): Promise<void> {
  await client.query(
    `INSERT INTO ticket_events (ticket_number, seq, type, at, actor, data)
     SELECT $1, e.seq, e.type, e.at, e.actor, e.data
       FROM unnest($2::int[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::jsonb[]) AS e(seq, type, at, actor, data)
     ON CONFLICT (ticket_number, seq) DO NOTHING`,
    [
      number,
      events.map((e) => e.seq),
      events.map((e) => e.type),
      events.map((e) => e.at),
      events.map((e) => (e.actor ? JSON.stringify(e.actor) : null)),
      events.map((e) => JSON.stringify(e.data)),
    ],
  );
}

/** Survey outcomes become rows of their own, one per resolution round. */
export async function insertSurveyAnswers(
  client: PoolClient,
  number: string,
  events: TicketEvent[],
): Promise<void> {
  for (const event of events) {
    const outcome =
      event.type === 'confirmed'
        ? 'confirmed'
        : event.type === 'rejected'
          ? 'rejected'
          : event.type === 'closed'
            ? 'expired'
            : null;
    if (!outcome) continue;
    const { round, rating, comment, reason } = event.data as {
      round?: number;
      rating?: number;
      comment?: string;
      reason?: string;
    };
    await client.query(
      `INSERT INTO survey_answers (ticket_number, round, outcome, rating, comment, answered_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (ticket_number, round) DO NOTHING`,
      [number, round ?? 1, outcome, rating ?? null, comment ?? reason ?? null, event.at],
    );
  }
}

/** Renders and stores every message the events send; delivery happens later, outside the workflow. */
export async function enqueueNotifications(
  client: PoolClient,
  input: RecordTicketInput,
  render: NotificationRenderer,
  links: Links,
): Promise<number> {
  const { state, view, events } = input;
  const plans = events.flatMap((event) => planNotifications(event, state).map((plan) => ({ event, plan })));
  if (plans.length === 0) return 0;
  const staff = await loadStaffContacts(
    client,
    state,
    plans.map((p) => p.plan),
  );
  const followers = plans.some((p) => p.plan.to === 'requester')
    ? await loadFollowers(client, state.number)
    : [];
  const rows: OutboxRow[] = [];
  for (const { event, plan } of plans) {
    for (const recipient of resolveAudience(plan.to, state, staff, followers)) {
      const message = render(plan.template, recipient.lang, {
        recipientName: recipient.name,
        number: state.number,
        category: recipient.lang === 'en' ? state.category.nameEn : state.category.name,
        place: placeName(state.location),
        description: state.description,
        actor: event.actor,
        holder: view.assignee,
        owner: view.owner,
        data: event.data,
        deadlines: view.deadlines,
        url: recipient.kind === 'staff' ? links.staff(state.number) : links.tracking(state.number),
      });
      rows.push([
        `${state.number}:${event.seq}:${plan.template}:${recipient.kind}:${recipient.id}`,
        state.number,
        event.seq,
        recipient.kind,
        recipient.id,
        recipient.email ? 'email' : 'web',
        recipient.email,
        recipient.lang,
        plan.template,
        message.subject,
        message.body,
      ]);
    }
  }
  await insertOutboxRows(client, rows);
  return rows.length;
}

async function loadStaffContacts(client: PoolClient, state: TicketState, plans: PlannedNotification[]) {
  const usernames = plans.flatMap((p) => (typeof p.to === 'object' ? [p.to.username] : []));
  if (state.owner) usernames.push(state.owner.username);
  if (state.assignee) usernames.push(state.assignee.username);
  const { rows } = await client.query<StaffContact>(
    `SELECT username, name, email, lang, roles, team_code FROM staff
      WHERE active AND (username = ANY($1) OR roles && $2::text[])`,
    [usernames, NOTIFIED_ROLES],
  );
  return rows;
}

async function loadFollowers(client: PoolClient, number: string): Promise<Recipient[]> {
  return (await listFollowers(client, number)).map((row) => ({ kind: 'follower', ...row }));
}

function resolveAudience(
  to: Audience,
  state: TicketState,
  staff: StaffContact[],
  followers: Recipient[],
): Recipient[] {
  const asRecipient = (s: StaffContact): Recipient => ({
    kind: 'staff',
    id: s.username,
    name: s.name,
    email: s.email,
    lang: s.lang,
  });
  const byUsername = (username: string | undefined) =>
    staff.filter((s) => s.username === username).map(asRecipient);
  if (typeof to === 'object') return byUsername(to.username);
  switch (to) {
    case 'requester': {
      const { name, email, lang } = state.requester;
      return [{ kind: 'requester', id: 'requester', name, email: email ?? null, lang }, ...followers];
    }
    case 'owner':
      return byUsername(state.owner?.username);
    case 'assignee':
      return byUsername(state.assignee?.username);
    case 'team_lead': {
      const teams = [state.assignee?.teamCode, state.owner?.teamCode, state.team].filter((t) => t != null);
      const leads = staff.filter((s) => s.roles.includes('team_lead'));
      const ours = leads.filter((s) => s.team_code != null && teams.includes(s.team_code));
      return (ours.length > 0 ? ours : leads).map(asRecipient);
    }
    case 'dispatcher':
    case 'manager':
      return staff.filter((s) => s.roles.includes(to)).map(asRecipient);
  }
}
