import http from 'node:http';
import { openLoop } from '../lib/open-loop';
import { summarize } from '../lib/stats';

// Plain node:http with keep-alive: the load generator shares the 2 cores with the desk, and fetch costs
// about twice the CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

interface Answer {
  status: number;
  /** The API's Server-Timing phases (db, temporal) in ms. */
  timing: Record<string, number>;
}

function serverTiming(header: string | string[] | undefined): Record<string, number> {
  const timing: Record<string, number> = {};
  for (const part of String(header ?? '').split(',')) {
    const match = /^\s*([\w-]+);dur=([\d.]+)/.exec(part);
    if (match) timing[match[1]] = Number(match[2]);
  }
  return timing;
}

/** POSTs a JSON body and resolves with the status and Server-Timing once the response is read; 10 s timeout. */
function post(url: string, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, timing: serverTiming(res.headers['server-timing']) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * The load generator, a process of its own: submits tickets over HTTP at a fixed (open-loop) rate
 * for each step of BENCH_RATES, sends one `{ type: 'step', ... }` IPC message per step and waits for
 * any message back before the next.
 */
async function main(): Promise<void> {
  const url = `${process.env.BENCH_API_URL}/api/tickets`;
  const rates = (process.env.BENCH_RATES ?? '10').split(',').map(Number);
  const stepMs = Number(process.env.BENCH_STEP_SECONDS ?? 10) * 1000;
  const body = JSON.stringify({
    locationCode: 'IH-2-301',
    category: 'wifi',
    description: '无线网络连不上（intake bench）',
    requester: { name: '压测同学' },
  });
  for (const rate of rates) {
    // Per acknowledged report: its time in PostgreSQL, in the Temporal start, and the rest (HTTP, the API's
    // event loop, queueing), so the p99 can be traced to where it is spent.
    const phases = { db: [] as number[], temporal: [] as number[], rest: [] as number[] };
    const step = await openLoop(rate, stepMs, async () => {
      const sent = performance.now();
      const { status, timing } = await post(url, body);
      if (status !== 201) return String(status);
      const db = timing.db ?? 0;
      const temporal = timing.temporal ?? 0;
      phases.db.push(db);
      phases.temporal.push(temporal);
      phases.rest.push(performance.now() - sent - db - temporal);
      return undefined;
    });
    process.send?.({
      type: 'step',
      rate,
      achieved: step.achieved,
      errors: step.errors,
      failures: step.failures,
      latency: summarize(step.latencies),
      phases: {
        db: summarize(phases.db),
        temporal: summarize(phases.temporal),
        rest: summarize(phases.rest),
      },
      startedAtMs: step.startedAtMs,
      sentUntilMs: step.sentUntilMs,
    });
    // The parent answers once the desk has worked off this step, so every rate starts from a quiet desk.
    await new Promise<void>((resolve) => process.once('message', () => resolve()));
  }
  process.send?.({ type: 'done' });
  process.disconnect?.();
}

main().catch((err: unknown) => {
  process.stderr.write(`load generator failed: ${String(err)}\n`);
  process.exitCode = 1;
});
