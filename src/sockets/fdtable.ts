/**
 * The one global file-descriptor table: small integers from 0, Zephyr's zvfs model.
 * reserve() takes a slot (ENFILE when full), finalize() puts the object in it, free() empties
 * it. A reserved slot is not yet usable (EBADF), so a half-made socket is never seen.
 */
import { EBADF, ENFILE } from '../errno.js';
import { config } from '../config.js';

const RESERVED = Symbol('reserved');

/** What the fd table holds. */
export interface FdObject {
  /** Called once when the fd is closed; wakes blocked callers with EINTR. */
  close(): void;
}

/** Small integers from 0, lowest free first; CONFIG_ZVFS_OPEN_MAX slots. */
export class FdTable<T extends FdObject> {
  private slots: (T | typeof RESERVED | undefined)[] = [];

  get size(): number {
    return config.ZVFS_OPEN_MAX;
  }

  /** The lowest free fd, now reserved; or -ENFILE. */
  reserve(): number {
    for (let fd = 0; fd < this.size; fd++) {
      if (this.slots[fd] === undefined) {
        this.slots[fd] = RESERVED;
        return fd;
      }
    }
    return -ENFILE;
  }

  finalize(fd: number, obj: T): void {
    if (this.slots[fd] !== RESERVED) throw new Error(`fd ${fd} was not reserved`);
    this.slots[fd] = obj;
  }

  /** Releases a reserved or open fd without closing its object. */
  free(fd: number): void {
    this.slots[fd] = undefined;
  }

  /** The object behind an open fd, or null (reserved, closed, out of range, not an integer). */
  get(fd: number): T | null {
    if (!Number.isInteger(fd) || fd < 0 || fd >= this.slots.length) return null;
    const o = this.slots[fd];
    return o === undefined || o === RESERVED ? null : o;
  }

  /** Closes and frees an fd: 0 or -EBADF. */
  close(fd: number): number {
    const o = this.get(fd);
    if (!o) return -EBADF;
    this.slots[fd] = undefined;
    o.close();
    return 0;
  }

  /** Open fds (for diagnostics and tests). */
  openFds(): number[] {
    return this.slots.flatMap((o, fd) => (o && o !== RESERVED ? [fd] : []));
  }
}
