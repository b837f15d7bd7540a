import { eventually, http, loginAs, startTestDesk, ticketAcceptedBy, type TestDesk } from '../support/desk';
import { PageClient, TINY_PNG } from './page-client';

const RECEIPT = /^\/t\/(R\d{4}-\d{6})\/receipt\?token=([\w-]+)$/;
/** Handlebars escapes `=` in attributes; links are compared unescaped. */
const unescape = (html: string): string => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('pages in-process, against a real desk', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  async function report(client: PageClient, code: string, fields: Record<string, string>, photo?: Blob) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    if (photo) form.set('photo', photo, 'photo.png');
    return client.post(`/r/${code}`, `/r/${code}`, form);
  }

  test('when a classroom QR code is opened, then the place, fitting quick picks, CSRF and a strict CSP are on the page', async () => {
    const page = await new PageClient(desk).get('/r/IH-2-301');
    expect(page.status).toBe(200);
    expect(page.text).toContain('信息楼');
    expect(page.text).toContain('value="projector"');
    expect(page.text).toContain('value="network"');
    expect(page.text).toMatch(/name="_csrf" value="[\w-]+"/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).not.toMatch(/<script>/);
  });

  test('when an unknown or a deactivated location is scanned, then a friendly page says so', async () => {
    const client = new PageClient(desk);
    const unknown = await client.get('/r/NOPE-404');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('没有找到这个地点');
    await desk.db.pool.query(
      "INSERT INTO locations (code, campus, building, zone, kind, active) VALUES ('OLD-1', '主校区', '旧楼', 'north', 'office', false)",
    );
    const inactive = await client.get('/r/OLD-1');
    expect(inactive.status).toBe(410);
    expect(inactive.text).toContain('此地点已停用');
  });

  test('when the form is posted without its CSRF token, then it is refused and nothing is filed', async () => {
    const before = await desk.db.pool.query('SELECT count(*)::int AS n FROM ticket_intake');
    const client = new PageClient(desk);
    await client.get('/r/IH-2-301');
    const form = new FormData();
    for (const [k, v] of Object.entries({ category: 'network', description: 'x', name: 'y' })) form.set(k, v);
    const res = await client.request('POST', '/r/IH-2-301', form);
    expect(res.status).toBe(403);
    const after = await desk.db.pool.query('SELECT count(*)::int AS n FROM ticket_intake');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  test('when a report with a photo is submitted, then the receipt shows the number and the photo is served safely', async () => {
    const client = new PageClient(desk);
    const res = await report(
      client,
      'IH-2-301',
      { category: 'projector', description: '投影仪无信号', name: '王老师', phone: '13800000000' },
      new Blob([TINY_PNG], { type: 'image/png' }),
    );
    expect(res.status).toBe(303);
    const [, number, token] = RECEIPT.exec(res.location ?? '') ?? [];
    expect(number).toBeDefined();
    const receipt = await client.get(res.location ?? '');
    expect(receipt.text).toContain(number);
    expect(unescape(receipt.text)).toContain(`/t/${number}?token=${token}`);
    const tracking = await eventually(
      () => client.get(`/t/${number}?token=${token}`),
      (page) => page.status === 200 && page.text.includes('已派单给'),
    );
    const photo = /\/t\/R\d{4}-\d{6}\/photos\/(\d+)\?token=[\w-]+/.exec(unescape(tracking.text));
    expect(photo).not.toBeNull();
    const served = await client.get(photo?.[0] ?? '');
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(served.headers.get('content-disposition')).toBe('inline');
    const noToken = await client.get(`/t/${number}`);
    expect(noToken.status).toBe(403);
  });

  test('when an HTML file is uploaded as a PNG, then the form is shown again and no ticket is filed', async () => {
    const before = await desk.db.pool.query('SELECT count(*)::int AS n FROM ticket_intake');
    const res = await report(
      new PageClient(desk),
      'IH-2-301',
      { category: 'network', description: '网络断开', name: '李老师' },
      new Blob(['<html><script>alert(1)</script></html>'], { type: 'image/png' }),
    );
    expect(res.status).toBe(422);
    expect(res.text).toContain('只能上传 JPEG、PNG 或 WebP 图片');
    expect(res.text).toContain('网络断开');
    const after = await desk.db.pool.query('SELECT count(*)::int AS n FROM ticket_intake');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  test('when someone says "me too" on an open ticket at the place, then they become a follower', async () => {
    const client = new PageClient(desk);
    const res = await report(client, 'B2-1-105', {
      category: 'projector',
      description: '投影坏了',
      name: '甲',
    });
    const [, number] = RECEIPT.exec(res.location ?? '') ?? [];
    const other = new PageClient(desk);
    const form = await eventually(
      () => other.get('/r/B2-1-105'),
      (page) => page.text.includes(`/r/B2-1-105/follow/${number}`),
    );
    expect(form.text).toContain('已经有人报修了吗');
    const followed = await other.post('/r/B2-1-105', `/r/B2-1-105/follow/${number}`, {
      name: '乙',
      email: 'yi@example.edu',
    });
    expect(followed.status).toBe(200);
    const rows = await desk.db.pool.query(
      'SELECT name, email FROM ticket_followers WHERE ticket_number = $1',
      [number],
    );
    expect(rows.rows).toEqual([{ name: '乙', email: 'yi@example.edu' }]);
  });

  test('when ?lang=en is chosen once, then later pages stay English; Accept-Language en also picks English', async () => {
    const client = new PageClient(desk);
    const en = await client.get('/r/IH-2-301?lang=en');
    expect(en.text).toContain('Report a new problem');
    expect(client.setCookies().join()).toContain('echodesk_lang=en');
    expect((await client.get('/r/IH-2-301')).text).toContain('Report a new problem');
    const browser = new PageClient(desk, { 'accept-language': 'en-US,en;q=0.9' });
    expect((await browser.get('/staff/login')).text).toContain('Staff sign-in');
    expect((await new PageClient(desk).get('/staff/login')).text).toContain('工作人员登录');
  });

  test('when staff sign in, then the session cookie is signed, httpOnly and SameSite=Lax, and a wrong password is refused', async () => {
    const client = new PageClient(desk);
    const bad = await client.post('/staff/login', '/staff/login', {
      username: 'tech1',
      password: 'wrong-password',
    });
    expect(bad.status).toBe(401);
    const ok = await client.post('/staff/login', '/staff/login', {
      username: 'tech1',
      password: 'demo-password',
    });
    expect(ok.status).toBe(303);
    const cookie = client.setCookies().find((c) => c.startsWith('echodesk_session=')) ?? '';
    expect(cookie).toMatch(/^echodesk_session=s%3A/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await client.get('/staff')).text).toContain('李工');
    expect((await new PageClient(desk).get('/staff')).location).toMatch(/^\/staff\/login\?next=/);
  });

  test('when a technician accepts and resolves and the requester confirms, then all of it happens through the pages', async () => {
    const requester = new PageClient(desk);
    const res = await report(requester, 'IH-2-201', {
      category: 'printer',
      description: '打印机卡纸',
      name: '赵老师',
    });
    const [, number, token] = RECEIPT.exec(res.location ?? '') ?? [];
    const assigned = await eventually(
      () =>
        desk.db.pool.query<{ assignee_username: string | null }>(
          'SELECT assignee_username FROM tickets WHERE number = $1',
          [number],
        ),
      (r) => r.rows[0]?.assignee_username != null,
    );
    const tech = new PageClient(desk);
    await tech.post('/staff/login', '/staff/login', {
      username: assigned.rows[0].assignee_username ?? '',
      password: 'demo-password',
    });
    const queue = await tech.get('/staff');
    expect(queue.text).toContain(number);
    const page = `/staff/tickets/${number}`;
    expect((await tech.get(page)).text).toContain('id="do-accept"');
    expect((await tech.post(page, `${page}/accept`, {})).status).toBe(303);
    const resolved = await tech.post(page, `${page}/resolve`, { resolution: '已清理卡纸' });
    expect(resolved.status).toBe(303);
    const track = `/t/${number}?token=${token}`;
    const survey = await requester.get(track);
    expect(survey.text).toContain('id="confirm-form"');
    expect(survey.text).toMatch(/（工号 [\w-]+，/);
    const confirmed = await requester.post(track, `/t/${number}/confirm`, {
      token,
      rating: '5',
      comment: '很快',
    });
    expect(confirmed.status).toBe(303);
    const closed = await requester.get(confirmed.location ?? '');
    expect(closed.text).toContain('已办结');
    expect(closed.text).toContain('评价 5 星');
  });

  test('when a manager opens the dashboard, history, locations and labels, then each page renders', async () => {
    const manager = new PageClient(desk);
    await manager.post('/staff/login', '/staff/login', { username: 'admin', password: 'demo-password' });
    expect((await manager.get('/manage')).text).toContain('今日升级');
    const { rows } = await desk.db.pool.query<{ number: string }>(
      'SELECT number FROM tickets ORDER BY number LIMIT 1',
    );
    const history = await manager.get(`/manage/tickets/${rows[0].number}/history`);
    expect(history.status).toBe(200);
    expect(history.text).toContain('工单工作流启动');
    const done = await desk.db.pool.query<{ number: string }>(
      "SELECT number FROM tickets WHERE status = 'closed'",
    );
    const closed = await manager.get('/manage/tickets?status=closed');
    expect(closed.text).toContain(`/manage/tickets/${done.rows[0].number}/history`);
    expect((await manager.get('/manage/tickets?from=not-a-date')).text).toContain('查询条件有误');
    expect((await manager.get('/manage/reports?groupBy=unit')).text).toContain('id="sla-report"');
    const csv = await manager.get('/manage/reports.csv?groupBy=category');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain('attachment');
    const added = await manager.post('/manage/locations', '/manage/locations', {
      code: 'LIB-2-201',
      campus: '主校区',
      building: '图书馆',
      floor: '2',
      room: '201',
      zone: 'south',
      kind: 'office',
    });
    expect(added.status).toBe(303);
    expect((await manager.get('/r/LIB-2-201')).text).toContain('value="printer"');
    const png = await manager.get('/manage/locations/LIB-2-201/qr.png');
    expect(png.headers.get('content-type')).toBe('image/png');
    const labels = await manager.get(`/manage/labels?building=${encodeURIComponent('图书馆')}`);
    expect(labels.text.match(/class="label-card"/g)?.length).toBe(3);
    await manager.post('/manage/locations', '/manage/locations/LIB-2-201/deactivate', {});
    expect((await manager.get('/r/LIB-2-201')).status).toBe(410);
    const tech = new PageClient(desk);
    await tech.post('/staff/login', '/staff/login', { username: 'tech1', password: 'demo-password' });
    expect((await tech.get('/manage')).status).toBe(403);
  });

  /** A ticket submitted over the API and accepted by tech1 (network team). */
  const ticketHeldByTech1 = (description: string, requester: string): Promise<string> =>
    ticketAcceptedBy(desk, 'tech1', description, requester);

  const notesOf = async (number: string) =>
    (
      await desk.db.pool.query<{ who: string }>(
        `SELECT actor ->> 'username' AS who FROM ticket_events WHERE ticket_number = $1 AND type = 'note'`,
        [number],
      )
    ).rows.map((r) => r.who);

  test('when a manager exports the filtered ticket list, then every matching ticket comes as CSV that Excel reads as UTF-8', async () => {
    const manager = new PageClient(desk);
    await manager.post('/staff/login', '/staff/login', { username: 'manager', password: 'demo-password' });
    const category = 'network';
    const name = '有线网络';
    const submitted = await http<{ number: string }>(desk, 'POST', '/api/tickets', {
      body: {
        locationCode: 'IH-2-301',
        category,
        description: '网口, "没有"信号',
        requester: { name: '钱老师' },
      },
    });
    expect(submitted.status).toBe(201);
    await eventually(
      () => desk.db.pool.query('SELECT 1 FROM tickets WHERE number = $1', [submitted.body.number]),
      (r) => r.rowCount === 1,
    );
    const expected = await desk.db.pool.query<{ number: string }>(
      'SELECT number FROM tickets WHERE category = $1 ORDER BY submitted_at DESC, number DESC',
      [category],
    );
    const page = await manager.get(`/manage/tickets?category=${category}`);
    // Handlebars writes `=` in an attribute as `&#x3D;`; the browser reads it back as `=`.
    expect(page.text).toContain(`href="/manage/tickets.csv?category&#x3D;${category}"`);
    const csv = await manager.get(`/manage/tickets.csv?category=${category}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="?tickets\.csv"?$/);
    expect([...csv.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = csv.text.slice(1).trim().split('\r\n');
    expect(lines[0].split(',').slice(0, 4)).toEqual(['number', 'status', 'priority', 'category']);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => r[0])).toEqual(expected.rows.map((r) => r.number));
    expect(rows.every((r) => r[3] === name)).toBe(true);
    const bad = await manager.get('/manage/tickets.csv?from=not-a-date');
    expect(bad.status).toBe(400);
    const tech = new PageClient(desk);
    await tech.post('/staff/login', '/staff/login', { username: 'tech1', password: 'demo-password' });
    expect((await tech.get('/manage/tickets.csv')).status).toBe(403);
  });

  test('when a technician of another team opens a ticket page or posts its action form, then 403, the ticket is not shown and nothing is written', async () => {
    const number = await ticketHeldByTech1('交换机端口指示灯不亮', '钱老师');
    const owner = new PageClient(desk);
    await owner.post('/staff/login', '/staff/login', { username: 'tech1', password: 'demo-password' });
    expect((await owner.get(`/staff/tickets/${number}`)).text).toContain('交换机端口指示灯不亮');

    const tech4 = new PageClient(desk);
    await tech4.post('/staff/login', '/staff/login', { username: 'tech4', password: 'demo-password' });
    const page = await tech4.get(`/staff/tickets/${number}`);
    expect(page.status).toBe(403);
    const posted = await tech4.post('/staff', `/staff/tickets/${number}/note`, { note: '路过看看' });
    expect(posted.status).toBe(403);
    for (const text of [page.text, posted.text]) {
      expect(text).not.toContain('交换机端口指示灯不亮');
      expect(text).not.toContain('钱老师');
    }
    expect(await notesOf(number)).toEqual([]);
  });

  test('when a technician hands a ticket to another team from its page, then it is done and they land on their queue, not on a page they may no longer see', async () => {
    const number = await ticketHeldByTech1('楼层交换机需要更换', '孙老师');
    const admin = await loginAs(desk, 'admin');
    expect(
      (
        await http(desk, 'POST', `/api/tickets/${number}/transfer`, {
          token: admin,
          body: { to: 'tech3', reason: '协助' },
        })
      ).status,
    ).toBe(200);
    const tech3 = new PageClient(desk);
    await tech3.post('/staff/login', '/staff/login', { username: 'tech3', password: 'demo-password' });
    const handed = await tech3.post(`/staff/tickets/${number}`, `/staff/tickets/${number}/transfer`, {
      target: 'staff:tech2',
      reason: '需要驻场组',
    });
    expect({ status: handed.status, location: handed.location }).toEqual({ status: 303, location: '/staff' });
    expect((await tech3.get(`/staff/tickets/${number}`)).status).toBe(403);
    const read = await http<{ assignee: { username: string } }>(desk, 'GET', `/api/tickets/${number}`, {
      token: admin,
    });
    expect(read.body.assignee.username).toBe('tech2');
  });

  test('when locations are managed over the API, then staff list them, an admin adds and deactivates one, and its QR code is a PNG', async () => {
    expect((await http(desk, 'GET', '/api/locations')).status).toBe(401);
    const tech = await loginAs(desk, 'tech1');
    const list = await http<{ items: { code: string }[] }>(desk, 'GET', '/api/locations?building=信息楼', {
      token: tech,
    });
    expect(list.body.items.map((l) => l.code)).toContain('IH-2-301');
    const body = {
      code: 'ih-9-901',
      campus: '主校区',
      building: '信息楼',
      floor: '9',
      room: '901',
      zone: 'north',
      kind: 'office',
    };
    expect((await http(desk, 'POST', '/api/locations', { token: tech, body })).status).toBe(403);
    const admin = await loginAs(desk, 'admin');
    const created = await http<{ code: string; active: boolean }>(desk, 'POST', '/api/locations', {
      token: admin,
      body,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'IH-9-901', active: true });
    expect((await http(desk, 'POST', '/api/locations', { token: admin, body })).status).toBe(409);
    const bad = await http<{ errors: { field: string }[] }>(desk, 'POST', '/api/locations', {
      token: admin,
      body: { ...body, code: 'x', zone: 'North Zone' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field).sort()).toEqual(['code', 'zone']);
    const png = await fetch(`${desk.baseUrl}/api/locations/IH-9-901/qr.png`, {
      headers: { authorization: `Bearer ${tech}` },
    });
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await png.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const off = await http<{ active: boolean }>(desk, 'POST', '/api/locations/IH-9-901/deactivate', {
      token: admin,
    });
    expect(off.body.active).toBe(false);
    expect((await http(desk, 'POST', '/api/locations/NOPE-1/deactivate', { token: admin })).status).toBe(404);
  });
});
