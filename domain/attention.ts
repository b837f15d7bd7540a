/**
 * "Needs attention": a ticket that cannot make progress by itself, shown to dispatchers and managers until
 * it heals. The single mark later features reuse (a revoked badge, a deactivated owner).
 */

/**
 * - `failed`: an activity failed with an error no retry can fix; the workflow retries it later and on every new action.
 * - `lagging`: the read model's writes for the ticket have kept failing for longer than the stuck limit.
 * - `not_opened`: an accepted report has no read-model row after the stuck limit.
 * - `task_failing`: Temporal reports the ticket's workflow tasks failing again and again.
 */
export type AttentionKind = 'failed' | 'lagging' | 'not_opened' | 'task_failing';
export const ATTENTION_KINDS: readonly AttentionKind[] = ['failed', 'lagging', 'not_opened', 'task_failing'];

/** The marks a successful write of the ticket's record clears: the record follows its workflow again. */
export const CLEARED_BY_A_WRITE: readonly AttentionKind[] = ['failed', 'lagging', 'not_opened'];

/** Failure type of an activity error that retrying cannot fix (the workflow marks the ticket). */
export const PERMANENT_FAILURE_TYPE = 'TicketDataError';

/**
 * Whether a PostgreSQL error (by SQLSTATE) is about the data itself, so the same write fails again:
 * class 22 (data exception: invalid byte sequence, untranslatable character, value out of range …) and
 * the integrity violations of class 23 except a unique violation, which a concurrent writer can cause.
 */
export function isPermanentSqlState(code: string | undefined): boolean {
  if (code == null || code.length !== 5) return false;
  if (code.startsWith('22')) return true;
  return code.startsWith('23') && code !== '23505';
}

const MINUTE = 60_000;

/** How long a workflow waits before trying a permanently failed step again: 1, 2, 4 … minutes, at most an hour. */
export function attentionRetryDelayMs(failures: number): number {
  return Math.min(60 * MINUTE, MINUTE * 2 ** Math.max(0, Math.min(failures, 6)));
}
