/**
 * The engines a moddable-esp32 board runs on in the simulator's suites: XS with the native core
 * (`zsock sim`'s default, the device's engine: the reference) and V8 with the wasm core (the fast
 * path). A suite that boots moddable boards runs once per engine and checks that its boards
 * booted on the engine it names (an XS board's first line names the engine; a V8 board has none).
 */
import * as assert from 'uvu/assert';
import type { Engine } from '../../sim/sim.js';

export const ENGINES: readonly Engine[] = ['xs', 'v8'];

/** "XS" or "V8", for suite names. */
export const engineName = (e: Engine): string => (e === 'xs' ? 'XS' : 'V8');

/** Asserts that the moddable board `name` booted on `engine`, from the run's console lines. */
export function assertEngine(lines: string[], name: string, engine: Engine): void {
  const boot = lines.some((l) => new RegExp(`^\\[${name}\\] XS \\d+\\.\\d+\\.\\d+, native core$`).test(l));
  assert.is(boot, engine === 'xs', `${name} on ${engineName(engine)}:\n${lines.join('\n')}`);
}
