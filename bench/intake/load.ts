import http from 'node:http';
import { openLoop } from '../lib/open-loop';
import { summarize } from '../lib/stats';

// Plain node:http with keep-alive: the load generator shares the 2 cores with the desk, and fetch costs
// about twice the CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs a JSON body and resolves with the status once the response is read; 10 s timeout. */
function post(url: string, body: string): Promise<number> {
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
        res.on('end', () => resolve(res.statusCode ?? 0));
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
    const step = await openLoop(rate, stepMs, async () => {
      const status = await post(url, body);
      return status === 201 ? undefined : String(status);
    });
    process.send?.({
      type: 'step',
      rate,
      achieved: step.achieved,
      errors: step.errors,
      failures: step.failures,
      latency: summarize(step.latencies),
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
