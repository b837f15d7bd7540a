import { execFile } from 'node:child_process';

const PIP_TIMEOUT_MS = 15 * 60_000;

/** Runs `python3 -m pip <args>` without prompts; rejects with the command and the tail of pip's output. */
export function runPip(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'python3',
      ['-m', 'pip', ...args],
      { timeout: PIP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PIP_NO_INPUT: '1' } },
      (err, _stdout, stderr) => {
        if (!err) return resolve();
        const tail = stderr.trim().split('\n').slice(-5).join('\n');
        reject(new Error(`python3 -m pip ${args.join(' ')} failed: ${err.message}\n${tail}`));
      },
    );
  });
}
