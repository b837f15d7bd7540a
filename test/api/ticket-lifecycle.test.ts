import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

interface Receipt {
  id: string;
  number: string;
  trackingToken: string;
  trackingUrl: string;
}
interface Ticket {
  status: string;
  assignee: { username: string; badge: string } | null;
  owner: { username: string; badge: string } | null;
  rating: number | null;
  events: { seq: number; type: string }[];
  deadlines: { respond: string | null; resolve: string | null };
}

const report = {
  locationCode: 'IH-2-301',
  category: 'network',
  description: '教室网络断开，投影也无法联网',
  requester: { name: '张老师', phone: '13800000000', email: 'zhang@example.edu' },
};

describe('a ticket over HTTP, against a real Temporal dev server and PostgreSQL', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  const track = (receipt: Receipt) =>
    http<Ticket>(desk, 'GET', `/api/tickets/${receipt.number}`, {
      headers: { 'x-tracking-token': receipt.trackingToken },
    });

  test('when a report is submitted, accepted, resolved and confirmed, then it closes with the accepter as owner and every step recorded', async () => {
    const submitted = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report });
    expect(submitted.status).toBe(201);
    expect(submitted.body.number).toMatch(/^R\d{4}-\d{6}$/);
    expect(submitted.body.trackingUrl).toContain(
      `/t/${submitted.body.number}?token=${submitted.body.trackingToken}`,
    );
    // Where the acknowledgement's time went: PostgreSQL, then the workflow start.
    expect(submitted.headers.get('server-timing')).toMatch(/^db;dur=\d+\.\d, temporal;dur=\d+\.\d$/);
    const receipt = submitted.body;

    const started = Date.now();
    const assigned = await eventually(
      () => track(receipt),
      (r) => r.body.status === 'assigned',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    const assignee = assigned.body.assignee?.username;
    expect(assignee).toBeDefined();
    expect(assigned.body.deadlines.respond).not.toBeNull();

    const token = await loginAs(desk, assignee ?? '');
    const accepted = await http<Ticket>(desk, 'POST', `/api/tickets/${receipt.number}/accept`, {
      token,
      body: {},
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.owner?.username).toBe(assignee);
    const resolved = await http<Ticket>(desk, 'POST', `/api/tickets/${receipt.number}/resolve`, {
      token,
      body: { resolution: '交换机端口故障，已更换端口' },
    });
    expect(resolved.body.status).toBe('resolved');
    const confirmed = await http<Ticket>(desk, 'POST', `/api/tickets/${receipt.number}/confirm`, {
      headers: { 'x-tracking-token': receipt.trackingToken },
      body: { rating: 5, comment: '处理及时' },
    });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.status).toBe('closed');

    const final = await track(receipt);
    expect(final.body.events.map((e) => e.type)).toEqual([
      'submitted',
      'assigned',
      'accepted',
      'resolved',
      'confirmed',
    ]);
    const rows = await desk.db.pool.query<{ status: string; rating: number; owner_username: string }>(
      'SELECT status, rating, owner_username FROM tickets WHERE number = $1',
      [receipt.number],
    );
    expect(rows.rows[0]).toEqual({ status: 'closed', rating: 5, owner_username: assignee });
    const survey = await desk.db.pool.query(
      'SELECT outcome, rating FROM survey_answers WHERE ticket_number = $1',
      [receipt.number],
    );
    expect(survey.rows).toEqual([{ outcome: 'confirmed', rating: 5 }]);
    const outbox = await desk.db.pool.query<{ template: string }>(
      'SELECT template FROM notification_outbox WHERE ticket_number = $1 ORDER BY id',
      [receipt.number],
    );
    expect(outbox.rows.map((r) => r.template)).toEqual(
      expect.arrayContaining([
        'ticket-received',
        'ticket-assigned',
        'staff-assigned',
        'ticket-accepted',
        'ticket-resolved',
        'ticket-closed',
      ]),
    );
  });

  test('when the same Idempotency-Key is sent twice, then the same ticket comes back and no second workflow starts', async () => {
    const headers = { 'idempotency-key': 'scan-7f3a9c' };
    const first = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report, headers });
    const second = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const intake = await desk.db.pool.query('SELECT number FROM ticket_intake WHERE idempotency_key = $1', [
      'scan-7f3a9c',
    ]);
    expect(intake.rowCount).toBe(1);
    const runs = [];
    for await (const run of desk.env.client.workflow.list({
      query: `WorkflowId = 'ticket-${first.body.number}'`,
    }))
      runs.push(run);
    expect(runs).toHaveLength(1);

    const different = await http(desk, 'POST', '/api/tickets', {
      body: { ...report, description: '另一件事' },
      headers,
    });
    expect(different.status).toBe(422);
  });

  test('when an Idempotency-Key is sent again after its ticket was cancelled, then the same receipt comes back, not a 503', async () => {
    const headers = { 'idempotency-key': 'scan-after-cancel' };
    const first = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report, headers });
    expect(first.status).toBe(201);
    const cancelled = await http(desk, 'POST', `/api/tickets/${first.body.number}/cancel`, {
      headers: { 'x-tracking-token': first.body.trackingToken },
      body: {},
    });
    expect(cancelled.status).toBe(200);
    const handle = desk.env.client.workflow.getHandle(`ticket-${first.body.number}`);
    await eventually(
      () => handle.describe(),
      (d) => d.status.name !== 'RUNNING',
      20_000,
    );
    const again = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report, headers });
    expect({ status: again.status, body: again.body }).toEqual({ status: 201, body: first.body });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  test('when a response deadline passes unanswered, then an escalation event and a notification are recorded', async () => {
    const staffToken = await loginAs(desk, 'disp1');
    const submitted = await http<Receipt>(desk, 'POST', '/api/tickets', {
      body: { ...report, priority: 'P1' },
      token: staffToken,
    });
    expect(submitted.status).toBe(201);
    const escalated = await eventually(
      () => track(submitted.body),
      (r) => r.body.events.some((e) => e.type === 'escalated'),
      15_000,
    );
    expect(escalated.body.events.find((e) => e.type === 'escalated')).toMatchObject({
      data: { clock: 'respond', level: 1 },
    });
    const outbox = await desk.db.pool.query<{ template: string; recipient: string }>(
      "SELECT template, recipient FROM notification_outbox WHERE ticket_number = $1 AND template = 'staff-escalated'",
      [submitted.body.number],
    );
    expect(outbox.rows.map((r) => r.recipient)).toEqual(expect.arrayContaining(['disp1', 'lead1']));
  });

  test('when input is malformed, then the answer is a 4xx problem+json naming each bad field, never a 5xx', async () => {
    const cases: [unknown, number][] = [
      [{}, 400],
      [{ ...report, requester: { name: '' } }, 400],
      [{ ...report, locationCode: 'NOPE-1' }, 422],
      [{ ...report, category: 'teleport' }, 422],
      [{ ...report, priority: 'P1' }, 403],
      ['{"broken json', 400],
      [[1, 2, 3], 400],
    ];
    for (const [body, status] of cases) {
      const res = await http<{ status: number; errors?: { field: string }[] }>(desk, 'POST', '/api/tickets', {
        body,
      });
      expect({ body, status: res.status }).toEqual({ body, status });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const missing = await http<{ errors: { field: string }[] }>(desk, 'POST', '/api/tickets', { body: {} });
    expect(missing.body.errors.map((e) => e.field)).toEqual(
      expect.arrayContaining(['locationCode', 'category', 'description', 'requester']),
    );
    expect(
      (await http(desk, 'GET', '/api/tickets/not-a-number', { headers: { 'x-tracking-token': 'x' } })).status,
    ).toBe(400);
    expect(
      (await http(desk, 'GET', '/api/tickets/R2026-999999', { headers: { 'x-tracking-token': 'x' } })).status,
    ).toBe(404);
    expect(
      (await http(desk, 'POST', '/api/auth/login', { body: { username: 'tech1', password: 'wrong' } }))
        .status,
    ).toBe(401);
    expect(
      (await http(desk, 'POST', '/api/auth/login', { body: { username: 'nobody', password: 'wrong' } }))
        .status,
    ).toBe(401);
  });

  test('when the wrong person acts, then the API answers 403 or 409 with the reason', async () => {
    const submitted = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report });
    const assigned = await eventually(
      () => track(submitted.body),
      (r) => r.body.status === 'assigned',
    );
    // A teammate of the assignee: they can see the ticket, so the lifecycle rule answers, not visibility.
    const teammate = await desk.db.pool.query<{ username: string }>(
      `SELECT username FROM staff WHERE 'technician' = ANY (roles) AND username <> $1
          AND team_code = (SELECT team_code FROM staff WHERE username = $1) ORDER BY username LIMIT 1`,
      [assigned.body.assignee?.username],
    );
    const token = await loginAs(desk, teammate.rows[0].username);
    const refused = await http<{ detail: string }>(
      desk,
      'POST',
      `/api/tickets/${submitted.body.number}/accept`,
      { token, body: {} },
    );
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('assigned to');
    const early = await http<{ detail: string }>(
      desk,
      'POST',
      `/api/tickets/${submitted.body.number}/confirm`,
      {
        headers: { 'x-tracking-token': submitted.body.trackingToken },
        body: { rating: 4 },
      },
    );
    expect(early.status).toBe(409);
    const anonymous = await http(desk, 'POST', `/api/tickets/${submitted.body.number}/accept`, { body: {} });
    expect(anonymous.status).toBe(401);
  });

  test('when the tracking token is empty, then it counts as absent: an empty ?token= is 401, an empty header gives way to ?token=', async () => {
    const { body: receipt } = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report });
    await eventually(
      () => track(receipt),
      (r) => r.status === 200,
    );
    const path = `/api/tickets/${receipt.number}`;
    expect((await http(desk, 'GET', `${path}?token=`)).status).toBe(401);
    const emptyHeader = await http(desk, 'GET', `${path}?token=${receipt.trackingToken}`, {
      headers: { 'x-tracking-token': '' },
    });
    expect(emptyHeader.status).toBe(200);
  });

  test('when probed, then /healthz and /readyz report the desk up', async () => {
    expect((await http(desk, 'GET', '/healthz')).status).toBe(200);
    const ready = await http<{ checks: Record<string, string> }>(desk, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ postgres: 'ok', temporal: 'ok' });
  });
});
