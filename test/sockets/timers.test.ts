/**
 * Timers never fire early (src/timers.ts): a timeout waits at least its duration, as Zephyr's do,
 * even when the engine's setTimeout runs early by its clock. Regression: a blocking connect's SYN
 * retries gave up after 399 ms of a 400 ms budget (test/boards/connect.test.ts, CI).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { atLeastTimers } from '../../src/timers.js';
import { timers } from '../../src/platform.js';

/** An engine whose clock the test moves and whose timers run `early` ms before they are due
 *  by that clock (but never before its next millisecond). */
function engine(early: number) {
  let now = 1000;
  const pending = new Map<number, { fn: () => void; at: number }>();
  let id = 0;
  const host = {
    set: (fn: () => void, ms: number) => (pending.set(++id, { fn, at: now + Math.max(1, ms - early) }), id),
    clear: (t: unknown) => void pending.delete(t as number),
    now: () => now,
  };
  /** Moves the clock to `to`, running each timer that is due by the engine's (early) account. */
  const advance = (to: number) => {
    for (;;) {
      const due = [...pending].filter(([, p]) => p.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      pending.delete(due[0]);
      now = Math.max(now, due[1].at);
      due[1].fn();
    }
    now = to;
  };
  return { host, advance, pending };
}

const t = suite('timers');

t('a timer the engine runs early waits out the rest: fn runs at its due time, not before', () => {
  const e = engine(3);
  const ts = atLeastTimers(e.host);
  let ranAt = -1;
  ts.start(400, () => (ranAt = e.host.now()));
  e.advance(1399);
  assert.is(ranAt, -1, 'ran early');
  e.advance(1400);
  assert.is(ranAt, 1400);
});

t('stop() cancels a timer after it re-armed, and stop() of undefined, null or a fired timer does nothing', () => {
  const e = engine(5);
  const ts = atLeastTimers(e.host);
  let ran = 0;
  const a = ts.start(100, () => ran++);
  e.advance(1097); // the engine woke it early; it re-armed for the rest
  assert.is(e.pending.size, 1);
  ts.stop(a);
  e.advance(2000);
  assert.is(ran, 0);
  const b = ts.start(10, () => ran++);
  e.advance(2010);
  assert.is(ran, 1);
  ts.stop(b);
  ts.stop(undefined);
  ts.stop(null);
  assert.is(e.pending.size, 0);
});

t('the host platform timer waits at least its duration by the clock', async () => {
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    await new Promise<void>((r) => timers.start(20, r));
    assert.ok(performance.now() - t0 >= 20, `fired after ${performance.now() - t0} ms`);
  }
});

t.run();
