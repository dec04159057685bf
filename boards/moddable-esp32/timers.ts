/**
 * Timers for src/ on a Moddable device: the `timer` module (Timer.set / Timer.clear), the only
 * timers Moddable's runtime has. Its ids have no unref(): a device has no background timers.
 * boards/build.ts puts this file in place of boards/common/timers.ts in a device build.
 */
import Timer from 'timer';
import type { Timer as PlatformTimer } from '../../src/platform.js';

/** start(): calls fn once after ms; returns the timer's id for stop(). stop() of undefined/null
 *  or of a fired timer does nothing (Timer.clear ignores a timer that has ended). */
export const timers = {
  start(ms: number, fn: () => void, _background = false): PlatformTimer {
    return Timer.set(() => fn(), ms);
  },
  stop(t: PlatformTimer): void {
    if (t !== undefined && t !== null) Timer.clear(t as object);
  },
};
