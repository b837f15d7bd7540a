import type { Pool } from 'pg';
import { query } from '../db/pool';
import type { Mailer } from '../lib/mailer';

/**
 * E-mail delivery from `notification_outbox`, outside the ticket workflows: a slow or broken mail server never
 * delays a ticket. Activities write one row per message; `web` rows are only shown on the tracking page and are
 * never touched here. Each pending `email` row is claimed with `FOR UPDATE SKIP LOCKED` under a short lease, sent,
 * and marked `sent`, or scheduled for a retry with exponential backoff, or `failed` after `maxAttempts`.
 * Delivery is at least once: a dispatcher that dies between the SMTP "OK" and marking the row sends it again
 * after the lease.
 *
 * Without SMTP configured (`mailer` null) nothing is sent and e-mail rows stay `pending`: nothing is lost, and
 * they go out once a worker starts with SMTP configured.
 */

/** The logger calls the dispatcher makes; pino's logger fits. Never handed addresses or message text. */
export interface DispatcherLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface OutboxDispatcherOptions {
  pool: Pool;
  mailer: Mailer | null;
  log: DispatcherLog;
  /** Pause between polls when nothing more is due; default 5 s. */
  intervalMs?: number;
  /** Most rows sent per poll; default 20. */
  batchSize?: number;
  /** Attempts before a row is marked `failed`; default 8 (about two hours of retries with the default backoff). */
  maxAttempts?: number;
  /** Delay before the first retry, doubled on each further one up to an hour; default 1 min. */
  retryBaseMs?: number;
  /** How long a claimed row is reserved for its dispatcher; default 2 min, well above the mailer's timeouts. */
  leaseMs?: number;
}

export interface OutboxDispatcher {
  /** Stops polling and waits for the batch in flight to finish. */
  stop(): Promise<void>;
}

/** What one batch did, for logs and tests. */
export interface BatchResult {
  sent: number;
  retrying: number;
  failed: number;
  skipped: number;
}

type Settings = Required<Omit<OutboxDispatcherOptions, 'mailer'>> & { mailer: Mailer };

interface ClaimedRow {
  id: string;
  ticket_number: string;
  template: string;
  address: string | null;
  subject: string;
  body: string;
  attempts: number;
}

type Outcome = keyof BatchResult;

const MAX_RETRY_DELAY_MS = 60 * 60 * 1000;
const MAX_ERROR_LENGTH = 1000;

/** Polls the outbox until stopped; with no mailer it logs once and leaves every row pending. */
export function startOutboxDispatcher(options: OutboxDispatcherOptions): OutboxDispatcher {
  const { mailer, log } = options;
  if (!mailer) {
    log.warn({}, 'SMTP is not configured: e-mail notifications stay pending in the outbox until it is');
    return { stop: () => Promise.resolve() };
  }
  const settings = withDefaults(options, mailer);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const poll = async (): Promise<void> => {
    const full = await runBatch(settings, () => stopped).then(
      (result) => total(result) >= settings.batchSize,
      (err: unknown) => {
        log.error({ err: errorMessage(err) }, 'outbox poll failed; trying again at the next interval');
        return false;
      },
    );
    schedule(full ? 0 : settings.intervalMs);
  };
  const schedule = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = poll();
    }, delayMs);
    timer.unref();
  };

  schedule(0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

/** Sends up to `batchSize` due e-mail rows once; the poller's unit of work, exported for tests and one-off drains. */
export function dispatchOutboxBatch(
  options: OutboxDispatcherOptions & { mailer: Mailer },
): Promise<BatchResult> {
  return runBatch(withDefaults(options, options.mailer), () => false);
}

/** Delay before retry number `attempts` (1-based): `baseMs` doubled per earlier attempt, at most an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

function withDefaults(options: OutboxDispatcherOptions, mailer: Mailer): Settings {
  return {
    pool: options.pool,
    mailer,
    log: options.log,
    intervalMs: options.intervalMs ?? 5_000,
    batchSize: options.batchSize ?? 20,
    maxAttempts: options.maxAttempts ?? 8,
    retryBaseMs: options.retryBaseMs ?? 60_000,
    leaseMs: options.leaseMs ?? 120_000,
  };
}

/** Claims and sends one row at a time, so each lease only has to cover one delivery. */
async function runBatch(settings: Settings, isStopped: () => boolean): Promise<BatchResult> {
  const result: BatchResult = { sent: 0, retrying: 0, failed: 0, skipped: 0 };
  while (total(result) < settings.batchSize && !isStopped()) {
    const row = await claimNext(settings);
    if (!row) break;
    result[await deliver(settings, row)] += 1;
  }
  return result;
}

const total = (result: BatchResult): number => result.sent + result.retrying + result.failed + result.skipped;

/**
 * Reserves the oldest due e-mail row: the attempt is counted and the row is hidden from other dispatchers until the
 * lease ends. One statement, so no transaction stays open while the mail server is talked to.
 */
async function claimNext({ pool, leaseMs }: Settings): Promise<ClaimedRow | undefined> {
  const rows = await query<ClaimedRow>(
    pool,
    `UPDATE notification_outbox AS o
        SET attempts = o.attempts + 1,
            next_attempt_at = now() + $1::double precision * interval '1 millisecond'
      WHERE o.id = (SELECT id FROM notification_outbox
                     WHERE status = 'pending' AND channel = 'email' AND next_attempt_at <= now()
                     ORDER BY next_attempt_at, id
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.ticket_number, o.template, o.address, o.subject, o.body, o.attempts`,
    [leaseMs],
  );
  return rows[0];
}

async function deliver(settings: Settings, row: ClaimedRow): Promise<Outcome> {
  if (row.address == null || row.address.trim() === '') {
    await finish(settings.pool, row, 'skipped', 'no e-mail address');
    return 'skipped';
  }
  try {
    await settings.mailer.send({ to: row.address, subject: row.subject, text: row.body });
  } catch (err) {
    return recordFailure(settings, row, err);
  }
  await finish(settings.pool, row, 'sent', null);
  return 'sent';
}

async function recordFailure(settings: Settings, row: ClaimedRow, err: unknown): Promise<Outcome> {
  const { pool, log, maxAttempts, retryBaseMs } = settings;
  const context = {
    outboxId: row.id,
    ticket: row.ticket_number,
    template: row.template,
    attempts: row.attempts,
    ...smtpCode(err),
  };
  if (row.attempts >= maxAttempts) {
    await finish(pool, row, 'failed', errorMessage(err));
    log.error(context, 'e-mail notification failed for good after the last attempt');
    return 'failed';
  }
  const delayMs = retryDelayMs(row.attempts, retryBaseMs);
  await scheduleRetry(pool, row, errorMessage(err), delayMs);
  log.warn({ ...context, retryInMs: delayMs }, 'e-mail notification not delivered; will retry');
  return 'retrying';
}

/**
 * Records a final outcome. The `attempts` guard makes a dispatcher whose lease ran out (and whose row another
 * dispatcher took over) leave the newer claim alone.
 */
async function finish(
  pool: Pool,
  row: ClaimedRow,
  status: 'sent' | 'failed' | 'skipped',
  error: string | null,
) {
  await query(
    pool,
    `UPDATE notification_outbox
        SET status = $3,
            sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END,
            last_error = coalesce($4, last_error)
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [row.id, row.attempts, status, error],
  );
}

async function scheduleRetry(pool: Pool, row: ClaimedRow, error: string, delayMs: number): Promise<void> {
  await query(
    pool,
    `UPDATE notification_outbox
        SET last_error = $3,
            next_attempt_at = now() + $4::double precision * interval '1 millisecond'
      WHERE id = $1 AND attempts = $2 AND status = 'pending'`,
    [row.id, row.attempts, error, delayMs],
  );
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.slice(0, MAX_ERROR_LENGTH);
}

/** The SMTP status of a nodemailer error, for logs: the message itself may quote the recipient's address. */
function smtpCode(err: unknown): { code?: string; responseCode?: number } {
  if (typeof err !== 'object' || err === null) return {};
  const { code, responseCode } = err as { code?: unknown; responseCode?: unknown };
  return {
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof responseCode === 'number' ? { responseCode } : {}),
  };
}
