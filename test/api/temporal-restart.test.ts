import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ticketWorkflow } from '../../workflows';
import { SEARCH_ATTRIBUTES } from '../../domain/search-attributes';
import { resolveTemporalCli } from '../../devstack/temporal-binaries';
import { startTemporalDevServer, type TemporalDevServer } from '../../devstack/temporal-dev-server';
import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

interface Receipt {
  number: string;
  trackingToken: string;
}
interface Ticket {
  status: string;
  assignee: { username: string } | null;
  events: { seq: number; type: string; data: Record<string, unknown> }[];
}

describe('durability: the Temporal server restarts while a deadline is pending', () => {
  let dataDir: string;
  let server: TemporalDevServer | undefined;
  let desk: TestDesk | undefined;

  const startServer = async (port: number) =>
    startTemporalDevServer({
      cliPath: process.env.TEMPORAL_CLI_PATH || (await resolveTemporalCli()),
      dataDir,
      namespace: 'default',
      port,
      uiPort: 0,
      searchAttributes: SEARCH_ATTRIBUTES,
    });

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'echodesk-restart-'));
    server = await startServer(0);
    desk = await startTestDesk({ temporalAddress: server.address });
  });
  afterAll(async () => {
    await desk?.close();
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('when the server stops before the response deadline and comes back after it, then the escalation fires exactly once and the ticket can finish', async () => {
    const d = desk!;
    const dispatcher = await loginAs(d, 'disp1');
    const submitted = await http<Receipt>(d, 'POST', '/api/tickets', {
      token: dispatcher,
      body: {
        locationCode: 'IH-2-301',
        category: 'network',
        description: '教室网络断开',
        requester: { name: '王老师' },
        priority: 'P1',
      },
    });
    expect(submitted.status).toBe(201);
    const { number } = submitted.body;
    const track = () => http<Ticket>(d, 'GET', `/api/tickets/${number}`, { token: dispatcher });
    const assigned = await eventually(track, (r) => r.body.status === 'assigned');
    expect(assigned.body.events.some((e) => e.type === 'escalated')).toBe(false);

    const port = Number(server!.address.slice(server!.address.lastIndexOf(':') + 1));
    await server!.stop();
    // The 3 s response deadline passes while the server is down; its timer lives in the SQLite file.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    server = await startServer(port);
    expect(server.address).toBe(`127.0.0.1:${port}`);

    const escalated = await eventually(
      track,
      (r) => r.status === 200 && r.body.events.some((e) => e.type === 'escalated'),
      30_000,
    );
    const holder = escalated.body.assignee?.username ?? '';
    const token = await loginAs(d, holder);
    expect((await http(d, 'POST', `/api/tickets/${number}/accept`, { token, body: {} })).status).toBe(200);
    expect(
      (await http(d, 'POST', `/api/tickets/${number}/resolve`, { token, body: { resolution: '更换网线' } }))
        .status,
    ).toBe(200);
    const confirmed = await http<Ticket>(d, 'POST', `/api/tickets/${number}/confirm`, {
      headers: { 'x-tracking-token': submitted.body.trackingToken },
      body: { rating: 5 },
    });
    expect(confirmed.body.status).toBe('closed');

    const events = (await track()).body.events;
    expect(events.filter((e) => e.type === 'escalated')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'escalated')[0].data).toMatchObject({
      clock: 'respond',
      level: 1,
    });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const outcome = await d.env.client.workflow.getHandle<typeof ticketWorkflow>(`ticket-${number}`).result();
    expect(outcome).toMatchObject({ number, status: 'closed' });
  });
});
