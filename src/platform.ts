/**
 * What zsock takes from the platform it runs on: the default network driver, the TLS core
 * binding, entropy, a diagnostics line, files. This is the host's version (Node: node:net, the .wasm file, node:fs).
 * A board's firmware build substitutes boards/<board>/platform.ts for this one file (see
 * boards/build.ts), the way a Zephyr build selects a board's drivers: nothing else changes.
 */
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NetDriver } from './net/driver.js';
import type { ZsockConfig } from './config_schema.js';
import { hostDriver } from './net/host.js';
import type { CoreBinding } from './tls/binding.js';
import { wasmBinding } from './tls/wasm_binding.js';
import { atLeastTimers } from './timers.js';

/** The board's name, as `zsock info` and logs show it. */
export const platformName = 'host';

/** The board's Kconfig-style limits over zsock's defaults; the host keeps the defaults. */
export const platformConfig: Partial<ZsockConfig> = {};

export function defaultDriver(): NetDriver {
  return hostDriver;
}

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

/** The wasm core at `path`, else $ZSOCK_WASM, else the host profile's core
 *  (build/wasm/zsock-core-host.wasm: AES-GCM by node:crypto), else the pure-C full core
 *  (build/wasm/zsock-core.wasm). Boards keep their own pure-C cores. */
export function defaultCoreBinding(path?: string): CoreBinding {
  // The package root is looked for only when no file is named: a bundle run from elsewhere (the
  // simulator's native-sim board) is given its core by $ZSOCK_WASM.
  const file = path ?? process.env.ZSOCK_WASM ?? builtCore();
  return wasmBinding(readFileSync(file));
}

/** The host profile's core when it is built, else the pure-C full core. */
function builtCore(): string {
  const wasm = join(packageRoot(), 'build/wasm');
  const host = join(wasm, 'zsock-core-host.wasm');
  return existsSync(host) ? host : join(wasm, 'zsock-core.wasm');
}

/** $ZSOCK_ARENA_SIZE, or 0 for the built-in default. */
export function defaultArenaSize(): number {
  return Number(process.env.ZSOCK_ARENA_SIZE) || 0;
}

/** A pending timer (opaque: whatever the platform's timers return). */
export type Timer = unknown;

/** Timers for src/: `start` calls fn once after ms. A `background` timer (a FIN_WAIT bound, a
 *  DTLS retransmission) does not keep the host process alive by itself; a device has no such
 *  notion. */
export const timers = atLeastTimers({
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (t) => clearTimeout(t as ReturnType<typeof setTimeout>),
  unref: (t) => (t as ReturnType<typeof setTimeout>).unref(),
  now: () => performance.now(),
});

/** Random bytes drawn ahead from the CSPRNG. Each randomFillSync costs a few microseconds
 *  whatever its length, and a handshake asks dozens of times for 32 bytes or less (nonces,
 *  keys, randoms); a pool asks once per 4 KB. Each byte handed out is zeroed in the pool, so
 *  none is given twice or kept once used (Node's randomUUID caches its entropy the same way). */
const POOL_SIZE = 4096, POOLED_MAX = 256;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE; // bytes before this index are used (and zero)

/** Fills `buf` with random bytes: the host's CSPRNG here, a board's TRNG on a device. Never
 *  fails short: without entropy there is no TLS, and the board would rather stop. */
export function randomFill(buf: Uint8Array): void {
  const n = buf.length;
  if (n > POOLED_MAX) return void randomFillSync(buf);
  if (POOL_SIZE - poolAt < n) {
    randomFillSync(pool);
    poolAt = 0;
  }
  for (let i = 0; i < n; i++) { // a few dozen bytes: a loop, not a view per call
    buf[i] = pool[poolAt + i];
    pool[poolAt + i] = 0;
  }
  poolAt += n;
}

/** Where every TLS session's key log lines go (NSS's SSLKEYLOGFILE format, for Wireshark):
 *  the file $SSLKEYLOGFILE names, as curl and NSS use it, appended to (created 0600); null
 *  when it is unset. Read once, when the TLS core loads. */
export function keylogSink(): ((lines: Uint8Array) => void) | null {
  const file = process.env.SSLKEYLOGFILE;
  return file ? (lines) => appendFileSync(file, lines, { mode: 0o600 }) : null;
}

/** Ends the program with `status` (src/sys.ts). */
export function exitProgram(status: number): void {
  process.exit(status);
}

/** Files, for the credential store file; a board without a file system returns null/false. */
export const files = {
  read(path: string): string | null {
    return existsSync(path) ? readFileSync(path, 'utf8') : null;
  },
  write(path: string, text: string): boolean {
    writeFileSync(path, text, { mode: 0o600 });
    return true;
  },
};
