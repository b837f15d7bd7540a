import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';
import { insertReadModel } from '../support/read-model';
import type { SlaReport } from '../../api/reports/reports-service';

const MARCH = '/api/reports/sla?from=2025-03-01&to=2025-03-31';

describe('GET /api/reports/sla over a known set of tickets', () => {
  let desk: TestDesk;
  let manager: string;
  beforeAll(async () => {
    desk = await startTestDesk();
    manager = await loginAs(desk, 'manager');
    // March 2025 in Asia/Shanghai; 2025-03-03 is a Monday (ISO week 10).
    await insertReadModel(desk.db.pool, [
      {
        number: 'R2025-900001',
        owner: 'tech1',
        unit: 'nic',
        submittedAt: '2025-03-03T01:00:00Z',
        acceptedAfterS: 600,
        resolvedAfterS: 3600,
        rating: 5,
        surveys: [{ outcome: 'confirmed', rating: 5 }],
      },
      {
        number: 'R2025-900002',
        owner: 'tech1',
        unit: 'nic',
        submittedAt: '2025-03-04T01:00:00Z',
        acceptedAfterS: 1200,
        resolvedAfterS: 7200,
        respondBreached: true,
        escalations: [{ clock: 'respond', level: 1 }],
        rating: 3,
        surveys: [{ outcome: 'confirmed', rating: 3 }],
      },
      {
        number: 'R2025-900003',
        owner: 'tech2',
        unit: 'xinlu',
        submittedAt: '2025-03-10T01:00:00Z',
        acceptedAfterS: 1800,
        resolvedAfterS: 10800,
        resolveBreached: true,
        reopenCount: 1,
        escalations: [
          { clock: 'resolve', level: 1 },
          { clock: 'resolve', level: 2 },
        ],
        surveys: [{ outcome: 'rejected' }, { outcome: 'expired' }],
      },
      {
        number: 'R2025-900004',
        category: 'wifi',
        status: 'submitted',
        submittedAt: '2025-03-11T01:00:00Z',
        respondBreached: true,
        escalations: [
          { clock: 'respond', level: 1 },
          { clock: 'respond', level: 2 },
        ],
      },
      {
        number: 'R2025-900005',
        category: 'wifi',
        status: 'cancelled',
        owner: 'tech2',
        unit: 'xinlu',
        submittedAt: '2025-03-12T01:00:00Z',
        acceptedAfterS: 300,
      },
      // Outside the range on both sides (the range is in the calendar's time zone, UTC+8).
      { number: 'R2025-900006', submittedAt: '2025-03-31T16:00:00Z', acceptedAfterS: 1, resolvedAfterS: 2 },
      { number: 'R2025-900007', submittedAt: '2025-02-28T15:59:59Z', acceptedAfterS: 1, resolvedAfterS: 2 },
    ]);
  });
  afterAll(async () => {
    await desk?.close();
  });

  const report = async (query: string) => {
    const res = await http<SlaReport>(desk, 'GET', query, { token: manager });
    expect(res.status).toBe(200);
    return res.body;
  };

  test('when grouped by category, then every figure of every group and of the total is exact', async () => {
    const body = await report(`${MARCH}&groupBy=category`);
    expect(body.from).toBe('2025-02-28T16:00:00.000Z');
    expect(body.to).toBe('2025-03-31T16:00:00.000Z');
    expect(body.total).toEqual({
      tickets: 5,
      open: 1,
      closed: 3,
      cancelled: 1,
      respond: { measured: 5, onTime: 3, onTimeRate: 0.6 },
      resolve: { measured: 3, onTime: 2, onTimeRate: 2 / 3 },
      timeToAccept: { p50: 900, p90: 1620 },
      timeToResolve: { p50: 7200, p90: 10080 },
      escalations: { respond: { '1': 2, '2': 1 }, resolve: { '1': 1, '2': 1 } },
      reopen: { resolved: 3, reopened: 1, rate: 1 / 3 },
      satisfaction: {
        surveys: 4,
        responses: 3,
        responseRate: 0.75,
        ratings: 2,
        average: 4,
        distribution: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 1 },
      },
    });
    expect(body.groups.map((g) => g.key)).toEqual(['network', 'wifi']);
    const [network, wifi] = body.groups;
    expect(network).toMatchObject({
      tickets: 3,
      open: 0,
      closed: 3,
      respond: { measured: 3, onTime: 2, onTimeRate: 2 / 3 },
      resolve: { measured: 3, onTime: 2 },
      timeToAccept: { p50: 1200, p90: 1680 },
      timeToResolve: { p50: 7200, p90: 10080 },
      escalations: { respond: { '1': 1 }, resolve: { '1': 1, '2': 1 } },
      reopen: { resolved: 3, reopened: 1 },
      satisfaction: { surveys: 4, responses: 3, ratings: 2, average: 4 },
    });
    expect(wifi).toMatchObject({
      tickets: 2,
      open: 1,
      cancelled: 1,
      respond: { measured: 2, onTime: 1, onTimeRate: 0.5 },
      resolve: { measured: 0, onTime: 0, onTimeRate: null },
      timeToAccept: { p50: 300, p90: 300 },
      timeToResolve: { p50: null, p90: null },
      escalations: { respond: { '1': 1, '2': 1 }, resolve: {} },
      reopen: { resolved: 0, reopened: 0, rate: null },
      satisfaction: { surveys: 0, responses: 0, responseRate: null, average: null },
    });
  });

  test('when grouped by owner, unit or week, then tickets fall in the right groups', async () => {
    const byOwner = await report(`${MARCH}&groupBy=owner`);
    expect(byOwner.groups.map((g) => [g.key, g.tickets])).toEqual([
      ['tech1', 2],
      ['tech2', 2],
      [null, 1],
    ]);
    expect(byOwner.groups[0]).toMatchObject({ timeToAccept: { p50: 900, p90: 1140 } });
    const byUnit = await report(`${MARCH}&groupBy=unit`);
    expect(byUnit.groups.map((g) => [g.key, g.tickets])).toEqual([
      ['nic', 2],
      ['xinlu', 2],
      [null, 1],
    ]);
    const byWeek = await report(`${MARCH}&groupBy=week`);
    expect(byWeek.groups.map((g) => [g.key, g.tickets])).toEqual([
      ['2025-W10', 2],
      ['2025-W11', 3],
    ]);
  });

  test('when CSV is asked for, then the same figures come as one row per group and a total row', async () => {
    const res = await fetch(`${desk.baseUrl}${MARCH}&groupBy=category`, {
      headers: { authorization: `Bearer ${manager}`, accept: 'text/csv' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    // UTF-8 with a byte-order mark and CRLF line ends: what Excel in a zh-CN locale opens correctly.
    expect(text.startsWith('\ufeff')).toBe(true);
    expect(text).toContain('\r\n');
    const lines = text.slice(1).trim().split('\r\n');
    const header = lines[0].split(',');
    expect(header.slice(0, 5)).toEqual(['category', 'tickets', 'open', 'closed', 'cancelled']);
    expect(header).toEqual(
      expect.arrayContaining(['escalations_respond_l1', 'escalations_resolve_l2', 'rating_5']),
    );
    const total = Object.fromEntries(lines[3].split(',').map((v, i) => [header[i], v]));
    expect(total).toMatchObject({
      category: 'total',
      tickets: '5',
      respond_on_time_rate: '0.6',
      accept_p50_s: '900',
      accept_p90_s: '1620',
      resolve_p90_s: '10080',
      escalations_respond_l2: '1',
      survey_response_rate: '0.75',
      rating_average: '4',
    });
    expect(lines.map((l) => l.split(',')[0])).toEqual(['category', 'network', 'wifi', 'total']);
  });

  test('when the range is malformed or the caller is not a manager, then 400 or 403, never a 5xx', async () => {
    for (const q of [
      'from=2025-02-30',
      'to=yesterday',
      'groupBy=floor',
      'from=2025-04-01&to=2025-03-01',
      'x=1',
    ]) {
      const res = await http(desk, 'GET', `/api/reports/sla?${q}`, { token: manager });
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
    const tech = await loginAs(desk, 'tech1');
    expect((await http(desk, 'GET', MARCH, { token: tech })).status).toBe(403);
  });

  test('when a ticket goes through the real desk, then the report counts it as the read model recorded it', async () => {
    const submitted = await http<{ number: string; trackingToken: string }>(desk, 'POST', '/api/tickets', {
      body: {
        locationCode: 'IH-2-201',
        category: 'printer',
        description: '打印机卡纸',
        requester: { name: '李老师' },
      },
    });
    const tracking = { 'x-tracking-token': submitted.body.trackingToken };
    const assigned = await eventually(
      () =>
        http<{ status: string; assignee: { username: string } | null }>(
          desk,
          'GET',
          `/api/tickets/${submitted.body.number}`,
          { headers: tracking },
        ),
      (r) => r.body.status === 'assigned',
    );
    const tech = await loginAs(desk, assigned.body.assignee?.username ?? '');
    const path = `/api/tickets/${submitted.body.number}`;
    expect((await http(desk, 'POST', `${path}/accept`, { token: tech, body: {} })).status).toBe(200);
    expect(
      (await http(desk, 'POST', `${path}/resolve`, { token: tech, body: { resolution: '已处理' } })).status,
    ).toBe(200);
    expect(
      (await http(desk, 'POST', `${path}/confirm`, { headers: tracking, body: { rating: 4 } })).status,
    ).toBe(200);
    const today = await eventually(
      () => report('/api/reports/sla?groupBy=category'),
      (r) => r.groups.some((g) => g.key === 'printer' && g.satisfaction.ratings === 1),
    );
    const printer = today.groups.find((g) => g.key === 'printer');
    const row = await desk.db.pool.query<{ accept_s: number; resolve_s: number }>(
      `SELECT extract(epoch FROM accepted_at - submitted_at)::float8 AS accept_s,
              extract(epoch FROM resolved_at - submitted_at)::float8 AS resolve_s FROM tickets WHERE number = $1`,
      [submitted.body.number],
    );
    expect(printer).toMatchObject({
      tickets: 1,
      closed: 1,
      respond: { measured: 1, onTime: 1 },
      resolve: { measured: 1, onTime: 1 },
      timeToAccept: { p50: row.rows[0].accept_s },
      timeToResolve: { p50: row.rows[0].resolve_s },
      satisfaction: { surveys: 1, responses: 1, average: 4, distribution: { '4': 1 } },
    });
  });
});
