/**
 * The parts of a board's platform.ts that all device boards share: no file system, the TLS core
 * from the firmware's native module `zsock:core` (the C shim compiled into the image; in the
 * simulator, the wasm build of the same shim), and limits baked in at bundle time.
 */
import type { CoreBinding } from '../../src/tls/wasm.js';
import type { ZsockConfig } from '../../src/config.js';

declare const require: (name: string) => unknown;
/** Replaced by boards/build.ts with the board's limits (esbuild `define`). */
declare const ZSOCK_BOARD_LIMITS: { fds: number; tlsContexts: number; arenaBytes: number };

export function nativeCore(): CoreBinding {
  return require('zsock:core') as CoreBinding;
}

export const limits = ZSOCK_BOARD_LIMITS;

/** exit(): the firmware's `zsock:sys` native (esp_restart() on a device; the simulator stops the board). */
export function exitProgram(status: number): void {
  (require('zsock:sys') as { exit(status: number): void }).exit(status);
}

export const boardConfig: Partial<ZsockConfig> = {
  ZVFS_OPEN_MAX: limits.fds,
  ZVFS_POLL_MAX: limits.fds,
  NET_SOCKETS_TLS_MAX_CONTEXTS: limits.tlsContexts,
  // Small devices: the socket buffers lwIP gives a connection, not a host's 64 KiB.
  NET_CONTEXT_SNDBUF: 5744,
  NET_CONTEXT_RCVBUF: 5744,
  EPHEMERAL_PORT_MIN: 49152,
};

/** Timers for src/ (the engine's own; a device has no background/foreground distinction). */
export const timers = {
  start(ms: number, fn: () => void, _background = false): unknown {
    return setTimeout(fn, ms);
  },
  stop(t: unknown): void {
    if (t !== undefined && t !== null) clearTimeout(t as number);
  },
};

/** Random bytes from the engine's source (the simulator's seeded one; a device's TRNG). */
export function randomFill(buf: Uint8Array): Uint8Array {
  return globalThis.crypto.getRandomValues(buf);
}

export const noFiles = {
  read: (_path: string): string | null => null,
  write: (_path: string, _text: string): boolean => false,
};
