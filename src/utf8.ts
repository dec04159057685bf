/**
 * UTF-8 without TextEncoder / TextDecoder: a device's engine may have neither as a global
 * (Moddable has them as modules, Espruino not at all), and zsock encodes only short strings
 * (host names, ALPN ids, PEM markers).
 */

/** The UTF-8 bytes of `s`; a lone surrogate becomes U+FFFD, as TextEncoder does. */
export function utf8Encode(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return new Uint8Array(out);
}

/** The text of UTF-8 `bytes`; each byte of a malformed sequence becomes U+FFFD. */
export function utf8Decode(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const n = b < 0x80 ? 0 : b >= 0xc2 && b < 0xe0 ? 1 : b >= 0xe0 && b < 0xf0 ? 2 : b >= 0xf0 && b < 0xf5 ? 3 : -1;
    let c = n === 0 ? b : n === 1 ? b & 31 : n === 2 ? b & 15 : b & 7;
    let ok = n >= 0 && i + n < bytes.length;
    for (let k = 1; ok && k <= n; k++) {
      const t = bytes[i + k];
      if ((t & 0xc0) !== 0x80) ok = false;
      else c = (c << 6) | (t & 63);
    }
    if (ok && ((n === 2 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) || (n === 3 && (c < 0x10000 || c > 0x10ffff)))) ok = false;
    if (!ok) {
      s += '\ufffd';
      i++;
      continue;
    }
    s += String.fromCodePoint(c);
    i += n + 1;
  }
  return s;
}
