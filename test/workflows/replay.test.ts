import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { OPEN_IN_FIRST_TASK } from '../../workflows/ticket-workflow';
import { workflowBundle } from './harness';
// Unit tier: no setup file installs the SDK's quiet logger there, so the one file that runs a Worker does.
import '../support/setup-temporal-logging';

const HISTORIES_DIR = path.join(__dirname, '..', 'fixtures', 'histories');
const fixtures = readdirSync(HISTORIES_DIR).filter((file) => file.endsWith('.json'));

/** A history as scripts/record-histories.ts wrote it (protobufjs `toJSON()`), back as a proto. */
function loadHistory(file: string): temporal.api.history.v1.History {
  const json = JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')) as Record<string, unknown>;
  return temporal.api.history.v1.History.fromObject(json);
}

describe('replay of recorded ticket histories', () => {
  test('when the fixtures are listed, then every recorded scenario is there', () => {
    expect(fixtures).toEqual(
      expect.arrayContaining(
        [
          'cancel',
          'escalations-both-clocks',
          'happy-path',
          'pause-resume',
          'reject-reopen-confirm',
          'survey-expiry',
          'transfer-decline',
        ].map((name) => `${name}.json`),
      ),
    );
  });

  test.each(fixtures)(
    'when %s is replayed against the current workflow code, then it replays without nondeterminism',
    async (file) => {
      const history = loadHistory(file);
      expect(history.events.length).toBeGreaterThan(10);
      await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
    },
  );

  test('when the fixtures are read, then both openings are guarded: activities (v1) and the first-task local activity', () => {
    const patchesOf = (file: string) =>
      loadHistory(file)
        .events.flatMap((e) => (e.markerRecordedEventAttributes?.markerName === 'core_patch' ? [e] : []))
        .map((e) =>
          Buffer.from(
            e.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data ?? [],
          ).toString(),
        );
    expect(patchesOf('happy-path.v1.json')).toEqual([]);
    expect(patchesOf('happy-path.json').join()).toContain(OPEN_IN_FIRST_TASK);
  });
});

describe('the workflow bundle', () => {
  test('when the workflows are bundled, then no schema or I/O library is in it (each is evaluated again for every new ticket)', async () => {
    const { code } = await workflowBundle();
    for (const heavy of ['zod', 'pg', 'express', 'handlebars', 'pino'])
      expect(code).not.toContain(`/node_modules/${heavy}/`);
  });
});

describe('the workflow bundle and its lint rule', () => {
  test('when the workflows are bundled, then every project file in it is under workflows/ or domain/, which eslint.config.mjs holds to the sandbox rules', async () => {
    const { code } = await workflowBundle();
    const projectFiles = [...code.matchAll(/^\/\*\*\*\/ "\.\/([^"]+)"$/gm)]
      .map((match) => match[1] ?? '')
      .filter((file) => !file.startsWith('node_modules/'));
    expect(projectFiles).toContain('workflows/ticket-workflow.ts');
    expect(projectFiles.filter((file) => !/^(workflows|domain)\//.test(file))).toEqual([]);
  });
});
