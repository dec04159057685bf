// `npm pack` / `npm publish`: builds what the package ships. The wasm cores are compiled only when
// absent (make wasm-all: emscripten and mbedTLS's source, a few minutes); the JavaScript and the
// .d.ts files are rebuilt every time (seconds).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
const cores = ['build/wasm/zsock-core.wasm', 'build/wasm/zsock-core-embedded.wasm'];
if (!cores.every((c) => existsSync(c))) {
  console.error('==> prepack: building the wasm cores (make wasm-all)');
  run('make', ['--no-print-directory', 'deps', 'wasm-all']);
}
console.error('==> prepack: JavaScript and type declarations');
run(process.execPath, ['scripts/build-ts.mjs']);
run(process.execPath, ['scripts/build-types.mjs']);
