import { spawn } from 'node:child_process';
import path from 'node:path';
import { startApiServer } from '../../api/server';
import { loadConfig } from '../../config/env';
import { parseSlaPolicy } from '../../domain/sla-policy';
import { logger } from '../../lib/logger';
import { runMain } from '../lib/proc';
import { DEMO_PASSWORD, startBenchStack } from '../lib/stack';
import { intArg, type Summary } from '../lib/stats';
import { seedReadModel } from './seed';

/**
 * Issue 5: API latency with a million tickets in the read model. The API runs in this process; the load
 * comes from a second process (bench/api/load.ts) on loopback. Each scenario runs for --seconds with
 * --concurrency requests in flight (the report with fewer), after a short warm-up.
 */
const TICKETS = intArg('tickets', 1_000_000);
const SECONDS = intArg('seconds', 15);
const CONCURRENCY = intArg('concurrency', 8);

const policy = parseSlaPolicy({
  calendar: { timezone: 'Asia/Shanghai', workdays: [1, 2, 3, 4, 5], hours: ['08:00', '18:00'], holidays: [] },
  priorities: {
    P1: { respond: '10m', resolve: '4h', clock: '24x7' },
    P2: { respond: '30m', resolve: '8h', clock: '24x7' },
    P3: { respond: '2h', resolve: '3d', clock: '24x7' },
  },
  defaultPriority: 'P3',
  escalation: {
    respond: [{ after: '0s', notify: ['dispatcher'] }],
    resolve: [{ after: '0s', notify: ['owner'] }],
  },
  survey: { remindAfter: '1d', expireAfter: '3d' },
});

interface Result extends Summary {
  errors: number;
  rps: number;
}

function load(
  base: string,
  url: string,
  concurrency: number,
  seconds: number,
  token: string,
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', path.join(__dirname, 'load.ts')];
    const opts = [
      '--url',
      `${base}${url}`,
      '--tickets',
      String(TICKETS),
      '--concurrency',
      String(concurrency),
    ];
    const child = spawn(process.execPath, [...args, ...opts, '--seconds', String(seconds)], {
      env: { ...process.env, BENCH_TOKEN: token },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Result) : reject(new Error(`load.ts exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  // Request logs would measure pino's stderr writes, not the API.
  logger.level = 'warn';
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const stack = await startBenchStack({ log });
  try {
    log(`seeding ${TICKETS} tickets into the read model…`);
    await seedReadModel(stack.pool, TICKETS, log);
    const config = loadConfig({ NODE_ENV: 'development', LOG_LEVEL: 'silent', PORT: '0' });
    const api = await startApiServer(
      { pool: stack.pool, temporal: stack.client, config, policy },
      '127.0.0.1',
      0,
    );
    const base = `http://127.0.0.1:${api.port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'manager', password: DEMO_PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const building = encodeURIComponent('图书馆');
    const scenarios: [string, string, number][] = [
      ['baseline GET /healthz', '/healthz', CONCURRENCY],
      ['GET /api/tickets/:id', '/api/tickets/R2026-{n}', CONCURRENCY],
      [
        'GET /api/tickets (filtered page)',
        `/api/tickets?status=closed&building=${building}&limit=50`,
        CONCURRENCY,
      ],
      [
        'GET /api/tickets (filtered, 2 filters + month)',
        '/api/tickets?category=wifi&owner=tech2&from=2026-06-01&to=2026-06-30&limit=50',
        CONCURRENCY,
      ],
      [
        'GET /api/reports/sla (a month)',
        '/api/reports/sla?from=2026-06-01&to=2026-06-30&groupBy=category',
        2,
      ],
    ];
    const rows: string[] = [];
    let baseline: Result | undefined;
    for (const [name, url, concurrency] of scenarios) {
      await load(base, url, concurrency, 2, token);
      const r = await load(base, url, concurrency, SECONDS, token);
      baseline ??= r;
      rows.push(
        `| ${name} | ${concurrency} | ${r.count} | ${r.errors} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(
          r.p50 / baseline.p50
        ).toFixed(1)}× | ${(r.p99 / baseline.p99).toFixed(1)}× | ${r.rps.toFixed(0)} |`,
      );
      log(rows[rows.length - 1]);
    }
    await api.close();
    process.stdout.write(
      [
        `API latency, ${TICKETS} tickets in the read model, ${SECONDS} s per scenario, load from a second process on loopback`,
        '',
        '| request | in flight | requests | non-200 | p50 ms | p99 ms | p50 / baseline | p99 / baseline | req/s |',
        '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    await stack.stop();
  }
}

runMain(main);
