/**
 * A ticket worker whose opening is as it was before text was sanitized and data errors classified:
 * PostgreSQL's refusal of a NUL is retried without end. Run as a child process (and killed, as a deploy
 * replaces a worker) by test/api/stuck-tickets.test.ts. Env: DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { dispatchOnce } from '../../activities/assign-ticket';
import { openTicketWith, type OpenTicketInput } from '../../activities/open-ticket';
import { writeTicketRecord, type Links } from '../../activities/record-ticket';
import { createPool, withTransaction } from '../../db/pool';
import { createNotificationRenderer } from '../../lib/notification-renderer';

async function main(): Promise<void> {
  const { DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE } = process.env;
  if (!DATABASE_URL || !TEMPORAL_ADDRESS || !TASK_QUEUE)
    throw new Error('DATABASE_URL, TEMPORAL_ADDRESS, TASK_QUEUE');
  const pool = createPool(DATABASE_URL, { max: 2 });
  const render = createNotificationRenderer({ timezone: 'Asia/Shanghai' });
  const links: Links = { tracking: (n) => `http://t/${n}`, staff: (n) => `http://s/${n}` };
  const current = createActivities({ pool, render, links });
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: TEMPORAL_ADDRESS }),
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('../../workflows'),
    activities: {
      ...current,
      openTicket: (input: OpenTicketInput) =>
        withTransaction(pool, (client) =>
          openTicketWith(
            (dispatch) => dispatchOnce(client, dispatch),
            async (record) => {
              await writeTicketRecord(client, record, render, links);
            },
            input,
          ),
        ),
    },
  });
  process.stdout.write('old worker running\n');
  await worker.run();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
