import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../lib/project-root';
import { runPip } from './pip';

/** Version of the API fuzzer installed from PyPI package `schemathesis`. */
export const SCHEMATHESIS_VERSION = '4.32.5';
/** Project-relative folder (git-ignored) that holds the pip-installed schemathesis and its dependencies. */
export const PYTHON_TOOLS_DIR = path.join('.tools', 'python');

/** How to run schemathesis's CLI: a command and the environment it needs. */
export interface SchemathesisCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const marker = (dir: string) => path.join(dir, `schemathesis-${SCHEMATHESIS_VERSION}.dist-info`);

/**
 * `python3 -m schemathesis.cli` from .tools/python, pip-installing schemathesis==SCHEMATHESIS_VERSION there
 * first when it is missing (into a temp folder renamed into place, so a concurrent run never sees half of it).
 */
export async function resolveSchemathesis(
  opts: { projectRoot?: string; log?: (line: string) => void } = {},
): Promise<SchemathesisCommand> {
  const dir = path.join(opts.projectRoot ?? projectRoot(), PYTHON_TOOLS_DIR);
  if (!existsSync(marker(dir))) {
    const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
    log(`Installing schemathesis==${SCHEMATHESIS_VERSION} into ${dir} (one-time download)`);
    await mkdir(path.dirname(dir), { recursive: true });
    const staging = await mkdtemp(`${dir}.install-`);
    try {
      await runPip(['install', '--no-input', '--target', staging, `schemathesis==${SCHEMATHESIS_VERSION}`]);
      if (!existsSync(marker(dir))) {
        await rm(dir, { recursive: true, force: true });
        await rename(staging, dir);
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
  return {
    command: 'python3',
    args: ['-m', 'schemathesis.cli'],
    env: { ...process.env, PYTHONPATH: dir, PYTHONDONTWRITEBYTECODE: '1' },
  };
}

/** One call schemathesis made, as its NDJSON report (`--report ndjson`) records it. */
export interface FuzzCall {
  /** `examples`, `coverage`, `fuzzing` or `stateful`. */
  phase: string;
  /** The operation as the document names it, e.g. `POST /api/tickets/{id}/accept`. */
  operation: string;
  /** Null when no response came (a network error). */
  status: number | null;
  /** In the stateful phase, the OpenAPI link whose values this call used; null otherwise. */
  link: string | null;
  /** The scenario the call belongs to. */
  scenario: string;
}

interface RecordedCase {
  value: { method: string; path: string };
  transition?: { id: string };
  is_transition_applied?: boolean;
}

interface ScenarioFinished {
  id: string;
  phase: string;
  recorder: {
    cases?: Record<string, RecordedCase>;
    interactions?: Record<string, { response?: { status_code: number } | null }>;
  };
}

/** Every call of a run, from the NDJSON event stream of schemathesis 4.x (one JSON event per line). */
export async function readFuzzCalls(ndjsonPath: string): Promise<FuzzCall[]> {
  const calls: FuzzCall[] = [];
  for (const line of (await readFile(ndjsonPath, 'utf8')).split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const scenario = (JSON.parse(line) as { ScenarioFinished: ScenarioFinished }).ScenarioFinished;
    for (const [id, recorded] of Object.entries(scenario.recorder.cases ?? {})) {
      const interaction = scenario.recorder.interactions?.[id];
      if (!interaction) continue;
      calls.push({
        phase: scenario.phase,
        operation: `${recorded.value.method} ${recorded.value.path}`,
        status: interaction.response?.status_code ?? null,
        link: recorded.is_transition_applied && recorded.transition ? recorded.transition.id : null,
        scenario: scenario.id,
      });
    }
  }
  return calls;
}
