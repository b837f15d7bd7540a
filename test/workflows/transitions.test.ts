import { parseSlaPolicy } from '../../domain/sla-policy';
import { allDayPolicy, dispatcher, requester, teamLead, technician, testPolicyFile } from './fixtures';
import { HOUR, iso, MINUTE, useWorkflowLab } from './harness';

const tech1 = technician('tech1');
const tech2 = technician('tech2');
const tech3 = technician('tech3', 'onsite');
const lead1 = teamLead('lead1');
const publicOf = (s: { username: string; name: string; badge: string; unit: string }) => ({
  username: s.username,
  name: s.name,
  badge: s.badge,
  unit: s.unit,
});
const lab = useWorkflowLab('X');

describe('ticket transitions (time-skipping)', () => {
  test('when the holder transfers to another technician, then the new holder can act at once and ownership stays', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    const moved = await ticket.act(tech1, {
      type: 'transfer',
      to: { kind: 'staff', staff: tech2 },
      reason: '需要光纤熔接',
    });
    expect(moved.state.status).toBe('in_progress');
    expect(moved.view.assignee?.username).toBe('tech2');
    expect(moved.view.owner?.username).toBe('tech1');
    expect(ticket.eventsOf('transferred')[0].data).toEqual({
      from: publicOf(tech1),
      to: publicOf(tech2),
      reason: '需要光纤熔接',
      owner: publicOf(tech1),
    });
    const resolved = await ticket.act(tech2, { type: 'resolve', resolution: '熔接完成' });
    expect(resolved.view.owner?.username).toBe('tech1');
    expect(resolved.state.status).toBe('resolved');
  });

  test('when a team lead transfers to a team, then dispatch picks within that team and ownership stays', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1, tech3] });
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(lead1, { type: 'transfer', to: { kind: 'team', team: 'onsite' }, reason: '现场组处理' });
    const state = await ticket.waitFor((s) => s.assignee?.username === 'tech3');
    expect(ticket.record.assignCalls[1]).toMatchObject({ team: 'onsite', exclude: ['tech1'] });
    expect(state).toMatchObject({ status: 'in_progress', team: null, owner: { username: 'tech1' } });
    expect(ticket.events.slice(-2).map((e) => [e.type, e.data])).toEqual([
      [
        'transferred',
        { from: publicOf(tech1), toTeam: 'onsite', reason: '现场组处理', owner: publicOf(tech1) },
      ],
      ['assigned', { to: publicOf(tech3), rule: 'scripted' }],
    ]);
    const resolved = await ticket.act(tech3, { type: 'resolve', resolution: '已处理' });
    expect(resolved.view.owner?.username).toBe('tech1');
  });

  test('when the assignee declines, then the ticket is reassigned to someone else, never back to the decliner', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1, tech2] });
    await ticket.act(tech1, { type: 'decline', reason: '不在本区域' });
    const state = await ticket.waitFor((s) => s.assignee?.username === 'tech2');
    expect(state.status).toBe('assigned');
    expect(state.declinedBy).toEqual(['tech1']);
    expect(ticket.record.assignCalls[1]).toMatchObject({ exclude: ['tech1'] });
    expect(ticket.events.map((e) => e.type)).toEqual(['submitted', 'assigned', 'declined', 'assigned']);
    expect(await ticket.refusal(tech1, { type: 'accept' })).toBe('Forbidden');
  });

  test('when everyone declines, then the ticket waits in the dispatcher queue and any technician may take it', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1, null] });
    await ticket.act(tech1, { type: 'decline', reason: '请假' });
    const state = await ticket.waitFor((s) => s.seq === 4);
    expect(state).toMatchObject({ status: 'submitted', assignee: null });
    expect(ticket.eventsOf('queued')[0].data).toEqual({ reason: 'nobody suitable' });
    const taken = await ticket.act(tech2, { type: 'accept' });
    expect(taken.view.owner?.username).toBe('tech2');
  });

  test('when the requester rejects the repair, then the ticket reopens to its owner, counts a reopen and the resolve clock resumes', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(tech1, { type: 'transfer', to: { kind: 'staff', staff: tech2 }, reason: '换人' });
    await lab().sleep(HOUR);
    const resolved = await ticket.act(tech2, { type: 'resolve', resolution: '重启路由器' });
    await lab().sleep(5 * HOUR);
    const reopened = await ticket.act(requester, { type: 'reject', reason: '还是断网' });
    expect(reopened.state).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
      assignee: { username: 'tech1' },
      owner: { username: 'tech1' },
    });
    expect(ticket.eventsOf('rejected')[0].data).toEqual({
      reason: '还是断网',
      round: 1,
      reopenCount: 1,
      to: publicOf(tech1),
    });
    // One hour was used before resolution; the five resolved hours are not counted.
    const resolvedAt = Date.parse(ticket.eventsOf('resolved')[0].at);
    const reopenedAt = Date.parse(ticket.eventsOf('rejected')[0].at);
    const used = resolvedAt - ticket.submittedAtMs;
    expect(resolved.state.resolveClock).toEqual({ usedMs: used, runningSinceMs: null });
    expect(reopened.view.deadlines.resolve).toBe(iso(reopenedAt + 4 * HOUR - used));
  });

  test('when a ticket reopens after a resolve escalation fired, then the fired level is not fired again and the next one still comes', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, priority: 'P2', assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab().sleepUntil(ticket.submittedAtMs + 9 * HOUR);
    await ticket.waitFor((s) => s.escalation.resolve === 1);
    await ticket.act(tech1, { type: 'resolve', resolution: '已修复' });
    await lab().sleep(2 * HOUR);
    await ticket.act(requester, { type: 'reject', reason: '没修好' });
    const reopenedAt = Date.parse(ticket.eventsOf('rejected')[0].at);
    await lab().sleep(3 * HOUR);
    await ticket.waitFor((s) => s.escalation.resolve === 2);
    const fired = ticket.eventsOf('escalated').map((e) => e.data);
    expect(fired.map((d) => d.level)).toEqual([1, 2]);
    // Past its limit when reopened, the clock counts as due at the reopening; level 2 comes 2h later.
    expect(fired[1]).toMatchObject({ deadline: iso(reopenedAt), dueAt: iso(reopenedAt + 2 * HOUR) });
  });

  test('when the requester cancels before resolution, then the ticket ends cancelled with the requester as actor', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    const cancelled = await ticket.act(requester, { type: 'cancel', reason: null });
    expect(cancelled.state.status).toBe('cancelled');
    expect(ticket.eventsOf('cancelled')[0]).toMatchObject({
      actor: { kind: 'requester', name: '张老师' },
      data: { reason: null },
    });
    expect(await ticket.handle.result()).toEqual({ number: ticket.number, status: 'cancelled', events: 4 });
  });

  test('when commands arrive while a slow opening is still dispatching, then they wait for it and are judged against its outcome', async () => {
    // The opening's local activity outlasts the workflow task (1 s here), so the SDK keeps the task alive
    // with new tasks, and updates reach the workflow before the dispatch answer is in.
    const ticket = await lab().start({
      policy: allDayPolicy,
      assignees: [tech1],
      openingDelayMs: 2500,
      workflowTaskTimeout: '1s',
    });
    await new Promise((resolve) => setTimeout(resolve, 1200));
    // Validated while the ticket was still `submitted`, so accepted into history; once tech1 holds it, tech2 may not take it.
    expect(await ticket.refusal(tech2, { type: 'accept' })).toBe('Forbidden');
    expect(await ticket.acceptedUpdates()).toBe(1);
    const cancelled = await ticket.act(requester, { type: 'cancel', reason: null });
    expect(cancelled.state.status).toBe('cancelled');
    await ticket.waitFor((s) => s.status === 'cancelled');
    expect(ticket.events.map((e) => `${e.seq}:${e.type}`)).toEqual([
      '1:submitted',
      '2:assigned',
      '3:cancelled',
    ]);
    expect(ticket.record.records.map((r) => r.state.status)).toEqual(['assigned', 'cancelled']);
  });

  test('when a dispatcher cancels, then a reason is required and recorded', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    expect(await ticket.refusal(dispatcher, { type: 'cancel', reason: null })).toBe('Invalid');
    expect(await ticket.refusal(tech1, { type: 'cancel', reason: '重复报修' })).toBe('Forbidden');
    await ticket.act(dispatcher, { type: 'cancel', reason: '重复报修' });
    expect(ticket.eventsOf('cancelled')[0]).toMatchObject({
      actor: { kind: 'staff', username: 'disp1' },
      data: { reason: '重复报修' },
    });
    expect((await ticket.handle.result()).status).toBe('cancelled');
    expect(await ticket.acceptedUpdates()).toBe(1);
  });

  test('when the ticket is resolved, then neither the requester nor a dispatcher can cancel it', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await ticket.act(tech1, { type: 'resolve', resolution: '完成' });
    expect(await ticket.refusal(requester, { type: 'cancel', reason: null })).toBe('Conflict');
    expect(await ticket.refusal(dispatcher, { type: 'cancel', reason: '误报' })).toBe('Conflict');
    expect((await ticket.state()).status).toBe('resolved');
  });

  test('when updates come from the wrong actor or in the wrong state, then they are refused and never enter history', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    expect(await ticket.refusal(tech2, { type: 'accept' })).toBe('Forbidden');
    expect(await ticket.refusal(requester, { type: 'note', note: '你好' })).toBe('Forbidden');
    expect(await ticket.refusal(tech1, { type: 'resolve', resolution: 'x' })).toBe('Conflict');
    expect(await ticket.refusal(requester, { type: 'confirm', rating: 5, comment: null })).toBe('Conflict');
    expect(await ticket.refusal(tech1, { type: 'pause', reason: '等配件' })).toBe('Conflict');
    expect(await ticket.refusal(lead1, { type: 'priority', priority: 'P9', reason: 'x' })).toBe('Invalid');
    expect(await ticket.acceptedUpdates()).toBe(0);
    const state = await ticket.waitFor(() => true);
    expect(state.seq).toBe(2);
    expect(ticket.events.map((e) => e.type)).toEqual(['submitted', 'assigned']);
  });

  test('when a dispatcher changes the priority, then both deadlines are recomputed from submission under the new limits', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, priority: 'P3', assignees: [tech1] });
    const before = await ticket.snapshot();
    expect(before.view.deadlines).toEqual({
      respond: iso(ticket.submittedAtMs + 2 * HOUR),
      resolve: iso(ticket.submittedAtMs + 72 * HOUR),
    });
    const changed = await ticket.act(dispatcher, { type: 'priority', priority: 'P1', reason: '校领导会议' });
    expect(changed.view.deadlines).toEqual({
      respond: iso(ticket.submittedAtMs + 10 * MINUTE),
      resolve: iso(ticket.submittedAtMs + 4 * HOUR),
    });
    expect(ticket.eventsOf('priority_changed')[0].data).toEqual({
      from: 'P3',
      to: 'P1',
      reason: '校领导会议',
    });
    await lab().sleep(11 * MINUTE);
    await ticket.waitFor((s) => s.escalation.respond === 1);
    expect(ticket.eventsOf('escalated')[0].data.deadline).toBe(iso(ticket.submittedAtMs + 10 * MINUTE));
  });

  test('when the technician pauses and resumes, then the paused time is not counted and the resolve deadline moves by it', async () => {
    const ticket = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    await ticket.act(tech1, { type: 'accept' });
    await lab().sleep(HOUR);
    const paused = await ticket.act(tech1, { type: 'pause', reason: '等待配件' });
    expect(paused.view.deadlines.resolve).toBeNull();
    await lab().sleep(3 * HOUR);
    await ticket.waitFor(() => true);
    expect(ticket.eventsOf('escalated')).toEqual([]);
    const resumed = await ticket.act(tech1, { type: 'resume', reason: '配件已到' });
    const pausedAt = Date.parse(ticket.eventsOf('paused')[0].at);
    const resumedAt = Date.parse(ticket.eventsOf('resumed')[0].at);
    expect(ticket.eventsOf('resumed')[0].data).toEqual({
      reason: '配件已到',
      pausedMs: resumedAt - pausedAt,
    });
    const deadline = ticket.submittedAtMs + 4 * HOUR + (resumedAt - pausedAt);
    expect(resumed.view.deadlines.resolve).toBe(iso(deadline));
    await lab().sleepUntil(deadline - MINUTE);
    await ticket.waitFor(() => true);
    expect(ticket.eventsOf('escalated')).toEqual([]);
    await lab().sleep(2 * MINUTE);
    await ticket.waitFor((s) => s.escalation.resolve === 1);
    expect(ticket.eventsOf('escalated')[0].data).toMatchObject({ clock: 'resolve', deadline: iso(deadline) });
  });

  test('when a ticket was opened under one policy, then it keeps that policy whatever later tickets use', async () => {
    const slow = parseSlaPolicy({
      ...testPolicyFile(),
      priorities: { ...testPolicyFile().priorities, P1: { respond: '1h', resolve: '8h', clock: '24x7' } },
    });
    const early = await lab().start({ policy: allDayPolicy, assignees: [tech1] });
    const late = await lab().start({ policy: slow, assignees: [tech1] });
    await lab().sleep(20 * MINUTE);
    await early.waitFor((s) => s.escalation.respond === 1);
    expect((await late.waitFor(() => true)).escalation.respond).toBe(0);
    expect((await early.snapshot()).view.deadlines.respond).toBe(iso(early.submittedAtMs + 10 * MINUTE));
    expect((await late.snapshot()).view.deadlines.respond).toBe(iso(late.submittedAtMs + HOUR));
  });
});
