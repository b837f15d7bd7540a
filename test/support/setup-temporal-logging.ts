import { DefaultLogger, Runtime } from '@temporalio/worker';

// The SDK's worker logs go quiet too unless asked for (TEMPORAL_LOG_LEVEL).
try {
  Runtime.install({
    logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL as 'WARN' | undefined) ?? 'WARN'),
  });
} catch {
  // Already installed by an earlier test file in this worker process.
}
