import type { ChildProcess } from 'node:child_process';
import { spawnTs, stopChild } from '../lib/proc';

/** A child process kept running: restarted when it dies unasked, killed and restarted on demand. */
export class Supervised {
  private child: ChildProcess | undefined;
  private stopping = false;
  restarts = 0;
  crashes = 0;

  constructor(
    readonly name: string,
    private readonly entry: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly ready: (child: ChildProcess) => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const child = spawnTs(this.entry, this.env, { quiet: true });
    this.child = child;
    child.once('exit', (code, signal) => {
      if (this.child !== child || this.stopping) return;
      this.crashes += 1;
      this.log(`${this.name} exited by itself (code ${code}, signal ${signal}); restarting`);
      this.child = undefined;
      setTimeout(
        () =>
          void this.start().catch((err: unknown) => this.log(`${this.name} restart failed: ${String(err)}`)),
        500,
      );
    });
    await this.ready(child);
  }

  /** Kills with `signal`, waits `downMs`, starts again and waits until it is ready. */
  async restart(signal: NodeJS.Signals, downMs: number): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child) await stopChild(child, signal);
    this.restarts += 1;
    await new Promise((resolve) => setTimeout(resolve, downMs));
    await this.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child) await stopChild(this.child, 'SIGTERM');
  }
}
