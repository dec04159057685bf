/**
 * The TLS core: the C shim's exports, typed, and views of its memory.
 *
 * How the core is instantiated is a CoreBinding: on the host, the standalone .wasm built by
 * the Makefile (wasm_binding.ts); on a board, the same C shim compiled into the firmware and
 * offered as a native module (boards/BOARD/platform.ts). Everything above this file sees only Core.
 */
import { defaultCoreBinding, defaultArenaSize, randomFill, keylogSink } from '../platform.js';
import { ZS, type CoreExports } from './abi.js';
import type { CoreBinding, CoreHooks } from './binding.js';

export type { CoreBinding, CoreHooks } from './binding.js';
import { MBEDTLS, TlsError } from './errors.js';
import { ENOMEM } from '../errno.js';
import { Staging } from './io.js';

export type { CoreExports } from './abi.js';

/** Called by the core while it verifies a peer certificate (see TlsSession's verifyCallback). */
export type VerifyHook = (id: number, depth: number, der: Uint8Array, flagsPtr: number) => number;

/** How loadCore loads the TLS core (mbedTLS): which binary or binding, and its arena. */
export interface CoreOptions {
  /** Path of the .wasm file (host); default: $ZSOCK_WASM, else build/wasm/zsock-core-host.wasm
   *  (the host profile), else build/wasm/zsock-core.wasm. */
  path?: string;
  /** Another binding (a board's native core); overrides `path`. */
  binding?: CoreBinding;
  /** Bytes of the mbedTLS arena shared by all contexts (Kconfig-like: MBEDTLS_HEAP_SIZE). */
  arenaSize?: number;
}

/** The loaded core: exports, fresh memory views, and staging buffers shared by all sessions. */
export class Core {
  readonly x: CoreExports;
  readonly arenaSize: number;
  readonly wasmBytes: number;
  verifyHook: VerifyHook | null = null;
  /** The platform's key log (SSLKEYLOGFILE on the host; the simulator's --keylog on a board):
   *  every session's NSS key log lines go there too. null: none. */
  readonly keylog = keylogSink();
  private u8cache: Uint8Array;
  private dvcache: DataView;

  /** The I/O windows and plaintext area shared by all sessions (src/tls/io.ts). */
  readonly staging: Staging;

  /** Throws when the arena or the staging windows do not fit in the core's memory. */
  constructor(binding: CoreBinding, arenaSize: number) {
    this.wasmBytes = binding.size;
    this.arenaSize = arenaSize;
    this.x = binding.instantiate(this.hooks());
    this.u8cache = new Uint8Array(this.x.memory.buffer);
    this.dvcache = new DataView(this.x.memory.buffer);
    this.x._initialize();
    if (this.x.zs_init(arenaSize) !== 0) throw new Error(`zsock core: cannot set up a ${arenaSize}-byte arena`);
    this.staging = new Staging(this);
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

  /** Allocates core memory outside the arena (staging). Throws TlsError ENOMEM when the
   *  memory cannot hold `size` more bytes; nothing is allocated then. */
  alloc(size: number): number {
    const p = size > 0 && size <= 0x7fffffff ? this.x.zs_alloc(size) : 0;
    if (p === 0) throw new TlsError(MBEDTLS.ALLOC_FAILED, ENOMEM, `core memory exhausted (staging ${size} bytes)`);
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
  /** A scratch area of at least `size` bytes, valid until the next call to scratch(). Throws
   *  TlsError ENOMEM when it cannot grow to `size`; the current area is kept as it was. */
  scratch(size: number): number {
    if (size > this.scratchCap) {
      const cap = Math.max(size, 4096);
      const p = this.alloc(cap); // first: a failure leaves the old area in place
      if (this.scratchPtr) {
        this.u8.fill(0, this.scratchPtr, this.scratchPtr + this.scratchCap); // secrets passed here
        this.x.zs_release(this.scratchPtr);
      }
      this.scratchPtr = p;
      this.scratchCap = cap;
    }
    return this.scratchPtr;
  }

  /** What the core calls back into: entropy, certificate verification, memory growth, logs. */
  private hooks(): CoreHooks {
    return {
      random: (ptr, len) => {
        // In 64 KiB pieces: the most a Web Crypto getRandomValues fills at once.
        for (let at = 0; at < len; at += 65536) randomFill(this.u8.subarray(ptr + at, ptr + Math.min(len, at + 65536)));
      },
      verify: (id, depth, der, len, flags) =>
        this.verifyHook ? this.verifyHook(id, depth, this.u8.slice(der, der + len), flags) : 0,
      grown: () => this.refresh(),
    };
  }
}

let core: Core | null = null;

/** Default arena: enough for a few dozen full-profile (16 KiB record) sessions at once. */
export const DEFAULT_ARENA_SIZE = 8 * 1024 * 1024;

/**
 * Loads the core with `opts` (once). Throws if it is already loaded with other options.
 */
export function loadCore(opts: CoreOptions = {}): Core {
  const arenaSize = opts.arenaSize ?? (defaultArenaSize() || DEFAULT_ARENA_SIZE);
  if (core) {
    if (opts.arenaSize !== undefined && opts.arenaSize !== core.arenaSize) {
      throw new Error('zsock core: already loaded with another arena size');
    }
    return core;
  }
  core = new Core(opts.binding ?? defaultCoreBinding(opts.path), arenaSize);
  return core;
}

/** The core, loaded with defaults on first use. */
export function getCore(): Core {
  return core ?? loadCore();
}

/** The most plaintext one record carries with the loaded core: its profile's
 *  MBEDTLS_SSL_IN_CONTENT_LEN (`'in'`), MBEDTLS_SSL_OUT_CONTENT_LEN (`'out'`), or the smaller of
 *  the two (no argument): 16384 each in the full profile; the embedded one receives 4 KB and
 *  sends 2 KB. */
export function contentLimit(dir?: 'in' | 'out'): number {
  const x = getCore().x;
  const [i, o] = [x.zs_record_limit(ZS.CONTENT_IN), x.zs_record_limit(ZS.CONTENT_OUT)];
  return dir === 'in' ? i : dir === 'out' ? o : Math.min(i, o);
}
