/** src/platform.ts for native_sim: the host's own (node:net, the .wasm file, node:fs), with the
 *  simulator's name for this machine, `host`, meaning this machine here too (its loopback), so a
 *  sample's default peer resolves on native-sim as on the virtual boards. */
import type { NetAddr, NetDriver } from '../../src/net/driver.js';
import { hostDriver } from '../../src/net/host.js';
export * from '../../src/platform.js';
export const platformName = 'native-sim';

const loopback = (family: 4 | 6): NetAddr => ({ family, address: family === 6 ? '::1' : '127.0.0.1', port: 0 });

export function defaultDriver(): NetDriver {
  return {
    ...hostDriver,
    resolve: (name, family) => name.toLowerCase().replace(/\.$/, '') === 'host'
      ? Promise.resolve({ addrs: family === 0 ? [loopback(4), loopback(6)] : [loopback(family)] })
      : hostDriver.resolve(name, family),
  };
}
