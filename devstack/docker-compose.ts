/**
 * Finds a Docker Compose executable, installing the Debian package when it is missing and we may.
 *
 * Looked for, in order: `docker-compose` on PATH (the Debian package, a Python Compose v1, or the
 * Compose v2 standalone binary), then the Compose v2 CLI plugin binary, which also runs standalone.
 * When neither exists and this process is root on a system with apt-get, it runs
 * `apt-get update && apt-get install -y --no-install-recommends docker-compose`.
 */
import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const INSTALL_TIMEOUT_MS = 10 * 60 * 1000;

/** Where the Compose v2 plugin binary lives in Docker's packages and in a per-user install. */
const PLUGIN_DIRS = [
  path.join(homedir(), '.docker/cli-plugins'),
  '/usr/local/lib/docker/cli-plugins',
  '/usr/local/libexec/docker/cli-plugins',
  '/usr/lib/docker/cli-plugins',
  '/usr/libexec/docker/cli-plugins',
];

const HOW_TO_INSTALL =
  'Install Docker Compose: `sudo apt-get install docker-compose` on Debian/Ubuntu, or the Compose v2 ' +
  'plugin (package docker-compose-plugin, https://docs.docker.com/compose/install/), then run again.';

/** The path of a working Docker Compose executable; throws saying what to install when there is none. */
export async function ensureDockerCompose(): Promise<string> {
  const found = await findDockerCompose();
  if (found !== null) {
    return found;
  }
  if (!(await canInstallWithApt())) {
    throw new Error(`docker-compose was not found on PATH or as a Docker CLI plugin. ${HOW_TO_INSTALL}`);
  }
  await installWithApt();
  const installed = await findDockerCompose();
  if (installed === null) {
    throw new Error(`apt-get installed docker-compose, but it is still not on PATH. ${HOW_TO_INSTALL}`);
  }
  return installed;
}

async function findDockerCompose(): Promise<string | null> {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== '');
  for (const dir of [...onPath, ...PLUGIN_DIRS]) {
    const candidate = path.join(dir, 'docker-compose');
    if ((await isExecutable(candidate)) && (await runsVersion(candidate))) {
      return candidate;
    }
  }
  return null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Guards against a broken install (e.g. a Python Compose whose modules are gone). */
async function runsVersion(executable: string): Promise<boolean> {
  try {
    await run(executable, ['version'], { timeout: 30_000 });
    return true;
  } catch {
    return false;
  }
}

async function canInstallWithApt(): Promise<boolean> {
  return process.getuid?.() === 0 && (await isExecutable('/usr/bin/apt-get'));
}

async function installWithApt(): Promise<void> {
  const options = { timeout: INSTALL_TIMEOUT_MS, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  try {
    await run('apt-get', ['update'], options);
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'docker-compose'], options);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new Error(`installing docker-compose with apt-get failed: ${detail}. ${HOW_TO_INSTALL}`);
  }
}
