/** The `errno` of the zsock surface: the last error of any call (src/api only). */
let last = 0;

/** Returns v, noting it as the last error when it is one. */
export function ret(v: number): number {
  if (v < 0) last = -v;
  return v;
}

export function setErrno(e: number): void {
  last = e;
}

export function lastErrno(): number {
  return last;
}
