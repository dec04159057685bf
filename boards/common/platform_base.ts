/**
 * The parts of a board's platform.ts that all device boards share: no file system, the TLS core
 * from the firmware's native module `zsock:core` (the C shim compiled into the image; in the
 * simulator, the wasm build of the same shim), and limits baked in at bundle time.
 */
import core from 'zsock:core';
import sys from 'zsock:sys';
import type { CoreBinding } from '../../src/tls/binding.js';
import type { ZsockConfig } from '../../src/config.js';

/** Replaced by boards/build.ts with the board's limits (esbuild `define`). */
declare const ZSOCK_BOARD_LIMITS: { fds: number; tlsContexts: number; arenaBytes: number };

/** The natives are imports, not require() calls: a device's XS has no require (an ES-module
 *  firmware); esbuild turns them into require() for the iife bundles the simulator runs. */
export function nativeCore(): CoreBinding {
  return core;
}

export const limits = ZSOCK_BOARD_LIMITS;

/** The board's TRNG, through the firmware's `zsock:sys` native (esp_fill_random on a device). */
export function randomFill(buf: Uint8Array): void {
  sys.random(buf);
}

/** The key log: a device has nowhere to write one; the simulator's `zsock:sys` takes the lines
 *  when it runs with --keylog (they go to the simulator's file, over the board's channel). */
export function keylogSink(): ((lines: Uint8Array) => void) | null {
  return sys.keylog ? (lines) => sys.keylog!(lines) : null;
}

/** exit(): the firmware's `zsock:sys` native (esp_restart() on a device; the simulator stops the board). */
export function exitProgram(status: number): void {
  sys.exit(status);
}

export const boardConfig: Partial<ZsockConfig> = {
  ZVFS_OPEN_MAX: limits.fds,
  ZVFS_POLL_MAX: limits.fds,
  NET_SOCKETS_TLS_MAX_CONTEXTS: limits.tlsContexts,
  // Four contexts leave none to keep back: a board's firmware sets a reserve when it needs one.
  NET_SOCKETS_TLS_CONTEXTS_RESERVED_OUTBOUND: 0,
  // Small devices: the socket buffers lwIP gives a connection, not a host's 64 KiB.
  NET_CONTEXT_SNDBUF: 5744,
  NET_CONTEXT_RCVBUF: 5744,
  EPHEMERAL_PORT_MIN: 49152,
  // The embedded profile's records (4 KB in): a pooled 16 KB buffer would be three quarters
  // unused, and each one kept is engine heap (XS chunks) a device does not have to spare.
  ZSOCK_TLS_RECORD_BUF: 4096,
  ZSOCK_TLS_RECORD_POOL: limits.tlsContexts,
};

/** Timers for src/: the engine's setTimeout in the simulator; Moddable's `timer` module in a
 *  device build (boards/build.ts swaps boards/common/timers.ts for the board's). */
export { timers } from './timers.js';

export const noFiles = {
  read: (_path: string): string | null => null,
  write: (_path: string, _text: string): boolean => false,
};
