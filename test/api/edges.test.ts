import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';
import { PageClient } from '../pages/page-client';

const REPORT = {
  locationCode: 'IH-2-301',
  category: 'wifi',
  description: '无线连不上',
  requester: { name: '王老师' },
};

describe('the edges of the JSON API: media types and what a place offers', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  const post = (path: string, body: RequestInit['body'] | undefined, headers: Record<string, string> = {}) =>
    fetch(`${desk.baseUrl}${path}`, { method: 'POST', headers, body });

  test('when a JSON endpoint gets a body that is not JSON, then the answer is 415 problem+json saying so', async () => {
    const cases: [string, Record<string, string>, RequestInit['body']][] = [
      ['/api/tickets', { 'content-type': 'text/plain' }, JSON.stringify(REPORT)],
      ['/api/tickets', { 'content-type': 'application/x-www-form-urlencoded' }, 'locationCode=IH-2-301'],
      ['/api/auth/login', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--\r\n'],
      ['/api/auth/login', {}, new Blob(['{"username":"a","password":"b"}'])],
    ];
    for (const [path, headers, body] of cases) {
      const res = await post(path, body, headers);
      const problem = (await res.json()) as { status: number; detail: string };
      expect({ path, headers, status: res.status }).toEqual({ path, headers, status: 415 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(problem.status).toBe(415);
      expect(problem.detail).toContain('Content-Type: application/json');
    }
    const intake = await desk.db.pool.query('SELECT count(*)::int AS n FROM ticket_intake');
    expect(intake.rows[0]).toEqual({ n: 0 });
  });

  test('when the body is application/json or a +json type, then it is read as JSON', async () => {
    const login = { username: 'manager', password: 'demo-password' };
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'application/merge-patch+json',
    ]) {
      const res = await post('/api/auth/login', JSON.stringify(login), { 'content-type': type });
      expect({ type, status: res.status }).toEqual({ type, status: 200 });
    }
  });

  test('when an action is posted without a body, then it is not a 415 and the action runs', async () => {
    const submitted = await http<{ number: string }>(desk, 'POST', '/api/tickets', { body: REPORT });
    expect(submitted.status).toBe(201);
    const assigned = await eventually(
      () =>
        desk.db.pool.query<{ assignee_username: string | null }>(
          'SELECT assignee_username FROM tickets WHERE number = $1',
          [submitted.body.number],
        ),
      (r) => r.rows[0]?.assignee_username != null,
    );
    const token = await loginAs(desk, assigned.rows[0].assignee_username ?? '');
    const res = await post(`/api/tickets/${submitted.body.number}/accept`, undefined, {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe('in_progress');
  });

  test('when a category is not offered at the kind of place, then the report is refused with 422 naming the category', async () => {
    // IH-2-301 is a classroom; printers are offered in offices and labs only.
    const res = await http<{ errors: { field: string; message: string }[] }>(desk, 'POST', '/api/tickets', {
      body: { ...REPORT, category: 'printer' },
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      { field: 'category', message: 'not offered at a place of kind classroom' },
    ]);
    const office = await http(desk, 'POST', '/api/tickets', {
      body: { ...REPORT, locationCode: 'IH-2-201', category: 'printer' },
    });
    expect(office.status).toBe(201);
    const other = await http(desk, 'POST', '/api/tickets', { body: { ...REPORT, category: 'other' } });
    expect(other.status).toBe(201);
  });

  test('when the report form of a place is shown, then it offers exactly what the API accepts there, and refuses the rest', async () => {
    const client = new PageClient(desk);
    const page = await client.get('/r/IH-2-301');
    const offered = [...page.text.matchAll(/name="category" value="(\w+)"/g)].map((m) => m[1]);
    const { rows } = await desk.db.pool.query<{ code: string; fits: boolean }>(
      `SELECT code, (cardinality(place_kinds) = 0 OR 'classroom' = ANY(place_kinds)) AS fits
         FROM categories WHERE active`,
    );
    expect(offered.sort()).toEqual(
      rows
        .filter((r) => r.fits)
        .map((r) => r.code)
        .sort(),
    );
    expect(offered).not.toContain('printer');

    const form = new FormData();
    for (const [k, v] of Object.entries({ category: 'printer', description: '打印机卡纸', name: '王老师' }))
      form.set(k, v);
    const refused = await client.post('/r/IH-2-301', '/r/IH-2-301', form);
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('class="error"');
  });
});
