/** Wait queues: how a call that may block waits for its socket to change, with a timeout,
 *  and how close() interrupts it (EINTR). Every state change of a socket wakes its queue;
 *  each woken waiter re-checks its own condition. */
import { timers, type Timer } from '../platform.js';

export type WaitResult = 'woken' | 'timeout' | 'intr';

/** The waiters of one socket: woken by every change, interrupted by close. */
export class WaitQueue {
  /** Made at the first wait: most sockets of a busy host are idle, with nobody waiting. */
  private waiters: Set<(r: WaitResult) => void> | null = null;

  /** Waits for the next wake (or `ms` milliseconds; null waits forever). */
  wait(ms: number | null): Promise<WaitResult> {
    return new Promise((resolve) => {
      let timer: Timer = undefined;
      const done = (r: WaitResult) => {
        timers.stop(timer);
        this.leave(done);
        resolve(r);
      };
      // Longer than setTimeout allows: wake early; the caller's deadline loop waits again.
      if (ms !== null) timer = timers.start(Math.min(Math.max(0, ms), 0x7fffffff), () => done(ms > 0x7fffffff ? 'woken' : 'timeout'));
      (this.waiters ??= new Set()).add(done);
    });
  }

  /** Lets several queues share one waiter (poll): returns a function that unsubscribes. */
  subscribe(fn: () => void): () => void {
    const w = () => fn();
    (this.waiters ??= new Set()).add(w);
    return () => this.leave(w);
  }

  private leave(w: (r: WaitResult) => void): void {
    const ws = this.waiters;
    if (ws?.delete(w) && ws.size === 0) this.waiters = null;
  }

  wake(): void {
    this.each('woken');
  }

  interrupt(): void {
    this.each('intr');
  }

  private each(r: WaitResult): void {
    const ws = this.waiters;
    if (!ws?.size) return;
    if (ws.size === 1) for (const w of ws) return w(r);
    for (const w of [...ws]) w(r);
  }
}

/** A deadline from a timeout in ms (0 or null = none), and what is left of it. */
export function deadline(ms: number | null): () => number | null {
  if (!ms) return () => null;
  const end = Date.now() + ms;
  return () => Math.max(0, end - Date.now());
}
