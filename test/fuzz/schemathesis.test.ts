import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveSchemathesis } from '../../scripts/lib/schemathesis';
import { eventually, http, loginAs, startTestDesk, type TestDesk } from '../support/desk';

const MAX_EXAMPLES = 10;
const RUN_TIMEOUT_MS = 150_000;

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

describe('schemathesis against the live API, from its own OpenAPI document', () => {
  let desk: TestDesk;
  let workdir: string;
  beforeAll(async () => {
    workdir = await mkdtemp(path.join(tmpdir(), 'echodesk-fuzz-'));
    desk = await startTestDesk();
  });
  afterAll(async () => {
    await desk?.close();
    if (workdir) await rm(workdir, { recursive: true, force: true });
  });

  test(
    'when every operation is fuzzed, then there is no 5xx, no response outside the document, and no half-written state',
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
      const { code, output } = await runCli(
        st.command,
        [
          ...st.args,
          'run',
          `${desk.baseUrl}/api/openapi.json`,
          '--checks',
          'not_a_server_error,response_schema_conformance',
          '--max-examples',
          String(MAX_EXAMPLES),
          '--phases',
          'examples,coverage,fuzzing',
          '--seed',
          '20261127',
          // One worker: hypothesis's lambda descriptions are not thread-safe on Python 3.11.
          '--workers',
          '1',
          '--no-shrink',
          '--header',
          `Authorization: Bearer ${issued.body.token}`,
        ],
        st.env,
        workdir,
      );
      if (code !== 0) console.log(output.slice(-20_000));
      expect(code).toBe(0);
      // The token worked throughout: no operation answered only 401 (403 is the matrix refusing the admin, e.g. accept).
      expect(output).not.toMatch(/401 Unauthorized \(\d+ operations?\)/);
      expect(output).toMatch(/Tested: \d+/);

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
    RUN_TIMEOUT_MS + 60_000,
  );
});
