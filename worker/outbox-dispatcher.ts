import type { Pool } from 'pg';
import {
  claimNextEmail,
  finishEmail,
  scheduleEmailRetry,
  type ClaimedEmail,
} from '../db/repositories/outbox';
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
    const row = await claimNextEmail(settings.pool, settings.leaseMs);
    if (!row) break;
    result[await deliver(settings, row)] += 1;
  }
  return result;
}

const total = (result: BatchResult): number => result.sent + result.retrying + result.failed + result.skipped;

async function deliver(settings: Settings, row: ClaimedEmail): Promise<Outcome> {
  if (row.address == null || row.address.trim() === '') {
    await finishEmail(settings.pool, row, 'skipped', 'no e-mail address');
    return 'skipped';
  }
  try {
    await settings.mailer.send({ to: row.address, subject: row.subject, text: row.body });
  } catch (err) {
    return recordFailure(settings, row, err);
  }
  await finishEmail(settings.pool, row, 'sent', null);
  return 'sent';
}

async function recordFailure(settings: Settings, row: ClaimedEmail, err: unknown): Promise<Outcome> {
  const { pool, log, maxAttempts, retryBaseMs } = settings;
  const context = {
    outboxId: row.id,
    ticket: row.ticket_number,
    template: row.template,
    attempts: row.attempts,
    ...smtpCode(err),
  };
  if (row.attempts >= maxAttempts) {
    await finishEmail(pool, row, 'failed', errorMessage(err));
    log.error(context, 'e-mail notification failed for good after the last attempt');
    return 'failed';
  }
  const delayMs = retryDelayMs(row.attempts, retryBaseMs);
  await scheduleEmailRetry(pool, row, errorMessage(err), delayMs);
  log.warn({ ...context, retryInMs: delayMs }, 'e-mail notification not delivered; will retry');
  return 'retrying';
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
