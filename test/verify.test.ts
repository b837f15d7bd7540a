import { spawn } from 'node:child_process';
import path from 'node:path';
import { verifyReadModel } from '../scripts/lib/verify-read-model';
import { eventually, http, loginAs, startTestDesk, type TestDesk } from './support/desk';

interface Receipt {
  number: string;
  trackingToken: string;
}
interface Ticket {
  status: string;
  assignee: { username: string } | null;
}

const report = {
  locationCode: 'IH-2-301',
  category: 'network',
  description: '教室网络断开',
  requester: { name: '张老师' },
};

/** Runs `npm run verify`'s script against the test desk; resolves to its exit code and output. */
function runVerifyCli(desk: TestDesk, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, '..', 'scripts', 'verify.ts'), ...args],
      {
        env: {
          ...process.env,
          DATABASE_URL: desk.db.url,
          TEMPORAL_ADDRESS: desk.env.address,
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

describe('verify: the read model against the ticket workflows', () => {
  let desk: TestDesk;
  let closed: Receipt;
  let open: Receipt;
  beforeAll(async () => {
    desk = await startTestDesk();
    const submit = async () => (await http<Receipt>(desk, 'POST', '/api/tickets', { body: report })).body;
    const track = (r: Receipt) =>
      http<Ticket>(desk, 'GET', `/api/tickets/${r.number}`, {
        headers: { 'x-tracking-token': r.trackingToken },
      });
    [closed, open] = [await submit(), await submit()];
    const assigned = await eventually(
      () => track(closed),
      (r) => r.body.status === 'assigned',
    );
    const token = await loginAs(desk, assigned.body.assignee?.username ?? '');
    await http(desk, 'POST', `/api/tickets/${closed.number}/accept`, { token, body: {} });
    await http(desk, 'POST', `/api/tickets/${closed.number}/resolve`, {
      token,
      body: { resolution: '更换网线' },
    });
    await http(desk, 'POST', `/api/tickets/${closed.number}/confirm`, {
      headers: { 'x-tracking-token': closed.trackingToken },
      body: { rating: 5 },
    });
    await eventually(
      () => track(open),
      (r) => r.body.status === 'assigned',
    );
  });
  afterAll(async () => {
    await desk?.close();
  });

  test('when the read model matches the workflows, then verify reports no difference', async () => {
    const result = await verifyReadModel({ pool: desk.db.pool, client: desk.env.client });
    expect(result.differences).toEqual([]);
    expect(result.checked).toBe(2);
  });

  test('when rows and events are broken on purpose, then verify names each difference, --repair rewrites them from history, and a second check is clean', async () => {
    await desk.db.pool.query(
      "UPDATE tickets SET status = 'in_progress', owner_username = NULL WHERE number = $1",
      [closed.number],
    );
    await desk.db.pool.query('DELETE FROM ticket_events WHERE ticket_number = $1 AND seq = 2', [
      closed.number,
    ]);
    await desk.db.pool.query("UPDATE ticket_events SET data = '{}' WHERE ticket_number = $1 AND seq = 1", [
      open.number,
    ]);
    await desk.db.pool.query('UPDATE tickets SET last_seq = last_seq + 5 WHERE number = $1', [open.number]);

    const found = await verifyReadModel({ pool: desk.db.pool, client: desk.env.client });
    const named = found.differences.map((d) => `${d.number} ${d.what}`).sort();
    expect(named).toEqual(
      [
        `${closed.number} status`,
        `${closed.number} owner`,
        `${closed.number} events`,
        `${open.number} last_seq`,
        `${open.number} event 1`,
      ].sort(),
    );

    const cli = await runVerifyCli(desk, []);
    expect(cli.code).toBe(1);
    expect(cli.out).toContain(`${closed.number} status: workflow has "closed", read model has "in_progress"`);

    const repaired = await runVerifyCli(desk, ['--repair']);
    expect(repaired.out).toContain('after repair: 0 differences');
    expect(repaired.code).toBe(0);

    const again = await verifyReadModel({ pool: desk.db.pool, client: desk.env.client });
    expect(again.differences).toEqual([]);
    const { rows } = await desk.db.pool.query<{ status: string; owner_username: string | null; n: number }>(
      'SELECT status, owner_username, (SELECT count(*)::int FROM ticket_events e WHERE e.ticket_number = t.number) AS n FROM tickets t WHERE number = $1',
      [closed.number],
    );
    expect(rows[0].status).toBe('closed');
    expect(rows[0].owner_username).not.toBeNull();
  });

  test('when a ticket in the intake log has no workflow, then verify reports it as lost', async () => {
    await desk.db.pool.query("INSERT INTO ticket_intake (number, request_hash) VALUES ('R2026-999999', 'x')");
    const result = await verifyReadModel({ pool: desk.db.pool, client: desk.env.client });
    expect(result.differences).toEqual([
      { number: 'R2026-999999', what: 'workflow', expected: 'a ticket workflow', actual: 'none in Temporal' },
    ]);
    await desk.db.pool.query("DELETE FROM ticket_intake WHERE number = 'R2026-999999'");
  });
});
