/*
 * zsock:core for a Moddable build: the JS half of the native module (xs/core.c, the generated
 * glue, xs/core_check.c, xs/region.c, the shim and mbedTLS). The XS host (build/xs/zsock-xs)
 * registers the same functions itself. boards/build.ts copies this file into the mcconfig project.
 */
function instantiate(hooks) @ "xs_zsock_core_instantiate";
function region() @ "xs_zsock_core_region";

export default Object.freeze({ size: 0, instantiate, region });
