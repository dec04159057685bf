/**
 * A generated suite whose program is wide: `modules` modules of `each` top-level functions, more
 * bindings in all than XS's device stack has slots (1024). As one ES module per source it runs
 * under the device heap; as one file with every binding at its top level it cannot (the limit
 * test/tls's engine bundle sat at, so that one more suite there overflowed the stack).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the suite and its modules under `dir`; returns the suite's path. */
export function writeWideSuite(dir: string, modules = 10, each = 80): string {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (let m = 0; m < modules; m++) {
    const fns = Array.from({ length: each }, (_, i) => `function f${i}(x: number): number { return x + ${i}; }`);
    const table = `export const all = [${Array.from({ length: each }, (_, i) => `f${i}`).join(', ')}];`;
    writeFileSync(join(dir, `wide${m}.ts`), `${fns.join('\n')}\n${table}\n`);
    names.push(`wide${m}`);
  }
  const imports = names.map((n, m) => `import { all as m${m} } from './${n}.js';`).join('\n');
  const sum = each * (each - 1) / 2 * modules;
  writeFileSync(join(dir, 'wide.test.ts'), `import { suite } from 'uvu';
import * as assert from 'uvu/assert';
${imports}
const W = suite('a wide program');
W('every function of every module is there', () => {
  const all = [${names.map((_, m) => `...m${m}`).join(', ')}];
  assert.is(all.length, ${modules * each});
  assert.is(all.reduce((s, f) => f(s), 0), ${sum});
});
W.run();
`);
  return join(dir, 'wide.test.ts');
}
