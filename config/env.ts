import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { durationErrorMessage, isDuration, parseDuration } from '../domain/duration';
import { projectRoot } from '../lib/project-root';
import { TICKET_TASK_QUEUE } from '../workflows/ticket-contract';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Express's names for address ranges (https://expressjs.com/en/guide/behind-proxies.html). */
const PROXY_PRESETS = ['loopback', 'linklocal', 'uniquelocal'];

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * Which proxies' `X-Forwarded-For` to believe, as Express's `trust proxy` setting: unset trusts none
 * (the client address is the TCP peer), a number is a hop count, otherwise a comma-separated list of
 * addresses, CIDR ranges and `loopback` / `linklocal` / `uniquelocal`. `true` is refused: trusting
 * every hop lets any client pick its own address, and with it a fresh rate-limit bucket.
 */
const TrustProxy = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx): false | number | string[] => {
    if (value === undefined || value === '' || value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    const bad = entries.filter((entry) => !PROXY_PRESETS.includes(entry) && !isAddressOrRange(entry));
    if (bad.length === 0) return entries;
    ctx.addIssue({
      code: 'custom',
      message: `not a hop count nor a list of addresses, CIDR ranges or ${PROXY_PRESETS.join('/')}: ${bad.map((b) => JSON.stringify(b)).join(', ')}`,
    });
    return z.NEVER;
  });

const Port = z.coerce.number().int().min(0).max(65535);

/** Every environment variable echodesk reads, documented beside its schema. */
const EnvSchema = z.object({
  /** HTTP port of the API and pages. */
  PORT: Port.default(3000),
  /** Interface the HTTP server binds to. */
  HOST: z.string().default('127.0.0.1'),
  /** Port of the Prometheus endpoint (`GET /metrics`), kept off the public port; 0 picks a free one. */
  METRICS_PORT: Port.default(9464),
  /** Interface the metrics endpoint binds to; defaults to HOST. */
  METRICS_HOST: optionalText,
  /** The reverse proxies whose X-Forwarded-For is believed (see TrustProxy); default: none. */
  ECHODESK_TRUST_PROXY: TrustProxy,
  /** An external PostgreSQL; unset means embedded PostgreSQL under the data directory. */
  DATABASE_URL: optionalText,
  /** An external Temporal frontend (host:port); unset means the Temporal dev server with an SQLite file. */
  TEMPORAL_ADDRESS: optionalText,
  /** Temporal namespace. */
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /** Task queue the ticket workflows run on. */
  ECHODESK_TASK_QUEUE: z.string().min(1).default(TICKET_TASK_QUEUE),
  /** Where embedded services keep their files; a restart finds everything there. */
  ECHODESK_DATA_DIR: z.string().min(1).default('.data'),
  /** The SLA policy file. */
  ECHODESK_SLA_POLICY: z.string().min(1).default('config/sla-policy.json'),
  /** Password of the demo accounts. */
  ECHODESK_DEMO_PASSWORD: z.string().min(8).default('demo-password'),
  /** Secret that signs tracking tokens and session cookies; required in production. */
  ECHODESK_SECRET: optionalText,
  /** Base URL people reach the desk at, used in tracking links and QR codes. */
  ECHODESK_PUBLIC_URL: optionalText,
  /** SMTP server for email notifications (smtp://user:pass@host:port); unset keeps messages in the outbox only. */
  SMTP_URL: optionalText,
  /** Sender address of notification emails. */
  SMTP_FROM: z.string().default('echodesk <noreply@echodesk.local>'),
  /** Temporal UI address shown to managers; defaults to the dev server's UI. */
  TEMPORAL_UI_URL: optionalText,
  /**
   * How long a ticket may fail to make progress (an opening not recorded, writes failing, workflow tasks
   * failing) before it is marked as needing attention on /manage and in the dispatcher queue.
   */
  ECHODESK_STUCK_AFTER: z
    .string()
    .default('3m')
    .refine(isDuration, { error: (issue) => durationErrorMessage(issue.input) }),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config extends Env {
  /** Absolute paths resolved from the project root. */
  dataDir: string;
  slaPolicyPath: string;
  publicUrl: string;
  secret: string;
  stuckAfterMs: number;
  metricsHost: string;
}

export class ConfigError extends Error {}

/** Parses the environment once into a frozen config; fails listing every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  const problems: string[] = [];
  if (env.NODE_ENV === 'production' && !env.ECHODESK_SECRET) {
    problems.push('  ECHODESK_SECRET: required when NODE_ENV=production');
  }
  if (env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    problems.push('  METRICS_PORT: must differ from PORT; metrics are not served on the public port');
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  const root = projectRoot();
  return Object.freeze({
    ...env,
    dataDir: path.resolve(root, env.ECHODESK_DATA_DIR),
    slaPolicyPath: path.resolve(root, env.ECHODESK_SLA_POLICY),
    stuckAfterMs: parseDuration(env.ECHODESK_STUCK_AFTER),
    publicUrl: env.ECHODESK_PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    // Development only: a fixed secret keeps tracking links valid across restarts of the demo desk.
    secret: env.ECHODESK_SECRET ?? 'echodesk-development-secret-not-for-production',
    metricsHost: env.METRICS_HOST ?? env.HOST,
  });
}
