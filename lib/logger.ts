import pino from 'pino';

/** One logger for the process; personal data (phones, tokens, bodies) is redacted by path as a second line of defence. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  redact: {
    paths: [
      'req.headers.authorization',
      'req.headers["x-tracking-token"]',
      'req.headers.cookie',
      '*.password',
      '*.phone',
      '*.token',
    ],
    censor: '[redacted]',
  },
});

export type Logger = typeof logger;
