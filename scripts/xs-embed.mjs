#!/usr/bin/env node
/**
 * Writes a JS source as a C string, for the XS host's built-in modules (xs/io419.js):
 *   node scripts/xs-embed.mjs SYMBOL FILE.js > OUT.c
 * '?' is escaped so that no '??x' is read as a C trigraph.
 */
import { readFileSync } from 'node:fs';

const [symbol, file] = process.argv.slice(2);
if (!symbol || !file) {
  process.stderr.write('usage: xs-embed.mjs SYMBOL FILE.js\n');
  process.exit(2);
}
const text = JSON.stringify(readFileSync(file, 'utf8')).replace(/\?/g, '\\?');
process.stdout.write(`const char ${symbol}[] = ${text};\n`);
