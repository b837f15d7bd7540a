import http from 'node:http';
import { summarize } from '../lib/stats';

/**
 * The load generator, run as its own process on loopback: `--url` with `{n}` replaced by a random ticket
 * index in 1..--tickets, `--concurrency` requests in flight for `--seconds`; prints one JSON summary line.
 */
function arg(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? undefined : process.argv[i + 1];
  if (value == null) throw new Error(`--${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const url = arg('url');
  const tickets = Number(arg('tickets'));
  const concurrency = Number(arg('concurrency'));
  const seconds = Number(arg('seconds'));
  const token = process.env.BENCH_TOKEN ?? '';
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const once = (target: URL) =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(target, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
      });
      req.once('error', reject);
    });
  const lane = async () => {
    while (Date.now() < deadline) {
      const n = 1 + Math.floor(Math.random() * tickets);
      const target = new URL(url.replace('{n}', String(n).padStart(7, '0')));
      const start = process.hrtime.bigint();
      const status = await once(target).catch(() => 0);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (status !== 200) errors += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  agent.destroy();
  const s = summarize(latencies);
  process.stdout.write(`${JSON.stringify({ ...s, errors, rps: s.count / seconds })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
