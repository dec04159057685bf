/**
 * A native-sim board: the firmware bundle built for the host runs as its own Node process, as
 * Zephyr's native_sim runs a firmware as a Linux program. It uses the host's network directly
 * (like native_sim's offloaded sockets), so it needs no hostfwd: host tools reach it on
 * 127.0.0.1, and the virtual boards reach it through the host address (192.0.2.2, name `host`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Board } from '../boards/boards.js';

export class ProcessBoard {
  state: 'new' | 'running' | 'crashed' | 'exited' | 'stopped' = 'new';
  exitStatus: number | null = null;
  private child: ChildProcess | null = null;
  private exitWaiters: ((status: number) => void)[] = [];
  private crashWaiters: ((e: Error) => void)[] = [];
  private stderrTail: string[] = [];

  constructor(readonly board: Board, readonly name: string, private readonly log: (line: string, stream: 'out' | 'err') => void) {}

  boot(bundle: string, env: Record<string, string> = {}): void {
    const child = spawn(process.execPath, [bundle], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.child = child;
    this.state = 'running';
    for (const [stream, s] of [['out', child.stdout!], ['err', child.stderr!]] as const) {
      createInterface({ input: s }).on('line', (l) => {
        if (stream === 'err') this.stderrTail = [...this.stderrTail.slice(-20), l];
        this.log(`[${this.name}] ${l}`, stream);
      });
    }
    child.on('exit', (code, signal) => {
      this.child = null;
      if (this.state !== 'running') return;
      // Node ends with 1 and a stack on stderr for an uncaught exception: that is a crash.
      if (code === 1 && this.stderrTail.some((l) => /^\s+at /.test(l))) {
        this.state = 'crashed';
        const e = (this.crash = new Error(this.stderrTail.join('\n')));
        this.log(`[${this.name}] *** firmware crashed`, 'err');
        for (const w of this.crashWaiters.splice(0)) w(e);
        return;
      }
      this.state = 'exited';
      this.exitStatus = code ?? (signal ? 128 : 1);
      for (const w of this.exitWaiters.splice(0)) w(this.exitStatus);
    });
  }

  exited(): Promise<number> {
    if (this.exitStatus !== null) return Promise.resolve(this.exitStatus);
    return new Promise((r) => this.exitWaiters.push(r));
  }

  private crash: Error | null = null;

  crashed(): Promise<Error> {
    if (this.crash) return Promise.resolve(this.crash);
    return new Promise((r) => this.crashWaiters.push(r));
  }

  stop(): void {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    this.child?.kill('SIGTERM');
  }
}
