/**
 * Ending a program, as Zephyr's native_sim does with exit(): on the host and on native-sim the
 * process exits with `status`; in the simulator the board stops and the simulator reports the
 * status; on a device the firmware's `zsock:sys` module restarts the chip (there is nobody to
 * hand a status to). Samples end with it so tests and scripts can read their result.
 */
import { exitProgram } from './platform.js';
import * as E from './errno.js';

/** Ends the program with `status` (0..255; POSIX keeps the low 8 bits). -EINVAL if not an integer. */
export function sys_exit(status: number): number {
  if (!Number.isInteger(status)) return -E.EINVAL;
  exitProgram(status & 0xff);
  return 0;
}
