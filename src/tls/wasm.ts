/**
 * The TLS core: the C shim's exports, typed, and views of its memory.
 *
 * How the core is instantiated is a CoreBinding: on the host, the standalone .wasm built by
 * the Makefile (wasm_binding.ts); on a board, the same C shim compiled into the firmware and
 * offered as a native module (boards/BOARD/platform.ts). Everything above this file sees only Core.
 */
import { defaultCoreBinding, defaultArenaSize } from '../platform.js';
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
  zs_srv_free(srv: number): number;
  zs_srv_refs(srv: number): number;
  zs_conf_server(ctx: number, srv: number, flags: number): number;
  zs_dtls_cookie(srv: number, dg: number, len: number, id: number, idLen: number, out: number, cap: number): number;
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
  zs_key_update(ctx: number, requestUpdate: number): number;
  zs_key_updates_received(ctx: number): number;
  zs_send_ticket(ctx: number): number;
  zs_group(ctx: number): number;
  zs_verify_resume(ctx: number, flags: number): number;
  zs_conf_groups(ctx: number, ids: number, n: number): number;
  zs_resumed(ctx: number): number;
}

/** Called by the core while it verifies a peer certificate (see TlsSession's verifyCallback). */
export type VerifyHook = (id: number, depth: number, der: Uint8Array, flagsPtr: number) => number;

export interface CoreOptions {
  /** Path of the .wasm file (host); default: $ZSOCK_WASM, else build/wasm/zsock-core.wasm. */
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
  private u8cache: Uint8Array;
  private dvcache: DataView;

  constructor(binding: CoreBinding, arenaSize: number) {
    this.wasmBytes = binding.size;
    this.arenaSize = arenaSize;
    this.x = binding.instantiate(this.hooks());
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

  /** What the core calls back into: entropy, certificate verification, memory growth, logs. */
  private hooks(): CoreHooks {
    return {
      random: (ptr, len) => {
        // getRandomValues fills at most 64 KiB per call; on a board it is the TRNG.
        for (let at = 0; at < len; at += 65536) {
          globalThis.crypto.getRandomValues(this.u8.subarray(ptr + at, ptr + Math.min(len, at + 65536)));
        }
      },
      verify: (id, depth, der, len, flags) =>
        this.verifyHook ? this.verifyHook(id, depth, this.u8.slice(der, der + len), flags) : 0,
      grown: () => this.refresh(),
      // Only mbedTLS's allocator reports heap corruption this way.
      log: (ptr, len) => console.error(new TextDecoder().decode(this.u8.subarray(ptr, ptr + len))),
    };
  }
}

/** Calls from the core to its host (the wasm imports, or a native module's callbacks). */
export interface CoreHooks {
  random(ptr: number, len: number): void;
  verify(id: number, depth: number, der: number, len: number, flags: number): number;
  grown(): void;
  log(ptr: number, len: number): void;
}

/** One way to instantiate the C shim: wasm on the host, a native module on a device. */
export interface CoreBinding {
  /** Bytes of code (the .wasm file, or the native module's text size). */
  readonly size: number;
  instantiate(hooks: CoreHooks): CoreExports;
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
