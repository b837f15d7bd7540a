import { sleep } from './stats';

export interface OpenLoopResult {
  /** Milliseconds from send to answer, of the requests that succeeded. */
  latencies: number[];
  errors: number;
  /** Failed requests by what `send` named (e.g. an HTTP status) or by error message. */
  failures: Record<string, number>;
  /** Successful requests per second over the whole step, its stragglers included. */
  achieved: number;
  /** Wall-clock window in which the requests were sent. */
  startedAtMs: number;
  sentUntilMs: number;
}

/**
 * Calls `send(i)` at `rate` per second for `ms` on a fixed schedule (open loop: a slow answer never
 * delays the next request, as with people reporting), then waits for every answer. `send` resolves with
 * undefined on success, with a label on failure, or rejects. The intake's load generator and the no-op
 * ceiling share it, so both are measured the same way.
 */
export async function openLoop(
  rate: number,
  ms: number,
  send: (i: number) => Promise<string | undefined>,
): Promise<OpenLoopResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let errors = 0;
  const fail = (what: string) => {
    errors += 1;
    failures[what] = (failures[what] ?? 0) + 1;
  };
  const pending: Promise<void>[] = [];
  const startedAtMs = Date.now();
  const started = performance.now();
  for (let i = 0; performance.now() - started < ms; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    pending.push(
      send(i).then(
        (failure) => (failure === undefined ? void latencies.push(performance.now() - sent) : fail(failure)),
        (err: unknown) => fail(err instanceof Error ? err.message : String(err)),
      ),
    );
  }
  const sentUntilMs = Date.now();
  await Promise.all(pending);
  const achieved = latencies.length / ((performance.now() - started) / 1000);
  return { latencies, errors, failures, achieved, startedAtMs, sentUntilMs };
}
