import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Logger } from './logger';

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;

/** Sends the Temporal SDK's logs (worker, workflows, activities) to the process logger; call once, before any worker. */
export function installTemporalLogging(log: Logger): void {
  // SDK INFO lines are mostly bundler chatter; they show when the process logs at debug.
  const sdkLevel = log.isLevelEnabled('debug') ? 'DEBUG' : 'WARN';
  Runtime.install({
    logger: new DefaultLogger(sdkLevel, (entry: LogEntry) => {
      log[LEVELS[entry.level]]({ temporal: entry.meta }, entry.message);
    }),
  });
}
