/** Wait queues: how a call that may block waits for its socket to change, with a timeout,
 *  and how close() interrupts it (EINTR). Every state change of a socket wakes its queue;
 *  each woken waiter re-checks its own condition. */
import { timers, type Timer } from '../platform.js';

export type WaitResult = 'woken' | 'timeout' | 'intr';

/** The waiters of one socket: woken by every change, interrupted by close. */
export class WaitQueue {
  private waiters = new Set<(r: WaitResult) => void>();

  /** Waits for the next wake (or `ms` milliseconds; null waits forever). */
  wait(ms: number | null): Promise<WaitResult> {
    return new Promise((resolve) => {
      let timer: Timer = undefined;
      const done = (r: WaitResult) => {
        timers.stop(timer);
        this.waiters.delete(done);
        resolve(r);
      };
      // Longer than setTimeout allows: wake early; the caller's deadline loop waits again.
      if (ms !== null) timer = timers.start(Math.min(Math.max(0, ms), 0x7fffffff), () => done(ms > 0x7fffffff ? 'woken' : 'timeout'));
      this.waiters.add(done);
    });
  }

  /** Lets several queues share one waiter (poll): returns a function that unsubscribes. */
  subscribe(fn: () => void): () => void {
    const w = () => fn();
    this.waiters.add(w);
    return () => this.waiters.delete(w);
  }

  wake(): void {
    for (const w of [...this.waiters]) w('woken');
  }

  interrupt(): void {
    for (const w of [...this.waiters]) w('intr');
  }
}

/** A deadline from a timeout in ms (0 or null = none), and what is left of it. */
export function deadline(ms: number | null): () => number | null {
  if (!ms) return () => null;
  const end = Date.now() + ms;
  return () => Math.max(0, end - Date.now());
}
