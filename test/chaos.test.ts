import { formatChaosReport, runChaos } from '../bench/chaos/chaos';
import { createTestDatabase } from './support/db';

describe('chaos: tickets survive crashes of the worker and restarts of the API', () => {
  test('when the worker is SIGKILLed and the API restarted while 40 tickets run their lifecycles, then every ticket ends once and the read model agrees with every workflow', async () => {
    const db = await createTestDatabase();
    const report = await runChaos({
      databaseUrl: db.url,
      tickets: 40,
      concurrency: 20,
      workerKills: 1,
      apiRestarts: 1,
      temporalRestarts: 0,
      faultEverySeconds: [4, 12],
      timeLimitMs: 150_000,
      log: () => undefined,
    }).finally(() => db.drop());
    const summary = formatChaosReport(report);
    expect({ problems: report.problems, differences: report.differences, summary }).toEqual({
      problems: [],
      differences: [],
      summary,
    });
    expect(report.faults.workerKills).toBe(1);
    expect(report.faults.apiRestarts).toBe(1);
    expect(report.byStatus).toEqual({ closed: 35, cancelled: 5 });
  }, 240_000);
});
