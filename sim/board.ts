/**
 * One simulated board: its firmware bundle runs in its own node:vm context that offers exactly
 * the board's native API (the emulated Moddable or Espruino modules through `require`, the native
 * TLS core as `zsock:core`), timers, a TRNG as crypto.getRandomValues, and a console whose lines
 * carry the board's name. A callback that throws crashes this board only: it is reported with
 * its stack, its timers stop and its sockets close, and the other boards go on.
 */
import { Latch } from './latch.js';
import * as vm from 'node:vm';
import { readFileSync } from 'node:fs';
import type { Board } from '../boards/boards.js';
import type { VHost, VNet } from './vnet.js';
import { moddableIO } from './natives/moddable.js';
import { espruinoModules } from './natives/espruino.js';
import type { BoardRealm } from './natives/realm.js';
import type { CoreBinding } from '../src/tls/wasm.js';

export interface BoardOptions {
  /** Where console lines go (default: stdout/stderr). */
  log?: (line: string, stream: 'out' | 'err') => void;
  /** The firmware's native TLS core: the same C shim, here its wasm build (compiled once, one
   *  instance per board). */
  core: CoreBinding;
  /** Where the firmware's TLS key log lines go (--keylog): the board's zsock:sys.keylog. Without
   *  it zsock:sys has no keylog, as on a device, and sessions keep none. */
  keylog?: (lines: Uint8Array) => void;
}

type Timer = ReturnType<typeof setTimeout>;

export class SimBoard {
  readonly host: VHost;
  state: 'new' | 'running' | 'crashed' | 'exited' | 'stopped' = 'new';
  private readonly crashed_ = new Latch<Error>();
  /** The status the firmware passed to exit() (sys_exit). */
  private readonly exited_ = new Latch<number>();
  /** The firmware's crash, once it crashed. */
  get crash(): Error | null { return this.crashed_.value; }
  /** The firmware's exit status, once it exited. */
  get exitStatus(): number | null { return this.exited_.value; }
  private timers = new Set<Timer>();
  private intervals = new Set<ReturnType<typeof setInterval>>();
  private ctx: vm.Context | null = null;
  private realmError: ErrorConstructor | null = null;
  private readonly log: (line: string, stream: 'out' | 'err') => void;

  constructor(readonly net: VNet, readonly board: Board, readonly name: string, private readonly opts: BoardOptions) {
    this.host = net.addHost(name);
    this.log = opts.log ?? ((line, s) => (s === 'err' ? process.stderr : process.stdout).write(line + '\n'));
  }

  /** Runs `fn` as this board: an exception is this board's crash. */
  guard(fn: () => void): void {
    if (this.state !== 'running') return;
    try { fn(); } catch (e) { this.fail(e); }
  }

  /** Whether `reason` (an unhandled rejection) was thrown by this board's code. */
  owns(reason: unknown): boolean {
    return !!this.realmError && reason instanceof this.realmError;
  }

  fail(e: unknown): void {
    if (this.state !== 'running') return;
    const err = e instanceof Error || (this.realmError && e instanceof this.realmError) ? (e as Error) : new Error(String(e));
    this.log(`[${this.name}] *** firmware crashed: ${err.stack ?? err.message}`, 'err');
    this.crashed_.set(err); // waiters run later (promises): shutdown completes first
    this.shutdown('crashed');
  }

  /** Resolves with the error when this board crashes. */
  crashed(): Promise<Error> {
    return this.crashed_.wait();
  }

  /** Resolves with the firmware's exit status when it calls exit(). */
  exited(): Promise<number> {
    return this.exited_.wait();
  }

  /** The firmware called exit(status): the board stops (after the current callback returns). */
  private exit(status: number): void {
    if (this.state !== 'running') return;
    this.exited_.set(status); // waiters run later (promises): shutdown completes first
    this.shutdown('exited');
  }

  /** Boots the bundle at `path` (or its source text). */
  boot(path: string, source?: string): void {
    const code = source ?? readFileSync(path, 'utf8');
    const globals = this.globals();
    this.ctx = vm.createContext(globals, { name: this.name });
    const realm = vm.runInContext('({ ArrayBuffer, Uint8Array, Error, RangeError })', this.ctx);
    // TextEncoder must hand out the board's own Uint8Array (its code checks instanceof).
    const makeEncoder = vm.runInContext('(enc) => class TextEncoder { get encoding() { return "utf-8"; } ' +
      'encode(s = "") { const h = enc(String(s)); const u = new Uint8Array(h.length); u.set(h); return u; } }', this.ctx);
    globals.TextEncoder = makeEncoder((s: string) => new TextEncoder().encode(s));
    this.realmError = realm.Error;
    const br: BoardRealm = { ...realm, post: (fn) => { setImmediate(() => this.guard(fn)); } };
    globals.require = this.requireFor(br);
    if (this.board.natives === 'espruino') globals.E = espruinoModules(this.host, br).E;
    this.state = 'running';
    this.guard(() => vm.runInContext(code, this.ctx!, { filename: path }));
  }

  private requireFor(realm: BoardRealm): (name: string) => unknown {
    const sys: Record<string, unknown> = { exit: (status: number) => this.exit(Number(status) | 0), random: (buf: Uint8Array) => crypto.getRandomValues(buf) };
    const keylog = this.opts.keylog;
    // The board's bytes are copied out: the caller wipes its own when this returns.
    if (keylog) sys.keylog = (lines: Uint8Array) => { if (ArrayBuffer.isView(lines)) keylog(Uint8Array.from(lines as Uint8Array)); };
    const mods: Record<string, unknown> = { 'zsock:core': this.opts.core, 'zsock:sys': sys };
    if (this.board.natives === 'moddable') {
      const io = moddableIO(this.host, realm);
      Object.assign(mods, {
        'embedded:io/socket/tcp': io.TCP, 'embedded:io/socket/udp': io.UDP, 'embedded:io/socket/listener': io.Listener,
        'embedded:network/dns/resolver/udp': io.Resolver,
        net: { get: (what: string) => ({ IP: this.host.v4, IPV6: this.host.v6, DNS: this.net.host.v4 } as Record<string, string>)[what] },
      });
    } else {
      const m = espruinoModules(this.host, realm);
      Object.assign(mods, { net: m.net, dgram: m.dgram, Wifi: m.Wifi });
    }
    return (name: string) => {
      if (!(name in mods)) throw new realm.Error(`Module ${name} not found`);
      const m = mods[name];
      // esbuild's ESM interop reads `default` from a module object.
      return typeof m === 'function' || name.startsWith('embedded:') ? { default: m, __esModule: true } : m;
    };
  }

  private globals(): Record<string, unknown> {
    const line = (s: 'out' | 'err') => (...a: unknown[]) =>
      this.log(`[${this.name}] ${a.map((x) => (typeof x === 'string' ? x : JSON.stringify(x) ?? String(x))).join(' ')}`, s);
    const track = <T>(set: Set<T>, t: T) => { set.add(t); return t; };
    return {
      console: { log: line('out'), info: line('out'), warn: line('err'), error: line('err') },
      setTimeout: (fn: () => void, ms?: number, ...args: unknown[]) => {
        const t: Timer = track(this.timers, setTimeout(() => { this.timers.delete(t); this.guard(() => fn(...(args as []))); }, ms));
        return t;
      },
      clearTimeout: (t: Timer) => { this.timers.delete(t); clearTimeout(t); },
      setInterval: (fn: () => void, ms?: number) => track(this.intervals, setInterval(() => this.guard(fn), ms)),
      clearInterval: (t: ReturnType<typeof setInterval>) => { this.intervals.delete(t); clearInterval(t); },
      queueMicrotask,
      crypto: { getRandomValues: <T extends ArrayBufferView>(a: T) => crypto.getRandomValues(a as never) as T },
      TextDecoder, atob, btoa,
      WebAssembly: undefined, // neither engine has it: the core is the native module
    };
  }

  /** Stops the board: timers cleared, sockets closed (peers see resets), listeners gone. */
  stop(): void {
    if (this.state === 'running') this.shutdown('stopped');
  }

  private shutdown(state: 'crashed' | 'exited' | 'stopped'): void {
    this.state = state;
    for (const t of this.timers) clearTimeout(t);
    for (const t of this.intervals) clearInterval(t);
    this.timers.clear();
    this.intervals.clear();
    for (const end of [...this.host.conns]) end.abort();
    this.host.listeners.clear();
    this.host.udp.clear();
    this.host.tcpPorts.clear();
  }
}
