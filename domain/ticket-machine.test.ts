import { testPolicyFile } from '../test/workflows/fixtures';
import { parseSlaPolicy } from './sla-policy';
import type { SlaPolicy } from './sla-types';
import {
  applyAssignment,
  applyCommand,
  deadlines,
  nextDue,
  openingStep,
  promisedDeadlines,
  runDue,
  type Step,
} from './ticket-machine';
import type { TicketCommand } from './ticket-rules';
import type { Actor, StaffActor, StaffRef, TicketState } from './ticket-types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// The design's policy, with no holidays and a 24x7 P2 so the arithmetic below stays in plain hours.
const policyFile = {
  ...testPolicyFile(),
  calendar: { ...testPolicyFile().calendar, holidays: [] },
  priorities: { ...testPolicyFile().priorities, P2: { respond: '30m', resolve: '8h', clock: '24x7' } },
};
const policy = parseSlaPolicy(policyFile);

// Monday 2026-11-23 09:00 in Shanghai.
const T0 = Date.parse('2026-11-23T01:00:00Z');

function tech(username: string, teamCode = 'net'): StaffActor {
  return {
    kind: 'staff',
    username,
    name: username,
    badge: username,
    unit: 'u',
    unitCode: 'u',
    teamCode,
    roles: ['technician'],
  };
}
const ref = ({ kind: _k, roles: _r, ...rest }: StaffActor): StaffRef => rest;
const tech1 = tech('tech1');
const tech2 = tech('tech2');
const requester: Actor = { kind: 'requester', name: '张老师' };

function open(priority = 'P1', p: SlaPolicy = policy): Step {
  return openingStep({
    number: 'R2026-000001',
    submittedAt: new Date(T0).toISOString(),
    location: {
      code: 'L',
      campus: 'c',
      building: 'b',
      floor: null,
      room: null,
      zone: 'north',
      kind: 'office',
    },
    category: { code: 'network', name: '网络', nameEn: 'Network', skill: 'network' },
    description: 'd',
    requester: { name: '张老师', lang: 'zh-CN' },
    priority,
    policy: p,
  });
}

/** Opens a ticket and assigns it to tech1 at T0. */
function assigned(priority = 'P1', p: SlaPolicy = policy): TicketState {
  const opened = open(priority, p);
  return applyAssignment(opened.state, opened.assignment!, { assignee: ref(tech1), reason: 'r' }, T0).state;
}

const act = (state: TicketState, command: TicketCommand, actor: Actor, at: number, p = policy) =>
  applyCommand(state, command, actor, at, p);
const iso = (ms: number) => new Date(ms).toISOString();

describe('ticket machine: opening and dispatch', () => {
  test('when a ticket is opened, then it is submitted with one event and asks for dispatch', () => {
    const step = open();
    expect(step.state).toMatchObject({
      status: 'submitted',
      seq: 1,
      resolveClock: { usedMs: 0, runningSinceMs: T0 },
    });
    expect(step.events).toEqual([
      {
        seq: 1,
        type: 'submitted',
        at: iso(T0),
        actor: null,
        data: { priority: 'P1', category: 'network', location: 'L' },
      },
    ]);
    expect(step.assignment).toEqual({ reason: 'submitted', team: null, exclude: [] });
  });

  test('when dispatch finds nobody, then the ticket is queued and stays submitted', () => {
    const opened = open();
    const step = applyAssignment(opened.state, opened.assignment!, { assignee: null, reason: 'nobody' }, T0);
    expect(step.state).toMatchObject({ status: 'submitted', assignee: null });
    expect(step.events.map((e) => [e.type, e.data])).toEqual([['queued', { reason: 'nobody' }]]);
  });

  test('when someone accepted while dispatch was choosing, then the answer is dropped', () => {
    const opened = open();
    const taken = act(opened.state, { type: 'accept' }, tech2, T0).state;
    const step = applyAssignment(taken, opened.assignment!, { assignee: ref(tech1), reason: 'r' }, T0);
    expect(step.events).toEqual([]);
    expect(step.state.assignee?.username).toBe('tech2');
  });
});

describe('ticket machine: commands', () => {
  test('when the first technician accepts, then they become owner, and a later holder never replaces them', () => {
    let state = act(assigned(), { type: 'accept' }, tech1, T0 + MINUTE).state;
    expect(state).toMatchObject({
      status: 'in_progress',
      owner: { username: 'tech1' },
      acceptedAtMs: T0 + MINUTE,
    });
    state = act(
      state,
      { type: 'transfer', to: { kind: 'staff', staff: ref(tech2) }, reason: 'x' },
      tech1,
      T0 + 2 * MINUTE,
    ).state;
    expect(state).toMatchObject({
      status: 'in_progress',
      assignee: { username: 'tech2' },
      owner: { username: 'tech1' },
    });
  });

  test('when the assignee declines, then dispatch runs again without every decliner', () => {
    const step = act(assigned(), { type: 'decline', reason: '忙' }, tech1, T0);
    expect(step.state).toMatchObject({ status: 'submitted', assignee: null, declinedBy: ['tech1'] });
    expect(step.assignment).toEqual({ reason: 'declined', team: null, exclude: ['tech1'] });
  });

  test('when a ticket is transferred to a team, then dispatch runs within the team, excluding the current holder', () => {
    const accepted = act(assigned(), { type: 'accept' }, tech1, T0).state;
    const step = act(
      accepted,
      { type: 'transfer', to: { kind: 'team', team: 'onsite' }, reason: 'x' },
      tech1,
      T0,
    );
    expect(step.assignment).toEqual({ reason: 'transfer', team: 'onsite', exclude: ['tech1'] });
    expect(step.state.team).toBe('onsite');
    const done = applyAssignment(
      step.state,
      step.assignment!,
      { assignee: ref(tech('tech3', 'onsite')), reason: 'r' },
      T0,
    );
    expect(done.state).toMatchObject({
      team: null,
      status: 'in_progress',
      assignee: { username: 'tech3' },
      owner: { username: 'tech1' },
    });
  });

  test('when a ticket is paused and resumed, then the paused time is not counted on the resolve clock', () => {
    let state = act(assigned(), { type: 'accept' }, tech1, T0).state;
    state = act(state, { type: 'pause', reason: '等配件' }, tech1, T0 + HOUR).state;
    expect(state.resolveClock).toEqual({ usedMs: HOUR, runningSinceMs: null });
    expect(deadlines(state, policy).resolve).toBeNull();
    const resumed = act(state, { type: 'resume', reason: '到了' }, tech1, T0 + 4 * HOUR);
    expect(resumed.events[0].data).toEqual({ reason: '到了', pausedMs: 3 * HOUR });
    expect(deadlines(resumed.state, policy).resolve).toBe(T0 + 7 * HOUR);
  });

  test('when the requester rejects, then the ticket reopens to the owner and the resolve clock runs on from where it stopped', () => {
    let state = act(assigned(), { type: 'accept' }, tech1, T0).state;
    state = act(
      state,
      { type: 'transfer', to: { kind: 'staff', staff: ref(tech2) }, reason: 'x' },
      tech1,
      T0,
    ).state;
    state = act(state, { type: 'resolve', resolution: 'ok' }, tech2, T0 + HOUR).state;
    expect(state.survey).toMatchObject({ round: 1, askedAtMs: T0 + HOUR });
    const step = act(state, { type: 'reject', reason: '没好' }, requester, T0 + 10 * HOUR);
    expect(step.state).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
      assignee: { username: 'tech1' },
      resolvedAtMs: null,
    });
    expect(deadlines(step.state, policy).resolve).toBe(T0 + 13 * HOUR);
  });

  test('when the priority changes, then both deadlines are recomputed from submission', () => {
    const state = assigned('P3');
    // P3 is on the business clock: Monday 09:00 + 2 working hours, + 3 working days.
    expect(deadlines(state, policy)).toEqual({
      respond: T0 + 2 * HOUR,
      resolve: Date.parse('2026-11-26T01:00:00Z'),
    });
    const step = act(state, { type: 'priority', priority: 'P1', reason: 'x' }, tech1, T0 + MINUTE);
    expect(step.events[0].data).toEqual({ from: 'P3', to: 'P1', reason: 'x' });
    expect(deadlines(step.state, policy)).toEqual({ respond: T0 + 10 * MINUTE, resolve: T0 + 4 * HOUR });
  });

  test('when the respond clock stops on accept, then the promised deadline is still shown', () => {
    const state = act(assigned(), { type: 'accept' }, tech1, T0).state;
    expect(deadlines(state, policy).respond).toBeNull();
    expect(promisedDeadlines(state, policy).respond).toBe(T0 + 10 * MINUTE);
  });
});

describe('ticket machine: timers', () => {
  test('when nothing happens, then the next due item is the respond breach at its deadline', () => {
    expect(nextDue(assigned(), policy)).toEqual({ atMs: T0 + 10 * MINUTE, kind: 'breach', clock: 'respond' });
  });

  test('when the respond deadline passes, then level 1 fires with its timing, marks the breach and asks to reassign', () => {
    const at = T0 + 10 * MINUTE + 5;
    const step = runDue(assigned(), policy, at);
    expect(step.state.breached).toEqual({ respond: true, resolve: false });
    expect(step.state.escalation).toEqual({ respond: 1, resolve: 0 });
    expect(step.events.map((e) => e.data)).toEqual([
      {
        clock: 'respond',
        level: 1,
        deadline: iso(T0 + 10 * MINUTE),
        dueAt: iso(T0 + 10 * MINUTE),
        firedAt: iso(at),
        notify: ['team_lead', 'dispatcher'],
        actions: ['reassign'],
        priority: 'P1',
      },
    ]);
    expect(step.assignment).toEqual({ reason: 'escalation', team: null, exclude: ['tech1'] });
    expect(nextDue(step.state, policy)).toEqual({
      atMs: T0 + 40 * MINUTE,
      kind: 'escalate',
      clock: 'respond',
    });
  });

  test('when a worker was away past several due times, then they all run in order at once', () => {
    const step = runDue(assigned('P2'), policy, T0 + 11 * HOUR);
    expect(step.events.map((e) => [e.type, e.data.clock ?? e.data.to, e.data.level])).toEqual([
      ['escalated', 'respond', 1],
      ['escalated', 'respond', 2],
      ['escalated', 'resolve', 1],
      ['escalated', 'resolve', 2],
      ['priority_changed', 'P1', undefined],
    ]);
    expect(step.state.priority).toBe('P1');
  });

  test('when resolve level 2 fires on the most urgent priority, then the priority stays and no raise is claimed', () => {
    const state = act(assigned('P1'), { type: 'accept' }, tech1, T0).state;
    const step = runDue(state, policy, T0 + 6 * HOUR);
    expect(step.events.map((e) => e.data.actions)).toEqual([[], []]);
    expect(step.state.priority).toBe('P1');
  });

  test('when the ladder is empty, then a missed deadline still marks the clock breached, without an event', () => {
    const quiet = parseSlaPolicy({ ...policyFile, escalation: { respond: [], resolve: [] } });
    const state = assigned('P1', quiet);
    expect(nextDue(state, quiet)).toEqual({ atMs: T0 + 10 * MINUTE, kind: 'breach', clock: 'respond' });
    const step = runDue(state, quiet, T0 + 10 * MINUTE);
    expect(step.events).toEqual([]);
    expect(step.state.breached).toEqual({ respond: true, resolve: false });
    expect(nextDue(step.state, quiet)).toEqual({ atMs: T0 + 4 * HOUR, kind: 'breach', clock: 'resolve' });
  });

  test('when the first level waits after the deadline, then the breach is marked at the deadline itself', () => {
    const late = parseSlaPolicy({
      ...policyFile,
      escalation: { respond: [{ after: '1h', notify: ['manager'] }], resolve: [] },
    });
    const step = runDue(assigned('P1', late), late, T0 + 20 * MINUTE);
    expect(step.state.breached.respond).toBe(true);
    expect(step.events).toEqual([]);
    expect(nextDue(step.state, late)).toEqual({ atMs: T0 + 70 * MINUTE, kind: 'escalate', clock: 'respond' });
  });

  test('when a resolved ticket is not answered, then one reminder comes at remindAfter and it closes unrated at expireAfter', () => {
    let state = act(assigned(), { type: 'accept' }, tech1, T0).state;
    state = act(state, { type: 'resolve', resolution: 'ok' }, tech1, T0 + HOUR).state;
    expect(nextDue(state, policy)).toEqual({ atMs: T0 + HOUR + DAY, kind: 'survey_remind' });
    const reminded = runDue(state, policy, T0 + HOUR + DAY);
    expect(reminded.events.map((e) => [e.type, e.data])).toEqual([
      ['survey_reminded', { round: 1, dueAt: iso(T0 + HOUR + DAY) }],
    ]);
    const closed = runDue(reminded.state, policy, T0 + HOUR + 3 * DAY);
    expect(closed.state).toMatchObject({ status: 'closed', closedAtMs: T0 + HOUR + 3 * DAY });
    expect(closed.events.map((e) => [e.type, e.data])).toEqual([
      ['closed', { reason: 'survey_expired', round: 1, dueAt: iso(T0 + HOUR + 3 * DAY) }],
    ]);
    expect(nextDue(closed.state, policy)).toBeNull();
  });

  test('when a ticket is cancelled, then nothing is due any more', () => {
    const state = act(assigned(), { type: 'cancel', reason: null }, requester, T0).state;
    expect(state.status).toBe('cancelled');
    expect(nextDue(state, policy)).toBeNull();
  });
});
