import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createActivities, type Activities, type RecordTicketInput } from '../../activities';
import { classifyActivityError, guarded } from '../../activities/attention';
import { seedDemoData } from '../../db/seed';
import { PERMANENT_FAILURE_TYPE } from '../../domain/attention';
import { deadlines, openingStep } from '../../domain/ticket-machine';
import { toView } from '../../domain/ticket-view';
import { createNotificationRenderer } from '../../lib/notification-renderer';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testPolicy, ticketInput } from '../workflows/fixtures';

const MINUTE = 60_000;

describe('activities and tickets that cannot make progress (real PostgreSQL)', () => {
  let db: TestDatabase;
  let activities: Activities;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDemoData(db.pool, { password: 'demo-password', nodeEnv: 'test' });
    activities = createActivities({
      pool: db.pool,
      render: createNotificationRenderer({ timezone: testPolicy.calendar.timezone }),
      links: { tracking: (n) => `https://desk.test/t/${n}`, staff: (n) => `https://desk.test/staff/${n}` },
      stuckAfterMs: 3 * MINUTE,
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  const marks = async (number: string) =>
    (
      await db.pool.query<{ kind: string; reason: string; open: boolean }>(
        'SELECT kind, reason, cleared_at IS NULL AS open FROM ticket_attention WHERE ticket_number = $1 ORDER BY kind',
        [number],
      )
    ).rows;

  /** An activity attempt whose step was first scheduled `agoMs` before now. */
  const attempt = <T>(agoMs: number, fn: () => Promise<T>) =>
    new MockActivityEnvironment({
      scheduledTimestampMs: Date.now() - agoMs,
      attempt: 7,
      activityType: 'recordTicket',
    }).run(fn);

  test('when PostgreSQL refuses the data (SQLSTATE class 22), then the error is non-retryable and names the SQLSTATE', async () => {
    const err = await attempt(0, () =>
      guarded(db.pool, 3 * MINUTE, 'R2026-000001', () => db.pool.query('SELECT $1::jsonb', ['"a\\u0000b"'])),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: PERMANENT_FAILURE_TYPE, nonRetryable: true });
    expect((err as Error).message).toMatch(/SQLSTATE 22P05/);
  });

  test('when an error can go away by retrying (a unique race, a lost connection), then it is left to retry', () => {
    const race = Object.assign(new Error('duplicate key'), { code: '23505' });
    const lost = Object.assign(new Error('Connection terminated unexpectedly'), {});
    expect(classifyActivityError(race)).toBe(race);
    expect(classifyActivityError(lost)).toBe(lost);
    const fk = Object.assign(new Error('violates foreign key constraint'), { code: '23503' });
    expect(classifyActivityError(fk)).toMatchObject({ nonRetryable: true });
  });

  test('when a write keeps failing past the stuck limit, then the ticket is marked lagging, and a successful write clears it', async () => {
    const number = 'R2026-000002';
    const flaky = () => Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), {}));
    await expect(attempt(MINUTE, () => guarded(db.pool, 3 * MINUTE, number, flaky))).rejects.toThrow(
      'Connection terminated',
    );
    expect(await marks(number)).toEqual([]);
    await expect(attempt(4 * MINUTE, () => guarded(db.pool, 3 * MINUTE, number, flaky))).rejects.toThrow(
      'Connection terminated',
    );
    expect(await marks(number)).toEqual([
      {
        kind: 'lagging',
        open: true,
        reason: expect.stringMatching(
          /recordTicket has failed 7 times over 24\d s: Connection terminated/,
        ) as unknown,
      },
    ]);

    const opened = openingStep(ticketInput(number, { policy: testPolicy }));
    const input: RecordTicketInput = {
      state: opened.state,
      view: toView(opened.state, testPolicy, Date.now()),
      live: deadlines(opened.state, testPolicy),
      events: opened.events,
    };
    await new MockActivityEnvironment().run(activities.recordTicket, input);
    expect(await marks(number)).toEqual([expect.objectContaining({ kind: 'lagging', open: false })]);
  });

  test('when a ticket carries text PostgreSQL refuses, then the write stores it cleaned instead of failing', async () => {
    const number = 'R2026-000003';
    const opened = openingStep(
      ticketInput(number, {
        policy: testPolicy,
        description: '打印机\u0000卡纸\ud800',
        requester: { name: '\u0085王老师', lang: 'zh-CN' },
      }),
    );
    await new MockActivityEnvironment().run(activities.recordTicket, {
      state: opened.state,
      view: toView(opened.state, testPolicy, Date.now()),
      live: deadlines(opened.state, testPolicy),
      events: opened.events,
    });
    const { rows } = await db.pool.query<{ description: string; requester: { name: string } }>(
      'SELECT description, requester FROM tickets WHERE number = $1',
      [number],
    );
    expect(rows[0]).toEqual(
      expect.objectContaining({
        description: '打印机卡纸',
        requester: expect.objectContaining({ name: '王老师' }) as unknown,
      }),
    );
  });

  test('when the workflow reports a step failed for good, then the ticket is marked with the step and a summary', async () => {
    const number = 'R2026-000004';
    const opened = openingStep(ticketInput(number, { policy: testPolicy }));
    await new MockActivityEnvironment().run(activities.flagTicket, {
      number,
      kind: 'failed' as const,
      activity: 'recordTicket',
      reason: "PostgreSQL refused the ticket's data (SQLSTATE 22021)",
      state: opened.state,
    });
    const { rows } = await db.pool.query<{ reason: string; summary: Record<string, unknown> }>(
      'SELECT reason, summary FROM ticket_attention WHERE ticket_number = $1',
      [number],
    );
    expect(rows[0].reason).toBe("recordTicket: PostgreSQL refused the ticket's data (SQLSTATE 22021)");
    expect(rows[0].summary).toMatchObject({
      status: 'submitted',
      category: '网络故障',
      locationCode: 'IH-2-301',
    });
  });
});
