/**
 * The credential store, keyed by security tag (tls_credential_add/get/delete), with Zephyr's
 * return values. Unlike Zephyr's volatile backend, which keeps the caller's pointer, the bytes
 * are copied (a JS caller reuses its buffers); deleting a credential wipes the copy.
 * DER by default; PEM is recognised by its header (the engine handles both).
 */
import { EEXIST, EFAULT, EFBIG, EINVAL, ENOENT, ENOMEM } from '../errno.js';
import { config } from '../config.js';
import { Sha256 } from './sha256.js';

/** Credential types (Zephyr's enum tls_credential_type): tls_credential_add/get/delete's `type`,
 *  and Credential's. A tag named in TLS_SEC_TAG_LIST contributes its CA certificates to the
 *  chain of trust, its PUBLIC_CERTIFICATE with its PRIVATE_KEY as the socket's own (both on the
 *  same tag), and a PSK with its PSK_ID (on the same tag, else TLS_SEC_TAG_LIST is -EINVAL).
 *  NONE is not a type the store takes (-EINVAL). */
export const TLS_CREDENTIAL_NONE = 0, TLS_CREDENTIAL_CA_CERTIFICATE = 1, TLS_CREDENTIAL_PUBLIC_CERTIFICATE = 2,
  TLS_CREDENTIAL_PRIVATE_KEY = 3, TLS_CREDENTIAL_PSK = 4, TLS_CREDENTIAL_PSK_ID = 5;
/** Deprecated alias of TLS_CREDENTIAL_PUBLIC_CERTIFICATE, as in Zephyr. */
export const TLS_CREDENTIAL_SERVER_CERTIFICATE = 2;
/** Zephyr's "no tag" (sec_tag_t is int; negative tags are reserved): the store refuses it
 *  (-EINVAL), as every tag outside 0..0x7fffffff. */
export const SEC_TAG_TLS_INVALID = -1;

/** One stored credential: its security tag, its type (TLS_CREDENTIAL_*), and the store's own
 *  copy of its bytes (DER, or PEM recognised by its header; wiped on delete). */
export interface Credential {
  readonly tag: number;
  readonly type: number;
  readonly data: Uint8Array;
}

const store: Credential[] = [];

function valid(tag: number, type: number): boolean {
  return Number.isInteger(tag) && tag >= 0 && tag <= 0x7fffffff && Number.isInteger(type) && type >= 1 && type <= 5;
}

/** A Uint8Array whose memory can be read (not detached). */
function live(b: unknown): b is Uint8Array {
  try {
    return b instanceof Uint8Array && (b.subarray(0, 0), true);
  } catch {
    return false;
  }
}

/** Adds a credential: 0, -EEXIST (same tag and type), -ENOMEM (all slots used), -EINVAL (bad
 *  tag/type/empty), -EFAULT (not a Uint8Array, or detached), -EFBIG (larger than
 *  CONFIG_TLS_CREDENTIAL_MAX_SIZE: what the store may hold is bounded). */
export function tls_credential_add(tag: number, type: number, cred: Uint8Array): number {
  if (!valid(tag, type)) return -EINVAL;
  if (!live(cred)) return -EFAULT;
  if (cred.length === 0) return -EINVAL;
  if (cred.length > config.TLS_CREDENTIAL_MAX_SIZE) return -EFBIG;
  if (store.some((c) => c.tag === tag && c.type === type)) return -EEXIST;
  if (store.length >= config.TLS_MAX_CREDENTIALS_NUMBER) return -ENOMEM;
  store.push({ tag, type, data: cred.slice() });
  return 0;
}

/** Copies a credential into buf; len.value gets its size: 0, -ENOENT (len 0), -EFBIG (buffer
 *  too small; len holds the size needed). */
export function tls_credential_get(tag: number, type: number, buf: Uint8Array, len: { value?: number }): number {
  if (!live(buf) || !settable(len)) return -EFAULT;
  const c = store.find((x) => x.tag === tag && x.type === type);
  if (!c) {
    len.value = 0;
    return -ENOENT;
  }
  len.value = c.data.length;
  if (buf.length < c.data.length) return -EFBIG;
  buf.set(c.data);
  return 0;
}

/** Whether the caller's out-parameter can take a value (not frozen, not a throwing Proxy). */
function settable(o: unknown): o is { value?: number } {
  try {
    return !!o && typeof o === 'object' && Object.isExtensible(o) && !Object.isFrozen(o);
  } catch {
    return false;
  }
}

const deleteListeners: (() => void)[] = [];

/** Internal: fn runs after each delete (the TLS core's parsed-credential cache lets go). */
export function onCredentialDeleted(fn: () => void): void {
  deleteListeners.push(fn);
}

/** Deletes and wipes a credential: 0 or -ENOENT. Sessions configured with it keep working
 *  (as Zephyr's live contexts); new ones never see it. */
export function tls_credential_delete(tag: number, type: number): number {
  const i = store.findIndex((x) => x.tag === tag && x.type === type);
  if (i < 0) return -ENOENT;
  store[i].data.fill(0);
  store.splice(i, 1);
  for (const fn of deleteListeners) fn();
  return 0;
}

/** What a listing shows of a credential: never its bytes (a private key or PSK stays in the
 *  store), only enough to tell one from another. */
export interface CredentialInfo {
  readonly tag: number;
  readonly type: number;
  readonly length: number;
  /** SHA-256 of the stored bytes, lowercase hex. */
  readonly digest: string;
}

/** Every credential's tag, type, length and digest, ordered by tag then type (Zephyr's
 *  `cred list`). */
export function tls_credential_list(): CredentialInfo[] {
  return allCredentials().map((c) => ({ tag: c.tag, type: c.type, length: c.data.length, digest: new Sha256().update(c.data).hex() }));
}

/** The credentials of one tag, with their bytes (internal: TLS sockets and the store file). */
export function credentialsOf(tag: number): Credential[] {
  return store.filter((c) => c.tag === tag);
}

/** Every credential with its bytes, ordered by tag then type (internal: the store file). */
export function allCredentials(): Credential[] {
  return [...store].sort((a, b) => a.tag - b.tag || a.type - b.type);
}
