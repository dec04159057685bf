/** How the TLS core is reached: the wasm build on the host, a native module on a device. Types
 *  only, below everything that loads a core (platform.ts chooses the binding). */
import type { CoreExports } from './abi.js';

/** Calls from the core to its host (the wasm imports, or a native module's callbacks). */
export interface CoreHooks {
  random(ptr: number, len: number): void;
  verify(id: number, depth: number, der: number, len: number, flags: number): number;
  grown(): void;
}

/** One way to instantiate the C shim: wasm on the host, a native module on a device. */
export interface CoreBinding {
  /** Bytes of code (the .wasm file, or the native module's text size). */
  readonly size: number;
  instantiate(hooks: CoreHooks): CoreExports;
}
