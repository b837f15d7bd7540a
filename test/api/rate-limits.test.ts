import type { Client } from '@temporalio/client';
import { startApiServer, type RunningApi } from '../../api/server';
import { LOGIN_LIMITS } from '../../api/http/rate-limits';
import { loadConfig } from '../../config/env';
import { seedDemoData } from '../../db/seed';
import { PageClient } from '../pages/page-client';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { DEMO_PASSWORD, fastPolicy } from '../support/desk';

/** Sign-in needs no Temporal; submits fail fast with 503, as when the cluster is down. */
const unreachableTemporal = {
  workflow: { start: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) },
} as unknown as Client;

interface Problem {
  status: number;
  title: string;
  detail: string;
}

describe('rate limits: shared in PostgreSQL, keyed by the address the trusted proxies report', () => {
  let db: TestDatabase;
  const apps: RunningApi[] = [];

  /** An API replica on the test database; `env` adds settings (e.g. ECHODESK_TRUST_PROXY). */
  async function startReplica(env: Record<string, string> = {}): Promise<string> {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ECHODESK_SECRET: 'test-secret',
      PORT: '0',
      ...env,
    });
    const api = await startApiServer(
      { pool: db.pool, temporal: unreachableTemporal, config, policy: fastPolicy },
      '127.0.0.1',
      0,
    );
    apps.push(api);
    return `http://127.0.0.1:${api.port}`;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool, { password: DEMO_PASSWORD, nodeEnv: 'test' });
  });
  afterAll(async () => {
    await Promise.all(apps.map((api) => api.close()));
    await db?.drop();
  });

  const login = (base: string, username: string, password: string, forwardedFor?: string) =>
    fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
      },
      body: JSON.stringify({ username, password }),
    });

  async function failTimes(
    base: string,
    username: string,
    times: number,
    forwardedFor?: (i: number) => string,
  ) {
    for (let i = 0; i < times; i++) {
      const res = await login(base, username, 'wrong-password', forwardedFor?.(i));
      expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
    }
  }

  async function expectTooMany(res: Response, maxSeconds: number): Promise<Problem> {
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    const problem = (await res.json()) as Problem;
    expect(problem).toMatchObject({ status: 429, title: 'Too Many Requests' });
    return problem;
  }

  const pair = LOGIN_LIMITS.pair;

  test('when no proxy is trusted (the default), then rotating X-Forwarded-For from loopback gains no fresh bucket', async () => {
    const base = await startReplica();
    await failTimes(base, 'ghost-a', pair.failures, (i) => `10.0.0.${i + 1}`);
    const problem = await expectTooMany(
      await login(base, 'ghost-a', 'wrong-password', '10.9.9.9'),
      pair.blockSeconds,
    );
    expect(problem.detail).toMatch(/^Too many failed sign-ins; try again in 15 minutes\.$/);
    // Another username from the same client is not blocked.
    expect((await login(base, 'tech1', DEMO_PASSWORD, '10.0.0.1')).status).toBe(200);
  });

  test('when ECHODESK_TRUST_PROXY=loopback, then X-Forwarded-For is the address: each client has its own bucket', async () => {
    const base = await startReplica({ ECHODESK_TRUST_PROXY: 'loopback' });
    await failTimes(base, 'ghost-b', pair.failures, () => '203.0.113.7');
    await expectTooMany(await login(base, 'ghost-b', 'wrong-password', '203.0.113.7'), pair.blockSeconds);
    expect((await login(base, 'ghost-b', 'wrong-password', '203.0.113.8')).status).toBe(401);
    // Another username from the blocked address signs in: its own pair is clean, the address far from its limit.
    expect((await login(base, 'tech2', DEMO_PASSWORD, '203.0.113.7')).status).toBe(200);
  });

  test('when a replica restarts or another replica answers, then the block holds: the buckets live in PostgreSQL', async () => {
    const first = await startReplica();
    await failTimes(first, 'lead1', pair.failures);
    const api = apps.pop();
    await api?.close();
    const restarted = await startReplica();
    await expectTooMany(await login(restarted, 'lead1', 'wrong-password'), pair.blockSeconds);
    // Blocked means blocked: not even the right password is checked.
    const other = await startReplica();
    await expectTooMany(await login(other, 'lead1', DEMO_PASSWORD), pair.blockSeconds);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE 'login-pair:%lead1%'`,
    );
    expect(rows[0].n).toBe(1);
  });

  test('when one address sprays many usernames, then that address is blocked and everyone else still signs in', async () => {
    const base = await startReplica({ ECHODESK_TRUST_PROXY: 'loopback' });
    const { failures, blockSeconds } = LOGIN_LIMITS.address;
    for (let i = 0; i < failures; i++) {
      const res = await login(base, `spray-${i % 20}`, `guess-${i}`, '198.51.100.1');
      expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
    }
    await expectTooMany(await login(base, 'tech3', DEMO_PASSWORD, '198.51.100.1'), blockSeconds);
    expect((await login(base, 'tech3', DEMO_PASSWORD, '198.51.100.2')).status).toBe(200);
  });

  test('when many addresses fail one username, then it is blocked from new addresses but its owner still signs in from a known one', async () => {
    const base = await startReplica({ ECHODESK_TRUST_PROXY: 'loopback' });
    const { failures, blockSeconds } = LOGIN_LIMITS.username;
    expect((await login(base, 'tech4', DEMO_PASSWORD, '192.0.2.1')).status).toBe(200);
    await failTimes(base, 'tech4', failures, (i) => `100.64.${Math.floor(i / 200)}.${(i % 200) + 1}`);
    await expectTooMany(await login(base, 'tech4', DEMO_PASSWORD, '192.0.2.250'), blockSeconds);
    expect((await login(base, 'tech4', DEMO_PASSWORD, '192.0.2.1')).status).toBe(200);
  });

  test('when a sign-in succeeds, then the consecutive failures of that username and address start again', async () => {
    const base = await startReplica({ ECHODESK_TRUST_PROXY: 'loopback' });
    await failTimes(base, 'tech5', pair.failures - 1, () => '192.0.2.77');
    expect((await login(base, 'tech5', DEMO_PASSWORD, '192.0.2.77')).status).toBe(200);
    await failTimes(base, 'tech5', pair.failures - 1, () => '192.0.2.77');
    expect((await login(base, 'tech5', DEMO_PASSWORD, '192.0.2.77')).status).toBe(200);
  });

  test('when the staff sign-in page is over the limit, then it answers a friendly 429 page with Retry-After', async () => {
    const base = await startReplica({ ECHODESK_TRUST_PROXY: 'loopback' });
    const client = new PageClient(
      { baseUrl: base },
      { 'x-forwarded-for': '192.0.2.99', 'accept-language': 'en' },
    );
    for (let i = 0; i < pair.failures; i++) {
      const res = await client.post('/staff/login', '/staff/login', {
        username: 'ghost-p',
        password: 'nope',
      });
      expect({ attempt: i + 1, status: res.status }).toEqual({ attempt: i + 1, status: 401 });
    }
    const res = await client.post('/staff/login', '/staff/login', { username: 'ghost-p', password: 'nope' });
    expect(res.status).toBe(429);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(60);
    expect(res.text).toContain('Too many requests');
    expect(res.text).toContain('try again in about 15 min');
    // The page and the API share the buckets.
    await expectTooMany(await login(base, 'ghost-p', 'nope', '192.0.2.99'), pair.blockSeconds);
  });

  test('when the public submit goes over its limit, then the API answers 429 problem+json and the form a page, each with Retry-After', async () => {
    const base = await startReplica({ NODE_ENV: 'production', ECHODESK_TRUST_PROXY: 'loopback' });
    const submit = () =>
      fetch(`${base}/api/tickets`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.150' },
        body: JSON.stringify({
          locationCode: 'IH-2-301',
          category: 'wifi',
          description: '无线连不上',
          requester: { name: '王老师' },
        }),
      });
    for (let i = 0; i < 30; i++) expect((await submit()).status).toBe(503);
    await expectTooMany(await submit(), 60);

    const form = () =>
      fetch(`${base}/r/IH-2-301`, {
        method: 'POST',
        headers: { 'x-forwarded-for': '192.0.2.151', 'accept-language': 'en' },
        body: new URLSearchParams({ category: 'wifi', description: 'x', name: 'y' }),
      });
    for (let i = 0; i < 20; i++) expect((await form()).status).toBe(403);
    const page = await form();
    expect(page.status).toBe(429);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(Number(page.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await page.text()).toContain('Please try again in about 1 min');
  });
});
