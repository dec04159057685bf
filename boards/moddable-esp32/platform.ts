/** src/platform.ts for Moddable ESP32 firmware: the ECMA-419 IO classes and the native core. */
import TCP from 'embedded:io/socket/tcp';
import UDP from 'embedded:io/socket/udp';
import Listener from 'embedded:io/socket/listener';
import Resolver from 'embedded:network/dns/resolver/udp';
import Net from 'net';
import type { NetDriver } from '../../src/net/driver.js';
import type { CoreBinding } from '../../src/tls/wasm.js';
import { moddableDriver, type IO419 } from './driver.js';
import { nativeCore, limits, boardConfig, noFiles } from '../common/platform_base.js';
export { exitProgram, timers, randomFill, keylogSink } from '../common/platform_base.js';

export const platformName = 'moddable-esp32';
export const platformConfig = boardConfig;
export const files = noFiles;

export function defaultDriver(): NetDriver {
  return moddableDriver({ TCP, UDP, Listener, Resolver } as unknown as IO419, {
    address4: Net.get('IP'), address6: Net.get('IPV6') ?? '::', dns: [Net.get('DNS') ?? '192.0.2.2'],
  });
}

export function defaultCoreBinding(_path?: string): CoreBinding {
  return nativeCore();
}

export function defaultArenaSize(): number {
  return limits.arenaBytes;
}
