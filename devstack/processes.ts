import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Whether a process with this id exists (one owned by another user counts). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A /proc file of `pid` with NULs as spaces; undefined when there is no such process or no /proc. */
export function readProc(pid: number, file: 'cmdline' | 'comm' | 'stat'): string | undefined {
  try {
    // Synchronous on purpose: /proc reads do not block, and callers run at start-up.
    return readFileSync(`/proc/${pid}/${file}`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

export function parentPid(pid: number): number | undefined {
  const stat = readProc(pid, 'stat');
  const ppid = Number.parseInt(stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '', 10);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/**
 * The parent of a server left on a data folder when that parent is a live node process, i.e. another
 * echodesk still using it; undefined for an orphan (reparented to init) that may be stopped.
 */
export function liveNodeParent(pid: number): number | undefined {
  const ppid = parentPid(pid);
  return ppid !== undefined && ppid !== 1 && readProc(ppid, 'comm')?.trim() === 'node' ? ppid : undefined;
}

/**
 * Sends each signal of `ladder` in turn, waiting up to its time for the process to go; true once it
 * is gone (or was never there), false if it outlived the whole ladder.
 */
export async function signalUntilGone(
  pid: number,
  ladder: readonly (readonly [NodeJS.Signals, number])[],
): Promise<boolean> {
  for (const [signal, waitMs] of ladder) {
    try {
      process.kill(pid, signal);
    } catch {
      return true;
    }
    const deadline = Date.now() + waitMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (!isAlive(pid)) return true;
  }
  return false;
}

/** Sends `signal` to a child and waits for its exit; SIGKILL after `graceMs`. */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
