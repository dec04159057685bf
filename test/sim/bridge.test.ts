/**
 * The host bridge as QEMU's slirp: a board's connect to the host address succeeds only when the
 * real connect does, so a closed port is refused on every board (regression: moddable-esp32 got
 * 0, then EOF); an open one carries data both ways. Build settings reach user firmware.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Sim } from '../../sim/sim.js';
import { ROOT } from '../helpers/pki.js';
import { freePort } from '../helpers/net.js';
import { within } from '../helpers/zs.js';

const B = suite('host bridge');
const FW = join(ROOT, 'test/fixtures/connect-fw.ts');
let sims: Sim[] = [];
let lines: string[] = [];
B.after.each(() => { sims.forEach((s) => s.stop()); sims = []; lines = []; });

async function run(board: string, config: Record<string, string>): Promise<string[]> {
  const sim = new Sim({ boards: [{ board, name: 'b', config }], firmware: FW, log: (l) => { lines.push(l); } });
  sims.push(sim);
  await sim.start();
  assert.equal(await within(sim.done(), 10000, `the firmware (output:\n${lines.join('\n')})`), { name: 'b', status: 0 });
  return lines;
}

for (const board of ['moddable-esp32', 'espruino-esp32']) {
  B(`${board}: a connect to a closed port on the host is refused`, async () => {
    const out = await run(board, { PORT: String(await freePort()) });
    assert.ok(out.includes('[b] connect: ECONNREFUSED: Connection refused'), out.join('\n'));
  });

  B(`${board}: a connect to an open port on the host is accepted and carries data`, async () => {
    const srv: Server = createServer((s) => s.on('data', (d) => s.end(`echo ${d}`)));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const out = await run(board, { PORT: String((srv.address() as { port: number }).port), LINE: 'over the bridge' });
      assert.ok(out.includes('[b] connect: 0'), out.join('\n'));
      assert.ok(out.includes('[b] recv: echo over the bridge'), out.join('\n'));
    } finally {
      srv.close();
    }
  });
}

B.run();
