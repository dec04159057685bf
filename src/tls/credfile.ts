/**
 * Credential store files: the `zsock cred` command edits one, and a program (or a simulated
 * board) loads it into the in-memory store at start. JSON, base64 data, written mode 0600 since
 * it may hold private keys and PSKs.
 */
import { files } from '../platform.js';
import { allCredentials, tls_credential_add } from './credentials.js';
import { ENOENT } from '../errno.js';

// atob/btoa work on binary strings: Node has them, and so do Espruino and the simulator's boards.
const fromBase64 = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
const toBase64 = (u8: Uint8Array) => { let s = ''; for (const b of u8) s += String.fromCharCode(b); return btoa(s); };

interface FileEntry { tag: number; type: number; data: string }

export function readCredFile(path: string): { tag: number; type: number; data: Uint8Array }[] {
  const text = files.read(path);
  if (text === null) return [];
  const doc = JSON.parse(text) as { version: number; credentials: FileEntry[] };
  if (doc.version !== 1 || !Array.isArray(doc.credentials)) throw new Error(`${path}: not a zsock credential store`);
  return doc.credentials.map((c) => ({ tag: c.tag, type: c.type, data: fromBase64(c.data) }));
}

export function writeCredFile(path: string, creds: { tag: number; type: number; data: Uint8Array }[]): void {
  const doc = { version: 1, credentials: creds.map((c) => ({ tag: c.tag, type: c.type, data: toBase64(c.data) })) };
  if (!files.write(path, JSON.stringify(doc, null, 2) + '\n')) throw new Error(`${path}: no file system on this board`);
}

/** Adds every credential of the file to the store: 0, -ENOENT when there is no such file (a
 *  board without a file system has none), or the first negative errno of tls_credential_add. */
export function loadCredentials(path: string): number {
  if (files.read(path) === null) return -ENOENT;
  for (const c of readCredFile(path)) {
    const r = tls_credential_add(c.tag, c.type, c.data);
    if (r < 0) return r;
  }
  return 0;
}

/** Writes the whole in-memory store to a file. */
export function saveCredentials(path: string): void {
  writeCredFile(path, allCredentials());
}
