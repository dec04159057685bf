/**
 * Timers that never fire early, over an engine's setTimeout. A Zephyr timeout (k_sleep, a
 * k_work_delayable, SO_RCVTIMEO) waits at least its duration. Node measures a timer from the
 * event loop's cached time, which lags the clock by however long the current turn has run, so a
 * bare setTimeout(fn, 400) can run 399 ms after the call. Each timer here remembers when it is
 * due and, woken early, waits out the rest.
 */

/** The engine's timer functions this is built on. */
export interface TimerHost {
  set(fn: () => void, ms: number): unknown;
  clear(t: unknown): void;
  /** Lets a background timer not keep the process alive (Node's unref); absent on devices. */
  unref?(t: unknown): void;
  now(): number;
}

interface Pending {
  t: unknown;
}

/** timers.start/stop (src/platform.ts) over `host`. stop() of undefined/null or of a fired
 *  timer does nothing. */
export function atLeastTimers(host: TimerHost) {
  return {
    start(ms: number, fn: () => void, background = false): unknown {
      const due = host.now() + ms;
      const p: Pending = { t: undefined };
      const arm = (wait: number) => {
        p.t = host.set(() => {
          const left = due - host.now();
          if (left > 0) arm(Math.ceil(left));
          else fn();
        }, wait);
        if (background) host.unref?.(p.t);
      };
      arm(ms);
      return p;
    },
    stop(p: unknown): void {
      if (p !== undefined && p !== null) host.clear((p as Pending).t);
    },
  };
}
