/**
 * Credential store files: the `zsock cred` command edits one, and a program (or a simulated
 * board) loads it into the in-memory store at start. JSON, base64 data, written mode 0600 since
 * it may hold private keys and PSKs.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { allCredentials, tls_credential_add } from './credentials.js';

interface FileEntry { tag: number; type: number; data: string }

export function readCredFile(path: string): { tag: number; type: number; data: Uint8Array }[] {
  if (!existsSync(path)) return [];
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { version: number; credentials: FileEntry[] };
  if (doc.version !== 1 || !Array.isArray(doc.credentials)) throw new Error(`${path}: not a zsock credential store`);
  return doc.credentials.map((c) => ({ tag: c.tag, type: c.type, data: new Uint8Array(Buffer.from(c.data, 'base64')) }));
}

export function writeCredFile(path: string, creds: { tag: number; type: number; data: Uint8Array }[]): void {
  const doc = { version: 1, credentials: creds.map((c) => ({ tag: c.tag, type: c.type, data: Buffer.from(c.data).toString('base64') })) };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
}

/** Adds every credential of the file to the store: 0, or the first negative errno. */
export function loadCredentials(path: string): number {
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
