import type { ChildProcess } from 'node:child_process';
import { runMain, stopChild } from '../lib/proc';
import { startBenchStack, TEMPORAL_SQLITE_PRAGMAS } from '../lib/stack';
import { startDesk, temporalMetricsUrl } from './desk';
import { sleep } from '../lib/stats';
import { BENCH_TASK_QUEUE } from './workflows';

/**
 * What the Temporal server's store does for one ticket and for one no-op workflow: persistence
 * operations by name (from the dev server's Prometheus endpoint), per item, with N (default 200) of
 * each sent at 20/s and their work finished. Found the dev server's search attribute re-reads
 * (bench/README.md, "Intake"); BENCH_DYNAMIC_CONFIG adds dev server settings for an A/B.
 *
 *   npx tsx bench/intake/store-ops.ts
 */
async function opsByName(url: string): Promise<Map<string, number>> {
  const text = await fetch(url).then((r) => r.text());
  const m = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\w*persistence_requests)\{([^}]*)\} (\S+)$/.exec(line);
    if (!match) continue;
    const op = `${match[1].replace('persistence_requests', '')}${/operation="([^"]+)"/.exec(match[2])?.[1] ?? '?'}`;
    m.set(op, (m.get(op) ?? 0) + Number(match[3]));
  }
  return m;
}
function diff(a: Map<string, number>, b: Map<string, number>, n: number): Map<string, number> {
  const d = new Map<string, number>();
  for (const [k, v] of b) {
    const x = (v - (a.get(k) ?? 0)) / n;
    if (x > 0.005) d.set(k, x);
  }
  return d;
}

runMain(async () => {
  const stack = await startBenchStack({
    sqlitePragmas: TEMPORAL_SQLITE_PRAGMAS,
    dynamicConfig: (process.env.BENCH_DYNAMIC_CONFIG ?? '').split(',').filter(Boolean),
  });
  const children: ChildProcess[] = [];
  try {
    const { port } = await startDesk(stack, children);
    const url = await temporalMetricsUrl(stack.dataDir);
    if (!url) throw new Error('the dev server printed no metrics address');
    const N = Number(process.env.N ?? 200);
    await sleep(3000);
    // idle
    let a = await opsByName(url);
    await sleep(10000);
    const idle = diff(a, await opsByName(url), 10);
    a = await opsByName(url);
    for (let i = 0; i < N; i++) {
      await stack.client.workflow.start('noopWorkflow', {
        workflowId: `diag-noop-${i}`,
        taskQueue: BENCH_TASK_QUEUE,
        args: [],
      });
      await sleep(50);
    }
    await sleep(5000);
    const noop = diff(a, await opsByName(url), N);
    a = await opsByName(url);
    const body = JSON.stringify({
      locationCode: 'IH-2-301',
      category: 'wifi',
      description: '无线网络连不上（diag）',
      requester: { name: '压测同学' },
    });
    for (let i = 0; i < N; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      if (r.status !== 201) throw new Error(`status ${r.status}`);
      await sleep(50);
    }
    await sleep(5000);
    const ticket = diff(a, await opsByName(url), N);
    const ops = [...new Set([...noop.keys(), ...ticket.keys(), ...idle.keys()])].sort();
    console.log('operation'.padEnd(40), 'idle/s'.padStart(8), 'noop'.padStart(8), 'ticket'.padStart(8));
    let tn = 0,
      tt = 0;
    for (const op of ops) {
      const n = noop.get(op) ?? 0,
        t = ticket.get(op) ?? 0;
      tn += n;
      tt += t;
      console.log(
        op.padEnd(40),
        (idle.get(op) ?? 0).toFixed(2).padStart(8),
        n.toFixed(2).padStart(8),
        t.toFixed(2).padStart(8),
      );
    }
    console.log('total'.padEnd(40), ''.padStart(8), tn.toFixed(2).padStart(8), tt.toFixed(2).padStart(8));
  } finally {
    for (const c of children.reverse()) await stopChild(c);
    await stack.stop();
  }
});
