import { PageClient } from '../pages/page-client';
import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

interface Problem {
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
}
interface Receipt {
  number: string;
  trackingToken: string;
}

const report = {
  locationCode: 'IH-2-301',
  category: 'network',
  description: '教室网络断开',
  requester: { name: '张老师', phone: '13800000000' },
};

const fieldsOf = (body: Problem) => (body.errors ?? []).map((e) => e.field);

describe('the one text rule at the edge, against a real desk', () => {
  let desk: TestDesk;
  let manager: string;
  let admin: string;
  beforeAll(async () => {
    desk = await startTestDesk();
    [manager, admin] = await Promise.all([loginAs(desk, 'manager'), loginAs(desk, 'admin')]);
  });
  afterAll(async () => {
    await desk?.close();
  });

  const intakeCount = async () =>
    (await desk.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_intake')).rows[0].n;

  test.each([
    ['a NUL in the description', { ...report, description: 'a\u0000b' }, 'description'],
    ['a lone surrogate in the description', { ...report, description: 'a\ud800b' }, 'description'],
    ['a NUL in the requester name', { ...report, requester: { name: 'a\u0000b' } }, 'requester.name'],
    [
      'a C1 control in the requester name',
      { ...report, requester: { name: '张\u0085三' } },
      'requester.name',
    ],
    ['an ESC in the category', { ...report, category: 'net\u001bwork' }, 'category'],
    ['a NUL in the location code', { ...report, locationCode: 'IH-2-301\u0000' }, 'locationCode'],
  ])(
    'when a report holds %s, then it answers 400 naming the field and files nothing',
    async (_n, body, field) => {
      const before = await intakeCount();
      const res = await http<Problem>(desk, 'POST', '/api/tickets', { body });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(fieldsOf(res.body)).toContain(field);
      expect(await intakeCount()).toBe(before);
    },
  );

  test.each([
    ['zero-width characters', '\u200b\u200c\u200d\u2060'],
    ['a BOM and spaces', '\ufeff  \u3000'],
    ['a soft hyphen and a newline', '\u00ad\n'],
  ])('when a description is only %s, then it is empty: 400 "must not be empty"', async (_n, description) => {
    const res = await http<Problem>(desk, 'POST', '/api/tickets', { body: { ...report, description } });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ field: 'description', message: 'must not be empty' });
  });

  test('when a report has CRLF line breaks and decomposed accents, then it is stored with LF and NFC', async () => {
    const res = await http<Receipt>(desk, 'POST', '/api/tickets', {
      body: {
        ...report,
        description: 'Cafe\u0301 网络\r\n第二行\r第三行',
        requester: { name: 'Rene\u0301e' },
      },
    });
    expect(res.status).toBe(201);
    const ticket = await eventually(
      () =>
        http<{ status: string; description: string; requester: { name: string } }>(
          desk,
          'GET',
          `/api/tickets/${res.body.number}`,
          { headers: { 'x-tracking-token': res.body.trackingToken } },
        ),
      (r) => r.body.status === 'assigned',
    );
    expect(ticket.body.description).toBe('Café 网络\n第二行\n第三行');
    expect(ticket.body.requester.name).toBe('Renée');
  });

  test.each([
    ['/api/tickets?building=a%00b', 'building'],
    ['/api/tickets?building=%C2%85', 'building'],
    ['/api/tickets?status=open&owner=te%01ch', 'owner'],
    ['/api/locations?building=a%00b', 'building'],
    ['/api/reports/sla?groupBy=a%00', 'groupBy'],
  ])('when the filter %s holds a control character, then it answers 400 naming it', async (path, field) => {
    const res = await http<Problem>(desk, 'GET', path, { token: manager });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toContain(field);
  });

  test('when a path parameter holds a control character, then it answers 400 naming the path', async () => {
    const res = await http<Problem>(desk, 'GET', '/api/tickets/R2026-000001%00', { token: manager });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['path']);
  });

  test.each([
    [
      'POST',
      '/api/admin/teams',
      { code: 'avx', name: '音视频\u0000组', nameEn: 'AV', unitCode: 'nic' },
      'name',
    ],
    [
      'POST',
      '/api/admin/units',
      { code: 'acme', name: '某某', nameEn: 'Acme\ud800', kind: 'vendor' },
      'nameEn',
    ],
    ['PATCH', '/api/admin/staff/tech1', { name: '李\u0007工' }, 'name'],
    [
      'POST',
      '/api/locations',
      { code: 'X-1', campus: '主校区', building: '楼\u0000', zone: 'north', kind: 'office' },
      'building',
    ],
  ])(
    'when an admin %s %s holds a control character, then it answers 400 naming it',
    async (method, path, body, field) => {
      const res = await http<Problem>(desk, method, path, { token: admin, body });
      expect(res.status).toBe(400);
      expect(fieldsOf(res.body)).toContain(field);
    },
  );

  test('when a lifecycle action reason holds a NUL, then it answers 400 naming the reason and the ticket goes on', async () => {
    const submitted = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report });
    const number = submitted.body.number;
    // Whoever dispatch chose (it depends on the time of day and the other tickets) acts on it.
    const assigned = await eventually(
      () =>
        http<{ status: string; assignee?: { username: string } }>(desk, 'GET', `/api/tickets/${number}`, {
          token: manager,
        }),
      (r) => r.body.status === 'assigned',
    );
    const holder = await loginAs(desk, assigned.body.assignee!.username);
    for (const [action, body, field] of [
      ['note', { note: 'x\u0000' }, 'note'],
      ['pause', { reason: '\ud800' }, 'reason'],
      ['cancel', { reason: 'a\u001fb' }, 'reason'],
    ] as const) {
      const res = await http<Problem>(desk, 'POST', `/api/tickets/${number}/${action}`, {
        token: holder,
        body,
      });
      expect([res.status, fieldsOf(res.body)]).toEqual([400, [field]]);
    }
    const noted = await http<{ status: string }>(desk, 'POST', `/api/tickets/${number}/note`, {
      token: holder,
      body: { note: '正常的备注' },
    });
    expect(noted.status).toBe(200);
  });

  describe('pages', () => {
    let managerPages: PageClient;
    beforeAll(async () => {
      managerPages = new PageClient(desk);
      await managerPages.post('/staff/login', '/staff/login', {
        username: 'manager',
        password: 'demo-password',
      });
    });

    test.each([
      '/manage/tickets?building=a%00b',
      '/manage/labels?building=a%00b',
      '/manage/reports?groupBy=%1B',
    ])('when %s is opened, then a 400 page names the field', async (path) => {
      const page = await managerPages.get(path);
      expect(page.status).toBe(400);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toMatch(/building|groupBy/);
    });

    test('when the report form is posted with a NUL in the description, then a 400 page answers and nothing is filed', async () => {
      const before = await intakeCount();
      const form = new FormData();
      for (const [k, v] of Object.entries({ category: 'network', description: 'a\u0000b', name: '王老师' }))
        form.set(k, v);
      const res = await new PageClient(desk).post('/r/IH-2-301', '/r/IH-2-301', form);
      expect(res.status).toBe(400);
      expect(res.text).toContain('description');
      expect(await intakeCount()).toBe(before);
    });

    test('when the report form is posted with CRLF line breaks, then the ticket keeps them as LF', async () => {
      const form = new FormData();
      for (const [k, v] of Object.entries({
        category: 'network',
        description: '第一行\r\n第二行',
        name: '王老师',
      }))
        form.set(k, v);
      const res = await new PageClient(desk).post('/r/IH-2-301', '/r/IH-2-301', form);
      expect(res.status).toBe(303);
      const number = /\/t\/(R\d{4}-\d{6})\//.exec(res.location ?? '')?.[1];
      const { rows } = await eventually(
        () =>
          desk.db.pool.query<{ description: string }>('SELECT description FROM tickets WHERE number = $1', [
            number,
          ]),
        (r) => r.rows.length === 1,
      );
      expect(rows[0].description).toBe('第一行\n第二行');
    });

    test('when "me too" is posted to a place code with a NUL, then it answers 400, not 500', async () => {
      const res = await new PageClient(desk).post('/r/IH-2-301', '/r/IH-2-301%00/follow/R2026-000001', {
        name: '王老师',
      });
      expect(res.status).toBe(400);
    });

    test('when a staff note form holds a NUL, then a 400 page answers and the note is not recorded', async () => {
      const submitted = await http<Receipt>(desk, 'POST', '/api/tickets', { body: report });
      const number = submitted.body.number;
      await eventually(
        () => http<{ status: string }>(desk, 'GET', `/api/tickets/${number}`, { token: manager }),
        (r) => r.body.status === 'assigned',
      );
      const lead = new PageClient(desk);
      await lead.post('/staff/login', '/staff/login', { username: 'lead1', password: 'demo-password' });
      const page = `/staff/tickets/${number}`;
      const res = await lead.post(page, `${page}/note`, { note: 'x\u0000y' });
      expect(res.status).toBe(400);
      expect(res.text).toContain('note');
    });
  });
});
