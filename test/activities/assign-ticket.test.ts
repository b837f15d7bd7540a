import { chooseAndRecordAssignee, type AssignTicketInput } from '../../activities/assign-ticket';
import { withTransaction, type Pool } from '../../db/pool';
import type { AssignmentResult } from '../../domain/ticket-machine';
import { createTestDatabase, type TestDatabase } from '../support/db';

// Monday 2026-11-23 10:00 and Sunday 2026-11-22 10:00 in Shanghai.
const MONDAY = Date.parse('2026-11-23T02:00:00Z');
const SUNDAY = Date.parse('2026-11-22T02:00:00Z');

interface StaffRow {
  team?: string;
  skills?: string[];
  zones?: string[];
  roles?: string[];
  shifts?: 'always' | 'office';
  active?: boolean;
}

async function addStaff(pool: Pool, username: string, row: StaffRow = {}): Promise<void> {
  await pool.query(
    `INSERT INTO staff (username, name, badge, unit_code, team_code, roles, skills, zones, password_hash, active)
     VALUES ($1, $1, upper($1), 'nic', $2, $3, $4, $5, 'x', $6)`,
    [
      username,
      row.team ?? 'net',
      row.roles ?? ['technician'],
      row.skills ?? ['network'],
      row.zones ?? ['north'],
      row.active ?? true,
    ],
  );
  const days = row.shifts === 'office' ? [1, 2, 3, 4, 5] : [1, 2, 3, 4, 5, 6, 7];
  const [starts, ends] = row.shifts === 'office' ? ['08:00', '18:00'] : ['00:00', '00:00'];
  for (const day of days)
    await pool.query('INSERT INTO shifts (username, weekday, starts, ends) VALUES ($1, $2, $3, $4)', [
      username,
      day,
      starts,
      ends,
    ]);
}

let ticketCounter = 0;

/** An open ticket held by `username`, as the read model stores it. */
async function addOpenTicket(pool: Pool, username: string): Promise<void> {
  ticketCounter += 1;
  await pool.query(
    `INSERT INTO tickets (number, status, priority, category, location_code, building, description, requester,
       assignee_username, submitted_at, last_seq, state, view)
     VALUES ($1, 'in_progress', 'P3', 'network', 'L', 'b', 'd', '{}', $2, now(), 1, '{}', '{}')`,
    [`R2026-9${String(ticketCounter).padStart(5, '0')}`, username],
  );
}

describe('assignTicket activity (real PostgreSQL)', () => {
  let db: TestDatabase;
  let request = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(
      `INSERT INTO service_units (code, name, name_en, kind) VALUES ('nic', '网络与信息中心', 'NIC', 'center')`,
    );
    await db.pool.query(
      `INSERT INTO teams (code, name, name_en, unit_code) VALUES ('net', '网络组', 'Net', 'nic'), ('onsite', '现场组', 'On-site', 'nic')`,
    );
  });
  afterAll(async () => {
    await db?.drop();
  });

  /** Dispatches a ticket needing `skill` (each test uses its own skill, so its staff are the only candidates). */
  function dispatch(skill: string, overrides: Partial<AssignTicketInput> = {}): Promise<AssignmentResult> {
    request += 1;
    const input: AssignTicketInput = {
      number: `R2026-${String(request).padStart(6, '0')}`,
      requestKey: `R2026-${String(request).padStart(6, '0')}:1`,
      skill,
      zone: 'north',
      team: null,
      exclude: [],
      atMs: MONDAY,
      timezone: 'Asia/Shanghai',
      ...overrides,
    };
    return withTransaction(db.pool, (client) => chooseAndRecordAssignee(client, input));
  }

  test('when only one technician has the category skill, then they are chosen, with their badge and unit', async () => {
    await addStaff(db.pool, 'skill-a', { skills: ['s-skill'] });
    await addStaff(db.pool, 'skill-b', { skills: ['other'] });
    const result = await dispatch('s-skill');
    expect(result.assignee).toEqual({
      username: 'skill-a',
      name: 'skill-a',
      badge: 'SKILL-A',
      unit: '网络与信息中心',
      unitCode: 'nic',
      teamCode: 'net',
    });
    expect(result.reason).toContain('1 eligible with skill s-skill in zone north');
  });

  test('when technicians cover different zones, then the one covering the location zone is chosen, and "*" covers all', async () => {
    await addStaff(db.pool, 'zone-north', { skills: ['s-zone'], zones: ['north'] });
    await addStaff(db.pool, 'zone-south', { skills: ['s-zone'], zones: ['south'] });
    expect((await dispatch('s-zone', { zone: 'south' })).assignee?.username).toBe('zone-south');
    expect((await dispatch('s-zone', { zone: 'residential' })).assignee).toBeNull();
    await addStaff(db.pool, 'zone-all', { skills: ['s-zone'], zones: ['*'] });
    expect((await dispatch('s-zone', { zone: 'residential' })).assignee?.username).toBe('zone-all');
  });

  test('when it is Sunday, then only a technician on the roster then is chosen', async () => {
    await addStaff(db.pool, 'duty-office', { skills: ['s-duty'], shifts: 'office' });
    await addStaff(db.pool, 'duty-zall', { skills: ['s-duty'], shifts: 'always' });
    expect((await dispatch('s-duty', { atMs: SUNDAY })).assignee?.username).toBe('duty-zall');
    // On Monday both are on duty; duty-office has never been assigned, duty-zall just was.
    expect((await dispatch('s-duty', { atMs: MONDAY })).assignee?.username).toBe('duty-office');
  });

  test('when technicians hold different numbers of open tickets, then the one with the fewest is chosen', async () => {
    await addStaff(db.pool, 'load-a', { skills: ['s-load'] });
    await addStaff(db.pool, 'load-b', { skills: ['s-load'] });
    await addOpenTicket(db.pool, 'load-a');
    await addOpenTicket(db.pool, 'load-a');
    await addOpenTicket(db.pool, 'load-b');
    const result = await dispatch('s-load');
    expect(result.assignee?.username).toBe('load-b');
    expect(result.reason).toContain('load-b has fewest open tickets (1)');
  });

  test('when technicians tie, then consecutive tickets go round-robin', async () => {
    await addStaff(db.pool, 'rr-a', { skills: ['s-rr'] });
    await addStaff(db.pool, 'rr-b', { skills: ['s-rr'] });
    await addStaff(db.pool, 'rr-c', { skills: ['s-rr'] });
    const chosen: (string | undefined)[] = [];
    for (let i = 0; i < 4; i += 1) chosen.push((await dispatch('s-rr')).assignee?.username);
    expect(chosen).toEqual(['rr-a', 'rr-b', 'rr-c', 'rr-a']);
  });

  test('when the ticket is transferred to a team, then only members of that team are chosen', async () => {
    await addStaff(db.pool, 'team-net', { skills: ['s-team'], team: 'net' });
    await addStaff(db.pool, 'team-onsite', { skills: ['s-team'], team: 'onsite' });
    expect((await dispatch('s-team', { team: 'onsite' })).assignee?.username).toBe('team-onsite');
    expect((await dispatch('s-team', { team: 'onsite', exclude: ['team-onsite'] })).assignee).toBeNull();
  });

  test('when nobody is suitable, then the answer is nobody, with the reason', async () => {
    await addStaff(db.pool, 'none-inactive', { skills: ['s-none'], active: false });
    await addStaff(db.pool, 'none-declined', { skills: ['s-none'] });
    await addStaff(db.pool, 'none-dispatcher', { skills: ['s-none'], roles: ['dispatcher'] });
    const result = await dispatch('s-none', { exclude: ['none-declined'] });
    expect(result).toEqual({
      assignee: null,
      reason: 'no technician with skill s-none covers zone north on duty now (excluded: none-declined)',
    });
  });

  test('when a dispatch request is retried with the same key, then it returns the decision already made', async () => {
    await addStaff(db.pool, 'retry-a', { skills: ['s-retry'] });
    await addStaff(db.pool, 'retry-b', { skills: ['s-retry'] });
    const first = await dispatch('s-retry', { requestKey: 'retry:1' });
    const again = await dispatch('s-retry', { requestKey: 'retry:1' });
    const next = await dispatch('s-retry', { requestKey: 'retry:2' });
    expect(first.assignee?.username).toBe('retry-a');
    expect(again).toEqual(first);
    expect(next.assignee?.username).toBe('retry-b');
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM dispatch_decisions WHERE request_key = 'retry:1'`,
    );
    expect(rows[0].n).toBe(1);
  });
});
