import type { Client } from '@temporalio/client';
import { startApiServer, type RunningApi } from '../../api/server';
import { loadConfig } from '../../config/env';
import { seedDemoData } from '../../db/seed';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { DEMO_PASSWORD, fastPolicy } from '../support/desk';

/** A Temporal client whose frontend cannot be reached: every start fails, as when the cluster is down. */
const unreachableTemporal = {
  workflow: { start: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused')) },
} as unknown as Client;

describe('intake while Temporal cannot be reached', () => {
  let db: TestDatabase;
  let api: RunningApi;
  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool, { password: DEMO_PASSWORD, nodeEnv: 'test' });
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ECHODESK_SECRET: 'test-secret',
      PORT: '0',
    });
    api = await startApiServer(
      { pool: db.pool, temporal: unreachableTemporal, config, policy: fastPolicy },
      '127.0.0.1',
      0,
    );
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  const submit = (headers: Record<string, string> = {}) =>
    fetch(`http://127.0.0.1:${api.port}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        locationCode: 'IH-2-301',
        category: 'wifi',
        description: '无线连不上',
        requester: { name: '王老师' },
      }),
    });

  test('when a report arrives without an Idempotency-Key, then the answer is 503 and no intake is left behind', async () => {
    const res = await submit();
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const { rows } = await db.pool.query('SELECT number FROM ticket_intake');
    expect(rows).toEqual([]);
  });

  test('when a report arrives with an Idempotency-Key, then the answer is 503 and the intake stays for the retry', async () => {
    const res = await submit({ 'idempotency-key': 'retry-me-1' });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { detail: string }).detail).toContain('same Idempotency-Key');
    const { rows } = await db.pool.query('SELECT idempotency_key FROM ticket_intake');
    expect(rows).toEqual([{ idempotency_key: 'retry-me-1' }]);
  });
});
