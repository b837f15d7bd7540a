import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadSlaPolicy } from '../config/load-sla-policy';
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE } from './duration';
import { parseSlaPolicy, SlaPolicyError, type SlaPolicyIssue } from './sla-policy';
import { priorities, raisedPriority } from './sla-priorities';
import type { SlaPolicy } from './sla-types';
import { testPolicyFile } from '../test/workflows/fixtures';

const DEFAULT_POLICY_PATH = join(__dirname, '..', 'config', 'sla-policy.json');

/** The example from DESIGN.md, "SLA policy file". */
/** The design's example policy file, a fresh copy each time. */
const designExample = (): Record<string, unknown> => testPolicyFile();

/** The design example with `changes` applied: each key is a dotted path, `undefined` deletes it. */
function exampleWith(changes: Record<string, unknown>): Record<string, unknown> {
  const json = structuredClone(designExample());
  for (const [path, value] of Object.entries(changes)) {
    setAt(json, path.split('.'), value);
  }
  return json;
}

function setAt(target: unknown, keys: string[], value: unknown): void {
  if (typeof target !== 'object' || target === null) {
    throw new Error(`cannot set ${keys.join('.')} inside ${JSON.stringify(target)}`);
  }
  const record = target as Record<string, unknown>;
  const [key, ...rest] = keys;
  if (rest.length > 0) {
    setAt(record[key], rest, value);
  } else if (value === undefined) {
    delete record[key];
  } else {
    record[key] = value;
  }
}

function issuesOf(json: unknown): SlaPolicyIssue[] {
  try {
    parseSlaPolicy(json);
  } catch (error) {
    if (error instanceof SlaPolicyError) {
      return error.issues;
    }
    throw error;
  }
  throw new Error('expected the policy to be refused');
}

function policyWith(prioritiesJson: Record<string, unknown>): SlaPolicy {
  return parseSlaPolicy(
    exampleWith({
      priorities: prioritiesJson,
      defaultPriority: Object.keys(prioritiesJson)[0],
    }),
  );
}

const LIMITS = { respond: '1h', resolve: '1d', clock: '24x7' };

describe('parseSlaPolicy', () => {
  it('when given the default config file, then it loads with every limit resolved', () => {
    const policy = loadSlaPolicy(DEFAULT_POLICY_PATH);

    expect(policy.calendar.timezone).toBe('Asia/Shanghai');
    expect(policy.calendar.holidays).toContain('2026-10-01');
    expect(policy.defaultPriority).toBe('P3');
    expect(policy.priorities.P1).toEqual({
      respondMs: 10 * MS_PER_MINUTE,
      resolveMs: 4 * MS_PER_HOUR,
      clock: '24x7',
    });
    expect(policy.priorities.P2).toEqual({
      respondMs: 30 * MS_PER_MINUTE,
      resolveMs: 8 * MS_PER_HOUR,
      clock: 'business',
    });
    expect(policy.escalation.respond[0]).toEqual({
      afterMs: 0,
      notify: ['team_lead', 'dispatcher'],
      reassign: true,
      raisePriority: false,
    });
    expect(policy.escalation.resolve[1]).toEqual({
      afterMs: 2 * MS_PER_HOUR,
      notify: ['manager'],
      reassign: false,
      raisePriority: true,
    });
    expect(policy.survey).toEqual({ remindAfterMs: MS_PER_DAY, expireAfterMs: 3 * MS_PER_DAY });
  });

  it('when a business-clock limit is in days, then a day is one working day of the calendar', () => {
    const policy = parseSlaPolicy(designExample());

    // 3 working days of 08:00-18:00.
    expect(policy.priorities.P3.resolveMs).toBe(30 * MS_PER_HOUR);
    expect(policy.priorities.P3.respondMs).toBe(2 * MS_PER_HOUR);
  });

  it('when working hours are shorter, then a business day is shorter too', () => {
    const policy = parseSlaPolicy(exampleWith({ 'calendar.hours': ['09:00', '17:30'] }));

    expect(policy.priorities.P3.resolveMs).toBe(3 * 8.5 * MS_PER_HOUR);
  });

  it('when a 24x7 limit is in days, then a day is 24 hours', () => {
    const policy = parseSlaPolicy(
      exampleWith({ 'priorities.P1': { respond: '1d', resolve: '2d', clock: '24x7' } }),
    );

    expect(policy.priorities.P1).toEqual({ respondMs: MS_PER_DAY, resolveMs: 2 * MS_PER_DAY, clock: '24x7' });
  });

  it('when escalation and survey durations are in days, then a day is 24 hours whatever the calendar', () => {
    const policy = parseSlaPolicy(
      exampleWith({
        'escalation.resolve.1.after': '1d',
        survey: { remindAfter: '1d', expireAfter: '2d' },
      }),
    );

    expect(policy.escalation.resolve[1].afterMs).toBe(MS_PER_DAY);
    expect(policy.survey).toEqual({ remindAfterMs: MS_PER_DAY, expireAfterMs: 2 * MS_PER_DAY });
  });

  it('when the file is valid, then the result is plain JSON with sorted calendar lists', () => {
    const policy = parseSlaPolicy(
      exampleWith({
        'calendar.workdays': [5, 1, 3],
        'calendar.holidays': ['2026-10-02', '2026-01-01'],
      }),
    );

    expect(policy.calendar.workdays).toEqual([1, 3, 5]);
    expect(policy.calendar.holidays).toEqual(['2026-01-01', '2026-10-02']);
    expect(JSON.parse(JSON.stringify(policy))).toEqual(policy);
  });

  it('when working hours run to midnight, then "24:00" is accepted as the closing time', () => {
    const policy = parseSlaPolicy(exampleWith({ 'calendar.hours': ['00:00', '24:00'] }));

    expect(policy.priorities.P3.resolveMs).toBe(3 * MS_PER_DAY);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown top-level field', { sla: {} }, 'sla', 'is not a known field'],
    [
      'an unknown nested field',
      { 'calendar.lunch': ['12:00', '13:00'] },
      'calendar.lunch',
      'is not a known field',
    ],
    ['a missing section', { survey: undefined }, 'survey', 'is required'],
    ['a section of the wrong type', { calendar: [] }, 'calendar', 'must be an object, not an array'],
    [
      'an unknown time zone',
      { 'calendar.timezone': 'China/Beijing' },
      'calendar.timezone',
      '"China/Beijing" is not an IANA time zone like "Asia/Shanghai"',
    ],
    [
      'a weekday out of range',
      { 'calendar.workdays': [0, 1] },
      'calendar.workdays[0]',
      'must be an ISO weekday from 1 (Monday) to 7 (Sunday)',
    ],
    [
      'a fractional weekday',
      { 'calendar.workdays': [1, 2.5] },
      'calendar.workdays[1]',
      'must be an ISO weekday from 1 (Monday) to 7 (Sunday)',
    ],
    ['a repeated weekday', { 'calendar.workdays': [1, 2, 1] }, 'calendar.workdays[2]', 'repeats weekday 1'],
    [
      'no working days',
      { 'calendar.workdays': [] },
      'calendar.workdays',
      'must list at least one working day',
    ],
    [
      'a malformed time of day',
      { 'calendar.hours': ['8:00', '18:00'] },
      'calendar.hours[0]',
      '"8:00" is not a time of day like "08:00"',
    ],
    [
      'closing before opening',
      { 'calendar.hours': ['18:00', '08:00'] },
      'calendar.hours[1]',
      'closing time 08:00 must be after opening time 18:00',
    ],
    [
      'closing at opening',
      { 'calendar.hours': ['08:00', '08:00'] },
      'calendar.hours[1]',
      'closing time 08:00 must be after opening time 08:00',
    ],
    [
      'hours that are not a pair',
      { 'calendar.hours': ['08:00', '12:00', '18:00'] },
      'calendar.hours',
      'must be [opening, closing] like ["08:00", "18:00"]',
    ],
    [
      'a holiday that is not a real date',
      { 'calendar.holidays': ['2026-10-01', '2026-02-29'] },
      'calendar.holidays[1]',
      '"2026-02-29" is not a calendar date like "2026-10-01"',
    ],
    [
      'a holiday in another format',
      { 'calendar.holidays': ['2026/10/01'] },
      'calendar.holidays[0]',
      '"2026/10/01" is not a calendar date like "2026-10-01"',
    ],
    [
      'a badly named priority',
      { 'priorities.urgent': LIMITS },
      'priorities.urgent',
      'is not a priority name: use P1 (most urgent) to P9',
    ],
    [
      'priority P0',
      { 'priorities.P0': LIMITS },
      'priorities.P0',
      'is not a priority name: use P1 (most urgent) to P9',
    ],
    ['no priorities', { priorities: {} }, 'priorities', 'must define at least one priority'],
    [
      'a malformed limit',
      { 'priorities.P2.respond': '30x' },
      'priorities.P2.respond',
      '"30x" is not a duration like "45s", "10m", "4h" or "2d"',
    ],
    ['a zero limit', { 'priorities.P1.resolve': '0s' }, 'priorities.P1.resolve', 'must be longer than "0s"'],
    [
      'a limit that is a number',
      { 'priorities.P1.respond': 600 },
      'priorities.P1.respond',
      'must be a string, not 600',
    ],
    [
      'an unknown clock',
      { 'priorities.P1.clock': 'office' },
      'priorities.P1.clock',
      '"office" is not a clock: use one of "24x7", "business"',
    ],
    ['a missing clock', { 'priorities.P3.clock': undefined }, 'priorities.P3.clock', 'is required'],
    [
      'an unknown limit field',
      { 'priorities.P3.pause': '1h' },
      'priorities.P3.pause',
      'is not a known field',
    ],
    [
      'a default priority the policy lacks',
      { defaultPriority: 'P4' },
      'defaultPriority',
      '"P4" is not one of the priorities (P1, P2, P3)',
    ],
    [
      'a malformed escalation delay',
      { 'escalation.respond.1.after': 'soon' },
      'escalation.respond[1].after',
      '"soon" is not a duration like "45s", "10m", "4h" or "2d"',
    ],
    [
      'escalation delays that do not increase',
      { 'escalation.resolve.1.after': '0s' },
      'escalation.resolve[1].after',
      'must be later than the level before it ("0s")',
    ],
    [
      'escalation delays that go back',
      {
        'escalation.respond': [
          { after: '1h', notify: ['manager'] },
          { after: '30m', notify: ['manager'] },
        ],
      },
      'escalation.respond[1].after',
      'must be later than the level before it ("1h")',
    ],
    [
      'nobody to notify',
      { 'escalation.respond.0.notify': [] },
      'escalation.respond[0].notify',
      'must name at least one role to notify',
    ],
    [
      'an unknown role',
      { 'escalation.resolve.1.notify': ['manager', 'boss'] },
      'escalation.resolve[1].notify[1]',
      '"boss" is not a role: use one of "owner", "assignee", "team_lead", "dispatcher", "manager", "requester"',
    ],
    [
      'an action flag that is not a boolean',
      { 'escalation.respond.0.reassign': 'yes' },
      'escalation.respond[0].reassign',
      'must be true or false, not "yes"',
    ],
    [
      'an unknown escalation field',
      { 'escalation.resolve.0.email': true },
      'escalation.resolve[0].email',
      'is not a known field',
    ],
    ['a missing ladder', { 'escalation.resolve': undefined }, 'escalation.resolve', 'is required'],
    [
      'a reminder no earlier than expiry',
      { survey: { remindAfter: '3d', expireAfter: '3d' } },
      'survey.expireAfter',
      'must be longer than remindAfter ("3d")',
    ],
    [
      'an immediate reminder',
      { 'survey.remindAfter': '0s' },
      'survey.remindAfter',
      'must be longer than "0s"',
    ],
  ])('when the file has %s, then the error names %s', (_kind, change, path, message) => {
    expect(issuesOf(exampleWith(change))).toEqual([{ path, message }]);
  });

  it.each([
    [null, 'must be an object, not null'],
    [[], 'must be an object, not an array'],
    ['{}', 'must be an object, not "{}"'],
  ])('when the value is %j, then the error is about the root', (json, message) => {
    expect(issuesOf(json)).toEqual([{ path: '(root)', message }]);
  });

  it('when many fields are bad, then every one is reported in the issues and the message', () => {
    const json = exampleWith({
      'calendar.timezone': 'Mars/Olympus',
      'calendar.extra': 1,
      'priorities.P2.respond': '30x',
      'priorities.P3.clock': 'sometimes',
      defaultPriority: 'P7',
      'escalation.respond.1.notify': ['nobody'],
      'escalation.resolve.1.after': '0s',
      'survey.expireAfter': '1h',
    });

    let error: unknown;
    try {
      parseSlaPolicy(json);
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(SlaPolicyError);
    const { issues, message } = error as SlaPolicyError;
    const paths = [
      'calendar.timezone',
      'calendar.extra',
      'priorities.P2.respond',
      'priorities.P3.clock',
      'defaultPriority',
      'escalation.respond[1].notify[0]',
      'escalation.resolve[1].after',
      'survey.expireAfter',
    ];
    expect(issues.map((issue) => issue.path).sort()).toEqual([...paths].sort());
    expect(message).toMatch(/^Invalid SLA policy \(8 problems\):\n/);
    for (const issue of issues) {
      expect(message).toContain(`\n  - ${issue.path}: ${issue.message}`);
    }
  });

  it('when the default priority and its limits are both bad, then both are reported', () => {
    const issues = issuesOf(
      exampleWith({
        'priorities.P2': 'fast',
        defaultPriority: 'P9',
      }),
    );

    expect(issues).toEqual([
      { path: 'priorities.P2', message: 'must be an object, not "fast"' },
      { path: 'defaultPriority', message: '"P9" is not one of the priorities (P1, P2, P3)' },
    ]);
  });
});

describe('priority ordering', () => {
  const policy = policyWith({ P3: LIMITS, P1: LIMITS, P2: LIMITS });

  it('when listing priorities, then the most urgent comes first whatever the file order', () => {
    expect(priorities(policy)).toEqual(['P1', 'P2', 'P3']);
  });

  it('when raising a priority, then it becomes the next more urgent one', () => {
    expect(raisedPriority(policy, 'P3')).toBe('P2');
    expect(raisedPriority(policy, 'P2')).toBe('P1');
  });

  it('when raising the most urgent priority, then it stays', () => {
    expect(raisedPriority(policy, 'P1')).toBe('P1');
  });

  it('when the policy skips numbers, then raising goes to the next one it defines', () => {
    const sparse = policyWith({ P5: LIMITS, P2: LIMITS });

    expect(raisedPriority(sparse, 'P5')).toBe('P2');
    expect(raisedPriority(sparse, 'P2')).toBe('P2');
  });

  it('when raising a priority the policy no longer has, then it goes to the nearest more urgent one', () => {
    expect(raisedPriority(policy, 'P6')).toBe('P3');
  });

  it('when raising something that is not a priority name, then it throws', () => {
    expect(() => raisedPriority(policy, 'urgent')).toThrow('"urgent" is not a priority name like "P1"');
  });
});

describe('loadSlaPolicy', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'echodesk-sla-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function writePolicy(name: string, text: string): string {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  }

  it('when the file is loaded, then the policy is frozen all the way down', () => {
    const policy = loadSlaPolicy(DEFAULT_POLICY_PATH);

    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.priorities.P1)).toBe(true);
    expect(Object.isFrozen(policy.escalation.respond[0].notify)).toBe(true);
  });

  it('when the file does not exist, then the error names the file', () => {
    const path = join(dir, 'missing.json');

    expect(() => loadSlaPolicy(path)).toThrow(`Cannot read SLA policy file ${path}: ENOENT`);
  });

  it('when the file is not JSON, then the error names the file', () => {
    const path = writePolicy('broken.json', '{ "calendar": ');

    expect(() => loadSlaPolicy(path)).toThrow(`SLA policy file ${path} is not valid JSON: `);
  });

  it('when the file is JSON but not a valid policy, then the error names the file and every bad field', () => {
    const json = exampleWith({
      'priorities.P2.respond': '30x',
      'survey.remindAfter': 'later',
    });
    const path = writePolicy('invalid.json', JSON.stringify(json));

    expect(() => loadSlaPolicy(path)).toThrow(
      [
        `Invalid SLA policy in ${path} (2 problems):`,
        '  - priorities.P2.respond: "30x" is not a duration like "45s", "10m", "4h" or "2d"',
        '  - survey.remindAfter: "later" is not a duration like "45s", "10m", "4h" or "2d"',
      ].join('\n'),
    );
    expect(() => loadSlaPolicy(path)).toThrow(SlaPolicyError);
  });
});
