import type { PoolClient } from 'pg';
import { listFollowers } from '../db/repositories/followers';
import { insertOutboxRows, type OutboxRow } from '../db/repositories/outbox';
import { listStaffContacts, type StaffContact } from '../db/repositories/staff';
import {
  insertEvents,
  insertSurveyAnswer,
  upsertTicketRow,
  type TicketSnapshot,
} from '../db/repositories/tickets';
import {
  NOTIFIED_ROLES,
  planNotifications,
  type Audience,
  type PlannedNotification,
} from '../domain/notification-plan';
import { placeName } from '../domain/place';
import type { Lang, TicketEvent, TicketState } from '../domain/ticket-types';
import type { NotificationRenderer } from '../lib/notification-renderer';

export interface RecordTicketInput extends TicketSnapshot {
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
    await insertSurveyAnswer(client, number, {
      round: round ?? 1,
      outcome,
      rating: rating ?? null,
      comment: comment ?? reason ?? null,
      answeredAt: event.at,
    });
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
  return listStaffContacts(client, usernames, NOTIFIED_ROLES);
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
