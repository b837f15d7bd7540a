import { summarize } from '../lib/stats';

/**
 * The load generator, a process of its own: submits tickets over HTTP at a fixed (open-loop) rate
 * for each step of BENCH_RATES and sends one `{ type: 'step', ... }` IPC message per step.
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
    const latencies: number[] = [];
    let errors = 0;
    const pending: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; performance.now() - started < stepMs; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sent = performance.now();
      pending.push(
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(10_000),
        })
          .then(async (res) => {
            await res.arrayBuffer();
            if (res.status === 201) latencies.push(performance.now() - sent);
            else errors += 1;
          })
          .catch(() => {
            errors += 1;
          }),
      );
    }
    await Promise.all(pending);
    const seconds = (performance.now() - started) / 1000;
    process.send?.({
      type: 'step',
      rate,
      achieved: latencies.length / seconds,
      errors,
      latency: summarize(latencies),
    });
  }
  process.send?.({ type: 'done' });
  process.disconnect?.();
}

main().catch((err: unknown) => {
  process.stderr.write(`load generator failed: ${String(err)}\n`);
  process.exitCode = 1;
});
