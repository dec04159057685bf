/**
 * The drivers the conformance and faults suites run on: the host driver, and each board adapter
 * over its emulated natives on a fresh virtual network (in this process, so the suite's zsock is
 * the board's). `caps` lists what a platform's API cannot express, so a test asserts the platform's
 * documented answer instead (see the adapters' headers).
 */
import { setDriver, type NetDriver } from '../../src/net/index.js';
import { hostDriver } from '../../src/net/host.js';
import { VNet } from '../../sim/vnet.js';
import { hostRealm } from '../../sim/natives/realm.js';
import { moddableIO } from '../../sim/natives/moddable.js';
import { moddableDriver } from '../../boards/moddable-esp32/driver.js';
import { espruinoModules } from '../../sim/natives/espruino.js';
import { espruinoDriver } from '../../boards/espruino-esp32/driver.js';
import { VNetFaults, type FaultNet } from './faultnet.js';

export interface Caps {
  /** A reset reads as ECONNRESET (else as an orderly end, as onError() without arguments). */
  reset: boolean;
  /** getsockname() on a connected client reports its port. */
  clientPort: boolean;
  /** getpeername() on an accepted socket (Espruino's sockets carry no addresses). */
  peerOfAccepted: boolean;
  /** shutdown(SHUT_WR) leaves the receive side open. */
  halfClose: boolean;
  /** AAAA lookups. */
  dns6: boolean;
}

export interface BoardEnv {
  name: string;
  /** This stack's own IPv4 / IPv6 address, and a name that resolves to it. */
  a4: string;
  a6: string;
  hostname: string;
  caps: Caps;
  driver: () => NetDriver;
  /** The board's virtual network, for the faults suite (none on the host driver). */
  faults?: FaultNet;
}

const ALL: Caps = { reset: true, clientPort: true, peerOfAccepted: true, halfClose: true, dns6: true };

export function boardEnvs(): BoardEnv[] {
  const envs: BoardEnv[] = [{ name: 'host', a4: '127.0.0.1', a6: '::1', hostname: 'localhost', caps: ALL, driver: () => hostDriver }];
  {
    const vnet = new VNet(7);
    const h = vnet.addHost('modboard');
    envs.push({
      name: 'moddable-esp32', a4: h.v4, a6: h.v6, hostname: 'modboard', faults: new VNetFaults(vnet),
      caps: { reset: false, clientPort: false, peerOfAccepted: true, halfClose: false, dns6: false },
      driver: () => moddableDriver(moddableIO(h, hostRealm), { address4: h.v4, address6: h.v6, dns: [vnet.host.v4] }),
    });
  }
  {
    const vnet = new VNet(11);
    const h = vnet.addHost('espboard');
    envs.push({
      name: 'espruino-esp32', a4: h.v4, a6: '', hostname: 'espboard', faults: new VNetFaults(vnet),
      caps: { reset: false, clientPort: false, peerOfAccepted: false, halfClose: false, dns6: false },
      driver: () => espruinoDriver(espruinoModules(h, hostRealm), { address4: h.v4 }),
    });
  }
  return envs;
}

export function useBoard(env: BoardEnv): void {
  setDriver(env.driver());
}

/** A simulated board's virtual network itself, for suites that need its machines (raw peers,
 *  partitions by host) rather than FaultNet's address-level faults; none on the host driver. */
export function vnetOf(env: BoardEnv): VNet | undefined {
  return env.faults instanceof VNetFaults ? env.faults.vnet : undefined;
}
