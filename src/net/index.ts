/** The NetDriver in use: the host driver unless a board installs its own (boards/, sim/). */
import type { NetDriver } from './driver.js';
import { hostDriver } from './host.js';

let current: NetDriver = hostDriver;

export function driver(): NetDriver {
  return current;
}

/** Installs a board's driver; call before the first socket. */
export function setDriver(d: NetDriver): void {
  current = d;
}

export type { NetDriver, NetAddr } from './driver.js';
