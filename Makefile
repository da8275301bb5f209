# runner-match: `make demo` and `make test` are the whole set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

.PHONY: help demo test check-rust tools-rust
help:
	@echo "make demo   # rank the embedded sample fleet (TAGS='gpu-a100, flux')"
	@echo "make test   # install what is needed and run every test"

tools-rust:
	@rustup target list --installed 2>/dev/null | grep -q wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

check-rust: tools-rust
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) test --workspace
	$(CARGO) build -p runner-match --target wasm32-unknown-unknown
	RUSTDOCFLAGS=-Dwarnings $(CARGO) doc --workspace --no-deps

demo:
	$(CARGO) run -q -p runner-match --example rank -- $(TAGS)

test: check-rust
