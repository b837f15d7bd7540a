import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

interface Entry {
  eventId: number;
  at: string;
  kind: string;
  summary: string;
  actor: { kind: string; username?: string } | null;
  ticketEvent?: { seq: number; type: string; at: string };
  data: Record<string, unknown>;
}

describe('GET /api/tickets/:id/history: the Temporal history in plain events', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
    // The first write of an "accepted" event fails once, so the history shows a failed and retried activity.
    await desk.db.pool.query(`
      CREATE SEQUENCE fail_once;
      CREATE FUNCTION fail_accept_once() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.type = 'accepted' THEN
          IF nextval('fail_once') = 1 THEN RAISE EXCEPTION 'injected failure for the history test'; END IF;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER fail_accept_once BEFORE INSERT ON ticket_events FOR EACH ROW EXECUTE FUNCTION fail_accept_once();`);
  });
  afterAll(async () => {
    await desk?.close();
  });

  test('when a ticket escalates, is accepted after a failed write, resolved and confirmed, then the history says so and agrees with ticket_events', async () => {
    const dispatcher = await loginAs(desk, 'disp1');
    const submitted = await http<{ number: string; trackingToken: string }>(desk, 'POST', '/api/tickets', {
      token: dispatcher,
      body: {
        locationCode: 'IH-2-301',
        category: 'network',
        description: '网络中断',
        requester: { name: '张老师' },
        priority: 'P1',
      },
    });
    const number = submitted.body.number;
    const tracking = { 'x-tracking-token': submitted.body.trackingToken };
    const escalated = await eventually(
      () =>
        http<{ events: { type: string }[]; assignee: { username: string } | null }>(
          desk,
          'GET',
          `/api/tickets/${number}`,
          {
            headers: tracking,
          },
        ),
      (r) => r.body.events.some((e) => e.type === 'escalated'),
      15_000,
    );
    const tech = await loginAs(desk, escalated.body.assignee?.username ?? 'tech1');
    expect(
      (await http(desk, 'POST', `/api/tickets/${number}/accept`, { token: tech, body: {} })).status,
    ).toBe(200);
    expect(
      (
        await http(desk, 'POST', `/api/tickets/${number}/resolve`, {
          token: tech,
          body: { resolution: '已修复' },
        })
      ).status,
    ).toBe(200);
    expect(
      (await http(desk, 'POST', `/api/tickets/${number}/confirm`, { headers: tracking, body: { rating: 5 } }))
        .status,
    ).toBe(200);

    const manager = await loginAs(desk, 'manager');
    const history = await eventually(
      () =>
        http<{ number: string; items: Entry[] }>(desk, 'GET', `/api/tickets/${number}/history`, {
          token: manager,
        }),
      (r) => r.body.items?.some((e) => e.kind === 'workflow_ended'),
    );
    expect(history.status).toBe(200);
    const items = history.body.items;
    const kinds = new Set(items.map((e) => e.kind));
    for (const kind of [
      'workflow_started',
      'action',
      'timer_started',
      'timer_fired',
      'escalation',
      'activity_retried',
      'ticket_event',
      'workflow_ended',
    ])
      expect({ kind, present: kinds.has(kind) }).toEqual({ kind, present: true });

    const accept = items.find((e) => e.kind === 'action' && e.data.name === 'accept');
    expect(accept?.actor).toMatchObject({ kind: 'staff', username: escalated.body.assignee?.username });
    const confirm = items.find((e) => e.kind === 'action' && e.data.name === 'confirm');
    expect(confirm?.actor).toMatchObject({ kind: 'requester', name: '张老师' });
    expect(items.find((e) => e.kind === 'activity_retried')).toMatchObject({
      data: {
        activity: 'recordTicket',
        attempt: 2,
        lastFailure: expect.stringContaining('injected failure') as unknown,
      },
    });
    expect(items.find((e) => e.kind === 'escalation')?.summary).toContain('respond deadline was missed');
    const fired = items.find((e) => e.kind === 'timer_fired');
    expect(fired?.data.fireAt).toEqual(expect.any(String));

    // Consistent with the read model: the same events, in the same order, at the same instants.
    const stored = await desk.db.pool.query<{ seq: number; type: string; at: string }>(
      `SELECT seq, type, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
         FROM ticket_events WHERE ticket_number = $1 ORDER BY seq`,
      [number],
    );
    const fromHistory = items
      .filter((e) => e.ticketEvent)
      .map((e) => ({ seq: e.ticketEvent?.seq, type: e.ticketEvent?.type, at: e.ticketEvent?.at }));
    expect(fromHistory).toEqual(stored.rows);
  });

  test('when the caller is not a manager or the ticket does not exist, then 403, 401 or 404', async () => {
    const tech = await loginAs(desk, 'tech1');
    expect((await http(desk, 'GET', '/api/tickets/R2026-999999/history', { token: tech })).status).toBe(403);
    expect((await http(desk, 'GET', '/api/tickets/R2026-999999/history')).status).toBe(401);
    const manager = await loginAs(desk, 'manager');
    expect((await http(desk, 'GET', '/api/tickets/R2026-999999/history', { token: manager })).status).toBe(
      404,
    );
    expect((await http(desk, 'GET', '/api/tickets/bogus/history', { token: manager })).status).toBe(400);
  });
});
