import { Connection, Client } from '@temporalio/client';
import { Worker, NativeConnection } from '@temporalio/worker';
async function main() {
  const nc = await NativeConnection.connect({ address: '127.0.0.1:17233' });
  const worker = await Worker.create({ connection: nc, taskQueue: 'probe', workflowsPath: require.resolve('./wf.ts') });
  const client = new Client({ connection: await Connection.connect({ address: '127.0.0.1:17233' }) });
  await worker.runUntil(async () => {
    await client.workflow.start('broken', { taskQueue: 'probe', workflowId: 'probe-' + Date.now() });
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 2000));
      const found = [];
      for await (const w of client.workflow.list({ query: 'TemporalReportedProblems IS NOT NULL' })) found.push([w.workflowId, w.searchAttributes]);
      console.log(i, JSON.stringify(found));
      if (found.length) break;
    }
  });
}
main().catch((e) => { console.error(e); process.exit(1); });
