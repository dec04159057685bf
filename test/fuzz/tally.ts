/** What a fuzz run counts, and its one-line reproducer per failure. */
export interface Tally {
  layer: string;
  seed: number;
  inputs: number;
  traps: number;
  exceptions: number;
  hangs: number;
  leaks: number;
  unhealthy: number;
  outcomes: Record<string, number>;
  failures: { input: number; what: string }[];
}

export const tally = (layer: string, seed: number): Tally => ({
  layer, seed, inputs: 0, traps: 0, exceptions: 0, hangs: 0, leaks: 0, unhealthy: 0, outcomes: {}, failures: [],
});

export function note(t: Tally, key: string): void {
  t.outcomes[key] = (t.outcomes[key] ?? 0) + 1;
}

/** The counts, and how to replay each failure: its seed, input index and layer. */
export function report(t: Tally): string {
  const head = `${t.layer}: ${t.inputs} inputs, seed ${t.seed}: ${t.traps} traps, ${t.exceptions} exceptions, ` +
    `${t.hangs} hangs, ${t.leaks} leaks, ${t.unhealthy} unhealthy good connections`;
  const rep = t.failures.map((f) => `  reproduce: make fuzz FUZZ_SEED=${t.seed} FUZZ_ONLY=${f.input} FUZZ_LAYER=${t.layer}: ${f.what}`);
  return [head, ...rep].join('\n');
}
