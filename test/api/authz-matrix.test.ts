import {
  ANONYMOUS,
  AUTHZ_MATRIX,
  decide,
  OPERATION_IDS,
  type OperationId,
  type OperationRule,
  type Principal,
  type Scope,
} from '../../domain/authz';
import { eventually, http, loginAs, startTestDesk, ticketAcceptedBy, type TestDesk } from '../support/desk';

interface Caller {
  name: string;
  principal: Principal;
  token?: string;
  trackingToken?: string;
}

const PASSWORD = 'matrix-password';
const ROLE_ACCOUNTS = ['technician', 'team_lead', 'dispatcher', 'manager', 'admin', 'requester'] as const;

/** Path parameters that exist (the ticket) or are well-formed but unknown, so an allowed call never changes anything. */
function probePath(rule: OperationRule, ticket: string): string {
  return rule.path
    .replace(':id/', `${ticket}/`)
    .replace(/:id$/, rule.path.includes('api-tokens') ? '999999' : ticket)
    .replace(':username', 'nobody')
    .replace(':code', rule.path.includes('locations') ? 'NOPE-1' : 'nope');
}

let desk: TestDesk;
beforeAll(async () => {
  desk = await startTestDesk();
});
afterAll(async () => {
  await desk?.close();
});

describe('the authorization matrix over HTTP: every operation × every kind of caller', () => {
  let ticket: string;
  const callers: Caller[] = [];

  beforeAll(async () => {
    const admin = await loginAs(desk, 'admin');
    const submitted = await http<{ number: string; trackingToken: string }>(desk, 'POST', '/api/tickets', {
      body: {
        locationCode: 'IH-2-301',
        category: 'network',
        description: 'matrix probe',
        requester: { name: '请求人', email: 'requester@example.edu' },
      },
    });
    ticket = submitted.body.number;
    const assigned = await eventually(
      () =>
        desk.db.pool.query<{ team_code: string | null }>('SELECT team_code FROM tickets WHERE number = $1', [
          ticket,
        ]),
      (r) => r.rows[0]?.team_code != null,
    );
    const team = assigned.rows[0]?.team_code ?? 'net';
    // One account per role with exactly that role, in the team that handles the probe ticket.
    for (const [i, role] of ROLE_ACCOUNTS.entries()) {
      const created = await http(desk, 'POST', '/api/admin/staff', {
        token: admin,
        body: {
          username: `only-${role.replace('_', '-')}`,
          name: role,
          badge: `M-${i + 100}`,
          unitCode: 'nic',
          teamCode: role === 'requester' ? null : team,
          roles: [role],
          email: role === 'requester' ? 'requester@example.edu' : null,
          password: PASSWORD,
        },
      });
      expect({ status: created.status, body: created.body }).toMatchObject({ status: 201 });
      const login = await http<{ token: string }>(desk, 'POST', '/api/auth/login', {
        body: { username: `only-${role.replace('_', '-')}`, password: PASSWORD },
      });
      callers.push({
        name: role,
        token: login.body.token,
        principal: { signedIn: true, roles: [role], scopes: null, tracking: false },
      });
    }
    callers.push({ name: 'anonymous', principal: ANONYMOUS });
    callers.push({
      name: 'requester by tracking token',
      trackingToken: submitted.body.trackingToken,
      principal: { ...ANONYMOUS, tracking: true },
    });
    const scopes: Scope[] = ['tickets:read'];
    const issued = await http<{ token: string }>(desk, 'POST', '/api/admin/api-tokens', {
      token: admin,
      body: { name: 'matrix', username: 'disp1', scopes },
    });
    expect(issued.status).toBe(201);
    callers.push({
      name: 'integration token (dispatcher, tickets:read)',
      token: issued.body.token,
      principal: { signedIn: true, roles: ['dispatcher'], scopes, tracking: false },
    });
  });

  test('when each caller calls each operation, then the answer is allowed, 401 or 403 exactly as the matrix says', async () => {
    // Signing out revokes the caller's token, so it goes last.
    const ops = [...OPERATION_IDS.filter((op) => op !== 'auth.logout'), 'auth.logout' as OperationId];
    const mismatches: string[] = [];
    let cells = 0;
    for (const op of ops) {
      const rule: OperationRule = AUTHZ_MATRIX[op];
      for (const caller of callers) {
        const expected = decide(op, caller.principal);
        const headers: Record<string, string> = {};
        if (caller.trackingToken) headers['x-tracking-token'] = caller.trackingToken;
        // Bodies are deliberately invalid: an allowed caller gets 400 and nothing is written.
        const body =
          ['POST', 'PUT', 'PATCH'].includes(rule.method) && op !== 'auth.logout'
            ? { probe: true }
            : undefined;
        const res = await fetch(`${desk.baseUrl}${probePath(rule, ticket)}`, {
          method: rule.method,
          headers: {
            ...headers,
            ...(caller.token ? { authorization: `Bearer ${caller.token}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        cells += 1;
        if (text.includes('"detail":"No route for'))
          mismatches.push(`${op} as ${caller.name}: no such route (${rule.method} ${rule.path})`);
        const got = res.status === 401 ? 'unauthenticated' : res.status === 403 ? 'forbidden' : 'allow';
        if (got !== expected || res.status >= 500)
          mismatches.push(`${op} as ${caller.name}: expected ${expected}, got HTTP ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(cells).toBe(ops.length * callers.length);
  });
});

describe('spot checks that the matrix itself says what the contract says', () => {
  const staff = (role: string): Principal => ({
    signedIn: true,
    roles: [role],
    scopes: null,
    tracking: false,
  });
  test.each<[OperationId, Principal, string]>([
    ['tickets.list', ANONYMOUS, 'unauthenticated'],
    ['tickets.list', staff('technician'), 'allow'],
    ['tickets.history', staff('technician'), 'forbidden'],
    ['tickets.history', staff('manager'), 'allow'],
    ['reports.sla', staff('dispatcher'), 'forbidden'],
    ['reports.sla', staff('manager'), 'allow'],
    ['admin.staff.create', staff('manager'), 'forbidden'],
    ['admin.staff.create', staff('admin'), 'allow'],
    ['tickets.confirm', staff('dispatcher'), 'forbidden'],
    ['tickets.confirm', { ...ANONYMOUS, tracking: true }, 'allow'],
    ['tickets.accept', { ...ANONYMOUS, tracking: true }, 'unauthenticated'],
    ['tickets.cancel', { ...ANONYMOUS, tracking: true }, 'allow'],
    ['tickets.submit', ANONYMOUS, 'allow'],
    [
      'tickets.list',
      { signedIn: true, roles: ['manager'], scopes: ['reports:read'], tracking: false },
      'forbidden',
    ],
    [
      'reports.sla',
      { signedIn: true, roles: ['manager'], scopes: ['reports:read'], tracking: false },
      'allow',
    ],
  ])('%s for %j is %s', (op, principal, decision) => {
    expect(decide(op, principal)).toBe(decision);
  });
});

/**
 * Every lifecycle action × role × relation to the ticket, answered as the contract says (docs/api.md):
 * acting needs the right to see the ticket, then the role (the matrix) and the lifecycle rules decide.
 * Written out by hand from the contract, not computed from the code under test.
 *
 * Relations of a technician or team lead to the ticket:
 *   own    the ticket is held and owned by a teammate (the caller's team handles it)
 *   other  the same ticket, the caller in another team
 *   holder the caller holds it as a transfer target; its owner is in another team
 *   owner  the caller accepted it and handed it to a technician of another team
 *   queue  nobody holds it (the dispatcher queue), the caller in another team
 * Dispatchers, managers and admins cannot hold tickets: own and other are their own team or another's.
 * The requester is a signed-in requester account: `rep` reported the ticket, `str` is a stranger.
 * `—` marks a ticket that cannot exist: nobody owns a ticket that can still be accepted or declined.
 * Each action meets the ticket in the state it needs (accept and decline an assigned one, resume a
 * paused one, confirm and reject a resolved one, the rest one in progress); a queued ticket is submitted.
 */
const EXPECTED = `
            technician           team lead            dispatcher   manager      admin        requester
            own oth hld own que  own oth hld own que  own oth que  own oth que  own oth que  rep str
accept      403 403 200  —  200  403 403 200  —  200  403 403 403  403 403 403  403 403 403  403 403
decline     403 403 200  —  403  403 403 200  —  403  403 403 403  403 403 403  403 403 403  403 403
transfer    403 403 200 403 403  200 403 200 200 403  200 200 200  200 200 200  200 200 200  403 403
note        200 403 200 200 200  200 403 200 200 200  200 200 200  200 200 200  200 200 200  403 403
on-site     403 403 200 200 403  403 403 200 200 403  403 403 403  403 403 403  403 403 403  403 403
pause       403 403 200 200 403  200 403 200 200 403  200 200 409  200 200 409  200 200 409  403 403
resume      403 403 200 200 403  200 403 200 200 403  200 200 409  200 200 409  200 200 409  403 403
resolve     403 403 200 200 403  403 403 200 200 403  403 403 403  403 403 403  403 403 403  403 403
cancel      403 403 403 403 403  403 403 403 403 403  200 200 200  200 200 200  200 200 200  200 403
priority    403 403 403 403 403  200 403 200 200 403  200 200 200  200 200 200  200 200 200  403 403
confirm     403 403 403 403 403  403 403 403 403 403  403 403 403  403 403 403  403 403 403  200 403
reject      403 403 403 403 403  403 403 403 403 403  403 403 403  403 403 403  403 403 403  200 403
`;

type Relation = 'own' | 'oth' | 'hld' | 'own*' | 'que' | 'rep' | 'str';
type CellRole = 'technician' | 'team_lead' | 'dispatcher' | 'manager' | 'admin' | 'requester';
interface Cell {
  action: string;
  role: CellRole;
  relation: Relation;
  expected: number;
}

/** The table as cells; the second `own` column of a staff role is the owner relation (`own*`). */
function expectedCells(): Cell[] {
  const lines = EXPECTED.trim().split('\n').slice(2);
  const columns: [CellRole, Relation][] = [
    ...(['technician', 'team_lead'] as const).flatMap((role) =>
      (['own', 'oth', 'hld', 'own*', 'que'] as const).map((rel): [CellRole, Relation] => [role, rel]),
    ),
    ...(['dispatcher', 'manager', 'admin'] as const).flatMap((role) =>
      (['own', 'oth', 'que'] as const).map((rel): [CellRole, Relation] => [role, rel]),
    ),
    ['requester', 'rep'],
    ['requester', 'str'],
  ];
  return lines.flatMap((line) => {
    const [action, ...answers] = line.trim().split(/\s+/);
    if (answers.length !== columns.length) throw new Error(`table row ${action} has ${answers.length} cells`);
    return answers.flatMap((answer, i) => {
      const [role, relation] = columns[i];
      return answer === '—' ? [] : [{ action, role, relation, expected: Number(answer) }];
    });
  });
}

const ACTION_BODIES: Record<string, Record<string, unknown>> = {
  accept: {},
  decline: { reason: '不在附近' },
  transfer: { to: 'mx-tech-c', reason: '转给C组' },
  note: { note: '探针备注' },
  'on-site': {},
  pause: { reason: '等配件' },
  resume: { reason: '配件到了' },
  resolve: { resolution: '已修复' },
  cancel: { reason: '重复报修' },
  priority: { priority: 'P1', reason: '影响上课' },
  confirm: { rating: 5 },
  reject: { reason: '还是不行' },
};

type Stage = 'assigned' | 'in_progress' | 'paused' | 'resolved' | 'queued';
const STAGE: Record<string, Stage> = {
  accept: 'assigned',
  decline: 'assigned',
  resume: 'paused',
  confirm: 'resolved',
  reject: 'resolved',
};

/** Who holds and owns the ticket a cell meets; null holder means the dispatcher queue. */
interface Setup {
  stage: Stage;
  holder: string | null;
  owner: string | null;
}

/** The account that plays a role in a relation; teammates are in team mx-a, others in mx-b. */
function callerOf(role: CellRole, relation: Relation): string {
  if (role === 'requester') return relation === 'rep' ? 'mx-req' : 'mx-req-other';
  const short = { technician: 'tech', team_lead: 'lead', dispatcher: 'disp', manager: 'mgr', admin: 'adm' }[
    role
  ];
  return `mx-${short}-${relation === 'oth' || relation === 'que' ? 'b' : 'a'}`;
}

function setupOf(cell: Cell): Setup {
  const caller = callerOf(cell.role, cell.relation);
  const stage = cell.relation === 'que' ? 'queued' : (STAGE[cell.action] ?? 'in_progress');
  if (stage === 'queued') return { stage, holder: null, owner: null };
  const accepted = stage !== 'assigned';
  if (cell.relation === 'hld') return { stage, holder: caller, owner: accepted ? 'mx-tech-b2' : null };
  if (cell.relation === 'own*') return { stage, holder: 'mx-tech-b2', owner: caller };
  return { stage, holder: 'mx-tech-a2', owner: accepted ? 'mx-tech-a2' : null };
}

const TEAMS = ['mx-a', 'mx-b', 'mx-c', 'mx-empty'];
const MX_STAFF: [string, string | null, CellRole][] = [
  ['mx-tech-a', 'mx-a', 'technician'],
  ['mx-tech-b', 'mx-b', 'technician'],
  ['mx-tech-a2', 'mx-a', 'technician'],
  ['mx-tech-b2', 'mx-b', 'technician'],
  ['mx-tech-c', 'mx-c', 'technician'],
  ['mx-lead-a', 'mx-a', 'team_lead'],
  ['mx-lead-b', 'mx-b', 'team_lead'],
  ['mx-disp-a', 'mx-a', 'dispatcher'],
  ['mx-disp-b', 'mx-b', 'dispatcher'],
  ['mx-mgr-a', 'mx-a', 'manager'],
  ['mx-mgr-b', 'mx-b', 'manager'],
  ['mx-adm-a', 'mx-a', 'admin'],
  ['mx-adm-b', 'mx-b', 'admin'],
  ['mx-req', null, 'requester'],
  ['mx-req-other', null, 'requester'],
];
const REPORTER_EMAIL = 'mx-reporter@example.edu';
const nameOf = (username: string) => `名-${username}`;
const badgeOf = (username: string) => `MX-${username.slice(3)}`;

interface Fixture {
  number: string;
  /** Text only staff who can see the ticket may read. */
  secrets: string[];
  /** Who holds and owns it: names a caller who cannot see the ticket must not learn either. */
  people: string[];
}

interface Detail {
  id: string;
  number: string;
  status: string;
  assignee: { username: string } | null;
  events: { seq: number }[];
  visible?: boolean;
}

/** Runs `work` over `items`, `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]);
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

describe('act ⇒ see: every lifecycle action × role × relation to the ticket', () => {
  const tokens = new Map<string, string>();
  let admin: string;
  let serial = 0;

  const token = (username: string): string => {
    const t = tokens.get(username);
    if (!t) throw new Error(`no token for ${username}`);
    return t;
  };

  async function act(number: string, action: string, as: string, body: Record<string, unknown>) {
    const res = await http<Detail>(desk, 'POST', `/api/tickets/${number}/${action}`, {
      token: as === 'admin' ? admin : token(as),
      body,
    });
    if (res.status !== 200)
      throw new Error(`setup ${action} on ${number} as ${as}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A ticket in the state and hands `setup` describes, made through the API as the desk would. */
  async function makeTicket(setup: Setup): Promise<Fixture> {
    serial += 1;
    const description = `矩阵工单说明 ${serial}-${Math.random().toString(36).slice(2)}`;
    const requester = `报修人${serial}`;
    const submitted = await http<{ number: string }>(desk, 'POST', '/api/tickets', {
      body: {
        locationCode: 'IH-2-301',
        category: 'network',
        description,
        requester: { name: requester, email: REPORTER_EMAIL },
      },
    });
    const { number } = submitted.body;
    const get = () => http<Detail>(desk, 'GET', `/api/tickets/${number}`, { token: admin });
    await eventually(get, (r) => r.body.status === 'assigned');
    const note = `内部备注 ${serial}-${Math.random().toString(36).slice(2)}`;
    await act(number, 'note', 'admin', { note });
    if (setup.stage === 'queued') {
      await act(number, 'transfer', 'admin', { team: 'mx-empty', reason: '没人能接' });
      await eventually(get, (r) => r.body.status === 'submitted' && r.body.assignee == null);
      return { number, secrets: [description, requester, note, REPORTER_EMAIL], people: [] };
    }
    if (setup.owner) {
      await act(number, 'transfer', 'admin', { to: setup.owner, reason: '指派' });
      await act(number, 'accept', setup.owner, {});
    }
    if (setup.holder !== setup.owner)
      await act(number, 'transfer', 'admin', { to: setup.holder, reason: '转交' });
    if (setup.stage === 'paused' || setup.stage === 'resolved')
      await act(number, 'pause', 'admin', { reason: '等待' });
    if (setup.stage === 'resolved') {
      await act(number, 'resume', 'admin', { reason: '继续' });
      await act(number, 'resolve', setup.owner ?? '', { resolution: '修好了' });
    }
    const people = [setup.holder, setup.owner].flatMap((u) => (u ? [u, nameOf(u), badgeOf(u)] : []));
    return { number, secrets: [description, requester, note, REPORTER_EMAIL], people };
  }

  beforeAll(async () => {
    admin = await loginAs(desk, 'admin');
    for (const code of TEAMS) {
      const team = await http(desk, 'POST', '/api/admin/teams', {
        token: admin,
        body: { code, name: code, nameEn: code, unitCode: 'nic' },
      });
      expect({ code, status: team.status }).toEqual({ code, status: 201 });
    }
    for (const [username, teamCode, role] of MX_STAFF) {
      const created = await http(desk, 'POST', '/api/admin/staff', {
        token: admin,
        body: {
          username,
          name: nameOf(username),
          badge: badgeOf(username),
          unitCode: 'nic',
          teamCode,
          roles: [role],
          email: username === 'mx-req' ? REPORTER_EMAIL : `${username}@example.edu`,
          password: PASSWORD,
        },
      });
      expect({ username, status: created.status }).toEqual({ username, status: 201 });
      const login = await http<{ token: string }>(desk, 'POST', '/api/auth/login', {
        body: { username, password: PASSWORD },
      });
      tokens.set(username, login.body.token);
    }
  });

  test('when each role in each relation runs each action, then the answer is the table’s, a 200 tells no more than a read, and a refusal tells nothing', async () => {
    const cells = expectedCells();
    expect(cells).toHaveLength(12 * 21 - 4);
    // Refusals change nothing, and a note changes no one's sight, so those share a ticket per setup.
    const shared = new Map<string, Promise<Fixture>>();
    const fixtureFor = (cell: Cell): Promise<Fixture> => {
      const setup = setupOf(cell);
      if (cell.expected === 200 && cell.action !== 'note') return makeTicket(setup);
      const key = JSON.stringify(setup);
      let fixture = shared.get(key);
      if (!fixture) {
        fixture = makeTicket(setup);
        shared.set(key, fixture);
      }
      return fixture;
    };
    const mismatches = (
      await inBatches(cells, 6, async (cell) => {
        const where = `${cell.action} as ${cell.role} (${cell.relation})`;
        const fixture = await fixtureFor(cell);
        const caller = callerOf(cell.role, cell.relation);
        const url = `/api/tickets/${fixture.number}/${cell.action}`;
        const res = await fetch(`${desk.baseUrl}${url}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token(caller)}`, 'content-type': 'application/json' },
          body: JSON.stringify(ACTION_BODIES[cell.action]),
        });
        const text = await res.text();
        const problems: string[] = [];
        if (res.status !== cell.expected)
          problems.push(`expected ${cell.expected}, got ${res.status}: ${text}`);
        const read = await http<Detail>(desk, 'GET', `/api/tickets/${fixture.number}`, {
          token: token(caller),
        });
        if (res.status === 200) {
          const answer = JSON.parse(text) as Detail;
          if (read.status === 200) {
            const readKeys = Object.keys(read.body).sort();
            if (JSON.stringify(Object.keys(answer).sort()) !== JSON.stringify(readKeys))
              problems.push(`answer fields ${Object.keys(answer).join(',')} differ from a read's`);
            const bySeq = new Map(read.body.events.map((e) => [e.seq, JSON.stringify(e)]));
            for (const event of answer.events ?? [])
              if (bySeq.get(event.seq) !== JSON.stringify(event))
                problems.push(`answer event ${JSON.stringify(event)} is not what a read shows`);
          } else {
            // The action took the ticket out of the caller's sight: only its number comes back.
            const receipt = { id: fixture.number, number: fixture.number, visible: false };
            if (read.status !== 403 || JSON.stringify(answer) !== JSON.stringify(receipt))
              problems.push(`a read answers ${read.status}, yet the action answered ${text}`);
          }
        } else {
          const hidden = read.status === 200 ? fixture.secrets : [...fixture.secrets, ...fixture.people];
          for (const secret of hidden) if (text.includes(secret)) problems.push(`refusal leaks "${secret}"`);
        }
        return problems.map((p) => `${where}: ${p}`);
      })
    ).flat();
    expect(mismatches).toEqual([]);
  }, 300_000);
});

describe('act ⇒ see, the reported case', () => {
  test('when tech4 (another team) adds a note to a ticket it cannot read, then 403, nothing of the ticket comes back and no note is written', async () => {
    const tech1 = await loginAs(desk, 'tech1');
    const tech4 = await loginAs(desk, 'tech4');
    const number = await ticketAcceptedBy(desk, 'tech1', '机房交换机掉线');
    const own = await http(desk, 'POST', `/api/tickets/${number}/note`, {
      token: tech1,
      body: { note: '端口 24 坏了' },
    });
    expect(own.status).toBe(200);

    const read = await http<{ detail: string }>(desk, 'GET', `/api/tickets/${number}`, { token: tech4 });
    expect(read.status).toBe(403);
    const res = await fetch(`${desk.baseUrl}/api/tickets/${number}/note`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tech4}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: '我也来看看' }),
    });
    const text = await res.text();
    expect(res.status).toBe(403);
    for (const secret of ['机房交换机掉线', '赵老师', '端口 24 坏了', '李工'])
      expect(text).not.toContain(secret);
    const notes = await desk.db.pool.query(
      `SELECT data ->> 'note' AS note FROM ticket_events WHERE ticket_number = $1 AND type = 'note'`,
      [number],
    );
    expect(notes.rows).toEqual([{ note: '端口 24 坏了' }]);
  });
});
