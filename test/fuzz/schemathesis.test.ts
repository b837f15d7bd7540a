import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AUTHZ_MATRIX, OPERATION_IDS } from '../../domain/authz';
import { readFuzzCalls, resolveSchemathesis, type FuzzCall } from '../../devstack/schemathesis';
import { eventually, fastPolicy, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

const MAX_EXAMPLES = 10;
/** Scenarios of the stateful phase, each up to STATEFUL_STEPS calls chained by the document's links. */
const STATEFUL_SCENARIOS = 80;
const STATEFUL_STEPS = 16;
const RUN_TIMEOUT_MS = 150_000;
/** Statuses only an operation that found the ticket (and, for a requester, accepted its token) can answer. */
const ON_A_LIVE_TICKET = new Set([200, 409, 422]);
/** Every operation as the document names it, e.g. `POST /api/tickets/{id}/accept`. */
const DOCUMENTED = new Set(
  OPERATION_IDS.map((id) => `${AUTHZ_MATRIX[id].method} ${AUTHZ_MATRIX[id].path.replace(/:(\w+)/g, '{$1}')}`),
);
/** Operations on one ticket: each must be fuzzed on a live one. */
const PER_TICKET = [...DOCUMENTED].filter((op) => op.includes(' /api/tickets/{id}'));

/**
 * The admin becomes the one technician on duty (every skill and zone, around the clock, in team `net`;
 * the other technicians are inactive), so every ticket is dispatched to the fuzzer's own token and every
 * action, from accept to resolve, can succeed; and the places reports use are in service. Applied again
 * before the stateful run, undoing what the first run's fuzzed admin calls changed.
 */
async function prepareDesk(desk: TestDesk): Promise<void> {
  const { pool } = desk.db;
  await pool.query(
    `UPDATE staff SET roles = ARRAY['admin', 'manager', 'dispatcher', 'team_lead', 'technician'],
       team_code = 'net', skills = ARRAY['network', 'av', 'desktop', 'account'], zones = ARRAY['*']
     WHERE username = 'admin'`,
  );
  await pool.query("DELETE FROM shifts WHERE username = 'admin'");
  await pool.query(
    `INSERT INTO shifts (username, weekday, starts, ends)
     SELECT 'admin', d, '00:00', '00:00' FROM generate_series(1, 7) AS d`,
  );
  await pool.query("UPDATE staff SET active = false WHERE username <> 'admin' AND 'technician' = ANY(roles)");
  await pool.query('UPDATE locations SET active = true WHERE code = ANY($1)', [LOCATIONS]);
}

/** Every seeded place but the lift; both categories are offered at each of them. */
const LOCATIONS = [
  'IH-1-101',
  'IH-2-201',
  'IH-2-301',
  'B2-1-105',
  'B2-3-305',
  'B2-4-LAB1',
  'LIB-1-HALL',
  'LIB-3-READ',
  'ADM-2-210',
  'DORM5-2-201',
  'DORM5-LOBBY',
  'RES-CENTER',
];
const CATEGORIES = ['wifi', 'account'];

interface Fixture {
  number: string;
  trackingToken: string;
}

/** Live tickets for the first run's per-ticket paths: assigned, in progress, and two resolved (to confirm, to reject). */
async function fixtureTickets(desk: TestDesk, token: string): Promise<Fixture[]> {
  const fixtures: Fixture[] = [];
  for (const [i, steps] of [[], ['accept'], ['accept', 'resolve'], ['accept', 'resolve']].entries()) {
    const submitted = await http<Fixture>(desk, 'POST', '/api/tickets', {
      body: {
        locationCode: LOCATIONS[i],
        category: CATEGORIES[0],
        description: `fixture ${i}`,
        requester: { name: 'Fuzz' },
      },
    });
    expect(submitted.status).toBe(201);
    const { number, trackingToken } = submitted.body;
    await eventually(
      () => http<{ status: string }>(desk, 'GET', `/api/tickets/${number}`, { token }),
      (res) => res.body.status === 'assigned',
      20_000,
    );
    for (const step of steps) {
      const body = step === 'resolve' ? { resolution: 'fixed' } : {};
      const res = await http(desk, 'POST', `/api/tickets/${number}/${step}`, { token, body });
      expect({ step, status: res.status }).toEqual({ step, status: 200 });
    }
    fixtures.push({ number, trackingToken });
  }
  return fixtures;
}

/** Text the desk's text rule accepts, in many scripts and shapes: written the way people write. */
const TEXTS = [
  '网线断了，需要更换水晶头',
  'Waiting for parts 🔧 (ETA Friday)',
  'العربية مع עברית and English',
  'x',
  '  spaces around  ',
  'line one\nline two\ttabbed',
  'ｆｕｌｌ　ｗｉｄｔｈ',
  'cafe\u0301 with a combining accent',
  'an RTL \u202eoverride inside',
  'zero\u200bwidth joiner',
];

/**
 * schemathesis.toml: real ticket numbers for per-ticket paths (but cancel, which would end them), real
 * places and readable text for reports and actions, each most of the time (the rest stays random); in
 * the stateful phase only the document's links and valid requests, so chains get deep into the
 * lifecycle. With `answering`, confirm and reject each answer as the requester of a resolved ticket;
 * the stateful run leaves that out, as a configured header would override the token its links carry. The QR code is limited to a few examples: under Jest's module sandbox `qrcode` takes
 * seconds per image (milliseconds under plain Node).
 */
function config(tickets: Fixture[], answering?: { confirm: Fixture; reject: Fixture }): string {
  const list = (values: string[]) => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;
  const some = (dictionary: string, probability = 0.5) =>
    `{ dictionary = "${dictionary}", probability = ${probability} }`;
  return `
[dictionaries.tickets]
values = ${list(tickets.map((t) => t.number))}

[dictionaries.locations]
values = ${list(LOCATIONS)}

[dictionaries.categories]
values = ${list(CATEGORIES)}

[dictionaries.texts]
values = ${list(TEXTS)}

[dictionaries.priorities]
values = ${list(Object.keys(fastPolicy.priorities))}

[dictionaries.teams]
values = ["net", "onsite"]

[parameters]
"body.description" = ${some('texts')}
"body.requester.name" = ${some('texts')}
"body.reason" = ${some('texts')}
"body.note" = ${some('texts')}
"body.resolution" = ${some('texts')}
"body.comment" = ${some('texts')}
"body.priority" = ${some('priorities')}
"body.team" = ${some('teams')}

[phases.stateful]
max-steps = ${STATEFUL_STEPS}
inference.algorithms = []

[phases.stateful.generation]
max-examples = ${STATEFUL_SCENARIOS}
mode = "positive"

[[operations]]
include-path-regex = "^/api/tickets/[{]id[}]"
exclude-operation-id = ${list(['tickets.cancel', ...(answering ? ['tickets.confirm', 'tickets.reject'] : [])])}
parameters = { "path.id" = ${some('tickets', 0.8)} }
${Object.entries(answering ?? {})
  .map(
    ([action, ticket]) => `
[[operations]]
include-operation-id = "tickets.${action}"
parameters = { "path.id" = "${ticket.number}" }
headers = { X-Tracking-Token = "${ticket.trackingToken}" }
`,
  )
  .join('')}
[[operations]]
include-operation-id = "tickets.submit"
parameters = { "body.locationCode" = ${some('locations', 0.8)}, "body.category" = ${some('categories', 0.8)} }

[[operations]]
include-operation-id = "locations.qr"
generation.max-examples = 2
`;
}

function runCli(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** What a run covered, in one paragraph for the test log (and the issue's closing note). */
function coverage(calls: FuzzCall[], seconds: number): string {
  const lines: string[] = [];
  for (const phase of ['examples', 'coverage', 'fuzzing', 'stateful']) {
    const mine = calls.filter((c) => c.phase === phase);
    const documented = mine.filter((c) => DOCUMENTED.has(c.operation));
    const ops = new Set(documented.map((c) => c.operation)).size;
    const others = mine.length - documented.length;
    lines.push(
      `${phase}: ${documented.length} calls over ${ops} operations${others ? ` (+${others} with a method the path lacks)` : ''}`,
    );
  }
  const stateful = calls.filter((c) => c.phase === 'stateful');
  const links = new Set(stateful.flatMap((c) => (c.link ? [c.link] : [])));
  lines.push(
    `stateful: ${new Set(stateful.map((c) => c.scenario)).size} scenarios, ${links.size} links followed`,
  );
  for (const op of PER_TICKET) {
    const statuses = stateful.filter((c) => c.operation === op).map((c) => c.status);
    const counts = [...new Set(statuses)].map((s) => `${s}×${statuses.filter((x) => x === s).length}`);
    lines.push(`  ${op}: ${counts.join(' ')}`);
  }
  const serverErrors = calls.filter((c) => (c.status ?? 0) >= 500).length;
  lines.push(`5xx: ${serverErrors}; ${calls.length} calls in ${seconds.toFixed(0)} s`);
  return lines.join('\n');
}

describe('schemathesis against the live API, from its own OpenAPI document', () => {
  let desk: TestDesk;
  let workdir: string;
  beforeAll(async () => {
    workdir = await mkdtemp(path.join(tmpdir(), 'echodesk-fuzz-'));
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
    // FUZZ_KEEP=1 keeps the configuration and the NDJSON reports (every request and answer) to look into.
    if (workdir && !process.env.FUZZ_KEEP) await rm(workdir, { recursive: true, force: true });
  });

  test(
    'when every operation is fuzzed, then also on live tickets through the links, there is no 5xx, no response outside the document, and no half-written state',
    async () => {
      const st = await resolveSchemathesis();
      // An integration token with every scope, acting as the admin: fuzzed password changes or sign-outs cannot end it.
      const admin = await loginAs(desk, 'admin');
      // Far from the ids fuzzing tries (1, 2, …), so DELETE /api/admin/api-tokens/{id} cannot revoke it.
      await desk.db.pool.query("SELECT setval('api_tokens_id_seq', 987654321)");
      const issued = await http<{ token: string }>(desk, 'POST', '/api/admin/api-tokens', {
        token: admin,
        body: {
          name: 'fuzz',
          username: 'admin',
          scopes: ['tickets:read', 'tickets:write', 'reports:read', 'admin'],
        },
      });
      expect(issued.status).toBe(201);
      await prepareDesk(desk);
      const fixtures = await fixtureTickets(desk, issued.body.token);
      await writeFile(
        path.join(workdir, 'unit.toml'),
        config(fixtures, { confirm: fixtures[2], reject: fixtures[3] }),
      );
      await writeFile(path.join(workdir, 'stateful.toml'), config(fixtures));

      const started = Date.now();
      const run = async (phases: string, name: string) => {
        const { code, output } = await runCli(
          st.command,
          [
            ...st.args,
            '--config-file',
            path.join(workdir, `${name}.toml`),
            'run',
            `${desk.baseUrl}/api/openapi.json`,
            '--checks',
            'not_a_server_error,response_schema_conformance,unsupported_method,allow_header_conformance',
            '--max-examples',
            String(MAX_EXAMPLES),
            '--phases',
            phases,
            '--seed',
            '20261127',
            // One worker: hypothesis's lambda descriptions are not thread-safe on Python 3.11.
            '--workers',
            '1',
            '--no-shrink',
            '--report',
            'ndjson',
            '--report-ndjson-path',
            path.join(workdir, `${name}.ndjson`),
            '--header',
            `Authorization: Bearer ${issued.body.token}`,
          ],
          st.env,
          workdir,
        );
        // FUZZ_LOG=1 prints schemathesis's own summary (warnings included) on success too.
        if (code !== 0 || process.env.FUZZ_LOG) console.log(output.slice(-20_000));
        expect(code).toBe(0);
        // The token worked throughout: no operation answered only 401 (403 is e.g. confirm, the requester's alone).
        expect(output).not.toMatch(/401 Unauthorized \(\d+ operations?\)/);
        expect(output).toMatch(/Tested: \d+/);
        return readFuzzCalls(path.join(workdir, `${name}.ndjson`));
      };
      // Each operation on its own (real ticket numbers from the fixture), then chains from a fresh report.
      const calls = await run('examples,coverage,fuzzing', 'unit');
      await prepareDesk(desk);
      calls.push(...(await run('stateful', 'stateful')));
      console.log(coverage(calls, (Date.now() - started) / 1000));

      expect(calls.filter((c) => c.status == null || c.status >= 500)).toEqual([]);
      // Every operation on a ticket was reached on a live one, through a link from the report that made it.
      const live = new Set(
        calls
          .filter((c) => c.phase === 'stateful' && c.link && ON_A_LIVE_TICKET.has(c.status ?? 0))
          .map((c) => c.operation),
      );
      expect(PER_TICKET.filter((op) => !live.has(op))).toEqual([]);

      // Every accepted report reached its workflow and the read model; nothing points at what is not there.
      const pool = desk.db.pool;
      await eventually(
        () =>
          pool.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM ticket_intake i WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.number = i.number)',
          ),
        (r) => r.rows[0].n === 0,
        20_000,
      );
      const orphans = await pool.query<{ what: string; n: number }>(`
        SELECT 'events without ticket' AS what, count(*)::int AS n FROM ticket_events e
          WHERE NOT EXISTS (SELECT 1 FROM tickets t WHERE t.number = e.ticket_number)
        UNION ALL SELECT 'tickets without intake', count(*)::int FROM tickets t
          WHERE NOT EXISTS (SELECT 1 FROM ticket_intake i WHERE i.number = t.number)
        UNION ALL SELECT 'tickets without events', count(*)::int FROM tickets t
          WHERE NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_number = t.number)
        UNION ALL SELECT 'staff without password', count(*)::int FROM staff WHERE password_hash NOT LIKE '$argon2id$%'`);
      expect(orphans.rows).toEqual(orphans.rows.map((r) => ({ what: r.what, n: 0 })));
    },
    2 * RUN_TIMEOUT_MS + 60_000,
  );
});
