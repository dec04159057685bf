/** The rows of `make bench`: their stable JSON shape (build/bench/results.json), the printed
 *  table and an SVG chart of the ratios. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, stat, type AB } from './stats.js';

/** One ratio row. `zsock`, `peer`, `ratio`, `p10`, `p90` are the headline figures: medians of
 *  the measure named by `measure` (CPU time unless it says otherwise), and the median and
 *  10th/90th percentiles of the per-round ratios zsock / peer. */
export interface Row {
  id: string;
  section: string;
  metric: string;
  unit: string;
  measure: 'cpu' | 'wall' | 'rss';
  zsock: number;
  peer: number;
  peerName: string;
  ratio: number;
  p10: number;
  p90: number;
  rounds: number;
  /** 'lower' when less is better (time, bytes), 'higher' for throughput. */
  better: 'lower' | 'higher';
  /** The issue's target for the ratio, e.g. '<= 1.3', and whether this run meets it. */
  target?: string;
  met?: boolean;
  /** The same rounds timed by the wall clock. */
  wall?: { zsock: number; peer: number; ratio: number; p10: number; p90: number };
  note?: string;
}

export interface Meta { id: string; section: string; metric: string; unit: string; peerName: string; better: 'lower' | 'higher'; target?: string; note?: string }

/** Whether `ratio` meets a target written as '<= x' or '>= x'. */
export function meets(ratio: number, target?: string): boolean | undefined {
  const m = target?.match(/^(<=|>=)\s*([\d.]+)/);
  if (!m || !Number.isFinite(ratio)) return undefined;
  return m[1] === '<=' ? ratio <= Number(m[2]) : ratio >= Number(m[2]);
}

/** A row from A/B rounds: CPU-time figures first, the wall-clock ones beside them. */
export function abRow(m: Meta, ab: AB): Row {
  const r = ab.ratio, w = ab.wallRatio;
  return { ...m, measure: 'cpu', zsock: ab.zsock.cpu.median, peer: ab.peer.cpu.median, ratio: r.median, p10: r.p10, p90: r.p90,
    rounds: r.n, met: meets(r.median, m.target),
    wall: { zsock: ab.zsock.wall.median, peer: ab.peer.wall.median, ratio: w.median, p10: w.p10, p90: w.p90 } };
}

/** A row from paired per-round values of one measure (wall time, RSS) that has no CPU twin. */
export function pairRow(m: Meta, measure: Row['measure'], z: number[], p: number[]): Row {
  const r = stat(z.map((v, i) => v / p[i]));
  return { ...m, measure, zsock: stat(z).median, peer: stat(p).median, ratio: r.median, p10: r.p10, p90: r.p90, rounds: r.n,
    met: meets(r.median, m.target) };
}

const fmt = (v: number) => (Number.isFinite(v) ? String(round(v)) : '-');

export function printTable(rows: Row[]): void {
  const lines = [['id', 'unit', 'zsock', 'peer', 'peer value', 'ratio (p10..p90)', 'wall ratio', 'target', 'met']];
  for (const r of rows) {
    lines.push([r.id, `${r.unit} ${r.measure}`, fmt(r.zsock), r.peerName, fmt(r.peer), `${fmt(r.ratio)}x (${fmt(r.p10)}..${fmt(r.p90)})`,
      r.wall ? `${fmt(r.wall.ratio)}x` : '', r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'no']);
  }
  const w = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(w[i])).join('  '));
  for (const r of rows.filter((x) => x.note)) console.log(`  note: ${r.id}: ${r.note}`);
}

/** Writes results.json ({ date, node, quick, rows[], sizes, ... }) and chart.svg into `dir`. */
export function writeOutputs(dir: string, rows: Row[], extra: Record<string, unknown>): { json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'results.json'), svg = join(dir, 'chart.svg');
  writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows, ...extra }, null, 2));
  writeFileSync(svg, chart(rows.filter((r) => Number.isFinite(r.ratio))));
  return { json, svg };
}

/** Horizontal bars of zsock/peer on a log scale, 1x marked; green when zsock is at least as
 *  good as its peer, orange otherwise; the p10..p90 spread as a thin line. */
function chart(rows: Row[]): string {
  const W = 760, bar = 16, gap = 6, left = 300, top = 30;
  const H = top + rows.length * (bar + gap) + 30;
  const lo = 1 / 64, hi = 64;
  const x = (v: number) => left + ((Math.log2(Math.min(hi, Math.max(lo, v))) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * (W - left - 20);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13" font-weight="bold">zsock / peer (CPU time unless noted; median of A/B rounds; log scale)</text>`];
  rows.forEach((r, i) => {
    const v = r.ratio, y = top + i * (bar + gap);
    const good = r.better === 'lower' ? v <= 1 : v >= 1;
    out.push(`<text x="10" y="${y + 12}">${esc(`${r.id} (${r.peerName})`).slice(0, 52)}</text>`);
    out.push(`<rect x="${Math.min(x(1), x(v))}" y="${y}" width="${Math.abs(x(v) - x(1))}" height="${bar}" fill="${good ? '#4a9' : '#e83'}"/>`);
    out.push(`<line x1="${x(r.p10)}" y1="${y + bar / 2}" x2="${x(r.p90)}" y2="${y + bar / 2}" stroke="#333"/>`);
    out.push(`<text x="${Math.max(x(1), x(v), x(r.p90)) + 4}" y="${y + 12}">${round(v)}x</text>`);
  });
  out.push(`<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${H - 24}" stroke="#333"/>`);
  for (const t of [1 / 16, 1 / 4, 1, 4, 16]) out.push(`<text x="${x(t) - 8}" y="${H - 8}">${t < 1 ? `1/${1 / t}` : t}x</text>`);
  out.push('</svg>');
  return out.join('\n');
}
