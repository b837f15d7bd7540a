import { spawn } from 'node:child_process';
import path from 'node:path';
import { runMain } from '../lib/proc';
import { intArg } from '../lib/stats';
import type { PhaseResult } from './report';

/**
 * The intake's ratio to the bare ceiling, measured so that neither side is favoured. Each round runs
 * the ceilings and the intake in processes of their own, each on a fresh stack (its own PostgreSQL and
 * Temporal dev server), so neither is measured on a store the other has filled; the order alternates
 * (odd rounds ceilings first, even rounds intake first), so a machine that drifts faster or slower
 * during the run does not favour one side. Prints each round's figures and the median ratios.
 *
 *   npx tsx bench/intake/rounds.ts [--rounds 3] [run.ts options: --step-seconds, --rates, --ceiling-rates, ...]
 */
const INTAKE_TARGET = 0.5;

/** Runs `run.ts` with `args` (its tables go to this process's output) and resolves with its result message. */
function runPhase(args: readonly string[]): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'run.ts'), ...args], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: PhaseResult | undefined;
    child.on('message', (message: PhaseResult) => {
      if (message.type === 'result') result = message;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (result && code === 0) resolve(result);
      else reject(new Error(`run.ts ${args.join(' ')} ended with code ${code}, signal ${signal}, no result`));
    });
  });
}

/** Median of the finite values (a ratio is NaN when its ceiling had no passing rate), NaN if none. */
const median = (values: readonly number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

interface Round {
  order: string;
  ceiling: NonNullable<PhaseResult['ceiling']>;
  intake: NonNullable<PhaseResult['intake']>;
}

async function main(): Promise<void> {
  const rounds = intArg('rounds', 3);
  const passThrough = process.argv
    .slice(2)
    .filter((arg, i, all) => arg !== '--rounds' && all[i - 1] !== '--rounds');
  if (passThrough.some((arg) => arg === '--intake-only' || arg === '--ceilings-only'))
    throw new Error('rounds.ts chooses the phases itself');
  const results: Round[] = [];
  for (let r = 1; r <= rounds; r++) {
    const ceilingsFirst = r % 2 === 1;
    const order = ceilingsFirst ? 'ceilings, intake' : 'intake, ceilings';
    process.stderr.write(`\nround ${r} of ${rounds}: ${order}\n`);
    // Only contiguous passes count, so each ladder may stop at its first miss.
    const phaseArgs = (only: string) => [only, '--stop-at-miss', ...passThrough];
    const first = await runPhase(phaseArgs(ceilingsFirst ? '--ceilings-only' : '--intake-only'));
    const second = await runPhase(phaseArgs(ceilingsFirst ? '--intake-only' : '--ceilings-only'));
    const ceiling = first.ceiling ?? second.ceiling;
    const intake = first.intake ?? second.intake;
    if (!ceiling || !intake) throw new Error(`round ${r}: a phase reported nothing`);
    results.push({ order, ceiling, intake });
  }

  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);
  const acceptRatios = results.map((r) => ratio(r.intake.acked, r.ceiling.starts));
  const processRatios = results.map((r) => ratio(r.intake.dispatched, r.ceiling.completed));
  // ">=": the highest rate tried still passed, so the figure is only a lower bound.
  const rate = (n: number, atTop: boolean) => `${atTop ? '>=' : ''}${n.toFixed(1)}`;
  const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  const out = [
    '',
    `Intake against the bare ceiling, ${rounds} rounds, each phase on a fresh stack (rates: a step passes with p99 < 250 ms; sustained = the last step passed before the first miss)`,
    '  round  order              no-op starts/s  intake acked/s  ratio  no-op started+completed/s  intake acked+dispatched/s  ratio  lifecycle cost',
    ...results.map(
      (r, i) =>
        `  ${String(i + 1).padStart(5)}  ${r.order.padEnd(17)}  ${rate(r.ceiling.starts, r.ceiling.atTop).padStart(14)}  ${rate(r.intake.acked, r.intake.atTop).padStart(14)}  ${fmt(acceptRatios[i]).padStart(5)}  ${r.ceiling.completed.toFixed(1).padStart(25)}  ${r.intake.dispatched.toFixed(1).padStart(25)}  ${fmt(processRatios[i]).padStart(5)}  ${r.ceiling.lifecycleRatio.toFixed(2).padStart(13)}x`,
    ),
    `median: intake acknowledged / no-op starts = ${fmt(median(acceptRatios))} (target >= ${INTAKE_TARGET}; lowest ${fmt(Math.min(...acceptRatios.filter(Number.isFinite)))}), acknowledged and dispatched / no-ops started and completed = ${fmt(median(processRatios))}, lifecycle cost ${fmt(median(results.map((r) => r.ceiling.lifecycleRatio)))}x (target <= 1.5)`,
    '',
  ];
  process.stdout.write(out.join('\n'));
}

runMain(main);
