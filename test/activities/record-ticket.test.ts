import { MockActivityEnvironment } from '@temporalio/testing';
import {
  createActivities,
  type Activities,
  type OpenTicketInput,
  type OpenTicketResult,
  type RecordTicketInput,
} from '../../activities';
import { openingRecord } from '../../activities/open-ticket';
import { seedDemoData } from '../../db/seed';
import {
  applyAssignment,
  applyCommand,
  deadlines,
  openingStep,
  runDue,
  type Step,
} from '../../domain/ticket-machine';
import type { StaffActor, StaffRef, TicketState } from '../../domain/ticket-types';
import { toView } from '../../domain/ticket-view';
import { createNotificationRenderer } from '../../lib/notification-renderer';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testPolicy, ticketInput } from '../workflows/fixtures';

const policy = testPolicy;
const T0 = Date.parse('2026-11-23T02:00:00Z');
// tech1 of the demo data: team net, unit nic.
const tech1Ref: StaffRef = {
  username: 'tech1',
  name: '李工',
  badge: 'NIC-0231',
  unit: '网络与信息中心',
  unitCode: 'nic',
  teamCode: 'net',
};
const tech1: StaffActor = { kind: 'staff', roles: ['technician'], ...tech1Ref };

interface OutboxRow {
  event_seq: number;
  recipient_kind: string;
  recipient: string;
  lang: string;
  template: string;
  subject: string;
  body: string;
}

describe('recordTicket activity (real PostgreSQL)', () => {
  let db: TestDatabase;
  let activities: Activities;
  let counter = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool, { password: 'demo-password', nodeEnv: 'test' });
    await db.pool.query(`UPDATE staff SET lang = 'en' WHERE username = 'admin'`);
    activities = createActivities({
      pool: db.pool,
      render: createNotificationRenderer({ timezone: policy.calendar.timezone }),
      links: { tracking: (n) => `https://desk.test/t/${n}`, staff: (n) => `https://desk.test/staff/${n}` },
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const record = (input: RecordTicketInput) =>
    new MockActivityEnvironment().run(activities.recordTicket, input);

  const batch = (state: TicketState, steps: Step[], atMs: number): RecordTicketInput => ({
    state,
    view: toView(state, policy, atMs),
    live: deadlines(state, policy),
    events: steps.flatMap((s) => s.events),
  });

  /** A P1 ticket opened at T0 and assigned to tech1, as its first batch. */
  function opened() {
    counter += 1;
    const number = `R2026-${String(counter).padStart(6, '0')}`;
    const open = openingStep(ticketInput(number, { submittedAt: new Date(T0).toISOString(), policy }));
    const assigned = applyAssignment(open.state, open.assignment!, { assignee: tech1Ref, reason: 'r' }, T0);
    return { number, state: assigned.state, first: batch(assigned.state, [open, assigned], T0) };
  }

  const outbox = async (number: string) =>
    (
      await db.pool.query<OutboxRow>(
        `SELECT event_seq, recipient_kind, recipient, lang, template, subject, body
           FROM notification_outbox WHERE ticket_number = $1 ORDER BY event_seq, template, recipient`,
        [number],
      )
    ).rows;

  const counts = async (number: string) =>
    (
      await db.pool.query<{ events: number; outbox: number }>(
        `SELECT (SELECT count(*)::int FROM ticket_events WHERE ticket_number = $1) AS events,
                (SELECT count(*)::int FROM notification_outbox WHERE ticket_number = $1) AS outbox`,
        [number],
      )
    ).rows[0];

  test('when a batch is recorded, then the row, the events and the messages to requester, followers and holder are written', async () => {
    const { number, first } = opened();
    await db.pool.query(
      `INSERT INTO ticket_followers (ticket_number, name, email, lang) VALUES ($1, 'Alice', 'alice@example.edu', 'en')`,
      [number],
    );
    await record(first);
    const { rows } = await db.pool.query<{ status: string; assignee_username: string; last_seq: number }>(
      'SELECT status, assignee_username, last_seq FROM tickets WHERE number = $1',
      [number],
    );
    expect(rows).toEqual([{ status: 'assigned', assignee_username: 'tech1', last_seq: 2 }]);
    const messages = await outbox(number);
    expect(messages.map((m) => [m.event_seq, m.template, m.recipient_kind, m.recipient, m.lang])).toEqual([
      [1, 'ticket-received', 'follower', expect.any(String) as unknown, 'en'],
      [1, 'ticket-received', 'requester', 'requester', 'zh-CN'],
      [2, 'staff-assigned', 'staff', 'tech1', 'zh-CN'],
      [2, 'ticket-assigned', 'follower', expect.any(String) as unknown, 'en'],
      [2, 'ticket-assigned', 'requester', 'requester', 'zh-CN'],
    ]);
    const [toFollower, toRequester] = messages;
    expect(toRequester.subject).toBe(`【网络与信息中心】您的报修已受理（工单号 ${number}）`);
    expect(toRequester.body).toContain('张老师，您好！');
    expect(toRequester.body).toContain(`https://desk.test/t/${number}`);
    expect(toFollower.subject).toBe(`[NIC Service Desk] We have received your request ${number}`);
    expect(toFollower.body).toContain('Dear Alice');
    expect(messages[2].body).toContain(`https://desk.test/staff/${number}`);
  });

  test('when the same batch is recorded twice, then no event or message is duplicated', async () => {
    const { number, first } = opened();
    await record(first);
    const once = await counts(number);
    await record(first);
    expect(await counts(number)).toEqual(once);
    expect(once.events).toBe(2);
  });

  test('when an older snapshot arrives after a newer one, then the newer row stays', async () => {
    const { number, state, first } = opened();
    await record(first);
    const accepted = applyCommand(state, { type: 'accept' }, tech1, T0 + 60_000, policy);
    await record(batch(accepted.state, [accepted], T0 + 60_000));
    await record(first);
    const { rows } = await db.pool.query<{ status: string; last_seq: number; owner_username: string }>(
      'SELECT status, last_seq, owner_username FROM tickets WHERE number = $1',
      [number],
    );
    expect(rows).toEqual([{ status: 'in_progress', last_seq: 3, owner_username: 'tech1' }]);
    expect((await counts(number)).events).toBe(3);
  });

  test('when a ticket escalates, then the team lead of its team, the dispatchers and the managers are told in their language', async () => {
    const { number, state, first } = opened();
    await record(first);
    const level1 = runDue(state, policy, T0 + 10 * 60_000);
    const level2 = runDue(level1.state, policy, T0 + 40 * 60_000);
    await record(batch(level2.state, [level1, level2], T0 + 40 * 60_000));
    const messages = (await outbox(number)).filter((m) => m.template === 'staff-escalated');
    expect(messages.map((m) => [m.event_seq, m.recipient, m.lang])).toEqual([
      [3, 'disp1', 'zh-CN'],
      [3, 'lead1', 'zh-CN'],
      [4, 'admin', 'en'],
      [4, 'manager', 'zh-CN'],
    ]);
    expect(messages[1].subject).toBe(`【服务台】工单 ${number} 响应超时，已升级（第 1 级）`);
    expect(messages[2].subject).toBe(
      `[NIC Service Desk] Ticket ${number} response overdue: escalated to level 2`,
    );
    expect(messages[2].body).toContain('has missed its response time limit');
  });

  test('when a ticket is accepted, transferred and resolved by its owner, then the new holder and the owner hear of the transfer and nobody of their own action', async () => {
    const { number, state, first } = opened();
    await record(first);
    const accepted = applyCommand(state, { type: 'accept' }, tech1, T0, policy);
    const lead: StaffActor = {
      ...tech1,
      username: 'lead1',
      name: '赵组长',
      roles: ['team_lead', 'technician'],
    };
    const moved = applyCommand(
      accepted.state,
      { type: 'transfer', to: { kind: 'staff', staff: { ...tech1Ref, username: 'tech6' } }, reason: 'x' },
      lead,
      T0,
      policy,
    );
    const resolved = applyCommand(
      moved.state,
      { type: 'resolve', resolution: '更换网线' },
      tech1,
      T0,
      policy,
    );
    await record(batch(resolved.state, [accepted, moved, resolved], T0));
    const byTemplate = (await outbox(number))
      .filter((m) => m.event_seq >= 3)
      .map((m) => [m.template, m.recipient]);
    expect(byTemplate).toEqual([
      ['ticket-accepted', 'requester'],
      ['staff-assigned', 'tech6'],
      ['staff-transferred-owner', 'tech1'],
      ['ticket-transferred', 'requester'],
      ['ticket-resolved', 'requester'],
    ]);
  });

  test('when a ticket is opened, then dispatch and the first write land together, and a retry (even later) gets the first answer and instant back', async () => {
    counter += 1;
    const number = `R2026-${String(counter).padStart(6, '0')}`;
    const open = openingStep(ticketInput(number, { submittedAt: new Date(T0).toISOString(), policy }));
    const input: OpenTicketInput = {
      dispatch: {
        number,
        requestKey: `${number}:${open.state.seq}`,
        skill: open.state.category.skill,
        zone: open.state.location.zone,
        team: null,
        exclude: [],
        atMs: T0,
        timezone: policy.calendar.timezone,
      },
      request: open.assignment!,
      state: open.state,
      events: open.events,
      policy,
    };
    const env = new MockActivityEnvironment();
    const first: OpenTicketResult = await env.run(activities.openTicket, input);
    // A retried first workflow task runs the local activity again, ten seconds later.
    const retried = { ...input, dispatch: { ...input.dispatch, atMs: T0 + 10_000 } };
    const again = await env.run(activities.openTicket, retried);
    expect(again).toEqual(first);
    expect(first.atMs).toBe(T0);
    // What was written is what the pure rebuild gives (npm run verify relies on it).
    const expected = openingRecord(input, first.assignment, first.atMs);
    const row = await db.pool.query<{ status: string; last_seq: number; assignee_username: string | null }>(
      'SELECT status, last_seq, assignee_username FROM tickets WHERE number = $1',
      [number],
    );
    expect(row.rows[0]).toEqual({
      status: expected.state.status,
      last_seq: expected.state.seq,
      assignee_username: expected.state.assignee?.username ?? null,
    });
    const events = await db.pool.query<{ seq: number; type: string; at: Date }>(
      'SELECT seq, type, at FROM ticket_events WHERE ticket_number = $1 ORDER BY seq',
      [number],
    );
    expect(events.rows).toEqual(
      expected.events.map((e) => ({ seq: e.seq, type: e.type, at: new Date(e.at) })),
    );
    const decisions = await db.pool.query('SELECT 1 FROM dispatch_decisions WHERE ticket_number = $1', [
      number,
    ]);
    expect(decisions.rowCount).toBe(1);
    expect((await counts(number)).outbox).toBeGreaterThan(0);
  });
});
