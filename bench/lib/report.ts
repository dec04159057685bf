/** The table printed at the end of `make bench`, its JSON, and an SVG chart of the ratios. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, type Stat } from './stats.js';

export interface Row {
  section: string;
  metric: string;
  unit: string;
  zsock: Stat | number;
  peer: string;
  peerValue: Stat | number | null;
  /** 'lower' when less is better (time, bytes), 'higher' for throughput. */
  better: 'lower' | 'higher';
  /** The target for zsock / peer, if the issue sets one. */
  target?: string;
  note?: string;
}

const mid = (v: Stat | number | null) => (v === null ? NaN : typeof v === 'number' ? v : v.median);
const show = (v: Stat | number | null) => v === null ? '-' : typeof v === 'number' ? String(round(v))
  : `${round(v.median)} (${round(v.p10)}..${round(v.p90)})`;

/** zsock / peer: below 1 means zsock is faster (time) or slower (throughput). */
export const ratio = (r: Row) => mid(r.zsock) / mid(r.peerValue);

export function printTable(rows: Row[]): void {
  const lines = [['section', 'metric', 'zsock', 'peer', 'peer value', 'zsock/peer', 'target']];
  for (const r of rows) {
    lines.push([r.section, `${r.metric} [${r.unit}]`, show(r.zsock), r.peer, show(r.peerValue),
      Number.isFinite(ratio(r)) ? `${round(ratio(r))}x` : '-', r.target ?? '']);
  }
  const w = lines[0].map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  for (const l of lines) console.log(l.map((c, i) => c.padEnd(w[i])).join('  '));
  for (const r of rows.filter((x) => x.note)) console.log(`  note: ${r.metric}: ${r.note}`);
}

export function writeOutputs(dir: string, rows: Row[], extra: Record<string, unknown>): { json: string; svg: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, 'results.json'), svg = join(dir, 'chart.svg');
  writeFileSync(json, JSON.stringify({ date: new Date().toISOString(), node: process.version, rows: rows.map((r) => ({ ...r, ratio: ratio(r) })), ...extra }, null, 2));
  writeFileSync(svg, chart(rows.filter((r) => Number.isFinite(ratio(r)))));
  return { json, svg };
}

/** Horizontal bars of zsock/peer on a log scale, 1x marked; green when zsock is at least as
 *  good as its peer, orange otherwise. */
function chart(rows: Row[]): string {
  const W = 760, bar = 18, gap = 6, left = 330, top = 30;
  const H = top + rows.length * (bar + gap) + 30;
  const lo = 1 / 64, hi = 64;
  const x = (v: number) => left + ((Math.log2(Math.min(hi, Math.max(lo, v))) - Math.log2(lo)) / (Math.log2(hi) - Math.log2(lo))) * (W - left - 20);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const out = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<text x="10" y="18" font-size="13" font-weight="bold">zsock / peer (log scale; same run)</text>`];
  rows.forEach((r, i) => {
    const v = ratio(r), y = top + i * (bar + gap);
    const good = r.better === 'lower' ? v <= 1 : v >= 1;
    out.push(`<text x="10" y="${y + 13}">${esc(`${r.metric} vs ${r.peer}`).slice(0, 58)}</text>`);
    out.push(`<rect x="${Math.min(x(1), x(v))}" y="${y}" width="${Math.abs(x(v) - x(1))}" height="${bar}" fill="${good ? '#4a9' : '#e83'}"/>`);
    out.push(`<text x="${Math.max(x(1), x(v)) + 4}" y="${y + 13}">${round(v)}x</text>`);
  });
  out.push(`<line x1="${x(1)}" y1="${top - 4}" x2="${x(1)}" y2="${H - 24}" stroke="#333"/>`);
  for (const t of [1 / 16, 1 / 4, 1, 4, 16]) out.push(`<text x="${x(t) - 8}" y="${H - 8}">${t < 1 ? `1/${1 / t}` : t}x</text>`);
  out.push('</svg>');
  return out.join('\n');
}
