// What the generator-table scripts share (gen-p256-table.mjs, gen-x25519-table.mjs): arithmetic
// mod a prime with BigInt, and the comb's layout with 4 teeth.

/** mod, pow and inv (Fermat) modulo the prime p. */
export function field(p) {
  const mod = (a) => ((a % p) + p) % p;
  const pow = (b, e) => {
    let r = 1n;
    for (b = mod(b); e > 0n; e >>= 1n, b = (b * b) % p) if (e & 1n) r = (r * b) % p;
    return r;
  };
  return { mod, pow, inv: (a) => pow(a, p - 2n) };
}

/** 2^i * P for i = 0..n-1, by add(P, P). */
export function powersOfTwo(P, add, n = 256) {
  const out = [P];
  for (let i = 1; i < n; i++) out.push(add(out[i - 1], out[i - 1]));
  return out;
}

/** The comb's B tables (spacing d = 64 / B) as C initialisers: table b, entry i (i = first..15)
 *  is the sum over the bits j of i of 2^(j*B*d + b*d) * P, from `zero` by `add`; `entry`
 *  writes one point. Returns the rows of `static const TYPE COMB[B][16 - first]`, under #if
 *  on `macro` so that one generated header serves every profile. */
export function combTables({ B, pow2, add, zero, first, entry, type, macro }) {
  const d = 64 / B, rows = [];
  for (let b = 0; b < B; b++) {
    const teeth = [0, 1, 2, 3].map((j) => pow2[j * B * d + b * d]);
    const entries = [];
    for (let i = first; i < 16; i++) {
      let S = zero;
      for (let j = 0; j < 4; j++) if (i & (1 << j)) S = add(S, teeth[j]);
      entries.push(`    ${entry(S)}`);
    }
    rows.push(`  {\n${entries.join(',\n')}\n  }`);
  }
  return `#if ${macro} == ${B}\nstatic const ${type} COMB[${B}][${16 - first}] = {\n${rows.join(',\n')}\n};\n#endif\n`;
}
