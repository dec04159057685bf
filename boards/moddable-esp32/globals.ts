/**
 * What an application (samples/) calls as globals, made for a Moddable device from its own
 * modules: console on the engine's trace(), setTimeout/setInterval and their clears on its
 * `timer` module,
 * TextEncoder/TextDecoder from Moddable's text/encoder and text/decoder.
 * boards/build.ts injects this file in a device build: esbuild rewrites the application's
 * references to these names into imports of it, so the firmware uses no global the engine lacks
 * (a Moddable device has no console, setTimeout or TextEncoder).
 */
import TextEncoder from 'text/encoder';
import TextDecoder from 'text/decoder';
import Timer from 'timer';
import { timers } from './timers.js';

declare const trace: (...s: string[]) => void;

const line = (a: unknown[]): string => a.map((x) => (typeof x === 'string' ? x : x instanceof Error ? `${x}` : JSON.stringify(x) ?? String(x))).join(' ');

/** console.log / info / warn / error: one line each through trace() (xsbug or the serial port). */
const out = (...a: unknown[]): void => trace(`${line(a)}\n`);
const console = { log: out, info: out, warn: out, error: out };

/** setTimeout(fn, ms, ...args): fn once after ms; the id is for clearTimeout. */
function setTimeout(fn: (...a: unknown[]) => void, ms = 0, ...args: unknown[]): unknown {
  return timers.start(ms, () => fn(...args));
}

function clearTimeout(t: unknown): void {
  timers.stop(t);
}

/** setInterval(fn, ms): fn every ms until clearInterval. */
function setInterval(fn: () => void, ms = 0): unknown {
  return Timer.repeat(() => fn(), ms > 0 ? ms : 1);
}

function clearInterval(t: unknown): void {
  if (t !== undefined && t !== null) Timer.clear(t as object);
}

export { console, setTimeout, clearTimeout, setInterval, clearInterval, TextEncoder, TextDecoder };
