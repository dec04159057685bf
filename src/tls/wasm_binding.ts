/**
 * The host's CoreBinding: the standalone .wasm (-sSTANDALONE_WASM, no emscripten JS glue).
 * Its imports are exactly entropy and the certificate-verify hook (env), AES-GCM, ECDH and
 * signatures for a core of the host profile (env.zs_host_gcm, env.zs_host_ecc,
 * env.zs_host_ecdsa_verify, env.zs_host_rsa_verify, env.zs_host_ecdsa_sign) and a memory-growth
 * notice. A corrupted arena traps (wasm/zs_arena.c): the core prints nothing.
 * Any other import is a build error and fails the load loudly.
 */
import type { CoreExports } from './abi.js';
import type { CoreBinding, CoreHooks } from './binding.js';
import { hostGcm } from './host_gcm.js';
import { hostEcc } from './host_ecc.js';
import { hostEcdsaSign, hostEcdsaVerify, hostRsaVerify } from './host_sig.js';

export function wasmBinding(bytes: Uint8Array): CoreBinding {
  const module = new WebAssembly.Module(bytes);
  return {
    size: bytes.length,
    instantiate(hooks: CoreHooks): CoreExports {
      let x: CoreExports | null = null;
      const env: Record<string, Function> = {
        zs_host_random: (ptr: number, len: number) => { hooks.random(ptr, len); return 0; },
        zs_host_verify: hooks.verify,
        emscripten_notify_memory_growth: hooks.grown,
        zs_host_gcm: hostGcm(() => x!.memory), // the host profile's AES-GCM (PROFILE=host)
        zs_host_ecc: hostEcc(() => x!.memory), // its P-256/P-384
        zs_host_ecdsa_verify: hostEcdsaVerify(() => x!.memory), // and its signature checks
        zs_host_rsa_verify: hostRsaVerify(() => x!.memory),
        zs_host_ecdsa_sign: hostEcdsaSign(() => x!.memory), // and a server's ECDSA signatures
      };
      const known: Record<string, Record<string, Function>> = { env };
      for (const imp of WebAssembly.Module.imports(module)) {
        if (!known[imp.module]?.[imp.name]) {
          throw new Error(`zsock core: unexpected import ${imp.module}.${imp.name} (build problem)`);
        }
      }
      x = new WebAssembly.Instance(module, known as WebAssembly.Imports).exports as unknown as CoreExports;
      return x;
    },
  };
}
