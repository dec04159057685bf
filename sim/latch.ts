/** A value set once (a board's crash, its exit status), and the waiters it settles. */
export class Latch<T> {
  value: T | null = null;
  private waiters: ((v: T) => void)[] = [];

  /** Sets the value and settles every waiter (later sets are ignored). */
  set(v: T): void {
    if (this.value !== null) return;
    this.value = v;
    for (const w of this.waiters.splice(0)) w(v);
  }

  /** The value, now or when it is set. */
  wait(): Promise<T> {
    return this.value !== null ? Promise.resolve(this.value) : new Promise((r) => this.waiters.push(r));
  }
}
