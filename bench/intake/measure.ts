import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { ProcessMeter } from '../lib/proc';
import { sleep } from '../lib/stats';

/** CPU seconds each meter has counted so far. */
export const cpuNow = (meters: readonly ProcessMeter[]): number[] => meters.map((m) => m.cpuSoFar());

/** CPU ms per item since `before`: the sum over all meters, and "label ms, ..." for each. */
export function cpuPerItem(
  meters: readonly ProcessMeter[],
  before: readonly number[],
  count: number,
): { totalMs: number; split: string } {
  const perItem = cpuNow(meters).map((now, i) => ((now - before[i]) * 1000) / Math.max(1, count));
  return {
    totalMs: perItem.reduce((sum, ms) => sum + ms, 0),
    split: meters.map((m, i) => `${m.label} ${perItem[i].toFixed(1)}`).join(', '),
  };
}

/** What each process burns with no load at all over 5 s, "label N%, ...", so per-item figures can be read net of it. */
export async function idleCpu(meters: readonly ProcessMeter[]): Promise<string> {
  const before = cpuNow(meters);
  const started = Date.now();
  await sleep(5000);
  const seconds = (Date.now() - started) / 1000;
  return meters
    .map((m, i) => `${m.label} ${((100 * (m.cpuSoFar() - before[i])) / seconds).toFixed(0)}%`)
    .join(', ');
}

/** This process (and all it starts) on every CPU but 0, which `pinToCpu0` leaves to the Temporal server. */
export function pinOffCpu0(): void {
  execFileSync('taskset', ['-a', '-p', '-c', `1-${availableParallelism() - 1}`, String(process.pid)]);
}

export function pinToCpu0(pid: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', '0', String(pid)]);
}

export interface PersistenceTotals {
  ops: number;
  seconds: number;
}

/** Persistence operations the server has run so far, and their summed latency (s): all services, all operations. */
export async function persistenceTotals(url: string | undefined): Promise<PersistenceTotals> {
  const totals = { ops: 0, seconds: 0 };
  if (!url) return totals;
  const text = await fetch(url).then(
    (res) => res.text(),
    () => '',
  );
  for (const line of text.split('\n')) {
    const match = /^persistence_(requests|latency_sum)\{[^}]*\} (\S+)$/.exec(line);
    if (!match) continue;
    if (match[1] === 'requests') totals.ops += Number(match[2]);
    else totals.seconds += Number(match[2]);
  }
  return totals;
}

/** "N persistence ops per item, mean M ms each" between two readings (M grows with queueing on the store). */
export function persistenceLine(before: PersistenceTotals, after: PersistenceTotals, items: number): string {
  const ops = after.ops - before.ops;
  if (ops <= 0) return 'persistence: n/a';
  return `persistence ${(ops / Math.max(1, items)).toFixed(1)} ops each, mean ${((1000 * (after.seconds - before.seconds)) / ops).toFixed(1)} ms`;
}
