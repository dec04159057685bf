/**
 * Timers for src/ through the engine's own setTimeout: what the simulator's sandbox gives a board
 * (V8, or the XS host). A device build replaces this file by the board's own (boards/build.ts,
 * device mode: Moddable's `timer` module, boards/moddable-esp32/timers.ts). Like a device's
 * timers, these never fire early (src/timers.ts). A device has no background timers:
 * `background` is ignored.
 */
import { atLeastTimers } from '../../src/timers.js';

export const timers = atLeastTimers({
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (t) => clearTimeout(t as number),
  now: () => Date.now(),
});
