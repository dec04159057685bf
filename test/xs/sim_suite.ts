/**
 * Runs a suite bundle (test/xs/bundle.ts, boards 'sim') inside an XS board process on the
 * simulator's virtual network, as `zsock sim --engine xs` runs a firmware (sim/xs_board.ts): the
 * board's XS host (embedded-profile core) with the device heap, its ECMA-419 calls served by the
 * simulator's XsBridge, plus the suite's control requests (test/xs/sim_env.ts): a fresh network
 * (the seed and host names of the V8 environment, test/helpers/boards.ts) and its faults
 * (VNetFaults), so the suite drives the network from inside the board as it does on V8.
 */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { VNet } from '../../sim/vnet.js';
import { FrameReader, XsBridge } from '../../sim/xs_bridge.js';
import { xsBoardBinary } from '../../sim/xs_board.js';
import { VNetFaults } from '../helpers/faultnet.js';

/** FaultNet's calls, the only ones a suite may make. */
const FAULTS = ['addHost', 'link', 'partition', 'reset', 'echo', 'udpSend', 'udpInFlight'] as const;

export interface Run { status: number | null; out: string; err: string }

/** Runs `bundle` (with `args`, KEY=VALUE for the suite's process.env) until it exits or `ms`. */
export function runOnSimBoard(bundle: string, args: string[] = [], ms = 180000): Promise<Run> {
  const child = spawn(xsBoardBinary(), ['--name', 'suite', '--heap', 'device', bundle, ...args],
    { stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, ZSOCK_XS_SIM_FD: '3' } });
  const pipe = child.stdio[3] as unknown as Readable & Writable;
  let bridge: XsBridge;
  let faults: VNetFaults;
  const fresh = () => {
    bridge?.closeAll();
    const vnet = new VNet(7);
    const h = vnet.addHost('modboard');
    faults = new VNetFaults(vnet);
    bridge = new XsBridge(h, pipe, (fn) => setImmediate(fn));
    bridge.onControl = control;
    return { a4: h.v4, a6: h.v6, dns: vnet.host.v4 };
  };
  const control = (m: string, a: unknown[]): unknown => {
    if (m === 'fresh') return fresh();
    if (!(FAULTS as readonly string[]).includes(m)) throw new Error(`no control ${m}`);
    return (faults[m as (typeof FAULTS)[number]] as (...x: unknown[]) => unknown).apply(faults, a);
  };
  fresh();
  const frames = new FrameReader();
  pipe.on('data', (d: Buffer) => { for (const f of frames.push(d)) bridge.handle(f.head, f.payload); });
  pipe.on('error', () => {});
  let out = '', err = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { err += d; });
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), ms);
    // 'close': after the process and its output have ended ('exit' may come before the last lines).
    child.on('close', (code, signal) => {
      clearTimeout(t);
      bridge.closeAll();
      resolve({ status: code, out, err: signal ? `${err}\nkilled by ${signal}` : err });
    });
  });
}
