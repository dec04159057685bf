/**
 * test/helpers/boards.ts for a suite running inside an XS board process on the simulator's
 * virtual network (test/xs/sim_suite.ts starts it): the moddable-esp32 adapter over the ECMA-419
 * classes that reach the virtual network through the pipe (xs/io419_sim.js), on the native core,
 * with the board's caps as on V8. Each boardEnvs() asks the harness for a fresh network (the same
 * seed and host names as the V8 environment), and the suite's faults go to it over the pipe.
 */
import TCP from 'embedded:io/socket/tcp';
import UDP from 'embedded:io/socket/udp';
import Listener from 'embedded:io/socket/listener';
import Resolver from 'embedded:network/dns/resolver/udp';
import { Control } from 'zsock-xs:io419';
import { setDriver, type NetDriver } from '../../src/net/index.js';
import { moddableDriver, type IO419 } from '../../boards/moddable-esp32/driver.js';
import type { FaultNet } from '../helpers/faultnet.js';

export interface Caps { reset: boolean; clientPort: boolean; peerOfAccepted: boolean; halfClose: boolean; dns6: boolean }

export interface BoardEnv { name: string; a4: string; a6: string; hostname: string; caps: Caps; driver: () => NetDriver; faults?: FaultNet }

const faults: FaultNet = {
  addHost: (name) => Control.call('addHost', name) as string,
  link: (a, b, p) => { Control.call('link', a, b, p); },
  partition: (a, b, on) => { Control.call('partition', a, b, on); },
  reset: (a, b) => { Control.call('reset', a, b); },
  echo: (host, port) => { Control.call('echo', host, port); },
  udpSend: (from, fromPort, to, toPort, data) => { Control.call('udpSend', from, fromPort, to, toPort, data); },
  udpInFlight: () => Control.call('udpInFlight') as number,
};

/** One environment, moddable-esp32, on a fresh virtual network. */
export function boardEnvs(): BoardEnv[] {
  const at = Control.call('fresh') as { a4: string; a6: string; dns: string };
  const io = { TCP, UDP, Listener, Resolver } as unknown as IO419;
  return [{
    name: 'moddable-esp32', a4: at.a4, a6: at.a6, hostname: 'modboard', faults,
    caps: { reset: false, clientPort: false, peerOfAccepted: true, halfClose: false, dns6: false },
    driver: () => moddableDriver(io, { address4: at.a4, address6: at.a6, dns: [at.dns] }),
  }];
}

export function useBoard(env: BoardEnv): void {
  setDriver(env.driver());
}
