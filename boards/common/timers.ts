/**
 * Timers for src/ through the engine's own setTimeout: what the simulator's sandbox gives a board
 * (V8). A device build replaces this file by the board's own (boards/build.ts, device mode:
 * Moddable's `timer` module, boards/moddable-esp32/timers.ts).
 */
import type { Timer } from '../../src/platform.js';

/** start(): calls fn once after ms; returns the timer for stop(). A device has no background
 *  timers: `background` is ignored. stop() of undefined/null or of a fired timer does nothing. */
export const timers = {
  start(ms: number, fn: () => void, _background = false): Timer {
    return setTimeout(fn, ms);
  },
  stop(t: Timer): void {
    if (t !== undefined && t !== null) clearTimeout(t as number);
  },
};
