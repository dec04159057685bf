# zsock's XS host (xs/): Moddable's XS engine from the npm package @agoric/xsnap (pinned; its
# LGPL sources are fetched into build/, never committed), our host around it, and zsock:core,
# the C shim + mbedTLS compiled natively. Included by the Makefile; `make xs` builds
# $(XS_BIN). Engine and mbedTLS objects are built once; later builds are incremental.

XSNAP_DIR := $(BUILD)/xsnap/package
XS_ENGINE := $(XSNAP_DIR)/moddable/xs
XS_OBJ := $(BUILD)/xs/obj
XS_BIN := $(BUILD)/xs/zsock-xs
XS_GEN := $(BUILD)/xs/gen

# mxBoundsCheck: a JS stack overflow is reported and aborts (as xsbug builds do), never a silent
# overrun of the machine's stack.
XS_DEFS := -DINCLUDE_XSPLATFORM '-DXSPLATFORM="xs_platform.h"' -DmxParse=1 -DmxRun=1 -DmxSloppy=1 \
  -DmxMinusZero=1 -DmxRegExpUnicodePropertyEscapes=1 -DmxStringNormalize=1 -DmxBoundsCheck=1
XS_INC := -I xs -I $(XS_ENGINE)/includes -I $(XS_ENGINE)/platforms -I $(XS_ENGINE)/sources
# The engine is not ours: its warnings are not ours to fix.
XS_CFLAGS := -O2 -fno-common -w $(XS_DEFS) $(XS_INC)
# Every engine source of the package but xsSnapshot.c (xsnap's heap snapshots).
XS_ENGINE_SRC := xsAll xsAPI xsArguments xsArray xsAtomics xsBigInt xsBoolean xsCode xsCommon \
  xsDataView xsDate xsDebug xsDefaults xsError xsFunction xsGenerator xsGlobal xsJSON xsLexical \
  xsLockdown xsMapSet xsMarshall xsMath xsMemory xsModule xsNumber xsObject xsPlatforms xsProfile \
  xsPromise xsProperty xsProxy xsRegExp xsRun xsScope xsScript xsSourceMap xsString xsSymbol \
  xsSyntaxical xsTree xsType xsdtoa xsmc xsre
XS_ENGINE_O := $(patsubst %,$(XS_OBJ)/engine/%.o,$(XS_ENGINE_SRC))
# Moddable's TextEncoder / TextDecoder natives: the modules text/encoder, text/decoder on a device.
XS_TEXT_SRC := $(XSNAP_DIR)/moddable/modules/data/text/encoder/textencoder.c \
  $(XSNAP_DIR)/moddable/modules/data/text/decoder/textdecoder.c
XS_TEXT_O := $(patsubst %.c,$(XS_OBJ)/text/%.o,$(notdir $(XS_TEXT_SRC)))

# Our host and the native core; the glue is generated from the ABI spec (scripts/gen-abi.mjs).
XS_HOST_SRC := $(wildcard xs/*.c)
XS_HOST_HDR := $(wildcard xs/*.h)
XS_HOST_O := $(patsubst xs/%.c,$(XS_OBJ)/host/%.o,$(XS_HOST_SRC)) $(XS_OBJ)/host/core_glue.o $(XS_OBJ)/host/io419_js.o $(XS_OBJ)/host/io419_sim_js.o
XS_CORE_CFLAGS := -I wasm -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library \
  '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"'
# XS's API macros push and pop in one expression (-Wsequence-point) and longjmp (-Wclobbered).
XS_WARN := -Wall -Wextra -Werror -Wno-unused-parameter -Wno-sequence-point -Wno-clobbered
# The shim as the native peer builds it (full profile, as the wasm core the V8 suites load),
# except zs_platform.c, whose arena and staging come from zsock:core's region.
XS_SHIM_O := $(filter-out %/zs_platform.o,$(NATIVE_SHIM_O)) $(XS_OBJ)/shim/zs_platform.o

.PHONY: xs xs-fetch
xs: mbedtls $(XSNAP_DIR)/.fetched
	@command -v gcc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null; }
	@echo "==> XS host: Moddable XS from @agoric/xsnap 0.15.0 + native zsock:core (gcc), and the same with the board's core"
	@$(MAKE) --no-print-directory -j$(shell nproc) $(XS_BIN) $(XS_BIN)-embedded

$(XSNAP_DIR)/.fetched: scripts/fetch-xsnap.sh
	@echo "==> fetching XS engine sources (npm pack @agoric/xsnap@0.15.0)"
	@scripts/fetch-xsnap.sh $(XSNAP_DIR)

$(XS_OBJ)/engine/%.o: $(XS_ENGINE)/sources/%.c xs/xs_platform.h
	@mkdir -p $(@D)
	@$(CC) $(XS_CFLAGS) -c $< -o $@

$(XS_OBJ)/text/%.o: $(XS_TEXT_SRC) xs/xs_platform.h
	@mkdir -p $(@D)
	@$(CC) $(XS_CFLAGS) -c $(filter %/$*.c,$(XS_TEXT_SRC)) -o $@

$(XS_OBJ)/shim/zs_platform.o: wasm/zs_platform.c $(SHIM_HDR) xs/region.h
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) -Wall -Wextra -Werror -include xs/region.h -Dmalloc=zx_region_alloc -Dfree=zx_region_free -c $< -o $@

# The glue and src/tls/abi.ts both come from the spec; the generator checks the shim against it.
$(XS_GEN)/core_glue.c $(XS_GEN)/core_abi.h src/tls/abi.ts &: wasm/zs_abi.spec scripts/gen-abi.mjs $(SHIM_SRC)
	@mkdir -p $(XS_GEN)
	@node scripts/gen-abi.mjs wasm/zs_abi.spec --c $(XS_GEN)/core_glue.c --h $(XS_GEN)/core_abi.h --ts src/tls/abi.ts

# The ECMA-419 classes (xs/io419.js) as a C string in the binary, as a device's image holds them.
# xs/io419_sim.js: the same over the simulator's pipe (zsock sim --engine xs).
$(XS_GEN)/%_js.c: xs/%.js scripts/xs-embed.mjs
	@mkdir -p $(@D)
	@node scripts/xs-embed.mjs zx_$*_js $< > $@

$(XS_OBJ)/host/%_js.o: $(XS_GEN)/%_js.c
	@mkdir -p $(@D)
	@$(CC) -O2 -c $< -o $@

$(XS_OBJ)/host/core_glue.o: $(XS_GEN)/core_glue.c $(XS_GEN)/core_abi.h $(XS_HOST_HDR)
	@mkdir -p $(@D)
	@$(CC) -O2 $(XS_DEFS) $(XS_INC) -I $(XS_GEN) $(XS_CORE_CFLAGS) $(XS_WARN) -c $< -o $@

$(XS_OBJ)/host/%.o: xs/%.c $(XS_HOST_HDR) $(XS_GEN)/core_abi.h
	@mkdir -p $(@D)
	@$(CC) -O2 $(XS_DEFS) $(XS_INC) -I $(XS_GEN) $(XS_CORE_CFLAGS) $(XS_WARN) -c $< -o $@

# core.size: the text bytes of the shim + mbedTLS, as the wasm binding's size is the .wasm's.
$(XS_OBJ)/host/core.o: xs/core.c $(XS_HOST_HDR) $(XS_SHIM_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O)
	@mkdir -p $(@D)
	@$(CC) -O2 $(XS_DEFS) $(XS_INC) -I $(XS_GEN) $(XS_CORE_CFLAGS) $(XS_WARN) \
	  -DZX_CORE_TEXT_BYTES=$$(size -t $(XS_SHIM_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O) | tail -1 | awk '{print $$1}') -c $< -o $@

$(XS_BIN): $(XS_ENGINE_O) $(XS_TEXT_O) $(XS_HOST_O) $(XS_SHIM_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O)
	@$(CC) -o $@ $^ -lm -lpthread
	@echo "    $@: $$(stat -c %s $@) bytes"

# The third-party objects alone (engine, text natives, mbedTLS): the slow part of a first build.
.PHONY: xs-third-party
xs-third-party: $(XS_ENGINE_O) $(XS_TEXT_O) $(NATIVE_MBEDTLS_O)

# The same host with the embedded profile's core (4 KB / 2 KB records, as moddable-esp32): what a
# moddable-esp32 firmware runs on (test/xs/firmware.test.ts) and what a board's memory is
# measured on. `make xs` builds it -> $(XS_BIN)-embedded.
XS_EMB := $(BUILD)/xs/obj-embedded
# A firmware links ESP-IDF's own mbedTLS too (its components use it), so the board's copy is
# renamed apart: every mbedtls_/psa_ symbol it defines or expects gets a zsock_ prefix, through
# MBEDTLS_USER_CONFIG_FILE, which every mbedTLS header includes first (a name already defined as
# a macro, as a per-file rename, stays so). The list comes from the unrenamed native build (nm).
XS_RENAME_H := $(XS_GEN)/zsock_mbedtls_rename.h
XS_EMB_CFLAGS := $(NATIVE_CFLAGS) -DZSOCK_PROFILE_EMBEDDED '-DMBEDTLS_USER_CONFIG_FILE="zsock_mbedtls_rename.h"' -I $(XS_GEN)
XS_EMB_MBEDTLS_O = $(patsubst $(MBEDTLS_SRC)/library/%.c,$(XS_EMB)/mbedtls/%.o,$(MBEDTLS_C))
XS_EMB_SHIM_O = $(patsubst wasm/%.c,$(XS_EMB)/shim/%.o,$(SHIM_SRC))
XS_EMB_EVEREST_O = $(patsubst $(EVEREST)/library/%.c,$(XS_EMB)/everest/%.o,$(EVEREST_C))

.PHONY: xs-embedded
xs-embedded: xs

$(XS_RENAME_H): $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O) $(NATIVE_SHIM_O)
	@mkdir -p $(@D)
	@nm -g $^ | awk '(NF == 3 || $$1 == "U") && $$NF ~ /^(mbedtls_|psa_)/ { print $$NF }' | sort -u | \
	  awk '{ print "#ifndef " $$1 "\n#define " $$1 " zsock_" $$1 "\n#endif" }' > $@

$(XS_EMB)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c wasm/zsock_mbedtls_config.h $(XS_RENAME_H)
	@mkdir -p $(@D)
	@gcc $(XS_EMB_CFLAGS) $(CF_$*) -c $< -o $@

$(XS_EMB)/everest/%.o: $(EVEREST)/library/%.c wasm/zsock_mbedtls_config.h $(XS_RENAME_H)
	@mkdir -p $(@D)
	@gcc $(XS_EMB_CFLAGS) $(EVEREST_INC) $(EVCF_$*) -c $< -o $@

$(XS_EMB)/shim/zs_platform.o: wasm/zs_platform.c $(SHIM_HDR) xs/region.h $(XS_RENAME_H)
	@mkdir -p $(@D)
	@gcc $(XS_EMB_CFLAGS) -Wall -Wextra -Werror -include xs/region.h -Dmalloc=zx_region_alloc -Dfree=zx_region_free -c $< -o $@

$(XS_EMB)/shim/%.o: wasm/%.c $(SHIM_HDR) $(XS_RENAME_H)
	@mkdir -p $(@D)
	@gcc $(XS_EMB_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

# The board's region: its 96 KB arena, the staging windows (about 11 KB) and scratch.
$(XS_EMB)/core.o: xs/core.c $(XS_HOST_HDR) $(XS_EMB_SHIM_O) $(XS_EMB_MBEDTLS_O) $(XS_EMB_EVEREST_O)
	@mkdir -p $(@D)
	@$(CC) -O2 $(XS_DEFS) $(XS_INC) -I $(XS_GEN) $(XS_CORE_CFLAGS) -DZSOCK_PROFILE_EMBEDDED $(XS_WARN) '-DZX_REGION_BYTES=(128u << 10)' \
	  -DZX_CORE_TEXT_BYTES=$$(size -t $(XS_EMB_SHIM_O) $(XS_EMB_MBEDTLS_O) $(XS_EMB_EVEREST_O) | tail -1 | awk '{print $$1}') -c $< -o $@

# What reads the shim's structs is compiled with the profile's config too.
$(XS_EMB)/core_glue.o: $(XS_GEN)/core_glue.c $(XS_GEN)/core_abi.h $(XS_HOST_HDR)
	@mkdir -p $(@D)
	@$(CC) -O2 $(XS_DEFS) $(XS_INC) -I $(XS_GEN) $(XS_CORE_CFLAGS) -DZSOCK_PROFILE_EMBEDDED $(XS_WARN) -c $< -o $@
$(XS_EMB)/core_check.o: xs/core_check.c $(XS_HOST_HDR) $(XS_GEN)/core_abi.h
	@mkdir -p $(@D)
	@$(CC) -O2 $(XS_DEFS) $(XS_INC) -I $(XS_GEN) $(XS_CORE_CFLAGS) -DZSOCK_PROFILE_EMBEDDED $(XS_WARN) -c $< -o $@

XS_EMB_HOST_O := $(filter-out %/core.o %/core_glue.o %/core_check.o,$(XS_HOST_O)) $(XS_EMB)/core.o $(XS_EMB)/core_glue.o $(XS_EMB)/core_check.o
$(XS_BIN)-embedded: $(XS_ENGINE_O) $(XS_TEXT_O) $(XS_EMB_HOST_O) $(XS_EMB_SHIM_O) $(XS_EMB_MBEDTLS_O) $(XS_EMB_EVEREST_O)
	@$(CC) -o $@ $^ -lm -lpthread
	@echo "    $@: $$(stat -c %s $@) bytes"
