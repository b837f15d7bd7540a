import { formatMeter, type MeterReport } from '../lib/proc';
import { sustainedRate } from '../lib/stats';
import type { CeilingFigures } from './ceilings';
import type { IntakeResults } from './intake-phase';
import { accepted, ACK_P99_LIMIT_MS, DISPATCH_P99_LIMIT_MS, UPDATES_PER_LIFECYCLE } from './limits';
import type { IntakeOptions } from './options';

/** What one phase reports to the rounds runner (`rounds.ts`) over IPC: sustained rates per second. */
export interface PhaseResult {
  type: 'result';
  /** `atTop`: the highest rate tried still passed, so the figure is a lower bound (try higher rates). */
  intake?: { acked: number; dispatched: number; atTop: boolean };
  ceiling?: { starts: number; completed: number; lifecycleRatio: number; atTop: boolean };
}

/** The sustained rates of both ladders: a rate counts only if it and every lower rate passed (a pass above a miss is noise). */
export interface Sustained {
  /** No-op starts with start p99 within the limit, and those also completed within the dispatch limit. */
  noopOpenStarts: number;
  noopOpenRuns: number;
  /** Acceptance: acknowledged within the limit, as the no-op ceiling counts starts accepted. */
  sustainedAcks: number;
  /** Processing: acknowledged within the limit and every ticket dispatched within DISPATCH_P99_LIMIT_MS. */
  sustained: number;
}

export function sustainedRates(ceilings: CeilingFigures, intake: IntakeResults): Sustained {
  const { ceilingSteps } = ceilings;
  const { steps, lags } = intake;
  return {
    noopOpenStarts: sustainedRate(ceilingSteps, accepted),
    noopOpenRuns: sustainedRate(
      ceilingSteps,
      (s) => accepted(s) && s.completedMs.p99 < DISPATCH_P99_LIMIT_MS,
    ),
    sustainedAcks: sustainedRate(steps, accepted),
    sustained: sustainedRate(
      steps,
      (s, i) =>
        accepted(s) && lags[i].dispatched === lags[i].tickets && lags[i].lagMs.p99 < DISPATCH_P99_LIMIT_MS,
    ),
  };
}

export function phaseResult(c: CeilingFigures, intake: IntakeResults, s: Sustained): PhaseResult {
  const { steps } = intake;
  return {
    type: 'result',
    intake:
      steps.length > 0
        ? {
            acked: s.sustainedAcks,
            dispatched: s.sustained,
            atTop: s.sustainedAcks === steps.at(-1)?.achieved,
          }
        : undefined,
    ceiling:
      c.ceilingSteps.length > 0
        ? {
            starts: s.noopOpenStarts,
            completed: s.noopOpenRuns,
            lifecycleRatio: c.shaped / c.lifecycles,
            atTop: s.noopOpenStarts === c.ceilingSteps.at(-1)?.achieved,
          }
        : undefined,
  };
}

export interface ReportInput {
  options: IntakeOptions;
  ceilings: CeilingFigures;
  intake: IntakeResults;
  sustained: Sustained;
  /** Idle CPU per process, "label N%, ...". */
  idle: string;
  meters: readonly MeterReport[];
}

/** The run's tables and ratios, as printed to stdout. */
export function formatReport(r: ReportInput): string {
  const { steps } = r.intake;
  const { ceilingSteps } = r.ceilings;
  return [
    '',
    header(r.options),
    ...(steps.length > 0 ? intakeTable(r.intake) : []),
    ...(ceilingSteps.length > 0 ? ladderTable(r.ceilings, r.sustained) : []),
    ...(steps.length > 0 && ceilingSteps.length > 0 ? sameTestRatios(r.sustained) : []),
    ...(!r.options.intakeOnly ? closedLoopCeilings(r.ceilings, r.sustained, steps.length > 0) : []),
    '',
    `idle, before the load: ${r.idle} of a core`,
    ...r.meters.map(formatMeter),
    '',
  ].join('\n');
}

/** a / b to two places, or "n/a" when no rate of the ceiling passed. */
const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');

function header(o: IntakeOptions): string {
  const pinned = o.pinTemporal ? 'Temporal alone on CPU 0; ' : '';
  const paused = o.pauseWorker ? 'worker stopped while reports are sent (diagnostic); ' : '';
  return `Intake and ceilings (Temporal dev server, SQLite pragmas: ${o.sqlitePragmas.join(' ') || 'defaults'}; worker tuning ${JSON.stringify(o.tuning)}; pg pool ${o.poolMax}; worker nice ${o.workerNice}; ${pinned}${paused}steps of ${o.stepSeconds} s, each from a desk that has worked off the one before)`;
}

function intakeTable({ steps, lags, stores, stepMeters, undispatched }: IntakeResults): string[] {
  const rows = steps.map((s, i) => {
    const lag = lags[i];
    const tickets = Math.max(1, lag.tickets);
    const perTicket = stepMeters.map((m) => ((s.cpu[m.label] * 1000) / tickets).toFixed(1)).join(' / ');
    const phases = `${s.phases.db.p99.toFixed(0)} / ${s.phases.temporal.p99.toFixed(0)} / ${s.phases.rest.p99.toFixed(0)}`;
    return `  ${String(s.rate).padStart(6)}  ${s.achieved.toFixed(1).padStart(10)}  ${s.latency.p50.toFixed(0).padStart(10)}  ${s.latency.p99.toFixed(0).padStart(10)}  ${phases.padStart(24)}  ${String(s.errors).padStart(6)}  ${`${lag.dispatched}/${lag.tickets}`.padStart(10)}  ${lag.lagMs.p50.toFixed(0).padStart(15)}  ${lag.lagMs.p99.toFixed(0).padStart(15)}  ${perTicket}; ${stores[i] ?? ''}`;
  });
  return [
    `  rate/s  achieved/s  ack p50 ms  ack p99 ms  p99 db / temporal / rest  errors  dispatched  dispatch p50 ms  dispatch p99 ms  CPU ms per ticket (${stepMeters.map((m) => m.label).join(' / ')}); Temporal persistence while reports were taken`,
    ...rows,
    undispatched > 0
      ? `!! ${undispatched} tickets still without a dispatch decision 120 s after the load stopped`
      : '',
  ];
}

function ladderTable({ ceilingSteps }: CeilingFigures, s: Sustained): string[] {
  return [
    '',
    `Bare ceiling by the intake's test: no-op starts sent open loop through the same client, the ceiling worker running them, each step from a drained server`,
    `  rate/s  achieved/s  start p50 ms  start p99 ms  errors  completed p50 ms  completed p99 ms  CPU ms per no-op; Temporal persistence while starts were sent`,
    ...ceilingSteps.map(
      (c) =>
        `  ${String(c.rate).padStart(6)}  ${c.achieved.toFixed(1).padStart(10)}  ${c.latency.p50.toFixed(0).padStart(12)}  ${c.latency.p99.toFixed(0).padStart(12)}  ${String(c.errors).padStart(6)}  ${c.completedMs.p50.toFixed(0).padStart(16)}  ${c.completedMs.p99.toFixed(0).padStart(16)}  ${c.cpuSplit}; ${c.store}`,
    ),
    `ceiling: no-op starts with start p99 < ${ACK_P99_LIMIT_MS} ms ${s.noopOpenStarts.toFixed(1)}/s; also completed with p99 < ${DISPATCH_P99_LIMIT_MS} ms ${s.noopOpenRuns.toFixed(1)}/s`,
  ];
}

function sameTestRatios(s: Sustained): string[] {
  return [
    `intake acknowledged with p99 < ${ACK_P99_LIMIT_MS} ms: ${s.sustainedAcks.toFixed(1)} tickets/s -> / no-op starts by the same test = ${ratio(s.sustainedAcks, s.noopOpenStarts)} (target >= 0.5)`,
    `intake acknowledged and dispatched (p99 < ${DISPATCH_P99_LIMIT_MS} ms): ${s.sustained.toFixed(1)} tickets/s -> / no-op starts also completed by the same test = ${ratio(s.sustained, s.noopOpenRuns)}`,
  ];
}

function closedLoopCeilings(c: CeilingFigures, s: Sustained, withIntake: boolean): string[] {
  return [
    '',
    `ceiling: no-op workflow starts ${c.noopStarts.toFixed(1)}/s accepted (${c.noopCpuMs.toFixed(1)} CPU ms each once run: ${c.noopSplit})`,
    `ceiling: no-op workflows run end to end ${c.noopRuns.toFixed(1)}/s`,
    ...(withIntake
      ? [
          `intake acknowledged with p99 < ${ACK_P99_LIMIT_MS} ms: ${s.sustainedAcks.toFixed(1)} tickets/s -> / no-op starts accepted (32 in flight, no latency bound) = ${ratio(s.sustainedAcks, c.noopStarts)}`,
          `intake acknowledged and dispatched (p99 < ${DISPATCH_P99_LIMIT_MS} ms): ${s.sustained.toFixed(1)} tickets/s -> / no-op starts = ${ratio(s.sustained, c.noopStarts)}, / no-op runs = ${ratio(s.sustained, c.noopRuns)}`,
        ]
      : []),
    `ceiling: no-op workflows of a ticket opening's shape (input of a ticket's size, patch marker, local activity, upsert, timer) ${c.openingStarts.toFixed(1)}/s accepted (CPU ms each once run: ${c.openingSplit})`,
    `ceiling: no-op lifecycles of a ticket's shape (2 + ${UPDATES_PER_LIFECYCLE} activities, ${UPDATES_PER_LIFECYCLE} updates) ${c.shaped.toFixed(1)}/s`,
    `echodesk full lifecycles ${c.lifecycles.toFixed(1)}/s -> cost ratio ${(c.shaped / c.lifecycles).toFixed(2)}x the no-op of the same shape (target <= 1.5)`,
  ];
}
