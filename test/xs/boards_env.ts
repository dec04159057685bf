/**
 * test/helpers/boards.ts for the XS host: the conformance suite's one environment there, the
 * moddable-esp32 adapter (boards/moddable-esp32/driver.ts) over Moddable's ECMA-419 classes as
 * the XS host implements them on real loopback sockets (xs/io419.js), in place of the
 * simulator's emulation on a virtual network. Its caps are the board's (what the 419 API cannot
 * say), as in the V8 run. test/xs/bundle.ts substitutes this module when it bundles for XS.
 */
import TCP from 'embedded:io/socket/tcp';
import UDP from 'embedded:io/socket/udp';
import Listener from 'embedded:io/socket/listener';
import Resolver from 'embedded:network/dns/resolver/udp';
import { setDriver, type NetDriver } from '../../src/net/index.js';
import { moddableDriver, type IO419 } from '../../boards/moddable-esp32/driver.js';

export interface Caps { reset: boolean; clientPort: boolean; peerOfAccepted: boolean; halfClose: boolean; dns6: boolean }

export interface BoardEnv { name: string; a4: string; a6: string; hostname: string; caps: Caps; driver: () => NetDriver }

let board: NetDriver | null = null;

/** The board's driver, made once (the suite's after hook installs it again as `hostDriver`). */
export function xsBoardDriver(): NetDriver {
  return (board ??= moddableDriver({ TCP, UDP, Listener, Resolver } as unknown as IO419, { address4: '127.0.0.1', address6: '::1', dns: ['127.0.0.1'] }));
}

/** One environment: moddable-esp32 on XS; `localhost` resolves through the host's resolver. */
export function boardEnvs(): BoardEnv[] {
  return [{
    name: 'moddable-esp32 on XS', a4: '127.0.0.1', a6: '::1', hostname: 'localhost',
    caps: { reset: false, clientPort: false, peerOfAccepted: true, halfClose: false, dns6: false },
    driver: xsBoardDriver,
  }];
}

export function useBoard(env: BoardEnv): void {
  setDriver(env.driver());
}
