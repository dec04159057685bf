# zsock build. `make build` sets up everything on a fresh Debian machine with Node 20;
# `make test` is the README's test command. Outputs live in build/ (ignored).

SHELL := /bin/bash
BUILD := build
PROFILE ?= full
MBEDTLS_VERSION := 3.6.6
MBEDTLS_SRC ?= $(BUILD)/mbedtls-$(MBEDTLS_VERSION)
EMCC ?= emcc
# Debian's emscripten runs its JS optimizer with Debian's node modules (acorn).
export NODE_PATH := /usr/share/nodejs$(if $(NODE_PATH),:$(NODE_PATH))

# X25519 on fixed limbs through mbedTLS's Everest switch (its 3rdparty/everest glue, built from the
# fetched source; wasm/zs_x25519.c): our own (wasm/zs_c25519.c), or HACL* for the stock native peers.
X25519_FIXED ?= 1
HACL_DEF := $(if $(filter 1,$(X25519_FIXED)),-DZSOCK_X25519_FIXED -I $(MBEDTLS_SRC)/3rdparty/everest/include)
WASM_OUT := $(BUILD)/wasm/zsock-core$(if $(filter embedded host,$(PROFILE)),-$(PROFILE)).wasm
OBJ := $(BUILD)/obj/$(PROFILE)$(subst -O2,,$(WASM_OPT))$(if $(HACL_DEF),,-nohacl)
# Profiles: full (default), embedded (the boards'), host (full with AES-GCM by the host driver).
PROFILE_DEF := $(if $(filter embedded,$(PROFILE)),-DZSOCK_PROFILE_EMBEDDED)$(if $(filter host,$(PROFILE)),-DZSOCK_PROFILE_HOST)
# CONFIG_SIZE_OPTIMIZATIONS, Kconfig style: WASM_OPT=-Os trades speed for about 30 KB.
WASM_OPT ?= -O2
CFLAGS_WASM := $(WASM_OPT) -I wasm -I $(BUILD)/gen -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library \
  '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"' $(PROFILE_DEF) $(HACL_DEF) $(ZSOCK_CFLAGS)
# Binaryen's pass over the linked core (emcc's wasm-opt) at the size level: -4.3 KB, handshakes
# and bulk within the noise; the hot loops are clang's -O2 code in the speed files below, which
# wasm-opt -Os leaves as fast (docs/bench.md, "The third trim"). LINK_OPT=-O2 keeps the old pass.
LINK_OPT ?= -Os
# A second binaryen pass over emcc's output (Debian's binaryen, which emscripten's package
# depends on), at -Oz (-0.8 KB) and run to convergence, with the two assumptions emcc itself
# makes of a standalone module (nothing below address 1024, memory zero at start). Not -iit
# (-0.7 KB more): assuming loads never trap lets binaryen move a load above the check that
# guards it, and the C code checks every handle from the host before it reads through it.
# Handshakes and bulk within the noise (docs/bench.md, "The fourth trim"). Then every function's
# control flow rebuilt (--flatten --rereloop) and -Oz again: -0.8 KB more, handshakes 0.99x and
# ChaCha20 0.995x of the build without it (docs/bench.md, "The fifth trim"). POST_OPT= skips it.
POST_OPT ?= -Oz --converge --low-memory-unused --zero-filled-memory --flatten --rereloop -Oz
# -sMALLOC=none: the C heap is ours (wasm/zs_heap.c), 1.3 KB smaller than emmalloc.
LDFLAGS_WASM := $(LINK_OPT) -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 -sMALLOC=none \
  -sINITIAL_MEMORY=4194304 -sTOTAL_STACK=262144 -sERROR_ON_UNDEFINED_SYMBOLS=0 -sWARN_ON_UNDEFINED_SYMBOLS=0

SHIM_SRC := $(wildcard wasm/*.c)
# P-256's generator tables (wasm/zs_p256.c), computed at build time by our own script.
P256_TABLE := $(BUILD)/gen/zs_p256_table.h
# X25519 key generation's comb tables (wasm/zs_c25519.c), likewise.
X25519_TABLE := $(BUILD)/gen/zs_c25519_table.h
SHIM_HDR := $(wildcard wasm/*.h) $(P256_TABLE) $(X25519_TABLE)

.PHONY: build deps toolchain mbedtls wasm wasm-all ts certs test test-deps test-native bench bench-p256 native-harness sim run clean distclean fuzz

build: deps wasm-all ts certs xs

deps: toolchain node_modules/.installed

toolchain:
	@command -v $(EMCC) >/dev/null 2>&1 || { echo "==> installing emscripten (Debian package)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq emscripten node-acorn >/dev/null; }
	@[ -d /usr/share/nodejs/acorn ] || { echo "==> installing node-acorn (emscripten's optimizer)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq node-acorn >/dev/null; }
	@command -v wasm-opt >/dev/null 2>&1 || { echo "==> installing binaryen (wasm-opt)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binaryen >/dev/null; }

node_modules/.installed: package.json
	@echo "==> npm install"
	@npm install --no-audit --no-fund --loglevel=error && touch $@

mbedtls: $(MBEDTLS_SRC)/include/mbedtls/ssl.h
$(MBEDTLS_SRC)/include/mbedtls/ssl.h:
	@echo "==> fetching mbedTLS $(MBEDTLS_VERSION) source from Debian's archive"
	@scripts/fetch-mbedtls.sh $(MBEDTLS_SRC)

# mbedTLS's library sources, compiled by our rules so that each profile has its own objects.
MBEDTLS_C = $(wildcard $(MBEDTLS_SRC)/library/*.c)
MBEDTLS_O = $(patsubst $(MBEDTLS_SRC)/library/%.c,$(OBJ)/mbedtls/%.o,$(MBEDTLS_C))
SHIM_O = $(patsubst wasm/%.c,$(OBJ)/shim/%.o,$(SHIM_SRC))
EVEREST := $(MBEDTLS_SRC)/3rdparty/everest
EVEREST_C := $(if $(HACL_DEF),$(addprefix $(EVEREST)/library/,everest.c x25519.c $(if $(STOCK_ECC),Hacl_Curve25519_joined.c)))
EVEREST_INC := -I $(EVEREST)/include -I $(EVEREST)/include/everest -I $(EVEREST)/include/everest/kremlib
EVEREST_O = $(patsubst $(EVEREST)/library/%.c,$(OBJ)/everest/%.o,$(EVEREST_C))

$(P256_TABLE): scripts/gen-p256-table.mjs scripts/comb.mjs
	@mkdir -p $(@D)
	@node scripts/gen-p256-table.mjs $@

$(X25519_TABLE): scripts/gen-x25519-table.mjs scripts/comb.mjs
	@mkdir -p $(@D)
	@node scripts/gen-x25519-table.mjs $@

# Per-file flags (CF_<file stem>), for wasm and native alike: renames of single calls, no patch.
# Point multiplications go through wasm/zs_ecc.c, which gives each to the host (host profile),
# our fixed-limb P-256 or HACL*'s X25519, or mbedTLS's generic code: PSA's public keys
# (psa_crypto_ecp.c), ECDSA signing's k * G and verification's u1 * G + u2 * Q (ecdsa.c), and
# a key pair's check (pk_wrap.c).
CF_psa_crypto_ecp := -Dmbedtls_ecp_mul=zs_ecp_mul
CF_ecdsa := -Dmbedtls_ecp_mul_restartable=zs_ecp_mul_restartable -Dmbedtls_ecp_muladd_restartable=zs_ecp_muladd_restartable
# The host profile's signatures (wasm/zs_host_sig.c): the hashes of signed content remember their
# message, and pk_wrap.c's verifications and ECDSA signing ask the host.
HOST_ONLY = $(if $(filter host,$(PROFILE)),$(1))
CF_pk_wrap := -Dmbedtls_ecp_check_pub_priv=zs_ecp_check_pub_priv $(call HOST_ONLY,-Dmbedtls_ecdsa_read_signature=zs_ecdsa_read_signature \
  -Dmbedtls_rsa_pkcs1_verify=zs_rsa_pkcs1_verify -Dmbedtls_ecdsa_write_signature=zs_ecdsa_write_signature)
CF_ssl_tls13_generic := $(call HOST_ONLY,-Dpsa_hash_compute=zs_memo_hash_compute)
CF_ssl_tls12_client := $(call HOST_ONLY,-Dmbedtls_ssl_get_key_exchange_md_tls1_2=zs_memo_ske_md)
CF_ssl_tls12_server := $(CF_ssl_tls12_client)
CF_x509_crt := $(call HOST_ONLY,-Dmbedtls_md=zs_memo_md)

# ChaCha20 four blocks at a time in wasm SIMD128 (wasm/zs_chacha20_simd.c, the only file built
# with -msimd128): chachapoly.c's keystream calls, renamed in wasm builds. CHACHA_SIMD=0 keeps
# mbedTLS's own for every call.
CHACHA_SIMD ?= 1
WCF_chachapoly := $(if $(filter 1,$(CHACHA_SIMD)),-Dmbedtls_chacha20_update=zs_chacha20_update)
# Smaller stand-ins for what the wasm core does not need in full (wasm/zs_trim.c): strstr for
# the PEM and certificate parsers; RSA encryption and decryption refused in pk_wrap.c (only the
# RSA key exchanges use them, and none is built).
WCF_pem := -Dstrstr=zs_strstr
# mbedTLS's own inet_pton for the IP-address SAN match (MBEDTLS_TEST_SW_INET_PTON, its switch
# for platforms without one) instead of musl's: -0.1 KB.
WCF_x509_crt := -Dstrstr=zs_strstr -DMBEDTLS_TEST_SW_INET_PTON
WCF_pk_wrap := -Dmbedtls_rsa_pkcs1_encrypt=zs_rsa_no_encrypt -Dmbedtls_rsa_pkcs1_decrypt=zs_rsa_no_decrypt
# RSA keys with zero primes or private exponent refused, not repaired by deduction (rsa.c).
WCF_rsa := -Dmbedtls_rsa_deduce_primes=zs_rsa_no_deduce_primes -Dmbedtls_rsa_deduce_private_exponent=zs_rsa_no_deduce_d

# Per-file optimisation: the crypto that handshakes and records spend their time in stays at
# WASM_OPT (speed); protocol, X.509, PK, PSA and ASN.1 code, which runs a few times per handshake,
# is built with SIZE_OPT, and so are the SHA-2 hashes (a few % of a handshake, nothing per
# record), the allocator and mbedTLS's ChaCha20 (records use wasm/zs_chacha20_simd.c): about
# -16 KB at the same handshake and bulk speed (docs/bench.md).
# Of the speed files, only AES and GHASH gain from loop unrolling (AES-GCM bulk 0.8x without);
# in the others V8 runs the rolled loops as fast, and bignum_core alone is about 4.7 KB smaller.
# ecp.c's point arithmetic now runs for P-384 alone (P-256 and X25519 have their own fixed-limb
# code, wasm/zs_ecc.c): at SIZE_OPT, -1 KB, P-384 handshakes within the noise. bignum.c too
# (-3.6 KB): its multiply loops are bignum_core's, which stays fast; what it runs itself is
# ECDSA's and RSA's per-handshake inversions and reductions: P-256, X25519 and RSA-2048 server
# handshakes within the noise, a P-384 server 1.05x.
SPEED_FILES := aes gcm poly1305 chachapoly bignum_core ecp_curves
UNROLL_FILES := aes gcm
# -Oz rather than -Os: -1 KB, handshakes within the noise (docs/bench.md, "The third trim").
SIZE_OPT ?= -Oz
OPT_FOR = $(if $(filter $(1),$(SPEED_FILES)),$(if $(filter $(1),$(UNROLL_FILES)),,-fno-unroll-loops),$(SIZE_OPT))

$(OBJ)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@$(EMCC) $(CFLAGS_WASM) $(call OPT_FOR,$*) $(CF_$*) $(WCF_$*) -c $< -o $@

# Everest's X25519 calls to HACL* go to wasm/zs_x25519.c, which runs ours; the stock native peers
# (STOCK_ECC=1) keep HACL*.
EVCF_x25519 = $(if $(STOCK_ECC),,-DHacl_Curve25519_crypto_scalarmult=zs_x25519_scalarmult)
$(OBJ)/everest/%.o: $(EVEREST)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@$(EMCC) $(CFLAGS_WASM) $(EVEREST_INC) $(EVCF_$*) -c $< -o $@

# The shim is glue, at SIZE_OPT, except the record path (zs_engine: every read and write), the
# SIMD ChaCha20 and P-256's field arithmetic (at -Os its handshakes take 1.36x the time; its
# point code at -Os costs nothing measurable and saves 1.3 KB).
# zs_mem (memcpy, memmove, memset) is the only file built with -mbulk-memory: memory.copy and
# memory.fill for the record copies; -fno-builtin keeps its short-copy loops as loops.
SHIM_SPEED := zs_engine zs_chacha20_simd zs_p256_field zs_c25519 zs_mem
# The SIMD ChaCha20's rounds rolled up (-0.5 KB): ChaCha20 bulk within the noise.
SHIM_CF_zs_chacha20_simd := -msimd128 -fno-unroll-loops
SHIM_CF_zs_mem := -mbulk-memory -fno-builtin
# The C heap (wasm/zs_heap.c, in place of emscripten's allocator: -sMALLOC=none): no builtins,
# so that the compiler cannot turn calloc's malloc + memset into a call to calloc.
SHIM_CF_zs_heap := -fno-builtin
$(OBJ)/shim/%.o: wasm/%.c $(SHIM_HDR)
	@mkdir -p $(@D)
	@$(EMCC) $(CFLAGS_WASM) $(if $(filter $(SHIM_SPEED),$*),,$(SIZE_OPT)) $(SHIM_CF_$*) -Wall -Wextra -Werror -c $< -o $@

# wasm/zs_mem.c alone, with the core's flags, for test/accel/zs_mem.test.ts.
$(BUILD)/wasm/zs-mem-test.wasm: wasm/zs_mem.c
	@mkdir -p $(@D)
	@$(EMCC) -O2 $(SHIM_CF_zs_mem) -Wall -Wextra -Werror -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 \
	  -sEXPORTED_FUNCTIONS=_memcpy,_memmove,_memset $< -o $@

# wasm/zs_heap.c alone, with the core's flags, for test/accel/zs_heap.test.ts: memory may grow to
# 4 MiB from 256 KiB, so that the test grows it and reaches its end.
$(BUILD)/wasm/zs-heap-test.wasm: wasm/zs_heap.c
	@mkdir -p $(@D)
	@$(EMCC) -O2 $(SIZE_OPT) $(SHIM_CF_zs_heap) -Wall -Wextra -Werror -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 \
	  -sMALLOC=none -sINITIAL_MEMORY=262144 -sTOTAL_STACK=65536 -sMAXIMUM_MEMORY=4194304 -sEXPORTED_FUNCTIONS=_malloc,_free,_calloc,_realloc $< -o $@

wasm: toolchain mbedtls
	@echo "==> wasm core ($(PROFILE) profile): mbedTLS + zsock shim with $$($(EMCC) --version 2>/dev/null | sed -n 1p | cut -d' ' -f1-10)"
	@$(MAKE) --no-print-directory -j$(shell nproc) $(WASM_OUT)

$(WASM_OUT): $(SHIM_O) $(MBEDTLS_O) $(EVEREST_O)
	@echo "==> linking $@ ($(PROFILE) profile)"
	@mkdir -p $(@D)
	@$(EMCC) $(LDFLAGS_WASM) $^ -o $@
	@$(if $(POST_OPT),wasm-opt $(POST_OPT) --enable-simd --enable-bulk-memory $@ -o $@)
	@echo "    $$(stat -c %s $@) bytes, $$(gzip -9c $@ | wc -c) gzipped"

wasm-all:
	@$(MAKE) --no-print-directory wasm PROFILE=full
	@$(MAKE) --no-print-directory wasm PROFILE=embedded
	@$(MAKE) --no-print-directory wasm PROFILE=host

ts: node_modules/.installed src/tls/abi.ts
	@echo "==> compiling TypeScript"
	@node scripts/build-ts.mjs

certs: $(BUILD)/certs/.done
$(BUILD)/certs/.done: scripts/gen-certs.sh
	@echo "==> generating test certificates"
	@rm -rf $(BUILD)/certs && scripts/gen-certs.sh $(BUILD)/certs

# Real peers for the interop suites, and tshark for the simulator's captures (Debian's packages).
test-deps:
	@command -v openssl >/dev/null && command -v gnutls-serv >/dev/null && command -v curl >/dev/null && command -v tshark >/dev/null || { \
	  echo "==> installing interop peers (openssl, gnutls-bin, curl, tshark)"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl gnutls-bin curl tshark >/dev/null; }

test: build test-deps test-native $(BUILD)/wasm/zs-mem-test.wasm $(BUILD)/wasm/zs-heap-test.wasm
	@echo "==> typecheck, and the import rules (no cycles, no upward imports)"
	@npx tsc --noEmit -p .
	@node scripts/check-imports.mjs src
	@echo "==> tests"
	@scripts/run-tests.sh $(BUILD)/js/test
	@echo "==> the host driver's suites again on the pure-C full core and on the boards' embedded core (the host driver loads the host profile's by default)"
	@for core in zsock-core zsock-core-embedded; do for d in tls sockets secure cli accel; do \
	  echo "--> $$core: $$d"; ZSOCK_WASM=$(CURDIR)/$(BUILD)/wasm/$$core.wasm scripts/run-tests.sh $(BUILD)/js/test/$$d || exit 1; done; done

# The shim natively under AddressSanitizer + UBSan, mbedTLS on the C library's allocator
# (ZS_SYSTEM_ALLOC) so every block is checked: the C-level lifetime tests (test/native).
ASAN_OBJ := $(BUILD)/obj/asan
ASAN_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -DZS_SYSTEM_ALLOC \
  -I wasm -I $(BUILD)/gen -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"'
ASAN_MBEDTLS_O = $(patsubst $(MBEDTLS_SRC)/library/%.c,$(ASAN_OBJ)/mbedtls/%.o,$(MBEDTLS_C))
ASAN_SHIM_O = $(patsubst wasm/%.c,$(ASAN_OBJ)/shim/%.o,$(SHIM_SRC))
NATIVE_TESTS := $(patsubst test/native/%.c,$(BUILD)/native-test/%,$(wildcard test/native/*.c))
.SECONDARY: $(ASAN_MBEDTLS_O) $(ASAN_SHIM_O)

$(ASAN_OBJ)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@gcc $(ASAN_CFLAGS) $(CF_$*) -c $< -o $@

$(ASAN_OBJ)/shim/%.o: wasm/%.c $(SHIM_HDR)
	@mkdir -p $(@D)
	@gcc $(ASAN_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

$(BUILD)/native-test/%: test/native/%.c $(ASAN_SHIM_O) $(ASAN_MBEDTLS_O)
	@mkdir -p $(@D)
	@gcc $(ASAN_CFLAGS) -Wall -Wextra -Werror -o $@ $^

test-native: mbedtls certs
	@echo "==> native shim tests under AddressSanitizer"
	@$(MAKE) --no-print-directory -j$(shell nproc) $(NATIVE_TESTS)
	@for t in $(NATIVE_TESTS); do ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 $$t $(BUILD)/certs || exit 1; done

# Benchmarks: figures beside their peers from the same run; never part of `make test`.
# Boots SAMPLE (a folder under samples/, or a firmware entry file) on BOARD in the simulator.
BOARD ?= moddable-esp32
SAMPLE ?= echo-server
HOSTFWD ?= tcp:4242-:4242
sim: build
	node bin/zsock.mjs sim --board $(BOARD) --hostfwd $(HOSTFWD) $(SAMPLE)

# The README's main job: echo over TLS 1.3 between two simulated boards, then HTTPS from a
# simulated board to a real server on the host (openssl s_server, installed by test-deps).
run: build test-deps
	@node $(BUILD)/js/samples/demo.js

# The native peers: our same shim and mbedTLS built with gcc -O2 for this machine (bench/native),
# with the wasm core's configuration (no AES-NI), and NATIVE_AESNI=1 with AES-NI (the limit here).
# STOCK_ECC=1 leaves P-256 to mbedTLS's generic code and X25519 to HACL* (ZSOCK_STOCK_ECC), as a
# user builds mbedTLS with Everest: the bench's peers are built so; the XS host (xs/xs.mk) takes
# the default, our own P-256 and X25519.
NATIVE_AESNI ?=
STOCK_ECC ?=
NATIVE_OBJ := $(BUILD)/obj/native$(if $(NATIVE_AESNI),-aesni)$(if $(HACL_DEF),,-nohacl)$(if $(STOCK_ECC),-stock)
NATIVE_CFLAGS := -O2 -I wasm -I $(BUILD)/gen -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library \
  '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"' $(HACL_DEF) $(if $(NATIVE_AESNI),-DZSOCK_NATIVE_AESNI -maes -mpclmul -msse4.1) \
  $(if $(STOCK_ECC),-DZSOCK_STOCK_ECC)
NATIVE_MBEDTLS_O = $(patsubst $(MBEDTLS_SRC)/library/%.c,$(NATIVE_OBJ)/mbedtls/%.o,$(MBEDTLS_C))
NATIVE_EVEREST_O = $(patsubst $(EVEREST)/library/%.c,$(NATIVE_OBJ)/everest/%.o,$(EVEREST_C))
NATIVE_SHIM_O = $(patsubst wasm/%.c,$(NATIVE_OBJ)/shim/%.o,$(SHIM_SRC))
NATIVE_HARNESS := $(BUILD)/bench/native-harness$(if $(NATIVE_AESNI),-aesni)

$(NATIVE_OBJ)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) $(CF_$*) -c $< -o $@

$(NATIVE_OBJ)/everest/%.o: $(EVEREST)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) $(EVEREST_INC) $(EVCF_$*) -c $< -o $@

$(NATIVE_OBJ)/shim/%.o: wasm/%.c $(SHIM_HDR)
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

$(NATIVE_HARNESS): bench/native/harness.c $(NATIVE_SHIM_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O)
	@echo "==> native peer$(if $(NATIVE_AESNI), with AES-NI): zsock shim + mbedTLS with $$(gcc --version | head -1)"
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) -Wall -Wextra -o $@ $^

native-harness: mbedtls
	@command -v gcc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null; }
	@$(MAKE) --no-print-directory -j$(shell nproc) $(NATIVE_HARNESS) STOCK_ECC=1
	@$(MAKE) --no-print-directory -j$(shell nproc) $(BUILD)/bench/native-harness-aesni NATIVE_AESNI=1 STOCK_ECC=1

# P-256 per operation (bench/native/p256_ops.c): ours beside mbedTLS's generic ECP in one binary,
# alternating; in wasm (the full profile's objects, run by node) and natively (gcc -O2).
P256_OPS_ROUNDS ?= 200
P256_OPS_CFLAGS := -I wasm -I $(BUILD)/gen $(EVEREST_INC) -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library \
  '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"' $(HACL_DEF)
bench-p256: wasm native-harness
	@$(MAKE) --no-print-directory -j$(shell nproc) $(NATIVE_SHIM_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O)
	@mkdir -p $(BUILD)/bench && rm -f $(BUILD)/bench/p256-ops-*.a
	@emar rcs $(BUILD)/bench/p256-ops-wasm.a $(SHIM_O) $(MBEDTLS_O) $(EVEREST_O)
	@$(EMCC) -O2 -sSINGLE_FILE=1 -sALLOW_MEMORY_GROWTH=1 $(P256_OPS_CFLAGS) bench/native/p256_ops.c $(BUILD)/bench/p256-ops-wasm.a -o $(BUILD)/bench/p256-ops.cjs
	@ar rcs $(BUILD)/bench/p256-ops-native.a $(NATIVE_SHIM_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O)
	@gcc -O2 $(P256_OPS_CFLAGS) bench/native/p256_ops.c $(BUILD)/bench/p256-ops-native.a -o $(BUILD)/bench/p256-ops
	@echo "==> wasm ($(PROFILE) profile's objects)" && node $(BUILD)/bench/p256-ops.cjs $(P256_OPS_ROUNDS)
	@echo "==> native" && $(BUILD)/bench/p256-ops $(P256_OPS_ROUNDS)

# QUICK=1: the same rows with fewer rounds (under three minutes).
bench: build test-deps native-harness
	@BENCH_QUICK=$(QUICK) node $(BUILD)/js/bench/main.js

# The fuzzing harness (test/fuzz, issue 17): mutated TLS/DTLS handshakes against the engine and
# real sockets, bounded and seeded; a 24-second run of it is part of `make test`. A failure
# prints its reproducer: make fuzz FUZZ_SEED=s FUZZ_ONLY=i FUZZ_LAYER=engine|sockets.
FUZZ_SECONDS ?= 60
FUZZ_SEED ?= 24301
fuzz: build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_SEED=$(FUZZ_SEED) FUZZ_ONLY=$(FUZZ_ONLY) FUZZ_LAYER=$(FUZZ_LAYER) ZSOCK_TEST_TIMEOUT=$$(($(FUZZ_SECONDS) + 120)) \
	  scripts/run-tests.sh $(BUILD)/js/test/fuzz || { cat $(BUILD)/fuzz-last-input 2>/dev/null; exit 1; }

# The XS host (xs/): Moddable's engine with the native zsock:core.
include xs/xs.mk

# The mbedTLS config includes the PSA one (wasm/zsock_psa_config.h): mbedTLS's objects depend on both.
$(MBEDTLS_O) $(EVEREST_O) $(ASAN_MBEDTLS_O) $(NATIVE_MBEDTLS_O) $(NATIVE_EVEREST_O) $(XS_EMB_MBEDTLS_O) $(XS_EMB_EVEREST_O): wasm/zsock_psa_config.h

clean:
	rm -rf $(BUILD)/js $(BUILD)/wasm $(BUILD)/obj $(BUILD)/xs

distclean:
	rm -rf $(BUILD) node_modules
