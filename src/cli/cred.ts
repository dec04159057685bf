/**
 * `zsock cred`: Zephyr's credentials shell over a store file (see USAGE). Tags and types are
 * checked as tls_credential_add checks them, so a store never holds what the library would
 * refuse at load time; a user's mistake is one line on stderr and exit status 2, never a stack.
 * The store is --store FILE, else $ZSOCK_CRED_STORE, else ./zsock-credentials.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readCredFile, writeCredFile } from '../tls/credfile.js';
import { config } from '../config.js';

const TYPES: Record<string, number> = {
  CA_CERT: 1, CA: 1, SERVER_CERT: 2, CLIENT_CERT: 2, SELF_CERT: 2, SELF: 2, CLIENT: 2, SERV: 2,
  PRIVATE_KEY: 3, PK: 3, PRE_SHARED_KEY: 4, PSK: 4, PRE_SHARED_KEY_ID: 5, PSK_ID: 5,
};
const TYPE_NAME = ['NONE', 'CA_CERT', 'SERVER_CERT', 'PRIVATE_KEY', 'PSK', 'PSK_ID'];
const ADD_FORMATS = ['bin', 'bint', 'str', 'strt', 'hex', 'file'];
const GET_FORMATS = ['bin', 'str', 'hex'];
/** sec_tag_t is an int32; negative tags are Zephyr's reserved values. */
const TAG_MAX = 0x7fffffff;

const USAGE = `usage: zsock cred [--store FILE] COMMAND
  add <SECTAG> <TYPE> <FORMAT> <DATA>   store a credential
  del <SECTAG> <TYPE>                    delete one
  get <SECTAG> <TYPE> <FORMAT>           print one (FORMAT: ${GET_FORMATS.join(' | ')})
  list [SECTAG|any] [TYPE|any]           lines "tag,TYPE,sha256 digest,0"
SECTAG  0..${TAG_MAX}
TYPE    ${Object.keys(TYPES).join(' | ')} (any case)
FORMAT  bin (base64) | bint (base64, NUL added) | str (text) | strt (text, NUL added) | hex | file (a path)
The store is --store FILE, else $ZSOCK_CRED_STORE, else ./zsock-credentials.json.`;

class UsageError extends Error {}

function tagOf(arg: string | undefined): number {
  if (arg === undefined) throw new UsageError('a SECTAG is missing');
  const tag = /^\d+$/.test(arg) ? Number(arg) : NaN;
  if (!Number.isSafeInteger(tag) || tag > TAG_MAX) throw new UsageError(`SECTAG ${arg}: want an integer 0..${TAG_MAX}`);
  return tag;
}

function typeOf(arg: string | undefined): number {
  if (arg === undefined) throw new UsageError('a TYPE is missing');
  const t = TYPES[arg.toUpperCase()];
  if (t === undefined) throw new UsageError(`TYPE ${arg}: want one of ${Object.keys(TYPES).join(', ')}`);
  return t;
}

function fileBytes(path: string): Uint8Array {
  if (!existsSync(path)) throw new UsageError(`file ${path}: no such file`);
  if (!statSync(path).isFile()) throw new UsageError(`file ${path}: not a file`);
  return new Uint8Array(readFileSync(path));
}

function decode(format: string, data: string): Uint8Array {
  const nul = (b: Uint8Array) => { const o = new Uint8Array(b.length + 1); o.set(b); return o; };
  const b64 = () => {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 === 1) throw new UsageError(`DATA for ${format}: not base64`);
    return new Uint8Array(Buffer.from(data, 'base64'));
  };
  switch (format) {
    case 'bin': return b64();
    case 'bint': return nul(b64());
    case 'str': return new TextEncoder().encode(data);
    case 'strt': return nul(new TextEncoder().encode(data));
    case 'hex':
      if (!/^([0-9a-fA-F]{2})+$/.test(data)) throw new UsageError('DATA for hex: want an even number of hex digits');
      return new Uint8Array(Buffer.from(data, 'hex'));
    case 'file': return fileBytes(data);
    default: throw new UsageError(`FORMAT ${format}: want one of ${ADD_FORMATS.join(', ')}`);
  }
}

/** SHA-256 of the credential, base64 (Zephyr's credential_digest). */
export function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

type Creds = { tag: number; type: number; data: Uint8Array }[];

function add(store: string, creds: Creds, rest: string[]): number {
  const [tagArg, typeArg, format, ...data] = rest;
  const tag = tagOf(tagArg), type = typeOf(typeArg);
  if (format === undefined || !data.length) throw new UsageError('add <SECTAG> <TYPE> <FORMAT> <DATA>');
  const bytes = decode(format, data.join(' '));
  if (!bytes.length) throw new UsageError('DATA is empty (tls_credential_add refuses an empty credential)');
  if (creds.some((c) => c.tag === tag && c.type === type)) return fail('EEXIST', 'a credential with this tag and type exists');
  if (creds.length >= config.TLS_MAX_CREDENTIALS_NUMBER) return fail('ENOMEM', 'no free slot (CONFIG_TLS_MAX_CREDENTIALS_NUMBER)');
  creds.push({ tag, type, data: bytes });
  writeCredFile(store, creds);
  console.log(`Stored credential: tag ${tag}, type ${TYPE_NAME[type]}, ${bytes.length} bytes`);
  return 0;
}

function del(store: string, creds: Creds, rest: string[]): number {
  const tag = tagOf(rest[0]), type = typeOf(rest[1]);
  const at = creds.findIndex((c) => c.tag === tag && c.type === type);
  if (at < 0) return fail('ENOENT', 'no such credential');
  creds.splice(at, 1);
  writeCredFile(store, creds);
  console.log(`Deleted credential: tag ${tag}, type ${TYPE_NAME[type]}`);
  return 0;
}

function get(creds: Creds, rest: string[]): number {
  const tag = tagOf(rest[0]), type = typeOf(rest[1]), fmt = rest[2];
  if (!GET_FORMATS.includes(fmt)) throw new UsageError(`FORMAT ${fmt ?? '(missing)'}: want one of ${GET_FORMATS.join(', ')}`);
  const c = creds.find((x) => x.tag === tag && x.type === type);
  if (!c) return fail('ENOENT', 'no such credential');
  if (fmt === 'bin') console.log(Buffer.from(c.data).toString('base64'));
  else if (fmt === 'hex') console.log(Buffer.from(c.data).toString('hex'));
  else console.log(new TextDecoder().decode(c.data).replace(/\0$/, ''));
  return 0;
}

function list(creds: Creds, rest: string[]): number {
  const wantTag = rest[0] === undefined || rest[0] === 'any' ? null : tagOf(rest[0]);
  const wantType = rest[1] === undefined || rest[1] === 'any' ? null : typeOf(rest[1]);
  const rows = creds.filter((c) => (wantTag === null || c.tag === wantTag) && (wantType === null || c.type === wantType))
    .sort((a, b) => a.tag - b.tag || a.type - b.type);
  for (const c of rows) console.log(`${c.tag},${TYPE_NAME[c.type]},${digest(c.data)},0`);
  console.log(`${rows.length} credentials found.`);
  return 0;
}

/** The `zsock cred` command: 0, 1 (EEXIST, ENOENT, ENOMEM, an unreadable store), 2 (usage). */
export function credCommand(argv: string[]): number {
  const args = [...argv];
  if (args.includes('--help') || args.includes('-h')) { console.log(USAGE); return 0; }
  let store = process.env.ZSOCK_CRED_STORE || 'zsock-credentials.json';
  const i = args.indexOf('--store');
  if (i >= 0) {
    if (!args[i + 1]) return usage('--store needs a FILE');
    store = args[i + 1];
    args.splice(i, 2);
  }
  const [op, ...rest] = args;
  try {
    if (!['add', 'del', 'get', 'list'].includes(op)) return usage(op ? `unknown command ${op}` : 'a COMMAND is missing');
    let creds: Creds;
    try {
      creds = readCredFile(store);
    } catch (e) {
      return fail('EINVAL', `${store}: ${(e as Error).message}`);
    }
    if (op === 'add') return add(store, creds, rest);
    if (op === 'del') return del(store, creds, rest);
    return op === 'get' ? get(creds, rest) : list(creds, rest);
  } catch (e) {
    if (e instanceof UsageError) return usage(e.message);
    // The file system's refusal (EACCES, EISDIR, ...) is the user's to fix, not a crash.
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return fail(code, (e as Error).message);
    throw e;
  }
}

function usage(msg: string): number {
  console.error(`zsock cred: ${msg}\n${USAGE}`);
  return 2;
}

function fail(errno: string, what: string): number {
  console.error(`zsock cred: ${what} (${errno})`);
  return 1;
}
