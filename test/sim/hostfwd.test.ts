/**
 * hostfwd targets: a rule goes to the board it names (`tcp:H-BOARD:G`), else to the --board it
 * follows on the command line, else to the first board (regression: every rule went to the
 * first board).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { Sim } from '../../sim/sim.js';
import { parseSimArgs } from '../../sim/args.js';
import { checkSimOptions } from '../../sim/check.js';
import { ROOT } from '../helpers/pki.js';
import { echoOnce } from '../helpers/net.js';
import { until, within } from '../helpers/zs.js';

const H = suite('hostfwd targets');
const FW = join(ROOT, 'test/fixtures/echo-main.ts');
let sims: Sim[] = [];
let lines: string[] = [];
H.after.each(() => { sims.forEach((s) => s.stop()); sims = []; lines = []; });

H('rules by board name, by grouping after --board, and before any --board', async () => {
  const parsed = parseSimArgs(['--hostfwd', 'tcp:0-:4242', '--board', 'moddable-esp32', '--name', 'alpha', FW,
    '--board', 'espruino-esp32', '--name', 'beta', '--hostfwd', 'tcp:0-:4242', FW, '--hostfwd', 'tcp:0-alpha:4242']);
  assert.ok('opts' in parsed, JSON.stringify(parsed));
  if (!('opts' in parsed)) return;
  assert.is(checkSimOptions(parsed.opts), null);
  const sim = new Sim({ ...parsed.opts, log: (l) => { lines.push(l); } });
  sims.push(sim);
  await sim.start();
  assert.equal(sim.forwards.map((f) => f.board), ['alpha', 'beta', 'alpha']);
  await until(() => lines.filter((l) => l.includes('Waiting for TCP connection')).length === 2, 5000, 'both boards');
  for (const [i, board] of ['alpha', 'beta', 'alpha'].entries()) {
    const before = lines.filter((l) => l.startsWith(`[${board}] Received and replied`)).length;
    assert.is(await within(echoOnce(sim.forwards[i].port, `to ${board}`), 5000, board), `to ${board}`);
    await until(() => lines.filter((l) => l.startsWith(`[${board}] Received and replied`)).length === before + 1, 3000, `${board}'s log`);
  }
});

H.run();
