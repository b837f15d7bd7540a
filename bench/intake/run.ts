import type { ChildProcess } from 'node:child_process';
import { ProcessMeter, runMain, stopChild } from '../lib/proc';
import { startBenchStack, type BenchStack } from '../lib/stack';
import { referenceFor } from '../lib/tickets';
import { NO_CEILINGS, runCeilings } from './ceilings';
import { startDesk, temporalMetricsUrl, type Desk } from './desk';
import { NO_INTAKE, runIntakeSteps } from './intake-phase';
import { idleCpu, pinOffCpu0, pinToCpu0 } from './measure';
import { parseOptions, type IntakeOptions } from './options';
import { formatReport, phaseResult, sustainedRates, type PhaseResult } from './report';

/**
 * Issue 6: intake over HTTP at rising rates from a second process, and the ceiling of the Temporal
 * server in use (no-op starts/s, lifecycles/s of a no-op workflow shaped like a ticket), with
 * echodesk's figures as ratios to those ceilings. Flags: options.ts; the ceilings: ceilings.ts and
 * ceiling-ladder.ts; the intake steps: intake-phase.ts; the tables: report.ts.
 */
async function main(): Promise<void> {
  const options = parseOptions();
  // --pin-temporal: the Temporal server on CPU 0 alone and everything else (this process and all it starts)
  // on the others, as with Temporal on a host of its own (docs/scaling.md); both phases alike.
  if (options.pinTemporal) pinOffCpu0();
  const stack = await startBenchStack({
    sqlitePragmas: options.sqlitePragmas,
    dynamicConfig: options.dynamicConfig,
  });
  const temporalPid = stack.temporalPid();
  if (options.pinTemporal && temporalPid) pinToCpu0(temporalPid);
  const children: ChildProcess[] = [];
  try {
    const desk = await startDesk(stack, children, {
      tuning: options.tuning,
      poolMax: options.poolMax,
      workerNice: options.workerNice,
      workerNodeArgs: options.workerNodeArgs,
      apiNodeArgs: options.apiNodeArgs,
    });
    process.stdout.write(await measure(stack, desk, children, options));
  } finally {
    for (const child of children) {
      child.kill('SIGCONT'); // a worker stopped by --pause-worker must run to hear SIGTERM
      await stopChild(child);
    }
    await stack.stop();
  }
}

/** Both phases on a running desk; sends the rounds runner its result and returns the report to print. */
async function measure(
  stack: BenchStack,
  desk: Desk,
  children: ChildProcess[],
  options: IntakeOptions,
): Promise<string> {
  const ref = await referenceFor(stack.pool, 'IH-2-301', 'wifi');
  const meters = deskMeters(stack, desk);
  const metricsUrl = await temporalMetricsUrl(stack.dataDir);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const ceilings = options.intakeOnly
    ? NO_CEILINGS
    : await runCeilings({ client: stack.client, ref, meters, log, metricsUrl, ...options });
  const idle = await idleCpu(meters);
  log(`idle: ${idle} of a core`);
  const intake = options.ceilingsOnly
    ? NO_INTAKE
    : await runIntakeSteps({
        pool: stack.pool,
        port: desk.port,
        worker: desk.worker,
        children,
        meters,
        metricsUrl,
        log,
        ...options,
      });
  const reports = [...meters, ...(intake.loadMeter ? [intake.loadMeter] : [])].map((m) => m.stop());
  const sustained = sustainedRates(ceilings, intake);
  await sendResult(phaseResult(ceilings, intake, sustained));
  return formatReport({ options, ceilings, intake, sustained, idle, meters: reports });
}

function deskMeters(stack: BenchStack, { api, worker, ceilingWorker }: Desk): ProcessMeter[] {
  return [
    new ProcessMeter(() => api.pid, 'api'),
    new ProcessMeter(() => worker.pid, 'ticket worker'),
    new ProcessMeter(() => ceilingWorker.pid, 'ceiling worker'),
    new ProcessMeter(() => stack.temporalPid(), 'temporal server'),
    new ProcessMeter(() => stack.postgresPid(), 'postgresql', true),
    new ProcessMeter(() => process.pid, 'bench client'),
  ];
}

/** To the rounds runner, when it started this run; waits until the message is out (the bench leaves through process.exit). */
async function sendResult(result: PhaseResult): Promise<void> {
  if (process.send)
    await new Promise<void>((resolve) => process.send?.(result, undefined, {}, () => resolve()));
}

runMain(main);
