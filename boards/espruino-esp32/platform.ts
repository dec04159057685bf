/** src/platform.ts for Espruino ESP32 firmware: the net/dgram/Wifi modules and the native core. */
import type { NetDriver } from '../../src/net/driver.js';
import type { CoreBinding } from '../../src/tls/wasm.js';
import { espruinoDriver, type EspruinoLibs } from './driver.js';
import { nativeCore, limits, boardConfig, noFiles } from '../common/platform_base.js';
export { exitProgram, timers, randomFill, keylogSink } from '../common/platform_base.js';

declare const require: (name: string) => any;

export const platformName = 'espruino-esp32';
export const platformConfig = boardConfig;
export const files = noFiles;

export function defaultDriver(): NetDriver {
  const Wifi = require('Wifi');
  const lib: EspruinoLibs = { net: require('net'), dgram: require('dgram'), Wifi };
  return espruinoDriver(lib, { address4: Wifi.getIP().ip });
}

export function defaultCoreBinding(_path?: string): CoreBinding {
  return nativeCore();
}

export function defaultArenaSize(): number {
  return limits.arenaBytes;
}
