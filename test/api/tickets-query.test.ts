import { http, loginAs, startTestDesk, type TestDesk } from '../support/desk';
import { insertReadModel, type RowSpec } from '../support/read-model';

interface Page {
  items: {
    number: string;
    status: string;
    category: string;
    submittedAt: string;
    owner: { username: string } | null;
  }[];
  nextPage: string | null;
}

interface Problem {
  errors: { field: string; message: string }[];
}

const CATEGORIES = ['network', 'wifi', 'printer'];
const BUILDINGS = ['信息楼', '图书馆'];

/** 130 tickets in 2024, several sharing a submission instant, so the order has to break ties by number. */
function rows(): RowSpec[] {
  return Array.from({ length: 130 }, (_, i) => ({
    number: `R2024-${String(800000 + i)}`,
    category: CATEGORIES[i % 3],
    building: BUILDINGS[i % 2],
    status: i % 5 === 0 ? 'in_progress' : 'closed',
    owner: i % 4 === 0 ? 'tech1' : 'tech2',
    unit: i % 4 === 0 ? 'nic' : 'xinlu',
    team: i % 4 === 0 ? 'net' : 'onsite',
    breached: i % 7 === 0,
    submittedAt: new Date(Date.UTC(2024, 5, 1) + Math.floor(i / 3) * 3600_000).toISOString(),
  }));
}

describe('GET /api/tickets: filters, keyset pagination, stable order, visibility', () => {
  let desk: TestDesk;
  let manager: string;
  const all = rows();
  beforeAll(async () => {
    desk = await startTestDesk();
    manager = await loginAs(desk, 'manager');
    await insertReadModel(desk.db.pool, all);
  });
  afterAll(async () => {
    await desk?.close();
  });

  const list = (query: string, token = manager) =>
    http<Page>(desk, 'GET', `/api/tickets?${query}`, { token });

  async function walk(query: string, token = manager): Promise<string[]> {
    const seen: string[] = [];
    let page: string | null = '';
    for (let i = 0; i < 20 && page != null; i += 1) {
      const res = await list(`${query}${page ? `&page=${page}` : ''}`, token);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((t) => t.number));
      page = res.body.nextPage;
    }
    return seen;
  }

  const expected = (keep: (r: RowSpec) => boolean) =>
    all
      .filter(keep)
      .sort((a, b) => b.submittedAt.localeCompare(a.submittedAt) || b.number.localeCompare(a.number))
      .map((r) => r.number);

  test('when paging through a range, then every ticket comes once, newest first, ties broken by number', async () => {
    const numbers = await walk('from=2024-01-01&to=2024-12-31&limit=50');
    expect(numbers).toEqual(expected(() => true));
  });

  test('when filters combine, then only matching tickets come, still in order and paged', async () => {
    expect(await walk('from=2024-01-01&to=2024-12-31&category=wifi&limit=7')).toEqual(
      expected((r) => r.category === 'wifi'),
    );
    expect(await walk('to=2024-12-31&status=in_progress&owner=tech1&limit=5')).toEqual(
      expected((r) => r.status === 'in_progress' && r.owner === 'tech1'),
    );
    expect(await walk(`to=2024-12-31&building=${encodeURIComponent('图书馆')}&breached=true`)).toEqual(
      expected((r) => r.building === '图书馆' && r.breached === true),
    );
    expect(await walk('to=2024-12-31&unit=nic&status=closed,in_progress')).toEqual(
      expected((r) => r.unit === 'nic'),
    );
    const day = await walk('from=2024-06-02&to=2024-06-02');
    expect(day).toEqual(
      expected(
        (r) => r.submittedAt >= '2024-06-01T16:00:00.000Z' && r.submittedAt < '2024-06-02T16:00:00.000Z',
      ),
    );
  });

  test('when a technician lists, then they see only their team’s tickets and those they own', async () => {
    const tech1 = await loginAs(desk, 'tech1');
    const numbers = await walk('to=2024-12-31&limit=200', tech1);
    expect(numbers).toEqual(expected((r) => r.team === 'net' || r.owner === 'tech1'));
    const anonymous = await http(desk, 'GET', '/api/tickets');
    expect(anonymous.status).toBe(401);
  });

  test('when a technician lists, then queued tickets of any team are there too (they may accept them), held ones of other teams are not', async () => {
    await insertReadModel(desk.db.pool, [
      {
        number: 'R2023-900001',
        status: 'submitted',
        owner: null,
        team: null,
        submittedAt: '2023-03-01T00:00:00Z',
      },
      {
        number: 'R2023-900002',
        status: 'submitted',
        owner: null,
        team: 'onsite',
        submittedAt: '2023-03-02T00:00:00Z',
      },
      {
        number: 'R2023-900003',
        status: 'assigned',
        assignee: 'tech2',
        team: 'onsite',
        submittedAt: '2023-03-03T00:00:00Z',
      },
    ]);
    const tech1 = await loginAs(desk, 'tech1');
    expect(await walk('from=2023-01-01&to=2023-12-31', tech1)).toEqual(['R2023-900002', 'R2023-900001']);
  });

  test('when the query is malformed, then 400 names the field, never a 5xx', async () => {
    for (const q of [
      'page=garbage',
      'limit=0',
      'limit=201',
      'status=open',
      'breached=yes',
      'from=2024-13-01',
      'nope=1',
    ]) {
      const res = await list(q);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
    const forged = Buffer.from(JSON.stringify(['2024-06-01T00:00:00.000000Z', 'DROP TABLE'])).toString(
      'base64url',
    );
    expect((await list(`page=${forged}`)).status).toBe(400);
  });

  test('when a page cursor is well-formed but names an impossible instant or has foreign characters, then 400 names page, never a 5xx', async () => {
    const cursor = (at: string) => Buffer.from(JSON.stringify([at, 'R2024-800001'])).toString('base64url');
    for (const page of [
      cursor('2024-13-45T99:99:99.999999Z'),
      cursor('2024-02-30T00:00:00.000000Z'),
      cursor('0000-01-01T00:00:00.000000Z'),
      encodeURIComponent(`${cursor('2024-06-01T00:00:00.000000Z')}=`),
      encodeURIComponent('a b'),
    ]) {
      const res = await list(`page=${page}`);
      expect({ page, status: res.status, fields: (res.body as unknown as Problem).errors }).toEqual({
        page,
        status: 400,
        fields: [expect.objectContaining({ field: 'page' })],
      });
    }
  });

  test('when a filtered page is planned, then an index in the list order serves it (no sort, no table scan)', async () => {
    const client = await desk.db.pool.connect();
    try {
      // A small table would be scanned; at a million rows the planner prefers the index, as this forces.
      await client.query('SET enable_seqscan = off');
      for (const [filter, index] of [
        ["category = 'wifi'", 'tickets_category_order'],
        ["owner_username = 'tech1'", 'tickets_owner_order'],
        ["building = '图书馆'", 'tickets_building_order'],
        ["owner_unit_code = 'nic'", 'tickets_unit_order'],
      ]) {
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT number FROM tickets WHERE ${filter} ORDER BY submitted_at DESC, number DESC LIMIT 51`,
        );
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        expect({ filter, usesIndex: text.includes(index), sorts: /\bSort\b/.test(text) }).toEqual({
          filter,
          usesIndex: true,
          sorts: false,
        });
      }
    } finally {
      client.release(true);
    }
  });
});
