/** Shared by the idiomatic-layer suites: errors checked by code, errno and syscall; fds counted. */
import * as assert from 'uvu/assert';
import { fdtable } from '../../src/internal.js';
import { ZsockError } from '../../src/idiomatic/index.js';

/** The ZsockError `p` rejects with, its code and errno asserted. */
export async function rejects(p: Promise<unknown>, code: string, errno: number, syscall?: string): Promise<ZsockError> {
  let err: unknown = null;
  try {
    await p;
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof ZsockError, `a ZsockError, got ${String(err)}`);
  const z = err as ZsockError;
  assert.ok(z instanceof Error);
  assert.is(z.name, 'ZsockError');
  assert.is(z.code, code, z.message);
  assert.is(z.errno, errno, z.message);
  if (syscall) assert.is(z.syscall, syscall);
  return z;
}

/** Open fds now (every test ends with none). */
export const openFds = (): number => fdtable.openFds().length;

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Everything an async iterable gives, concatenated. */
export async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of it) out += str(chunk);
  return out;
}
