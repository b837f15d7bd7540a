import {
  chooseAssignee,
  explainEligibility,
  isOnDuty,
  type Candidate,
  type DispatchInput,
  type Shift,
} from './dispatch';

const TZ = 'Asia/Shanghai';
/** Wall-clock time in Shanghai (UTC+8, no DST) as an instant; 2026-11-23 is a Monday. */
const shanghai = (local: string): number => Date.parse(`${local}+08:00`);

const MONDAY_10_00 = shanghai('2026-11-23T10:00:00');
const ALL_WEEK: Shift[] = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({
  weekday,
  starts: '00:00',
  ends: '00:00',
}));

function tech(username: string, overrides: Partial<Candidate> = {}): Candidate {
  return {
    username,
    teamCode: 'net',
    skills: ['network'],
    zones: ['north'],
    shifts: ALL_WEEK,
    openTickets: 0,
    lastAssignedAtMs: null,
    active: true,
    ...overrides,
  };
}

function dispatch(candidates: Candidate[], overrides: Partial<DispatchInput> = {}) {
  return chooseAssignee({
    candidates,
    skill: 'network',
    zone: 'north',
    atMs: MONDAY_10_00,
    timezone: TZ,
    ...overrides,
  });
}

describe('chooseAssignee', () => {
  it('when only one technician has the skill, then that technician is chosen', () => {
    const result = dispatch([tech('ana', { skills: ['av'] }), tech('bo', { skills: ['av', 'network'] })]);
    expect(result.chosen?.username).toBe('bo');
  });

  it('when a technician covers other zones only, then they are not chosen', () => {
    const result = dispatch([
      tech('ana', { zones: ['south'], openTickets: 0 }),
      tech('bo', { openTickets: 5 }),
    ]);
    expect(result.chosen?.username).toBe('bo');
  });

  it('when a technician covers zone "*", then they are eligible in any zone', () => {
    const result = dispatch([tech('ana', { zones: ['*'] })], { zone: 'residential-east' });
    expect(result.chosen?.username).toBe('ana');
  });

  it('when the only skilled technician is off duty, then nobody is chosen until their shift', () => {
    const tuesdayDays: Shift[] = [{ weekday: 2, starts: '08:00', ends: '18:00' }];
    const candidates = [tech('ana', { shifts: tuesdayDays })];
    expect(dispatch(candidates).chosen).toBeNull();
    expect(dispatch(candidates, { atMs: shanghai('2026-11-24T10:00:00') }).chosen?.username).toBe('ana');
  });

  it('when several are eligible, then the one with the fewest open tickets wins', () => {
    const result = dispatch([
      tech('ana', { openTickets: 3 }),
      tech('bo', { openTickets: 1 }),
      tech('cy', { openTickets: 2 }),
    ]);
    expect(result.chosen?.username).toBe('bo');
    expect(result.reason).toContain('fewest open tickets (1)');
  });

  it('when open tickets tie, then the one never assigned goes before the least recently assigned', () => {
    const result = dispatch([
      tech('ana', { lastAssignedAtMs: MONDAY_10_00 - 60_000 }),
      tech('bo', { lastAssignedAtMs: MONDAY_10_00 - 3_600_000 }),
      tech('cy', { lastAssignedAtMs: null }),
    ]);
    expect(result.chosen?.username).toBe('cy');
  });

  it('when everything ties, then the username decides, whatever the input order', () => {
    const forward = dispatch([tech('ana'), tech('bo'), tech('cy')]);
    const backward = dispatch([tech('cy'), tech('bo'), tech('ana')]);
    expect([forward.chosen?.username, backward.chosen?.username]).toEqual(['ana', 'ana']);
  });

  it('when 6 tickets go to 3 equal technicians in turn, then each gets 2 in rotation', () => {
    // Each ticket is closed before the next arrives, so open tickets stay equal and only recency decides.
    const team = [tech('cy'), tech('ana'), tech('bo')];
    const order: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const atMs = MONDAY_10_00 + i * 60_000;
      const { chosen } = dispatch(team, { atMs });
      if (chosen === null) throw new Error(`nobody chosen at assignment ${i}`);
      order.push(chosen.username);
      chosen.lastAssignedAtMs = atMs;
    }
    expect(order).toEqual(['ana', 'bo', 'cy', 'ana', 'bo', 'cy']);
  });

  it('when a technician declined, then they are never chosen again, even with the fewest open tickets', () => {
    const candidates = [tech('ana', { openTickets: 0 }), tech('bo', { openTickets: 4 })];
    const exclude = ['ana'];
    for (let i = 0; i < 3; i += 1) {
      expect(dispatch(candidates, { exclude, atMs: MONDAY_10_00 + i * 60_000 }).chosen?.username).toBe('bo');
    }
    expect(dispatch([candidates[0]], { exclude }).chosen).toBeNull();
  });

  it('when a technician is inactive, then they are skipped', () => {
    const result = dispatch([tech('ana', { active: false }), tech('bo', { openTickets: 7 })]);
    expect(result.chosen?.username).toBe('bo');
  });

  it('when a team is asked for, then only its members are eligible', () => {
    const result = dispatch([tech('ana'), tech('bo', { teamCode: 'vendor-a', openTickets: 2 })], {
      team: 'vendor-a',
    });
    expect(result.chosen?.username).toBe('bo');
  });

  it('when nobody fits, then nobody is chosen and the reason names the skill and the zone', () => {
    const result = dispatch([tech('ana', { skills: ['av'] }), tech('bo', { zones: ['south'] })]);
    expect(result).toEqual({
      chosen: null,
      reason: 'no technician with skill network covers zone north on duty now',
    });
  });

  it('when there are no candidates at all, then nobody is chosen with the same reason', () => {
    expect(dispatch([]).reason).toBe('no technician with skill network covers zone north on duty now');
  });
});

describe('explainEligibility', () => {
  it('when a candidate fails several rules, then every failed rule is listed', () => {
    const candidate = tech('ana', { active: false, skills: [], zones: ['south'], shifts: [] });
    const criteria = { skill: 'network', zone: 'north', atMs: MONDAY_10_00, timezone: TZ, exclude: ['ana'] };
    expect(explainEligibility(candidate, criteria)).toEqual({
      eligible: false,
      reasons: ['inactive', 'excluded', 'lacks-skill', 'zone-not-covered', 'off-duty'],
    });
  });

  it('when a candidate passes every rule, then it is eligible with no reasons', () => {
    const criteria = { skill: 'network', zone: 'north', atMs: MONDAY_10_00, timezone: TZ };
    expect(explainEligibility(tech('ana'), criteria)).toEqual({ eligible: true, reasons: [] });
  });
});

describe('isOnDuty', () => {
  const mondayNight: Shift[] = [{ weekday: 1, starts: '22:00', ends: '06:00' }];

  it('when a Monday 22:00-06:00 shift is read on Tuesday 03:00, then it is on duty', () => {
    expect(isOnDuty(mondayNight, shanghai('2026-11-24T03:00:00'), TZ)).toBe(true);
  });

  it('when a Monday 22:00-06:00 shift is read on Monday 23:00, then it is on duty', () => {
    expect(isOnDuty(mondayNight, shanghai('2026-11-23T23:00:00'), TZ)).toBe(true);
  });

  it('when a Monday 22:00-06:00 shift is read at its edges, then the start counts and the end does not', () => {
    expect(isOnDuty(mondayNight, shanghai('2026-11-23T22:00:00'), TZ)).toBe(true);
    expect(isOnDuty(mondayNight, shanghai('2026-11-23T21:59:59'), TZ)).toBe(false);
    expect(isOnDuty(mondayNight, shanghai('2026-11-24T06:00:00'), TZ)).toBe(false);
  });

  it('when a Monday 22:00-06:00 shift is read early on Monday or Wednesday, then it is off duty', () => {
    expect(isOnDuty(mondayNight, shanghai('2026-11-23T03:00:00'), TZ)).toBe(false);
    expect(isOnDuty(mondayNight, shanghai('2026-11-25T03:00:00'), TZ)).toBe(false);
  });

  it('when a Sunday night shift runs past midnight, then it covers early Monday', () => {
    const sundayNight: Shift[] = [{ weekday: 7, starts: '20:00', ends: '02:00' }];
    expect(isOnDuty(sundayNight, shanghai('2026-11-23T01:30:00'), TZ)).toBe(true);
    expect(isOnDuty(sundayNight, shanghai('2026-11-24T01:30:00'), TZ)).toBe(false);
  });

  it('when it is Sunday in UTC but already Monday in Shanghai, then the Monday shift applies', () => {
    const sundayUtc = Date.parse('2026-11-22T16:30:00Z'); // Monday 00:30 in Shanghai
    expect(isOnDuty([{ weekday: 1, starts: '00:00', ends: '08:00' }], sundayUtc, TZ)).toBe(true);
    expect(isOnDuty([{ weekday: 7, starts: '08:00', ends: '24:00' }], sundayUtc, TZ)).toBe(false);
  });

  it('when a Sunday 08:00-24:00 shift is read late Sunday in Shanghai, then it is on duty', () => {
    expect(
      isOnDuty([{ weekday: 7, starts: '08:00', ends: '24:00' }], shanghai('2026-11-22T23:59:59'), TZ),
    ).toBe(true);
  });

  it('when a shift is 00:00-00:00, then it covers the whole day and nothing of the next', () => {
    const wholeMonday: Shift[] = [{ weekday: 1, starts: '00:00', ends: '00:00' }];
    expect(isOnDuty(wholeMonday, shanghai('2026-11-23T00:00:00'), TZ)).toBe(true);
    expect(isOnDuty(wholeMonday, shanghai('2026-11-23T23:59:59'), TZ)).toBe(true);
    expect(isOnDuty(wholeMonday, shanghai('2026-11-24T00:00:00'), TZ)).toBe(false);
  });

  it('when shift times come as PostgreSQL prints them (HH:MM:SS), then they are read the same', () => {
    expect(isOnDuty([{ weekday: 1, starts: '08:00:00', ends: '18:00:00' }], MONDAY_10_00, TZ)).toBe(true);
  });

  it('when a shift time is malformed, then it throws naming the value', () => {
    expect(() => isOnDuty([{ weekday: 1, starts: '8am', ends: '18:00' }], MONDAY_10_00, TZ)).toThrow('"8am"');
    expect(() => isOnDuty([{ weekday: 1, starts: '08:00', ends: '24:30' }], MONDAY_10_00, TZ)).toThrow(
      '"24:30"',
    );
  });

  it('when the time zone is unknown, then it throws', () => {
    expect(() => isOnDuty(ALL_WEEK, MONDAY_10_00, 'Mars/Olympus')).toThrow(RangeError);
  });
});
