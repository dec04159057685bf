/**
 * Loads the wasm TLS core once, lazily, and gives typed access to its exports and memory.
 *
 * The module is built with -sSTANDALONE_WASM (no emscripten JS glue). Its imports are exactly:
 * entropy and the certificate-verify hook (env), a memory-growth notice, and WASI calls that
 * libc links but zsock never uses for real (they answer ENOSYS). Any other import is a build
 * error and fails the load loudly.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getRandomValues } from 'node:crypto';

/** The C shim's exports (wasm/zs_*.c); pointers are numbers into `memory`. */
export interface CoreExports {
  memory: WebAssembly.Memory;
  _initialize(): void;
  zs_init(arenaSize: number): number;
  zs_arena_stats(out: number): void;
  zs_alloc(size: number): number;
  zs_release(ptr: number): void;
  zs_clock(nowMs: number): void;
  zs_new(id: number, server: number, dgram: number, minVer: number, maxVer: number): number;
  zs_free(ctx: number): void;
  zs_conf_ca(ctx: number, buf: number, len: number): number;
  zs_conf_own_cert(ctx: number, crt: number, crtLen: number, key: number, keyLen: number): number;
  zs_conf_psk(ctx: number, psk: number, pskLen: number, id: number, idLen: number): number;
  zs_conf_authmode(ctx: number, mode: number): number;
  zs_conf_ciphersuites(ctx: number, ids: number, n: number): number;
  zs_conf_alpn(ctx: number, buf: number, len: number): number;
  zs_conf_dtls_timeouts(ctx: number, minMs: number, maxMs: number): void;
  zs_conf_max_frag_len(ctx: number, code: number): number;
  zs_conf_tickets(ctx: number, on: number): void;
  zs_conf_verify_cb(ctx: number, on: number): void;
  zs_conf_cid_len(ctx: number, len: number): number;
  zs_conf_renegotiation(ctx: number, on: number): void;
  zs_srv_new(ticketLifetimeS: number): number;
  zs_srv_free(srv: number): void;
  zs_conf_server(ctx: number, srv: number, flags: number): void;
  zs_setup(ctx: number): number;
  zs_set_hostname(ctx: number, name: number): number;
  zs_set_transport_id(ctx: number, id: number, len: number): number;
  zs_set_cid(ctx: number, enable: number, own: number, len: number): number;
  zs_session_load(ctx: number, buf: number, len: number): number;
  zs_session_save(ctx: number, buf: number, cap: number, olen: number): number;
  zs_io(ctx: number, inPtr: number, inLen: number, outPtr: number, outCap: number): void;
  zs_io_eof(ctx: number): void;
  zs_io_in_used(ctx: number): number;
  zs_io_out_len(ctx: number): number;
  zs_handshake(ctx: number): number;
  zs_read(ctx: number, buf: number, len: number): number;
  zs_write(ctx: number, buf: number, len: number): number;
  zs_close_notify(ctx: number): number;
  zs_renegotiate(ctx: number): number;
  zs_handshake_over(ctx: number): number;
  zs_ciphersuite(ctx: number): number;
  zs_version(ctx: number): number;
  zs_alpn(ctx: number): number;
  zs_peer_cert(ctx: number, lenOut: number): number;
  zs_verify_result(ctx: number): number;
  zs_bytes_avail(ctx: number): number;
  zs_timer_deadline(ctx: number): number;
  zs_peer_cid(ctx: number, buf: number, lenOut: number): number;
  zs_mem(ctx: number, which: number): number;
}

/** Called by the core while it verifies a peer certificate (see TlsSession's verifyCallback). */
export type VerifyHook = (id: number, depth: number, der: Uint8Array, flagsPtr: number) => number;

export interface CoreOptions {
  /** Path of the .wasm file; default: $ZSOCK_WASM, else build/wasm/zsock-core.wasm. */
  path?: string;
  /** Bytes of the mbedTLS arena shared by all contexts (Kconfig-like: MBEDTLS_HEAP_SIZE). */
  arenaSize?: number;
}

/** The loaded core: exports, fresh memory views, and staging buffers shared by all sessions. */
export class Core {
  readonly x: CoreExports;
  readonly arenaSize: number;
  readonly wasmBytes: number;
  verifyHook: VerifyHook | null = null;
  private u8cache: Uint8Array;
  private dvcache: DataView;

  constructor(bytes: Uint8Array, arenaSize: number) {
    this.wasmBytes = bytes.length;
    this.arenaSize = arenaSize;
    const module = new WebAssembly.Module(bytes);
    const instance = new WebAssembly.Instance(module, this.imports(module));
    this.x = instance.exports as unknown as CoreExports;
    this.u8cache = new Uint8Array(this.x.memory.buffer);
    this.dvcache = new DataView(this.x.memory.buffer);
    this.x._initialize();
    if (this.x.zs_init(arenaSize) !== 0) throw new Error(`zsock core: cannot set up a ${arenaSize}-byte arena`);
  }

  /** A view of wasm memory; call again after anything that may grow memory. */
  get u8(): Uint8Array {
    if (this.u8cache.buffer !== this.x.memory.buffer) this.refresh();
    return this.u8cache;
  }

  get dv(): DataView {
    if (this.dvcache.buffer !== this.x.memory.buffer) this.refresh();
    return this.dvcache;
  }

  private refresh(): void {
    this.u8cache = new Uint8Array(this.x.memory.buffer);
    this.dvcache = new DataView(this.x.memory.buffer);
  }

  /** Allocates wasm memory outside the arena (staging); throws when memory cannot grow. */
  alloc(size: number): number {
    const p = this.x.zs_alloc(size);
    if (p === 0) throw new Error(`zsock core: out of wasm memory allocating ${size} bytes`);
    return p;
  }

  /** { size, used, blocks, peak } of the shared mbedTLS arena, in bytes. */
  arena(): { size: number; used: number; blocks: number; peak: number } {
    const p = this.scratch(16);
    this.x.zs_arena_stats(p);
    const dv = this.dv;
    return { size: dv.getUint32(p, true), used: dv.getUint32(p + 4, true),
      blocks: dv.getUint32(p + 8, true), peak: dv.getUint32(p + 12, true) };
  }

  private scratchPtr = 0;
  private scratchCap = 0;
  /** A scratch area of at least `size` bytes, valid until the next call to scratch(). */
  scratch(size: number): number {
    if (size > this.scratchCap) {
      if (this.scratchPtr) this.x.zs_release(this.scratchPtr);
      this.scratchCap = Math.max(size, 4096);
      this.scratchPtr = this.alloc(this.scratchCap);
    }
    return this.scratchPtr;
  }

  private imports(module: WebAssembly.Module): WebAssembly.Imports {
    const ENOSYS = 52; // WASI errno
    const env: Record<string, Function> = {
      zs_host_random: (ptr: number, len: number) => {
        // getRandomValues fills at most 64 KiB per call.
        for (let at = 0; at < len; at += 65536) {
          getRandomValues(this.u8.subarray(ptr + at, ptr + Math.min(len, at + 65536)));
        }
        return 0;
      },
      zs_host_verify: (id: number, depth: number, der: number, len: number, flags: number) =>
        this.verifyHook ? this.verifyHook(id, depth, this.u8.slice(der, der + len), flags) : 0,
      emscripten_notify_memory_growth: () => this.refresh(),
    };
    const wasi: Record<string, Function> = {
      fd_write: (fd: number, iov: number, iovcnt: number, nwritten: number) => {
        // Only mbedTLS's allocator reports heap corruption this way; pass it on to stderr.
        let n = 0;
        for (let i = 0; i < iovcnt; i++) {
          const p = this.dv.getUint32(iov + 8 * i, true), l = this.dv.getUint32(iov + 8 * i + 4, true);
          if (fd === 1 || fd === 2) process.stderr.write(this.u8.slice(p, p + l));
          n += l;
        }
        this.dv.setUint32(nwritten, n, true);
        return 0;
      },
      proc_exit: (code: number) => { throw new Error(`zsock core: exit(${code})`); },
      fd_close: () => ENOSYS,
      fd_seek: () => ENOSYS,
      clock_time_get: () => ENOSYS, // the core is told the time; it never reads a clock
    };
    const known: Record<string, Record<string, Function>> = { env, wasi_snapshot_preview1: wasi };
    for (const imp of WebAssembly.Module.imports(module)) {
      if (!known[imp.module]?.[imp.name]) {
        throw new Error(`zsock core: unexpected import ${imp.module}.${imp.name} (build problem)`);
      }
    }
    return known as WebAssembly.Imports;
  }
}

let core: Core | null = null;

/** Finds the package root (the folder holding package.json) above this module. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('zsock core: package root not found');
    dir = up;
  }
  return dir;
}

/** Default arena: enough for a few dozen full-profile (16 KiB record) sessions at once. */
export const DEFAULT_ARENA_SIZE = 8 * 1024 * 1024;

/**
 * Loads the core with `opts` (once). Throws if it is already loaded with other options.
 */
export function loadCore(opts: CoreOptions = {}): Core {
  const arenaSize = opts.arenaSize ?? (Number(process.env.ZSOCK_ARENA_SIZE) || DEFAULT_ARENA_SIZE);
  if (core) {
    if (opts.arenaSize !== undefined && opts.arenaSize !== core.arenaSize) {
      throw new Error('zsock core: already loaded with another arena size');
    }
    return core;
  }
  const path = opts.path ?? process.env.ZSOCK_WASM ?? join(packageRoot(), 'build/wasm/zsock-core.wasm');
  core = new Core(readFileSync(path), arenaSize);
  return core;
}

/** The core, loaded with defaults on first use. */
export function getCore(): Core {
  return core ?? loadCore();
}
