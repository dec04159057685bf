/**
 * `zsock cred`: Zephyr's credentials shell over a store file.
 *   cred [--store FILE] add <SECTAG> <TYPE> <FORMAT> <DATA>   FORMAT: bin | bint | str | strt | hex | file
 *   cred [--store FILE] del <SECTAG> <TYPE>
 *   cred [--store FILE] get <SECTAG> <TYPE> <FORMAT>          FORMAT: bin | str | hex
 *   cred [--store FILE] list [SECTAG|any] [TYPE|any]          lines "tag,TYPE,digest,err"
 * bin is base64, bint base64 with a NUL appended, str text, strt text with a NUL, file a path.
 * The store is $ZSOCK_CRED_STORE or ./zsock-credentials.json.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readCredFile, writeCredFile } from '../tls/credfile.js';
import { config } from '../config.js';

const TYPES: Record<string, number> = {
  CA_CERT: 1, CA: 1, SERVER_CERT: 2, CLIENT_CERT: 2, SELF_CERT: 2, SELF: 2, CLIENT: 2, SERV: 2,
  PRIVATE_KEY: 3, PK: 3, PRE_SHARED_KEY: 4, PSK: 4, PRE_SHARED_KEY_ID: 5, PSK_ID: 5,
};
const TYPE_NAME = ['NONE', 'CA_CERT', 'SERVER_CERT', 'PRIVATE_KEY', 'PSK', 'PSK_ID'];

function decode(format: string, data: string): Uint8Array | null {
  const nul = (b: Uint8Array) => { const o = new Uint8Array(b.length + 1); o.set(b); return o; };
  switch (format) {
    case 'bin': return new Uint8Array(Buffer.from(data, 'base64'));
    case 'bint': return nul(new Uint8Array(Buffer.from(data, 'base64')));
    case 'str': return new TextEncoder().encode(data);
    case 'strt': return nul(new TextEncoder().encode(data));
    case 'hex': return /^([0-9a-fA-F]{2})+$/.test(data) ? new Uint8Array(Buffer.from(data, 'hex')) : null;
    case 'file': return new Uint8Array(readFileSync(data));
    default: return null;
  }
}

/** SHA-256 of the credential, base64 (Zephyr's credential_digest). */
export function digest(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('base64');
}

export function credCommand(argv: string[]): number {
  let store = process.env.ZSOCK_CRED_STORE ?? 'zsock-credentials.json';
  const args = [...argv];
  const i = args.indexOf('--store');
  if (i >= 0) { store = args[i + 1]; args.splice(i, 2); }
  const [op, tagArg, typeArg, ...rest] = args;
  const creds = readCredFile(store);
  const usage = (msg: string) => { console.error(`zsock cred: ${msg}`); return 2; };
  const tag = Number(tagArg), type = TYPES[typeArg?.toUpperCase() ?? ''];
  const needTagType = () => Number.isInteger(tag) && tag >= 0 && type !== undefined;

  switch (op) {
    case 'add': {
      if (!needTagType() || rest.length < 2) return usage('add <SECTAG> <TYPE> <FORMAT> <DATA>');
      const data = decode(rest[0], rest.slice(1).join(' '));
      if (!data || data.length === 0) return usage(`bad data for format ${rest[0]}`);
      if (creds.some((c) => c.tag === tag && c.type === type)) return fail('EEXIST', 'a credential with this tag and type exists');
      if (creds.length >= config.TLS_MAX_CREDENTIALS_NUMBER) return fail('ENOMEM', 'no free slot (CONFIG_TLS_MAX_CREDENTIALS_NUMBER)');
      creds.push({ tag, type, data });
      writeCredFile(store, creds);
      console.log(`Stored credential: tag ${tag}, type ${TYPE_NAME[type]}, ${data.length} bytes`);
      return 0;
    }
    case 'del': {
      if (!needTagType()) return usage('del <SECTAG> <TYPE>');
      const at = creds.findIndex((c) => c.tag === tag && c.type === type);
      if (at < 0) return fail('ENOENT', 'no such credential');
      creds.splice(at, 1);
      writeCredFile(store, creds);
      console.log(`Deleted credential: tag ${tag}, type ${TYPE_NAME[type]}`);
      return 0;
    }
    case 'get': {
      if (!needTagType() || !rest[0]) return usage('get <SECTAG> <TYPE> <FORMAT>');
      const c = creds.find((x) => x.tag === tag && x.type === type);
      if (!c) return fail('ENOENT', 'no such credential');
      const fmt = rest[0];
      if (fmt === 'bin') console.log(Buffer.from(c.data).toString('base64'));
      else if (fmt === 'hex') console.log(Buffer.from(c.data).toString('hex'));
      else if (fmt === 'str') console.log(new TextDecoder().decode(c.data).replace(/\0$/, ''));
      else return usage(`bad format ${fmt}`);
      return 0;
    }
    case 'list': {
      const wantTag = tagArg === undefined || tagArg === 'any' ? null : Number(tagArg);
      const wantType = typeArg === undefined || typeArg === 'any' ? null : TYPES[typeArg.toUpperCase()];
      if (wantType === undefined) return usage(`unknown type ${typeArg}`);
      const rows = creds.filter((c) => (wantTag === null || c.tag === wantTag) && (wantType === null || c.type === wantType))
        .sort((a, b) => a.tag - b.tag || a.type - b.type);
      for (const c of rows) console.log(`${c.tag},${TYPE_NAME[c.type]},${digest(c.data)},0`);
      console.log(`${rows.length} credentials found.`);
      return 0;
    }
    default:
      return usage('usage: zsock cred [--store FILE] add|del|get|list ...');
  }
}

function fail(errno: string, what: string): number {
  console.error(`zsock cred: ${what} (${errno})`);
  return 1;
}
