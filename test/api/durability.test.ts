import type { ticketWorkflow } from '../../workflows';
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

describe('durability: the worker stops in the middle of a ticket', () => {
  let desk: TestDesk;
  beforeAll(async () => {
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
  });

  test('when the worker dies after assignment and a new one starts, then the ticket finishes and its missed deadline escalates exactly once', async () => {
    const dispatcher = await loginAs(desk, 'disp1');
    const submitted = await http<Receipt>(desk, 'POST', '/api/tickets', {
      token: dispatcher,
      body: {
        locationCode: 'B2-3-305',
        category: 'projector',
        description: '投影仪无信号',
        requester: { name: '李同学' },
        priority: 'P1',
      },
    });
    const track = () =>
      http<Ticket>(desk, 'GET', `/api/tickets/${submitted.body.number}`, { token: dispatcher });
    const assigned = await eventually(track, (r) => r.body.status === 'assigned');

    await desk.worker.stop();
    // The 3 s response deadline passes while no worker runs.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await track()).body.events.some((e) => e.type === 'escalated')).toBe(false);

    desk.worker = await desk.startWorker();
    const escalated = await eventually(
      track,
      (r) => r.body.events.some((e) => e.type === 'escalated'),
      15_000,
    );
    const assignee = escalated.body.assignee?.username ?? assigned.body.assignee?.username ?? '';
    const token = await loginAs(desk, assignee);
    expect(
      (await http(desk, 'POST', `/api/tickets/${submitted.body.number}/accept`, { token, body: {} })).status,
    ).toBe(200);
    expect(
      (
        await http(desk, 'POST', `/api/tickets/${submitted.body.number}/resolve`, {
          token,
          body: { resolution: '重新插拔HDMI线' },
        })
      ).status,
    ).toBe(200);
    const confirm = await http<Ticket>(desk, 'POST', `/api/tickets/${submitted.body.number}/confirm`, {
      headers: { 'x-tracking-token': submitted.body.trackingToken },
      body: { rating: 4 },
    });
    expect(confirm.body.status).toBe('closed');

    const events = (await track()).body.events;
    expect(events.filter((e) => e.type === 'escalated' && e.data.clock === 'respond')).toHaveLength(1);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const result = await desk.env.client.workflow
      .getHandle<typeof ticketWorkflow>(`ticket-${submitted.body.number}`)
      .result();
    expect(result.status).toBe('closed');
  });
});
