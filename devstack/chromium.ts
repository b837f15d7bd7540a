import { execFile } from 'node:child_process';
import path from 'node:path';
import { findOnPath, isExecutableFile } from './executables';

const CHROMIUM_NAMES = ['chromium', 'chromium-browser'];
const APT_PACKAGES = ['chromium', 'fonts-wqy-microhei'];
const CJK_FONT_PACKAGE = 'fonts-wqy-microhei';
const INSTALL_TIMEOUT_MS = 15 * 60_000;

export interface ResolveChromiumOptions {
  /** Environment to read CHROMIUM_PATH and PATH from; defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** Whether `apt-get install` may run when running as root; defaults to true. */
  install?: boolean;
  /** Receives one line per install step; defaults to stderr. */
  log?: (line: string) => void;
}

/**
 * The Chromium binary for browser tests: $CHROMIUM_PATH, else `chromium`/`chromium-browser` on PATH, else
 * `apt-get install chromium fonts-wqy-microhei` when running as root; otherwise an error saying what to install.
 * When Chromium is found but the CJK font is missing and we are root, the font is installed too (zh-CN pages).
 */
export async function resolveChromium(opts: ResolveChromiumOptions = {}): Promise<string> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const canInstall = opts.install !== false && isRoot();
  const fromEnv = env.CHROMIUM_PATH;
  if (fromEnv) {
    const resolved = path.resolve(fromEnv);
    if (!(await isExecutableFile(resolved))) {
      throw new Error(
        `CHROMIUM_PATH is set to "${fromEnv}", which is not an executable file. Point it at a Chromium ` +
          'binary, or unset it so echodesk finds `chromium` on PATH or installs it.',
      );
    }
    return resolved;
  }
  const found = await findOnPath(CHROMIUM_NAMES, env.PATH);
  if (found) {
    if (canInstall && !(await hasCjkFont())) await aptInstall([CJK_FONT_PACKAGE], log);
    return found;
  }
  if (!canInstall) throw notFoundError();
  try {
    await aptInstall(APT_PACKAGES, log);
  } catch (err) {
    throw notFoundError(err);
  }
  const installed = await findOnPath(CHROMIUM_NAMES, env.PATH);
  if (!installed) throw notFoundError(new Error('apt-get succeeded but no chromium binary is on PATH'));
  return installed;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function notFoundError(cause?: unknown): Error {
  const why = cause instanceof Error ? ` (install attempt failed: ${cause.message})` : '';
  return new Error(
    `Browser tests need Chromium and were not skipped: none found${why}. Install it with ` +
      '`sudo apt-get install -y chromium fonts-wqy-microhei` (Debian/Ubuntu), or set CHROMIUM_PATH to a ' +
      'Chromium or Chrome binary.',
  );
}

async function hasCjkFont(): Promise<boolean> {
  try {
    const out = await run('fc-list', [':lang=zh', 'family'], 30_000);
    return out.trim() !== '';
  } catch {
    return false;
  }
}

async function aptInstall(packages: string[], log: (line: string) => void): Promise<void> {
  log(`installing ${packages.join(' ')} with apt-get (this happens once)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], INSTALL_TIMEOUT_MS, env);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], INSTALL_TIMEOUT_MS, env);
}

function run(cmd: string, args: string[], timeout: number, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
      else resolve(stdout);
    });
  });
}
