import { parseSlaPolicy } from '../../domain/sla-policy';
import { allDayPolicy, technician, testPolicyFile } from './fixtures';
import { HOUR, iso, MINUTE, useWorkflowLab, type TicketProbe } from './harness';

const tech1 = technician('tech1');
const tech2 = technician('tech2');
const lab = useWorkflowLab('E');

/** Fired escalations with the timing fields checked separately (firedAt is when the timer ran). */
function escalations(ticket: TicketProbe, clock: 'respond' | 'resolve') {
  return ticket.eventsOf('escalated').filter((e) => e.data.clock === clock);
}

function expectFiredOnTime(data: Record<string, unknown>): void {
  const late = Date.parse(data.firedAt as string) - Date.parse(data.dueAt as string);
  expect(late).toBeGreaterThanOrEqual(0);
  expect(late).toBeLessThan(2000);
}

describe('escalation ladders (time-skipping)', () => {
  test('when nobody accepts, then respond level 1 fires at the deadline and reassigns away from the silent technician', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1, tech2] });
    const deadline = ticket.submittedAtMs + 10 * MINUTE;
    await lab().sleepUntil(deadline + MINUTE);
    const state = await ticket.waitFor((s) => s.escalation.respond === 1 && s.assignee?.username === 'tech2');

    const [level1] = escalations(ticket, 'respond');
    expect(level1.data).toMatchObject({
      clock: 'respond',
      level: 1,
      deadline: iso(deadline),
      dueAt: iso(deadline),
      notify: ['team_lead', 'dispatcher'],
      actions: ['reassign'],
    });
    expectFiredOnTime(level1.data);
    expect(ticket.record.assignCalls[1]).toMatchObject({ exclude: ['tech1'] });
    expect(ticket.eventsOf('assigned').at(-1)?.data.to).toMatchObject({ username: 'tech2' });
    expect(state.breached.respond).toBe(true);
    expect(state.status).toBe('assigned');
  });

  test('when nobody accepts for 30 minutes past the deadline, then respond level 2 notifies the manager, once', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1, tech2] });
    const deadline = ticket.submittedAtMs + 10 * MINUTE;
    await lab().sleepUntil(deadline + 3 * HOUR);
    await ticket.waitFor((s) => s.escalation.respond === 2);

    const fired = escalations(ticket, 'respond');
    expect(fired.map((e) => e.data.level)).toEqual([1, 2]);
    expect(fired[1].data).toMatchObject({
      level: 2,
      deadline: iso(deadline),
      dueAt: iso(deadline + 30 * MINUTE),
      notify: ['manager'],
      actions: [],
    });
    expectFiredOnTime(fired[1].data);
    expect(ticket.record.assignCalls).toHaveLength(2);
  });

  test('when the technician accepts before the response deadline, then the respond clock stops and never escalates', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab().sleep(3 * HOUR);
    const state = await ticket.waitFor(() => true);
    expect(escalations(ticket, 'respond')).toEqual([]);
    expect(state.breached.respond).toBe(false);
    expect((await ticket.snapshot()).view.deadlines.resolve).toBe(iso(ticket.submittedAtMs + 4 * HOUR));
  });

  test('when the technician accepts after respond level 1, then level 2 never fires', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1, tech2] });
    await lab().sleep(15 * MINUTE);
    await ticket.waitFor((s) => s.escalation.respond === 1 && s.assignee?.username === 'tech2');
    await ticket.act(tech2, { type: 'accept' });
    await lab().sleep(2 * HOUR);
    await ticket.waitFor(() => true);
    expect(escalations(ticket, 'respond').map((e) => e.data.level)).toEqual([1]);
  });

  test('when the ticket is not resolved by its deadline, then resolve level 1 notifies owner and team lead and level 2 two hours later notifies the manager and raises the priority', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, priority: 'P2', assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    const deadline = ticket.submittedAtMs + 8 * HOUR;
    await lab().sleepUntil(deadline + HOUR);
    const afterLevel1 = await ticket.waitFor((s) => s.escalation.resolve === 1);
    expect(afterLevel1.breached.resolve).toBe(true);
    expect(afterLevel1.priority).toBe('P2');

    await lab().sleepUntil(deadline + 3 * HOUR);
    const state = await ticket.waitFor((s) => s.escalation.resolve === 2);
    const fired = escalations(ticket, 'resolve');
    expect(fired.map((e) => e.data)).toMatchObject([
      {
        level: 1,
        deadline: iso(deadline),
        dueAt: iso(deadline),
        notify: ['owner', 'team_lead'],
        actions: [],
        priority: 'P2',
      },
      {
        level: 2,
        deadline: iso(deadline),
        dueAt: iso(deadline + 2 * HOUR),
        notify: ['manager'],
        actions: ['raisePriority'],
        priority: 'P2',
      },
    ]);
    fired.forEach((e) => expectFiredOnTime(e.data));
    const raised = ticket.eventsOf('priority_changed');
    expect(raised.map((e) => ({ ...e.data, actor: e.actor }))).toEqual([
      { from: 'P2', to: 'P1', reason: 'escalation', actor: null },
    ]);
    expect(state.priority).toBe('P1');
    expect(escalations(ticket, 'respond')).toEqual([]);
    // The raised priority's own limit (4h from submission) is already past: its deadline shows as missed.
    expect((await ticket.snapshot()).view.deadlines.resolve).toBe(iso(ticket.submittedAtMs + 4 * HOUR));
  });

  test('when the owner resolves before the resolve deadline, then the resolve clock stops and never escalates', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab().sleep(HOUR);
    await ticket.act(tech1, { type: 'resolve', resolution: '更换交换机端口' });
    await lab().sleep(10 * HOUR);
    const state = await ticket.waitFor(() => true);
    expect(ticket.eventsOf('escalated')).toEqual([]);
    expect(state.breached).toEqual({ respond: false, resolve: false });
  });

  test('when the owner resolves between resolve level 1 and level 2, then level 2 never fires', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, priority: 'P2', assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab().sleepUntil(ticket.submittedAtMs + 9 * HOUR);
    await ticket.waitFor((s) => s.escalation.resolve === 1);
    await ticket.act(tech1, { type: 'resolve', resolution: '重启AP' });
    await lab().sleep(6 * HOUR);
    const state = await ticket.waitFor(() => true);
    expect(escalations(ticket, 'resolve').map((e) => e.data.level)).toEqual([1]);
    expect(state.priority).toBe('P2');
  });

  test('when a clock with an empty ladder misses its deadline, then the ticket is marked breached and the read model is rewritten', async () => {
    const policy = parseSlaPolicy({ ...testPolicyFile(), escalation: { respond: [], resolve: [] } });
    const ticket = await lab().start({ policy, assignees: [tech1] });
    await lab().sleep(11 * MINUTE);
    const state = await ticket.waitFor((s) => s.breached.respond);
    expect(ticket.eventsOf('escalated')).toEqual([]);
    expect(state.escalation).toEqual({ respond: 0, resolve: 0 });
    const last = ticket.record.records.at(-1);
    expect(last?.events).toEqual([]);
    expect(last?.state.breached.respond).toBe(true);
  });
});
