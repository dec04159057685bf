/**
 * Filling a stream's send path, for the flow-control suites (test/boards/flow.test.ts on every
 * driver and engine, test/boards/window.test.ts on the virtual TCP).
 */
import * as assert from 'uvu/assert';
import * as Z from '../../src/api/index.js';
import * as E from '../../src/errno.js';

/** Zephyr's TEST_STR_SMALL. */
export const TEST_STR_SMALL = new TextEncoder().encode('test');
/** More than any path here buffers (the host's loopback kernel buffers autotune to a few MB). */
const FILL_LIMIT = 64 << 20;

/** poll() for POLLOUT alone: [poll's result, revents]. */
export const pollOut = async (fd: number, ms: number): Promise<[number, number]> => {
  const p = [{ fd, events: Z.ZSOCK_POLLOUT, revents: 0 }];
  const r = await Z.zsock_poll(p, 1, ms);
  return [r, p[0].revents];
};

/** Sends without waiting until the path is full: the bytes taken. Full is -EAGAIN with no
 *  POLLOUT for 100 ms (a board's driver hands bytes on to the native socket as room opens there).
 *  A path that never pushes back fails the test. */
export async function fill(fd: number): Promise<number> {
  const chunk = new Uint8Array(16384).fill(0x5a);
  let total = 0;
  for (;;) {
    const n = await Z.zsock_send(fd, chunk, Z.ZSOCK_MSG_DONTWAIT);
    if (n === -E.EAGAIN) {
      if ((await pollOut(fd, 100))[0] === 0) return total;
      continue;
    }
    assert.ok(n > 0, `send ${n}`);
    total += n;
    assert.ok(total < FILL_LIMIT, 'no back-pressure');
  }
}
