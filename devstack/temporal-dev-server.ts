import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { canConnect, LOOPBACK as HOST, pickPort } from './ports';
import { liveNodeParent, readProc, signalUntilGone, sleep, stopChild } from './processes';
import { ensureSearchAttributes, type DevServerSearchAttribute } from './temporal-search-attributes';

/** Frontend gRPC port the dev server tries first. */
export const TEMPORAL_DEFAULT_PORT = 7233;
/** Web UI port the dev server tries first. */
export const TEMPORAL_DEFAULT_UI_PORT = 8233;

const START_ATTEMPTS = 3;
/**
 * A port another process took between our check and the server's bind, or one the server picks for
 * itself (its internal services' ports) that was taken meanwhile: worth another attempt.
 */
const PORT_RACE = /address already in use|failed assigning ephemeral port/i;
const STOP_GRACE_MS = 10_000;

/**
 * Dynamic config every dev server of echodesk's runs with, before the caller's own settings.
 *
 * The CLI's dev server turns on `system.forceSearchAttributesCacheRefreshOnRead`, so that attributes
 * added by hand are usable at once: every workflow start, upsert and visibility write then re-reads
 * the cluster metadata and namespace from its store: about 10 of a ticket's 20 persistence operations
 * (4 of a no-op's 14), all queued on the SQLite plugin's single connection (bench/README.md, "Intake"). echodesk
 * registers its attributes itself at start and waits until they are usable, so the server's normal
 * 60-second cache is enough.
 */
export const DEV_SERVER_DYNAMIC_CONFIG: readonly string[] = [
  'system.forceSearchAttributesCacheRefreshOnRead=false',
];

export interface TemporalDevServerOptions {
  cliPath: string;
  /** Service data folder; the SQLite file, pid file and server log live in `<dataDir>/temporal`. */
  dataDir: string;
  namespace: string;
  /** Preferred frontend port (default 7233); 0 means any free port. */
  port?: number;
  /** Preferred UI port (default 8233); 0 means any free port. */
  uiPort?: number;
  searchAttributes: readonly DevServerSearchAttribute[];
  /** `PRAGMA=VALUE` statements for the SQLite store (the CLI's --sqlite-pragma), e.g. "synchronous=NORMAL". */
  sqlitePragmas?: readonly string[];
  /** `KEY=VALUE` dynamic config settings (the CLI's --dynamic-config-value) after DEV_SERVER_DYNAMIC_CONFIG, e.g. "system.enableActivityEagerExecution=true"; a key given again overrides it. */
  dynamicConfig?: readonly string[];
  /** Receives notices such as "preferred port busy"; default silent. */
  log?: (line: string) => void;
  /** How long to wait for the frontend to answer; default 60 s. */
  startTimeoutMs?: number;
}

export interface TemporalDevServer {
  /** host:port of the frontend. */
  address: string;
  uiUrl: string;
  /** Process id of the server (also in `<dataDir>/temporal/dev-server.pid` while it runs). */
  pid: number | undefined;
  /** The server's own output (overwritten at each start). */
  logFile: string;
  /** SIGTERM, then SIGKILL after 10 s; safe to call twice. */
  stop(): Promise<void>;
}

interface Paths {
  dir: string;
  dbFile: string;
  pidFile: string;
  logFile: string;
}

/** Runs `temporal server start-dev` on a persistent SQLite file and returns once the namespace answers. */
export async function startTemporalDevServer(opts: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const log = opts.log ?? (() => undefined);
  const paths = devServerPaths(opts.dataDir);
  await mkdir(paths.dir, { recursive: true });
  await stopOrphan(paths, log);
  for (let attempt = 1; ; attempt++) {
    const ports = await choosePorts(opts, attempt === 1, log);
    const child = spawnServer(opts, paths, ports);
    await writeFile(paths.pidFile, `${child.pid ?? ''}\n`);
    const stop = once(() =>
      stopChild(child, 'SIGTERM', STOP_GRACE_MS).then(() => removePidFile(paths.pidFile, child.pid)),
    );
    try {
      await startUp(child, opts, paths, `${HOST}:${ports.port}`);
      return {
        address: `${HOST}:${ports.port}`,
        uiUrl: `http://${HOST}:${ports.uiPort}`,
        pid: child.pid,
        logFile: paths.logFile,
        stop,
      };
    } catch (err) {
      await stop();
      // The whole log: a Go panic puts its reason above a long stack, out of any short tail.
      const portTaken = PORT_RACE.test(await readLog(paths.logFile));
      if (!portTaken || attempt >= START_ATTEMPTS) throw err;
    }
  }
}

function devServerPaths(dataDir: string): Paths {
  const dir = path.join(path.resolve(dataDir), 'temporal');
  return {
    dir,
    dbFile: path.join(dir, 'temporal.db'),
    pidFile: path.join(dir, 'dev-server.pid'),
    logFile: path.join(dir, 'dev-server.log'),
  };
}

async function choosePorts(
  opts: TemporalDevServerOptions,
  preferDefaults: boolean,
  log: (line: string) => void,
): Promise<{ port: number; uiPort: number }> {
  const wantedPort = preferDefaults ? (opts.port ?? TEMPORAL_DEFAULT_PORT) : 0;
  const wantedUi = preferDefaults ? (opts.uiPort ?? TEMPORAL_DEFAULT_UI_PORT) : 0;
  const port = await pickPort(wantedPort, HOST);
  let uiPort = await pickPort(wantedUi, HOST);
  while (uiPort === port) uiPort = await pickPort(0, HOST);
  if (wantedPort !== 0 && port !== wantedPort) log(`Port ${wantedPort} is busy; Temporal uses ${port}`);
  if (wantedUi !== 0 && uiPort !== wantedUi) log(`Port ${wantedUi} is busy; the Temporal UI uses ${uiPort}`);
  return { port, uiPort };
}

function spawnServer(opts: TemporalDevServerOptions, paths: Paths, ports: { port: number; uiPort: number }) {
  const args = ['server', 'start-dev', '--db-filename', paths.dbFile, '--ip', HOST];
  args.push('--port', String(ports.port), '--ui-port', String(ports.uiPort), '--namespace', opts.namespace);
  for (const attribute of opts.searchAttributes)
    args.push('--search-attribute', `${attribute.name}=${attribute.type}`);
  for (const pragma of opts.sqlitePragmas ?? []) args.push('--sqlite-pragma', pragma);
  for (const setting of dynamicConfig(opts.dynamicConfig ?? [])) args.push('--dynamic-config-value', setting);
  args.push('--log-level', 'warn');
  const out = openSync(paths.logFile, 'w');
  try {
    // Own process group: a terminal's Ctrl-C reaches only the host, which stops the server in its turn.
    const child = spawn(opts.cliPath, args, { stdio: ['ignore', out, out], detached: true });
    // If the host exits without stop(), the server still gets a polite SIGTERM.
    const onExit = () => child.kill('SIGTERM');
    process.once('exit', onExit);
    child.once('exit', () => process.removeListener('exit', onExit));
    return child;
  } finally {
    closeSync(out);
  }
}

/** DEV_SERVER_DYNAMIC_CONFIG with the caller's settings on top, one value per key (the CLI would take both, leaving which applies to it). */
export function dynamicConfig(settings: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const setting of [...DEV_SERVER_DYNAMIC_CONFIG, ...settings]) {
    const eq = setting.indexOf('=');
    if (eq <= 0) throw new Error(`Dynamic config "${setting}" is not KEY=VALUE`);
    byKey.set(setting.slice(0, eq), setting);
  }
  return [...byKey.values()];
}

async function startUp(child: ChildProcess, opts: TemporalDevServerOptions, paths: Paths, address: string) {
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  const failed = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`exited early (code ${code}, signal ${signal})`)));
  });
  failed.catch(() => undefined);
  try {
    const connection = await Promise.race([
      connectWhenReady(child, address, opts.namespace, deadline),
      failed,
    ]);
    try {
      await ensureSearchAttributes(connection, opts.namespace, opts.searchAttributes, paths.dbFile);
    } finally {
      await connection.close();
    }
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const log = await readLog(paths.logFile);
    // A panic's reason line comes first, then its stack: show it with the tail.
    const panic = /^panic: .*$/m.exec(log)?.[0];
    const tail = log.trimEnd().split('\n').slice(-20).join('\n');
    throw new Error(
      `Temporal dev server (${opts.cliPath}) did not start: ${reason}\n${panic ? `${panic}\n` : ''}${tail}`,
      {
        cause: err,
      },
    );
  }
}

async function connectWhenReady(
  child: ChildProcess,
  address: string,
  namespace: string,
  deadline: number,
): Promise<Connection> {
  let lastError: unknown = new Error('no answer yet');
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  while (Date.now() < deadline && child.exitCode === null && child.signalCode === null) {
    if (await canConnect(HOST, port)) {
      try {
        return await connectToNamespace(address, namespace);
      } catch (err) {
        lastError = err;
      }
    }
    await sleep(100);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`no answer from ${address} for namespace "${namespace}": ${reason}`);
}

async function connectToNamespace(address: string, namespace: string): Promise<Connection> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return connection;
  } catch (err) {
    await connection.close();
    throw err;
  }
}

/** A dev server still running on this SQLite file after its parent died is stopped before a new start. */
async function stopOrphan(paths: Paths, log: (line: string) => void): Promise<void> {
  const pid = Number.parseInt(await readFile(paths.pidFile, 'utf8').catch(() => ''), 10);
  const cmdline = Number.isInteger(pid) ? readProc(pid, 'cmdline') : undefined;
  if (cmdline?.includes('start-dev') && cmdline.includes(paths.dbFile)) {
    const ppid = liveNodeParent(pid);
    if (ppid !== undefined) {
      throw new Error(
        `A Temporal dev server (pid ${pid}) already runs on ${paths.dbFile} under process ${ppid}.`,
      );
    }
    log(`Stopping orphaned Temporal dev server (pid ${pid}) left running on ${paths.dbFile}`);
    await signalUntilGone(pid, [
      ['SIGTERM', STOP_GRACE_MS],
      ['SIGKILL', STOP_GRACE_MS],
    ]);
  }
  await rm(paths.pidFile, { force: true });
}

/** Removes the pid file unless a newer server has already replaced it. */
async function removePidFile(pidFile: string, pid: number | undefined): Promise<void> {
  const recorded = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (recorded !== undefined && recorded.trim() === String(pid ?? '')) await rm(pidFile, { force: true });
}

/** The server's output of its latest start (empty if there is none). */
function readLog(file: string): Promise<string> {
  return readFile(file, 'utf8').catch(() => '');
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= fn());
}
