# runner-match. `make demo` and `make test` are the whole set-up on a fresh machine:
# every target installs what it needs first (idempotent, skipped when present).
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
WASM_TARGET := wasm32-unknown-unknown
# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
WASM_OUT := target/$(WASM_TARGET)/release/runner_match_wasm.wasm
PKG_SOURCES := $(shell find crates -name '*.rs' -o -name 'Cargo.toml' -o -path '*/js/*') \
               crates/runner-match-wasm/README.md Cargo.lock
PORT ?= 8080

.PHONY: help demo test tools tools-rust tools-wasm-bindgen tools-browser tools-npm \
        pkg test-rust test-wasm test-js clean fuzz fuzz-cmin bench bench-smoke

help:
	@echo "make demo   # serve the demo page + a stand-in API with a sample fleet on http://127.0.0.1:$(PORT)"
	@echo "             (native: cargo run -p runner-match --example rank -- gpu-a100, flux)"
	@echo "             (CLI: CFC_TOKEN=cfc_demo cargo run -q -p runner-match-cli -- find gpu-a100 --base-url http://127.0.0.1:$(PORT))"
	@echo "make test   # install what is needed and run every test"
	@echo "make pkg    # build the npm package into pkg/"
	@echo "make bench  # native, WASM-vs-JS (Chromium), paging and size benchmarks; rewrites BENCHMARKS.md"
	@echo "make fuzz   # cargo-fuzz (nightly) each target for FUZZ_SECONDS (default 60); make fuzz-cmin merges finds into fuzz/corpus"

# ---- tools -----------------------------------------------------------------------
tools: tools-rust tools-wasm-bindgen tools-browser tools-npm

tools-rust:
	@rustup target list --installed 2>/dev/null | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

tools-wasm-bindgen:
	@if [ "$$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $(WASM_BINDGEN_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (about 3 minutes)"; \
	  $(CARGO) install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --force; \
	fi

tools-browser:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then \
	  echo "installing Debian's chromium and chromium-driver"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

tools-npm: tests/node_modules/.installed

tests/node_modules/.installed: tests/package.json tests/package-lock.json
	cd tests && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# ---- build -----------------------------------------------------------------------
pkg: pkg/package.json

# npm's binaryen and esbuild (tests/package.json); never Debian's binaryen.
WASM_OPT := tests/node_modules/.bin/wasm-opt
ESBUILD := tests/node_modules/.bin/esbuild
# -Oz, repeated until the module stops shrinking (--converge: 0.5 KB gzipped, a few
# seconds). --low-memory-unused lets binaryen fold `pointer + constant` into load and
# store offsets (1.2 KB): the two differ only when the base pointer lies in the top
# 1 KiB of the 4 GiB space, which no valid pointer does (Rust lays the stack out first,
# [0, 1 MiB) growing down, with data and heap above it).
WASM_OPT_FLAGS := -Oz --converge --low-memory-unused

pkg/package.json: $(PKG_SOURCES) | tools-rust tools-wasm-bindgen tools-npm
	$(CARGO) build --release -p runner-match-wasm --target $(WASM_TARGET)
	rm -rf pkg && mkdir -p pkg
	wasm-bindgen --target web --out-dir pkg --out-name runner_match $(WASM_OUT)
	$(WASM_OPT) $(WASM_OPT_FLAGS) --strip-debug --strip-producers pkg/runner_match_bg.wasm -o pkg/runner_match_bg.wasm
	for js in pkg/runner_match.js $$(find pkg/snippets -name '*.js'); do \
	  $(ESBUILD) --minify --format=esm --target=es2020 --log-level=warning "$$js" --outfile="$$js" --allow-overwrite || exit 1; \
	done
	@# The generated classes declare [Symbol.dispose]: make the .d.ts say which lib that needs.
	sed -i '1i /// <reference lib="esnext.disposable" />' pkg/runner_match.d.ts
	cp crates/runner-match-wasm/js/node.js crates/runner-match-wasm/README.md pkg/
	cp crates/runner-match-wasm/js/package.json pkg/package.json

# ---- demo ------------------------------------------------------------------------
# The demo page, the package and the stand-in API with the sample fleet, on one origin.
demo: pkg
	PORT=$(PORT) node standin/demo.mjs

# ---- tests -----------------------------------------------------------------------
test: test-rust test-wasm test-js bench-smoke
	@echo "make test: all suites passed"

test-rust: tools-rust
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	@# The core as the wasm crate builds it, without its default `serde` feature.
	$(CARGO) clippy -p runner-match --no-default-features --all-targets -- -D warnings
	$(CARGO) test -p runner-match --no-default-features
	$(CARGO) build -p runner-match --target $(WASM_TARGET)
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --workspace --no-deps

# wasm-bindgen-test suites against the stand-in API: in Node, then in headless Chromium.
test-wasm: tools-rust tools-wasm-bindgen tools-browser
	node standin/with-standin.mjs -- $(CARGO) test -p runner-match-wasm --target $(WASM_TARGET)
	WASM_BINDGEN_USE_BROWSER=1 node standin/with-standin.mjs -- \
	  $(CARGO) test -p runner-match-wasm --target $(WASM_TARGET)

# The built package, imported exactly as consumers import it, in Node and Chromium.
test-js: pkg tools-npm tools-browser
	cd tests && node --test --test-concurrency=1 *.test.mjs

# ---- benchmarks (never timed in tests: bench-smoke only checks they build and agree) ----
bench: pkg tools-npm tools-browser
	CRITERION_HOME=$(CURDIR)/target/criterion node bench/run.mjs

bench-smoke: pkg tools-npm tools-browser
	CRITERION_HOME=$(CURDIR)/target/criterion node bench/run.mjs --smoke

# ---- fuzzing (nightly + cargo-fuzz; `make test` replays fuzz/corpus on stable) ----
FUZZ_SECONDS ?= 60

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

fuzz-cmin:
	bash fuzz/run.sh cmin

clean:
	rm -rf pkg tests/node_modules target fuzz/target
