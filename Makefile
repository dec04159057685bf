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

WASM_OUT := $(BUILD)/wasm/zsock-core$(if $(filter embedded,$(PROFILE)),-embedded).wasm
OBJ := $(BUILD)/obj/$(PROFILE)$(subst -O2,,$(WASM_OPT))
PROFILE_DEF := $(if $(filter embedded,$(PROFILE)),-DZSOCK_PROFILE_EMBEDDED)
# CONFIG_SIZE_OPTIMIZATIONS, Kconfig style: WASM_OPT=-Os trades speed for about 30 KB.
WASM_OPT ?= -O2
CFLAGS_WASM := $(WASM_OPT) -I wasm -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library \
  '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"' $(PROFILE_DEF) $(ZSOCK_CFLAGS)
LDFLAGS_WASM := $(WASM_OPT) -sSTANDALONE_WASM --no-entry -sALLOW_MEMORY_GROWTH=1 -sMALLOC=emmalloc \
  -sINITIAL_MEMORY=4194304 -sTOTAL_STACK=262144 -sERROR_ON_UNDEFINED_SYMBOLS=0 -sWARN_ON_UNDEFINED_SYMBOLS=0

SHIM_SRC := $(wildcard wasm/*.c)
SHIM_HDR := $(wildcard wasm/*.h)

.PHONY: build deps toolchain mbedtls wasm wasm-all ts certs test test-deps bench native-harness sim run clean distclean

build: deps wasm-all ts certs

deps: toolchain node_modules/.installed

toolchain:
	@command -v $(EMCC) >/dev/null 2>&1 || { echo "==> installing emscripten (Debian package)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq emscripten node-acorn >/dev/null; }
	@[ -d /usr/share/nodejs/acorn ] || { echo "==> installing node-acorn (emscripten's optimizer)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq node-acorn >/dev/null; }

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

$(OBJ)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@$(EMCC) $(CFLAGS_WASM) -c $< -o $@

$(OBJ)/shim/%.o: wasm/%.c $(SHIM_HDR)
	@mkdir -p $(@D)
	@$(EMCC) $(CFLAGS_WASM) -Wall -Wextra -Werror -c $< -o $@

wasm: toolchain mbedtls
	@echo "==> wasm core ($(PROFILE) profile): mbedTLS + zsock shim with $$($(EMCC) --version 2>/dev/null | sed -n 1p | cut -d' ' -f1-10)"
	@$(MAKE) --no-print-directory -j$(shell nproc) $(WASM_OUT)

$(WASM_OUT): $(SHIM_O) $(MBEDTLS_O)
	@echo "==> linking $@ ($(PROFILE) profile)"
	@mkdir -p $(@D)
	@$(EMCC) $(LDFLAGS_WASM) $^ -o $@
	@echo "    $$(stat -c %s $@) bytes, $$(gzip -9c $@ | wc -c) gzipped"

wasm-all:
	@$(MAKE) --no-print-directory wasm PROFILE=full
	@$(MAKE) --no-print-directory wasm PROFILE=embedded

ts: node_modules/.installed
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

test: build test-deps
	@echo "==> typecheck"
	@npx tsc --noEmit -p .
	@echo "==> tests"
	@scripts/run-tests.sh $(BUILD)/js/test

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

# The native peer: our same shim and mbedTLS built with gcc -O2 for this machine (bench/native).
NATIVE_OBJ := $(BUILD)/obj/native
NATIVE_CFLAGS := -O2 -I wasm -I $(MBEDTLS_SRC)/include -I $(MBEDTLS_SRC)/library \
  '-DMBEDTLS_CONFIG_FILE="zsock_mbedtls_config.h"'
NATIVE_MBEDTLS_O = $(patsubst $(MBEDTLS_SRC)/library/%.c,$(NATIVE_OBJ)/mbedtls/%.o,$(MBEDTLS_C))
NATIVE_SHIM_O = $(patsubst wasm/%.c,$(NATIVE_OBJ)/shim/%.o,$(SHIM_SRC))
NATIVE_HARNESS := $(BUILD)/bench/native-harness

$(NATIVE_OBJ)/mbedtls/%.o: $(MBEDTLS_SRC)/library/%.c wasm/zsock_mbedtls_config.h
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) -c $< -o $@

$(NATIVE_OBJ)/shim/%.o: wasm/%.c $(SHIM_HDR)
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) -Wall -Wextra -Werror -c $< -o $@

$(NATIVE_HARNESS): bench/native/harness.c $(NATIVE_SHIM_O) $(NATIVE_MBEDTLS_O)
	@echo "==> native peer: zsock shim + mbedTLS with $$(gcc --version | head -1)"
	@mkdir -p $(@D)
	@gcc $(NATIVE_CFLAGS) -Wall -Wextra -o $@ $^

native-harness: mbedtls
	@command -v gcc >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc >/dev/null; }
	@$(MAKE) --no-print-directory -j$(shell nproc) $(NATIVE_HARNESS)

bench: build test-deps native-harness
	@node $(BUILD)/js/bench/main.js

clean:
	rm -rf $(BUILD)/js $(BUILD)/wasm $(BUILD)/obj

distclean:
	rm -rf $(BUILD) node_modules
