/** Runs a TlsSession over a real node:net socket, and starts/stops real peer processes. */
import { createServer, connect, type Socket, type AddressInfo } from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import type { TlsSession, TlsStep } from '../../src/tls/index.js';

/** A session bound to a socket: what arrives is fed, what the session produces is written. */
export class Wire {
  private waiters: (() => void)[] = [];
  /** Bytes the peer (server) sent during the handshake, to tell full from resumed. */
  handshakeBytesIn = 0;

  constructor(readonly session: TlsSession, readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      if (!session.handshakeDone) this.handshakeBytesIn += d.length;
      session.feed(new Uint8Array(d.buffer, d.byteOffset, d.length));
      this.wake();
    });
    socket.on('end', () => { session.feedEof(); this.wake(); });
    socket.on('error', () => { session.feedEof(); this.wake(); });
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no progress in ${ms} ms`)), ms);
      this.waiters.push(() => { clearTimeout(t); resolve(); });
    });
  }

  flush(): void {
    for (const c of this.session.drain()) this.socket.write(c);
  }

  async handshake(ms = 10000): Promise<TlsStep> {
    for (;;) {
      const step = this.session.handshake(Date.now());
      this.flush();
      if (step.state !== 'want-read') return step;
      await this.wait(ms);
    }
  }

  write(data: Uint8Array | string): TlsStep {
    const step = this.session.write(typeof data === 'string' ? new TextEncoder().encode(data) : data, Date.now());
    this.flush();
    return step;
  }

  /** Reads until `until` says the collected bytes are enough, or the peer closes. */
  async read(until: (got: Uint8Array) => boolean, ms = 10000): Promise<Uint8Array> {
    let got = new Uint8Array(0);
    const buf = new Uint8Array(16384);
    for (;;) {
      const step = this.session.read(buf, Date.now());
      this.flush();
      if (step.state === 'done') {
        const next = new Uint8Array(got.length + step.n);
        next.set(got);
        next.set(buf.subarray(0, step.n), got.length);
        got = next;
        if (until(got)) return got;
        continue;
      }
      if (step.state === 'closed') return got;
      if (step.state === 'fatal') throw step.error;
      await this.wait(ms);
    }
  }

  async readText(until: string | RegExp, ms?: number): Promise<string> {
    const dec = new TextDecoder();
    const ok = (b: Uint8Array) => { const t = dec.decode(b); return typeof until === 'string' ? t.includes(until) : until.test(t); };
    return dec.decode(await this.read(ok, ms));
  }

  close(): void {
    this.session.closeNotify(Date.now());
    this.flush();
    this.socket.end();
  }
}

export function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** A free TCP port on loopback (bound and released). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A peer process; `ready` resolves when its output contains `readyText`. */
export class Peer {
  readonly proc: ChildProcess;
  out = '';
  readonly ready: Promise<void>;
  readonly exited: Promise<number | null>;

  constructor(cmd: string, args: string[], readyText?: string, stdin?: string) {
    this.proc = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
    this.ready = new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${cmd} not ready: ${this.out}`)), 10000);
      const seen = (d: Buffer) => {
        this.out += d.toString();
        if (!readyText || this.out.includes(readyText)) { clearTimeout(t); resolve(); }
      };
      this.proc.stdout!.on('data', seen);
      this.proc.stderr!.on('data', seen);
      this.proc.on('error', reject);
      if (!readyText) { clearTimeout(t); resolve(); }
    });
    // A peer that exits before reading its input must fail the test, not crash the run (EPIPE).
    this.proc.stdin!.on('error', () => {});
    if (stdin !== undefined) this.proc.stdin!.write(stdin);
  }

  /** Waits until the output contains `text`. */
  async waitFor(text: string | RegExp, ms = 10000): Promise<string> {
    const start = Date.now();
    const has = () => (typeof text === 'string' ? this.out.includes(text) : text.test(this.out));
    while (!has()) {
      if (Date.now() - start > ms) throw new Error(`timed out waiting for ${text}; output:\n${this.out}`);
      if (this.proc.exitCode !== null && Date.now() - start > 200) {
        throw new Error(`peer exited (${this.proc.exitCode}) before ${text}; output:\n${this.out}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.out;
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

/** Sends `text` to 127.0.0.1:port over TCP and resolves with as many bytes of answer. */
export function echoOnce(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(text));
    let got = '';
    s.on('data', (d) => { got += d; if (got.length >= text.length) { s.end(); resolve(got); } });
    s.on('error', reject);
  });
}
