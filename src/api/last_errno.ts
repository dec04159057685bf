/** The `errno` of the zsock surface: the last error of any call (src/api only). */
let last = 0;

/** Returns v, noting it as the last error when it is one. */
export function ret(v: number): number {
  if (v < 0) last = -v;
  return v;
}

/** A waiting call's result, noting its errno when it settles rather than when the call began
 *  (ported code reads errno right after `await`: a failure another call had meanwhile must not
 *  stand in for this one's). */
export function settle(p: Promise<number>): Promise<number> {
  return p.then(ret);
}

export function setErrno(e: number): void {
  last = e;
}

export function lastErrno(): number {
  return last;
}
