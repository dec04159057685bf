/**
 * src/platform.ts for test programs on the XS host (build/xs/zsock-xs): the TLS core is the
 * native module zsock:core, entropy the host's TRNG through zsock:sys, timers the `timer` module,
 * as on a Moddable board; no default network driver (a suite installs the board's) and no file
 * system. Everything comes from imported modules: the
 * XS host offers no console, timers, TextEncoder or crypto as globals.
 */
import core from 'zsock:core';
import sys from 'zsock:sys';
import host from 'zsock:host';
import type { NetDriver } from '../../src/net/driver.js';
import type { ZsockConfig } from '../../src/config.js';
import type { CoreBinding } from '../../src/tls/wasm.js';

export const platformName = 'xs-host';
export const platformConfig: Partial<ZsockConfig> = {};

export function defaultDriver(): NetDriver {
  throw new Error('xs-host: no network driver in a test program');
}

export function defaultCoreBinding(_path?: string): CoreBinding {
  return core;
}

/** 0: the TS default arena, which the host's region is sized for (xs/core.c). */
export function defaultArenaSize(): number {
  return 0;
}

/** Timers from Moddable's `timer` module, as on a board (boards/moddable-esp32/timers.ts). */
export { timers } from '../../boards/moddable-esp32/timers.js';

export function randomFill(buf: Uint8Array): void {
  sys.random(buf);
}

/** No key log in a test program. */
export function keylogSink(): ((lines: Uint8Array) => void) | null {
  return null;
}

export function exitProgram(status: number): void {
  sys.exit(status);
}

export const files = {
  read: (_path: string): string | null => null,
  write: (_path: string, _text: string): boolean => false,
};
