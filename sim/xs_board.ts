/**
 * A moddable-esp32 board on Moddable's XS engine (`zsock sim --engine xs`): its device bundle
 * runs in its own XS host process (build/xs/zsock-xs-embedded, the board's core and device heap),
 * and its ECMA-419 classes reach the virtual network over a pipe (fd 3) served by XsBridge. The
 * board keeps its place on the virtual network (its VHost: hostfwd, DNS, faults, pcap) as a V8
 * board does. Console lines carry the board's name; an abort (uncaught exception, stack overflow,
 * memory full) is this board's crash and the others go on.
 */
import { Latch } from './latch.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { Board } from '../boards/boards.js';
import type { VHost, VNet } from './vnet.js';
import { xsHostPath } from './xs_build.js';
import { FrameReader, XsBridge } from './xs_bridge.js';

/** The XS host with the board's core (embedded profile): $ZSOCK_XS, a checkout's (make xs), or
 *  the one built into the per-user cache on first use (sim/xs_build.ts). */
export function xsBoardBinary(): string {
  return xsHostPath();
}

/** Whether the XS host is built (`make xs`, or on first use). */
export function xsAvailable(): boolean {
  return existsSync(xsBoardBinary());
}

export class XsBoard {
  readonly host: VHost;
  state: 'new' | 'running' | 'crashed' | 'exited' | 'stopped' = 'new';
  private readonly crashed_ = new Latch<Error>();
  private readonly exited_ = new Latch<number>();
  /** The firmware's crash, once it crashed. */
  get crash(): Error | null { return this.crashed_.value; }
  /** The firmware's exit status, once it exited. */
  get exitStatus(): number | null { return this.exited_.value; }
  private child: ChildProcess | null = null;
  private bridge: XsBridge | null = null;
  private stderrTail: string[] = [];
  private bootWaiters: (() => void)[] = [];
  private isBooted = false;

  /** `keylog`: where the board's TLS key log lines go (--keylog); none when absent. */
  constructor(readonly net: VNet, readonly board: Board, readonly name: string,
    private readonly log: (line: string, stream: 'out' | 'err') => void,
    private readonly keylog?: (lines: Uint8Array) => void) {
    this.host = net.addHost(name);
  }

  /** Never: an XS board's exceptions stay in its own process. */
  owns(_reason: unknown): boolean { return false; }

  /** Boots the device bundle at `path` in a new XS process. */
  boot(path: string): void {
    const child = spawn(xsBoardBinary(), ['--name', this.name, '--heap', 'device', path],
      { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ZSOCK_XS_SIM_FD: '3', ZSOCK_XS_KEYLOG: this.keylog ? '1' : '0' } });
    this.child = child;
    this.state = 'running';
    const pipe = child.stdio[3] as unknown as Readable & Writable;
    const post = (fn: () => void) => { setImmediate(() => { if (this.state === 'running') fn(); }); };
    const bridge = this.bridge = new XsBridge(this.host, pipe, post);
    bridge.onIdle = () => this.bootDone();
    bridge.onHello = (v) => this.log(`[${this.name}] ${v}, native core`, 'out');
    if (this.keylog) bridge.onKeylog = this.keylog;
    const frames = new FrameReader();
    pipe.on('data', (d: Buffer) => {
      if (this.state !== 'running') return;
      try { for (const f of frames.push(d)) bridge.handle(f.head, f.payload); } catch (e) { this.fail(e as Error); }
    });
    pipe.on('error', () => {});
    for (const [stream, s] of [['out', child.stdout!], ['err', child.stderr!]] as const) {
      createInterface({ input: s }).on('line', (l) => {
        if (stream === 'err') this.stderrTail = [...this.stderrTail.slice(-20), l];
        this.log(l.startsWith(`[${this.name}] `) ? l : `[${this.name}] ${l}`, stream);
      });
    }
    child.on('exit', (code, signal) => this.ended(code, signal));
    child.on('error', (e) => this.fail(e)); // could not start (the binary is gone or not executable)
  }

  private bootDone(): void {
    this.isBooted = true;
    for (const w of this.bootWaiters.splice(0)) w();
  }

  /** Resolves when the firmware's startup has run (its loop first waits with nothing to do), when
   *  it ends, or after `ms`: the simulator boots the next board then, as it does after a V8
   *  board's startup. */
  booted(ms = 5000): Promise<void> {
    if (this.isBooted || this.state !== 'running') return Promise.resolve();
    return new Promise((r) => {
      const t = setTimeout(r, ms);
      this.bootWaiters.push(() => { clearTimeout(t); r(); });
    });
  }

  private ended(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = null;
    if (this.state !== 'running') return;
    // The host reports an abort on stderr ("XS abort: ...") before it exits: that is a crash.
    if (signal || this.stderrTail.some((l) => l.includes('XS abort'))) {
      this.fail(new Error(this.stderrTail.join('\n') || `killed by ${signal}`));
      return;
    }
    this.exited_.set(code ?? 1); // waiters run later (promises): shutdown completes first
    this.shutdown('exited');
  }

  /** This board's crash: its process ends, its sockets reset; the other boards go on. */
  fail(e: unknown): void {
    if (this.state !== 'running') return;
    const err = e instanceof Error ? e : new Error(String(e));
    this.log(`[${this.name}] *** firmware crashed`, 'err');
    this.crashed_.set(err); // waiters run later (promises): shutdown completes first
    this.shutdown('crashed');
  }

  crashed(): Promise<Error> {
    return this.crashed_.wait();
  }

  exited(): Promise<number> {
    return this.exited_.wait();
  }

  stop(): void {
    if (this.state === 'running') this.shutdown('stopped');
  }

  private shutdown(state: 'crashed' | 'exited' | 'stopped'): void {
    this.state = state;
    this.bootDone();
    this.child?.kill('SIGKILL');
    this.bridge?.closeAll();
    for (const end of [...this.host.conns]) end.abort();
    this.host.listeners.clear();
    this.host.udp.clear();
    this.host.tcpPorts.clear();
  }
}
