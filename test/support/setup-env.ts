import { DefaultLogger, Runtime } from '@temporalio/worker';

// Tests read assertions, not logs: the app logger and the SDK's worker logs go quiet unless asked for.
process.env.LOG_LEVEL ??= 'silent';
try {
  Runtime.install({
    logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN'),
  });
} catch {
  // Already installed by an earlier test file in this worker process.
}
