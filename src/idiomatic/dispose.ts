/**
 * Symbol.dispose and Symbol.asyncDispose where the engine has none yet (Node 18, XS, Espruino):
 * the registered symbols esbuild's and TypeScript's `using` lowering look up, so `await using`
 * works on every engine this layer runs on.
 */
const S = Symbol as unknown as Record<string, symbol | undefined>;
S.dispose ??= Symbol.for('Symbol.dispose');
S.asyncDispose ??= Symbol.for('Symbol.asyncDispose');

export {};
