/**
 * `zsock COMMAND ...`: one entry per command. Later layers add theirs here (sim, cred, bench).
 * Each command returns its exit status; usage errors return 2.
 */
import { readFileSync } from 'node:fs';
import { getCore } from '../tls/wasm.js';
import { CIPHERSUITES } from '../tls/ciphersuites.js';
import { credCommand } from './cred.js';

interface Command {
  summary: string;
  run(args: string[]): Promise<number> | number;
}

const commands: Record<string, Command> = {
  info: {
    summary: 'the TLS core: wasm size, arena, ciphersuites',
    run() {
      const core = getCore();
      const a = core.arena();
      console.log(`wasm core     ${core.wasmBytes} bytes`);
      console.log(`arena         ${a.size} bytes (${a.used} in use)`);
      console.log(`ciphersuites  ${Object.keys(CIPHERSUITES).join(' ')}`);
      return 0;
    },
  },
  cred: {
    summary: 'manage a credential store file, like Zephyr\'s credentials shell (add/del/get/list)',
    run: credCommand,
  },
  certs: {
    summary: 'write the samples\' certificates, keys and PSK as PEM files (zsock certs OUTDIR)',
    async run(args) {
      const { certsCommand } = await import('./certs.js');
      return certsCommand(args);
    },
  },
  build: {
    summary: 'build a firmware bundle for a board (zsock build --board NAME [--out DIR] FIRMWARE)',
    async run(args) {
      const { buildCommand } = await import('./build.js');
      return buildCommand(args);
    },
  },
  sim: {
    summary: 'boot boards from a firmware bundle on a virtual network (zsock sim --board NAME ... FIRMWARE)',
    async run(args) {
      // The simulator is a tool on top of zsock, not part of the library: loaded only for this command.
      const { simCommand } = await import('../../sim/sim.js');
      return simCommand(args);
    },
  },
  version: {
    summary: 'print the version',
    run() {
      const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8'));
      console.log(`zsock ${pkg.version}`);
      return 0;
    },
  },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ['usage: zsock COMMAND [ARGS]', '', 'commands:', ...rows].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const cmd = commands[name === '--version' ? 'version' : name];
  if (!cmd) {
    console.error(`zsock: unknown command '${name}'\n${usage()}`);
    return 2;
  }
  return cmd.run(rest);
}
