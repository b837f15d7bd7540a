import type { Browser, BrowserContext, Page } from 'playwright-core';
import { eventually, startTestDesk, type TestDesk } from '../support/desk';
import { injected, launchChromium, PHONE, screenshot, XSS, XSS_NAME } from './browser';

const WAIT = { timeout: 20_000 };

describe('in headless Chromium: QR form → tracking → console → survey → history', () => {
  let desk: TestDesk;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [desk, browser] = await Promise.all([startTestDesk(), launchChromium()]);
  }, 15 * 60_000);
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await desk?.close();
  });

  async function newPage(options: { phone?: boolean } = {}): Promise<Page> {
    const context = await browser.newContext({
      baseURL: desk.baseUrl,
      locale: 'zh-CN',
      ...(options.phone ? { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT.timeout);
    return page;
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto('/staff/login');
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', 'demo-password');
    await Promise.all([page.waitForURL(/\/(staff|manage)$/), page.click('#login-form button[type=submit]')]);
  }

  async function expectText(page: Page, text: string): Promise<void> {
    await page.getByText(text, { exact: false }).first().waitFor();
    expect(await injected(page)).toBe(false);
  }

  test('when a person reports, a technician accepts and resolves, the person confirms and a manager reads the history, then every step shows and no free text turns into markup', async () => {
    const phone = await newPage({ phone: true });
    await phone.goto('/r/IH-2-301');
    await screenshot(phone, 'r-report-form');
    await phone.click('label.pick:has(input[value=projector])');
    await phone.fill('textarea[name=description]', `投影仪无信号 ${XSS}`);
    await phone.fill('#report-form input[name=name]', XSS_NAME);
    await phone.fill('#report-form input[name=phone]', '13800000000');
    await Promise.all([
      phone.waitForURL(/\/receipt\?token=/),
      phone.click('#report-form button[type=submit]'),
    ]);
    const number = (await phone.textContent('#ticket-number'))?.trim() ?? '';
    expect(number).toMatch(/^R\d{4}-\d{6}$/);
    await screenshot(phone, 'r-receipt');

    await Promise.all([phone.waitForURL(/\/t\/R\d{4}-\d{6}\?token=/), phone.click('#tracking-link')]);
    await expectText(phone, `投影仪无信号 ${XSS}`);
    await expectText(phone, '已派单给');
    await screenshot(phone, 't-tracking-assigned');

    const again = await phone.context().newPage();
    await again.goto('/r/IH-2-301');
    expect(await again.inputValue('#report-form input[name=name]')).toBe(XSS_NAME);
    await expectText(again, '已经有人报修了吗');

    const { rows } = await eventually(
      () =>
        desk.db.pool.query<{ assignee_username: string | null }>(
          'SELECT assignee_username FROM tickets WHERE number = $1',
          [number],
        ),
      (r) => r.rows[0]?.assignee_username != null,
    );
    const console = await newPage();
    await signIn(console, rows[0].assignee_username ?? '');
    await console.click(`a[href="/staff/tickets/${number}"]`);
    await expectText(console, XSS_NAME);
    await console.click('#do-accept');
    await expectText(console, '已受理');
    await console.click('summary:has-text("添加备注")');
    await console.fill('textarea[name=note]', `备注 ${XSS}`);
    await console.click('form[action$="/note"] button');
    await expectText(console, `备注 ${XSS}`);
    await console.click('summary:has-text("暂停")');
    await console.fill('form[action$="/pause"] input[name=reason]', `等待配件 ${XSS}`);
    await console.click('form[action$="/pause"] button');
    await console.fill('form[action$="/resume"] input[name=reason]', `配件已到 ${XSS}`);
    await console.click('form[action$="/resume"] button');
    await expectText(console, `配件已到 ${XSS}`);
    await console.fill('textarea[name=resolution]', `更换了 HDMI 线 ${XSS}`);
    await console.click('#do-resolve');
    await expectText(console, '待确认');
    await screenshot(console, 'staff-ticket-resolved');

    // The open tracking page notices the change by itself and shows the survey.
    await phone.waitForSelector('#confirm-form', WAIT);
    await expectText(phone, `更换了 HDMI 线 ${XSS}`);
    await expectText(phone, `等待配件 ${XSS}`);
    expect(await phone.textContent('body')).not.toContain('备注 <img');
    await screenshot(phone, 't-tracking-survey');
    await phone.click('.stars label:has(input[value="5"])');
    await phone.fill('#confirm-form textarea[name=comment]', `很及时 ${XSS}`);
    await Promise.all([phone.waitForURL(/done=confirm/), phone.click('#confirm-form button[type=submit]')]);
    await expectText(phone, '感谢您的评价');
    await expectText(phone, `很及时 ${XSS}`);
    await screenshot(phone, 't-tracking-closed');

    const manager = await newPage();
    await signIn(manager, 'admin');
    await screenshot(manager, 'manage-dashboard');
    await manager.goto(`/manage/tickets/${number}/history`);
    await expectText(manager, '工单工作流启动');
    await expectText(manager, '受理');
    await screenshot(manager, 'manage-history');
    await manager.goto('/manage/locations');
    await manager.fill('#add-location input[name=code]', 'XSS-1');
    await manager.fill('#add-location input[name=campus]', '主校区');
    await manager.fill('#add-location input[name=building]', `测试楼 ${XSS_NAME}`);
    await manager.fill('#add-location input[name=room]', `101 ${XSS_NAME}`);
    await manager.fill('#add-location input[name=zone]', 'north');
    await manager.fill('#add-location input[name=kind]', 'office');
    await manager.click('#add-location button[type=submit]');
    await expectText(manager, `101 ${XSS_NAME}`);
    await manager.goto(`/manage/labels?building=${encodeURIComponent(`测试楼 ${XSS_NAME}`)}`);
    await expectText(manager, `测试楼 ${XSS_NAME}`);
    await screenshot(manager, 'manage-labels');
    await phone.goto('/r/XSS-1');
    await expectText(phone, `101 ${XSS_NAME}`);
  });
});
