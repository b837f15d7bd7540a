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
import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

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

describe('the authorization matrix over HTTP: every operation × every kind of caller', () => {
  let desk: TestDesk;
  let ticket: string;
  const callers: Caller[] = [];

  beforeAll(async () => {
    desk = await startTestDesk();
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
  afterAll(async () => {
    await desk?.close();
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
