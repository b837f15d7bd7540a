import { runMain } from '../lib/proc';
import { intArg } from '../lib/stats';
import { formatChaosReport, runChaos } from './chaos';

/** Issue 6: `npx tsx bench/chaos/run.ts [--tickets 2000]`; exits 1 on any lost, duplicated or disagreeing ticket. */
async function main(): Promise<void> {
  const tickets = intArg('tickets', 2000);
  const report = await runChaos({
    tickets,
    concurrency: intArg('concurrency', 40),
    workerKills: intArg('worker-kills', 6),
    apiRestarts: intArg('api-restarts', 3),
    temporalRestarts: 1,
    faultEverySeconds: [10, 30],
    timeLimitMs: intArg('minutes', 30) * 60_000,
    log: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
  });
  process.stdout.write(formatChaosReport(report));
  if (report.problems.length + report.differences.length > 0) process.exitCode = 1;
}

runMain(main);
