/** The bench's statistics and its results.json row shape (no timing here: values are given). */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stat, summarise, abRounds } from '../../bench/lib/stats.js';
import { abRow, pairRow, meets } from '../../bench/lib/report.js';

const Stats = suite('bench stats');

Stats('stat: nearest-rank median, p10 and p90; non-finite values dropped', () => {
  const s = stat([5, 1, 4, 2, 3, NaN, 6, 7, 8, 9, 10]);
  assert.equal(s, { median: 6, p10: 2, p90: 10, n: 10 });
  const e = stat([]);
  assert.is(e.n, 0);
  assert.ok(Number.isNaN(e.median));
});

Stats('summarise: the ratio is the median of per-round ratios, not a ratio of medians', () => {
  // Round 1: 2/1, round 2: 30/10, round 3: 8/2. Medians 8/2 = 4, per-round ratios 2, 3, 4: median 3.
  const ab = summarise([{ cpu: 2, wall: 2 }, { cpu: 30, wall: 30 }, { cpu: 8, wall: 16 }],
    [{ cpu: 1, wall: 1 }, { cpu: 10, wall: 10 }, { cpu: 2, wall: 2 }]);
  assert.is(ab.ratio.median, 3);
  assert.is(ab.zsock.cpu.median, 8);
  assert.is(ab.peer.cpu.median, 2);
  assert.is(ab.wallRatio.median, 3);
  assert.is(ab.wallRatio.p90, 8);
});

Stats('abRounds: one warm-up call each, then alternating order, rounds paired', async () => {
  const calls: string[] = [];
  let z = 0, p = 0;
  const ab = await abRounds(4, () => { calls.push('z'); z++; return { cpu: 2 * z, wall: 2 * z }; }, () => { calls.push('p'); p++; return { cpu: p, wall: p }; });
  assert.equal(calls.join(''), 'zp' + 'zp' + 'pz' + 'zp' + 'pz');
  assert.is(ab.ratio.n, 4);
  assert.is(ab.ratio.median, 2);
});

Stats('abRounds: `warm` unmeasured rounds of each side first', async () => {
  const calls: string[] = [];
  const ab = await abRounds(2, () => { calls.push('z'); return { cpu: 2, wall: 2 }; }, () => { calls.push('p'); return { cpu: 1, wall: 1 }; }, 3);
  assert.equal(calls.join(''), 'zpzpzp' + 'zp' + 'pz');
  assert.is(ab.ratio.n, 2);
});

const Rows = suite('bench rows');

Rows('abRow: the stable shape of a results.json row', () => {
  const ab = summarise([{ cpu: 6, wall: 7 }], [{ cpu: 3, wall: 3.5 }]);
  const r = abRow({ id: 'hs-tls13-x25519-mem-native', section: 's', metric: 'm', unit: 'ms', peerName: 'native mbedTLS', better: 'lower', target: '<= 1.3' }, ab);
  for (const k of ['id', 'unit', 'zsock', 'peer', 'peerName', 'ratio', 'p10', 'p90']) assert.ok(k in r, k);
  assert.is(r.ratio, 2);
  assert.is(r.zsock, 6);
  assert.is(r.peer, 3);
  assert.is(r.met, false);
  assert.equal(r.wall, { zsock: 7, peer: 3.5, ratio: 2, p10: 2, p90: 2 });
});

Rows('pairRow and meets: targets both ways, none when absent', () => {
  const r = pairRow({ id: 'idle1000-rss-node', section: 's', metric: 'm', unit: 'KB', peerName: 'Node tls', better: 'lower', target: '<= 0.5' }, 'rss', [40, 30], [100, 100]);
  assert.is(r.ratio, 0.4);
  assert.is(r.met, true);
  assert.is(meets(0.95, '>= 0.9'), true);
  assert.is(meets(0.85, '>= 0.9'), false);
  assert.is(meets(1, undefined), undefined);
  assert.is(meets(NaN, '<= 1'), undefined);
});

Stats.run();
Rows.run();
