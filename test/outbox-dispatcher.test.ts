import { createServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createPool, type Pool } from '../db/pool';
import { createMailer, type Mailer } from '../lib/mailer';
import {
  dispatchOutboxBatch,
  retryDelayMs,
  startOutboxDispatcher,
  type DispatcherLog,
} from '../worker/outbox-dispatcher';
import { createTestDatabase, type TestDatabase } from './support/db';

const SENDER = '"网络与信息中心" <nic-desk@example.edu.cn>';
const ADDRESS = 'zhang.laoshi@example.edu.cn';
const SUBJECT = '【网络与信息中心】您的报修已受理（工单号 R2026-000123）';
const BODY = [
  '张老师，您好！',
  '',
  '您的报修已受理，工单号：R2026-000123。',
  '报修地点：2号楼 301',
  '',
  'https://desk.example.edu.cn/t/R2026-000123?token=3f9a2c7d1e',
  '',
  '感谢您的支持与理解！',
].join('\n');

interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

interface SmtpSink {
  url: string;
  received: ReceivedMail[];
  /** While true, every RCPT TO is refused with a temporary 450. */
  rejectRecipients: boolean;
  close(): Promise<void>;
}

/** A real SMTP server on loopback that keeps what it is sent. */
async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const control = { rejectRecipients: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!control.rejectRecipients) return callback();
      callback(Object.assign(new Error('Mailbox temporarily unavailable'), { responseCode: 450 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address);
        received.push({ to, ...parseMessage(Buffer.concat(chunks).toString('latin1')) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return Object.assign(control, {
    url: `smtp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(resolve)),
  });
}

/** Subject and text of a single-part message as nodemailer writes it (RFC 2047 words; base64 or quoted-printable). */
function parseMessage(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = new Map(
    raw
      .slice(0, split)
      .replace(/\r\n[ \t]+/g, ' ')
      .split('\r\n')
      .map((line) => [
        line.slice(0, line.indexOf(':')).toLowerCase(),
        line.slice(line.indexOf(':') + 1).trim(),
      ]),
  );
  const body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body, 'base64')
      : encoding === 'quoted-printable'
        ? qpBytes(body.replace(/=\r\n/g, ''))
        : Buffer.from(body, 'latin1');
  const text = bytes.toString('utf8').replace(/\r\n/g, '\n').trim();
  return { subject: decodeWords(headers.get('subject') ?? ''), text };
}

function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/(?:=\?[^?]+\?[BbQq]\?[^?]*\?=)+/g, (run) => {
    const words = [...run.matchAll(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g)];
    const parts = words.map(([, kind, data]) =>
      kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : qpBytes(data.replace(/_/g, ' ')),
    );
    return Buffer.concat(parts).toString('utf8');
  });
}

function qpBytes(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(text.charCodeAt(i));
    }
  }
  return Buffer.from(bytes);
}

interface LogEntry {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

function collectingLog(): DispatcherLog & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg: string): void => {
      entries.push({ level, obj, msg });
    };
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
}

interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  sent_at: Date | null;
  due_in_ms: number;
}

let seq = 0;

async function insertRow(
  pool: Pool,
  opts: { channel?: 'email' | 'web'; subject?: string } = {},
): Promise<string> {
  seq += 1;
  const channel = opts.channel ?? 'email';
  const result = await pool.query<{ id: string }>(
    `INSERT INTO notification_outbox
       (dedupe_key, ticket_number, event_seq, recipient_kind, recipient, channel, address, lang, template, subject, body)
     VALUES ($1, 'R2026-000123', $2, 'requester', '张老师', $3, $4, 'zh-CN', 'ticket-received', $5, $6)
     RETURNING id`,
    [`test:${seq}`, seq, channel, channel === 'email' ? ADDRESS : null, opts.subject ?? SUBJECT, BODY],
  );
  return result.rows[0].id;
}

async function readRow(pool: Pool, id: string): Promise<OutboxRow> {
  const result = await pool.query<OutboxRow>(
    `SELECT id, status, attempts, last_error, sent_at,
            (extract(epoch FROM next_attempt_at - now()) * 1000)::float8 AS due_in_ms
       FROM notification_outbox WHERE id = $1`,
    [id],
  );
  return result.rows[0];
}

/** Moves a scheduled retry to now, as if its backoff had passed. */
async function makeDue(pool: Pool, id: string): Promise<void> {
  await pool.query('UPDATE notification_outbox SET next_attempt_at = now() WHERE id = $1', [id]);
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `smtp://127.0.0.1:${port}`;
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function requireMailer(url: string): Mailer {
  const mailer = createMailer(url, SENDER);
  if (!mailer) throw new Error('expected a mailer');
  return mailer;
}

describe('outbox dispatcher', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let mailer: Mailer;
  let log: ReturnType<typeof collectingLog>;

  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await startSmtpSink();
    mailer = requireMailer(sink.url);
  });

  afterAll(async () => {
    mailer.close();
    await sink.close();
    await db.drop();
  });

  beforeEach(async () => {
    await db.pool.query('TRUNCATE notification_outbox');
    sink.received.length = 0;
    sink.rejectRecipients = false;
    log = collectingLog();
  });

  test('when a pending e-mail row is due, then it is delivered with its subject, body and recipient and marked sent', async () => {
    const id = await insertRow(db.pool);

    const result = await dispatchOutboxBatch({ pool: db.pool, mailer, log });

    expect(result).toEqual({ sent: 1, retrying: 0, failed: 0, skipped: 0 });
    expect(sink.received).toEqual([{ to: [ADDRESS], subject: SUBJECT, text: BODY }]);
    const row = await readRow(db.pool, id);
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(row.sent_at).toBeInstanceOf(Date);
    await dispatchOutboxBatch({ pool: db.pool, mailer, log });
    expect(sink.received).toHaveLength(1);
  });

  test('when the server rejects the recipient, then the attempt is counted, a retry is scheduled with backoff, and the retry succeeds once the server accepts', async () => {
    const id = await insertRow(db.pool);
    sink.rejectRecipients = true;

    const first = await dispatchOutboxBatch({ pool: db.pool, mailer, log, retryBaseMs: 60_000 });

    expect(first).toEqual({ sent: 0, retrying: 1, failed: 0, skipped: 0 });
    const failed = await readRow(db.pool, id);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
    expect(failed.last_error).toContain('450');
    expect(failed.due_in_ms).toBeGreaterThan(55_000);
    expect(failed.due_in_ms).toBeLessThanOrEqual(60_000);
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ level: 'warn', obj: { responseCode: 450, attempts: 1 } });
    expect(JSON.stringify(log.entries)).not.toContain(ADDRESS);

    sink.rejectRecipients = false;
    await dispatchOutboxBatch({ pool: db.pool, mailer, log });
    expect(sink.received).toHaveLength(0);

    await makeDue(db.pool, id);
    const retry = await dispatchOutboxBatch({ pool: db.pool, mailer, log });
    expect(retry.sent).toBe(1);
    expect(sink.received).toHaveLength(1);
    expect(await readRow(db.pool, id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  test('when nothing listens on the SMTP port, then the row stays pending with a retry scheduled', async () => {
    const id = await insertRow(db.pool);
    const offline = requireMailer(await closedPortUrl());
    try {
      const result = await dispatchOutboxBatch({ pool: db.pool, mailer: offline, log, retryBaseMs: 1_000 });
      expect(result.retrying).toBe(1);
    } finally {
      offline.close();
    }
    const row = await readRow(db.pool, id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, sent_at: null });
    expect(row.last_error).toBeTruthy();
    expect(row.due_in_ms).toBeGreaterThan(0);
  });

  test('when the last allowed attempt fails, then the row is marked failed and no longer retried', async () => {
    const id = await insertRow(db.pool);
    sink.rejectRecipients = true;

    await dispatchOutboxBatch({ pool: db.pool, mailer, log, maxAttempts: 2 });
    await makeDue(db.pool, id);
    const last = await dispatchOutboxBatch({ pool: db.pool, mailer, log, maxAttempts: 2 });

    expect(last).toEqual({ sent: 0, retrying: 0, failed: 1, skipped: 0 });
    expect(await readRow(db.pool, id)).toMatchObject({ status: 'failed', attempts: 2 });
    expect(log.entries.map((entry) => entry.level)).toEqual(['warn', 'error']);
    sink.rejectRecipients = false;
    await makeDue(db.pool, id);
    await dispatchOutboxBatch({ pool: db.pool, mailer, log });
    expect(sink.received).toHaveLength(0);
  });

  test('when the outbox holds web rows, then they are never e-mailed or changed', async () => {
    const web = await insertRow(db.pool, { channel: 'web' });
    const email = await insertRow(db.pool);
    const before = await db.pool.query('SELECT * FROM notification_outbox WHERE id = $1', [web]);

    await dispatchOutboxBatch({ pool: db.pool, mailer, log });

    expect(sink.received).toHaveLength(1);
    expect(await readRow(db.pool, email)).toMatchObject({ status: 'sent' });
    const after = await db.pool.query('SELECT * FROM notification_outbox WHERE id = $1', [web]);
    expect(after.rows).toEqual(before.rows);
  });

  test('when SMTP is not configured, then the dispatcher says so and e-mail rows stay pending', async () => {
    const id = await insertRow(db.pool);
    expect(createMailer(undefined, SENDER)).toBeNull();
    expect(createMailer('  ', SENDER)).toBeNull();

    const dispatcher = startOutboxDispatcher({ pool: db.pool, mailer: null, log, intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await dispatcher.stop();

    expect(log.entries.map((entry) => entry.level)).toEqual(['warn']);
    expect(await readRow(db.pool, id)).toMatchObject({ status: 'pending', attempts: 0 });
  });

  describe('with two connection pools, as two worker processes would have', () => {
    let otherPool: Pool;
    let otherMailer: Mailer;

    beforeAll(() => {
      otherPool = createPool(db.url, { max: 5, applicationName: 'echodesk-test-2' });
      otherMailer = requireMailer(sink.url);
    });

    afterAll(async () => {
      otherMailer.close();
      await otherPool.end();
    });

    test('when batches race for the same rows, then each row is sent exactly once', async () => {
      const ids = await insertMany(db.pool, 20);

      const results = await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) =>
          dispatchOutboxBatch({
            pool: i % 2 === 0 ? db.pool : otherPool,
            mailer: i % 2 === 0 ? mailer : otherMailer,
            log,
          }),
        ),
      );

      expect(results.reduce((sum, r) => sum + r.sent, 0)).toBe(20);
      expectEachSentOnce(ids.length);
      const rows = await db.pool.query<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM notification_outbox',
      );
      expect(rows.rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
    });

    test('when two dispatchers poll concurrently, then together they send every row exactly once', async () => {
      const ids = await insertMany(db.pool, 30);
      const options = { log, intervalMs: 5, batchSize: 3 };
      const a = startOutboxDispatcher({ ...options, pool: db.pool, mailer });
      const b = startOutboxDispatcher({ ...options, pool: otherPool, mailer: otherMailer });
      try {
        await waitFor(async () => {
          const r = await db.pool.query<{ n: number }>(
            "SELECT count(*)::int AS n FROM notification_outbox WHERE status = 'sent'",
          );
          return r.rows[0].n === ids.length;
        });
      } finally {
        await Promise.all([a.stop(), b.stop()]);
      }
      expectEachSentOnce(ids.length);
    });

    async function insertMany(pool: Pool, count: number): Promise<string[]> {
      const ids: string[] = [];
      for (let i = 0; i < count; i += 1) ids.push(await insertRow(pool, { subject: `${SUBJECT} #${i}` }));
      return ids;
    }

    function expectEachSentOnce(count: number): void {
      const subjects = sink.received.map((mail) => mail.subject);
      expect(subjects).toHaveLength(count);
      expect(new Set(subjects).size).toBe(count);
    }
  });
});

describe('retryDelayMs', () => {
  test('when attempts accumulate, then the delay doubles from the base and stops at an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 60_000))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(20, 60_000)).toBe(60 * 60 * 1000);
  });
});
