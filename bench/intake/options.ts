import { availableParallelism } from 'node:os';
import { TEMPORAL_SQLITE_PRAGMAS } from '../lib/stack';
import { intArg } from '../lib/stats';

/** run.ts's flags and BENCH_* settings, checked (bench/README.md, "Intake"). */
export interface IntakeOptions {
  stepSeconds: number;
  /** Intake rates per second, comma-separated, as load.ts takes them. */
  rates: string;
  ceilingRates: number[];
  /** Worker options passed through to the ticket worker (slots, cache). */
  tuning: Record<string, number>;
  poolMax: number;
  sqlitePragmas: readonly string[];
  dynamicConfig: string[];
  workerNice: number;
  workerNodeArgs: string[];
  apiNodeArgs: string[];
  /** Diagnostic: the ticket worker is stopped (SIGSTOP) while each step's reports are sent and resumed after. */
  pauseWorker: boolean;
  /** A diagnostic for quick A/B runs of the desk: no ceilings, no ratios. */
  intakeOnly: boolean;
  /** No intake steps (the rounds runner measures them in a process of their own). */
  ceilingsOnly: boolean;
  /** Each ladder ends at its first step over the limit (the rounds runner counts contiguous passes only). */
  stopAtMiss: boolean;
  /** The Temporal server on CPU 0 alone and everything else on the others (docs/scaling.md). */
  pinTemporal: boolean;
}

const has = (argv: readonly string[], flag: string) => argv.includes(`--${flag}`);

/** `--name a,b,c` of whole numbers, or the default. */
function rateList(argv: readonly string[], name: string, fallback: string): string {
  const at = argv.indexOf(`--${name}`);
  const list = at >= 0 ? (argv[at + 1] ?? '') : fallback;
  if (!/^\d+(,\d+)*$/.test(list)) throw new Error(`--${name} needs a comma-separated list of whole numbers`);
  return list;
}

function workerTuning(argv: readonly string[]): Record<string, number> {
  const tuning: Record<string, number> = {};
  if (has(argv, 'max-cached')) tuning.maxCachedWorkflows = intArg('max-cached', 0, argv);
  if (has(argv, 'wf-slots')) tuning.maxConcurrentWorkflowTaskExecutions = intArg('wf-slots', 0, argv);
  if (has(argv, 'act-slots')) tuning.maxConcurrentActivityTaskExecutions = intArg('act-slots', 0, argv);
  return tuning;
}

/** BENCH_SQLITE_PRAGMAS="a=1,b=2" replaces the benches' pragmas (for A/B runs of the store's settings). */
function sqlitePragmas(argv: readonly string[], env: NodeJS.ProcessEnv): readonly string[] {
  if (env.BENCH_SQLITE_PRAGMAS) return env.BENCH_SQLITE_PRAGMAS.split(',').filter(Boolean);
  return has(argv, 'sqlite-defaults') ? [] : TEMPORAL_SQLITE_PRAGMAS;
}

function workerNice(argv: readonly string[]): number {
  const nice = has(argv, 'worker-nice') ? Number(argv[argv.indexOf('--worker-nice') + 1]) : 10;
  if (!Number.isInteger(nice) || nice < 0 || nice > 19) throw new Error('--worker-nice needs 0 to 19');
  return nice;
}

const words = (value: string | undefined, separator: string) =>
  (value ?? '').split(separator).filter(Boolean);

export function parseOptions(
  argv: readonly string[] = process.argv,
  env: NodeJS.ProcessEnv = process.env,
): IntakeOptions {
  const stepSeconds = intArg('step-seconds', 10, argv);
  const rates = rateList(argv, 'rates', '5,10,20,30,40,60,80,100');
  const ceilingRates = rateList(argv, 'ceiling-rates', '60,80,100,120,140,160').split(',').map(Number);
  const tuning = workerTuning(argv);
  const pragmas = sqlitePragmas(argv, env);
  const nice = workerNice(argv);
  const intakeOnly = has(argv, 'intake-only');
  const ceilingsOnly = has(argv, 'ceilings-only');
  if (intakeOnly && ceilingsOnly) throw new Error('--intake-only and --ceilings-only exclude each other');
  const pinTemporal = has(argv, 'pin-temporal');
  if (pinTemporal && availableParallelism() < 2) throw new Error('--pin-temporal needs 2 CPUs or more');
  return {
    stepSeconds,
    rates,
    ceilingRates,
    tuning,
    poolMax: intArg('pool', 10, argv),
    sqlitePragmas: pragmas,
    dynamicConfig: words(env.BENCH_DYNAMIC_CONFIG, ','),
    workerNice: nice,
    // e.g. BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the ticket worker.
    workerNodeArgs: words(env.BENCH_WORKER_NODE_ARGS, ' '),
    apiNodeArgs: words(env.BENCH_API_NODE_ARGS, ' '),
    pauseWorker: has(argv, 'pause-worker'),
    intakeOnly,
    ceilingsOnly,
    stopAtMiss: has(argv, 'stop-at-miss'),
    pinTemporal,
  };
}
