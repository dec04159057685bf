// The API reference: every export of `zsock`, `zsock/posix`, `zsock/tls` and `zsock/idiomatic` with its signature
// and its doc comment, read from the sources with the TypeScript compiler, written to docs/api/.
// `--check` writes nothing and exits 1 listing the exports that have no doc comment, or the
// pages of docs/api that differ from what it would write (make test runs it through
// test/api/docs.test.ts); `--check --entry file.ts` checks that module alone
// (the test's proof that the check fails). A constant group's comment (one statement declaring
// several) documents each of its names; an alias (`export const socket = Z.zsock_socket`) takes
// the comment of what it aliases.
import ts from 'typescript';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const check = process.argv.includes('--check');
const only = process.argv.indexOf('--entry');
const ENTRIES = only > 0 && check ? [{ name: process.argv[only + 1], file: process.argv[only + 1] }] : [
  { name: 'zsock', file: 'src/index.ts', out: 'zsock.md' },
  { name: 'zsock/posix', file: 'src/posix.ts', out: 'posix.md' },
  { name: 'zsock/tls', file: 'src/tls/index.ts', out: 'tls.md' },
  { name: 'zsock/idiomatic', file: 'src/idiomatic/index.ts', out: 'idiomatic.md' },
];

const config = ts.getParsedCommandLineOfConfigFile('tsconfig.json', {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
const program = ts.createProgram(ENTRIES.map((e) => e.file), { ...config.options, noEmit: true });
const checker = program.getTypeChecker();

/** The `/** ... *\/` text right before a node (its statement's, for a variable). */
function leadingDoc(node) {
  const stmt = ts.isVariableDeclaration(node) ? node.parent.parent : node;
  const sf = stmt.getSourceFile();
  const ranges = ts.getLeadingCommentRanges(sf.text, stmt.pos) ?? [];
  const doc = ranges.filter((r) => sf.text.startsWith('/**', r.pos)).at(-1);
  if (!doc) return '';
  return sf.text.slice(doc.pos + 3, doc.end - 2).split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim();
}

function resolve(sym) {
  return sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
}

/** The doc comment of an exported symbol, following aliases and constant groups. */
function docOf(sym, depth = 0) {
  const s = resolve(sym);
  const own = ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
  if (own) return own;
  const decl = s.declarations?.[0];
  if (!decl) return '';
  if (ts.isSourceFile(decl)) return leadingDoc(decl.statements[0] ?? decl);
  if (depth < 3 && ts.isVariableDeclaration(decl) && decl.initializer) {
    const target = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(decl.initializer) ? decl.initializer.name : decl.initializer);
    const aliased = target ? docOf(target, depth + 1) : '';
    if (aliased) return aliased;
  }
  return leadingDoc(decl);
}

function kindOf(s) {
  if (s.flags & ts.SymbolFlags.Function) return 'function';
  if (s.flags & ts.SymbolFlags.Class) return 'class';
  if (s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) return 'type';
  if (s.flags & ts.SymbolFlags.Module) return 'namespace';
  return 'constant';
}

function signatureOf(name, s) {
  const decl = s.declarations?.[0];
  if (!decl) return name;
  const type = checker.getTypeOfSymbolAtLocation(s, decl);
  const kind = kindOf(s);
  if (kind === 'function' || (kind === 'constant' && type.getCallSignatures().length)) {
    return type.getCallSignatures().map((sig) => `${name}${checker.signatureToString(sig)}`).join('\n');
  }
  if (kind === 'class' && ts.isClassDeclaration(decl)) return classOutline(decl);
  if (kind === 'type' || kind === 'class') return decl.getText().split('\n').slice(0, 40).join('\n');
  if (kind === 'namespace') return `namespace ${name}`;
  return `const ${name}: ${checker.typeToString(type)}`;
}

const HIDDEN = ts.ModifierFlags.Private | ts.ModifierFlags.Protected;

/** A class as its users see it: the heading, then each public member's signature (no bodies)
 *  with its doc comment. */
function classOutline(decl) {
  const sf = decl.getSourceFile();
  const head = sf.text.slice(decl.getStart(), decl.members.pos).trim();
  const out = [head];
  for (const m of decl.members) {
    if (!m.name && !ts.isConstructorDeclaration(m)) continue;
    if (m.name && ts.isPrivateIdentifier(m.name)) continue;
    if (ts.getCombinedModifierFlags(m) & HIDDEN) continue;
    const doc = leadingDoc(m);
    if (doc) out.push(`  /** ${doc.split('\n').join('\n   *  ')} */`);
    const text = m.getText();
    const body = 'body' in m && m.body ? text.slice(0, m.body.getStart() - m.getStart()).trim() + ';' : text;
    out.push(`  ${body.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').split('\n').join('\n  ')}`);
  }
  return `${out.join('\n')}\n}`;
}

const missing = [];
const pages = [];
for (const e of ENTRIES) {
  const mod = checker.getSymbolAtLocation(program.getSourceFile(e.file));
  const exports = checker.getExportsOfModule(mod).sort((a, b) => a.name.localeCompare(b.name));
  const sections = { function: [], class: [], type: [], constant: [], namespace: [] };
  for (const sym of exports) {
    const s = resolve(sym);
    const doc = docOf(sym);
    if (!doc) missing.push(`${e.name}: ${sym.name} (${s.declarations?.[0]?.getSourceFile().fileName ?? '?'})`);
    sections[kindOf(s)].push(`### ${sym.name}\n\n\`\`\`ts\n${signatureOf(sym.name, s)}\n\`\`\`\n\n${doc}\n`);
  }
  const titles = { function: 'Functions', class: 'Classes', type: 'Types', constant: 'Constants', namespace: 'Namespaces' };
  const body = Object.entries(sections).filter(([, v]) => v.length).map(([k, v]) => `## ${titles[k]}\n\n${v.join('\n')}`).join('\n');
  pages.push({ out: e.out, text: `# ${e.name}\n\nGenerated by scripts/api-docs.mjs from the doc comments in ${e.file} and what it exports.\n\n${body}` });
}

if (check) {
  if (missing.length) {
    console.error(`exports without a doc comment (${missing.length}):\n  ${missing.join('\n  ')}`);
    process.exit(1);
  }
  // A page that no longer says what the source exports (an --entry probe has no page).
  const stale = pages.filter((p) => p.out && (!existsSync(join('docs/api', p.out)) || readFileSync(join('docs/api', p.out), 'utf8') !== p.text));
  if (stale.length) {
    console.error(`docs/api out of date: ${stale.map((p) => p.out).join(' ')}; regenerate with \`node scripts/api-docs.mjs\``);
    process.exit(1);
  }
  console.log('every export documented; docs/api up to date');
} else {
  mkdirSync('docs/api', { recursive: true });
  for (const p of pages) writeFileSync(join('docs/api', p.out), p.text);
  writeFileSync('docs/api/README.md', `# API reference\n\n${ENTRIES.map((e) => `- [${e.name}](${e.out})`).join('\n')}\n\n` +
    'Regenerate with `node scripts/api-docs.mjs`; `node scripts/api-docs.mjs --check` lists exports without a doc comment.\n');
  console.log(`docs/api: ${pages.map((p) => p.out).join(' ')}${missing.length ? ` (${missing.length} exports without a doc comment)` : ''}`);
}
