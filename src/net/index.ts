/** The NetDriver in use: the host driver unless a board installs its own (boards/, sim/). */
import type { NetDriver } from './driver.js';
import { defaultDriver } from '../platform.js';

let current: NetDriver | null = null;

/** The NetDriver in use: the one setDriver installed, else the platform's default (created on
 *  first use). */
export function driver(): NetDriver {
  return (current ??= defaultDriver());
}

/** Installs a board's driver; call before the first socket. */
export function setDriver(d: NetDriver): void {
  current = d;
}

export type { NetDriver, NetAddr } from './driver.js';
