#!/usr/bin/env bash
# Runs the cargo-fuzz targets of runner-match (see fuzz/README.md).
#
#   fuzz/run.sh          fuzz every target for FUZZ_SECONDS (default 60), one after another
#   fuzz/run.sh cmin     merge what fuzzing found into the checked-in corpus, minimized
#
# Environment: FUZZ_SECONDS, FUZZ_TARGETS (space-separated, default: all three),
# FUZZ_ARGS (extra libFuzzer flags, e.g. -max_len=512), FUZZ_TOOLCHAIN (default:
# nightly), FUZZ_RESUME=1 (keep the scratch corpus of the previous run).
#
# Fuzzing starts from the checked-in corpus fuzz/corpus/<target>/ but writes new inputs
# only to the scratch corpus fuzz/target/corpus/<target>/ (ignored by git; emptied at
# the start of each run unless FUZZ_RESUME=1, so start-up stays fast); crashes go to
# fuzz/artifacts/<target>/. Full libFuzzer logs: fuzz/target/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS="${FUZZ_SECONDS:-60}"
FUZZ_TARGETS="${FUZZ_TARGETS:-decode_page parse_requirements differential}"
FUZZ_TOOLCHAIN="${FUZZ_TOOLCHAIN:-nightly}"
read -r -a extra_args <<<"${FUZZ_ARGS:-}"
mode="${1:-run}"

if ! cargo "+$FUZZ_TOOLCHAIN" --version >/dev/null 2>&1; then
  echo "fuzz: the $FUZZ_TOOLCHAIN toolchain is missing: rustup toolchain install $FUZZ_TOOLCHAIN" >&2
  exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz"
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

scratch=fuzz/target/corpus
logs=fuzz/target/logs
mkdir -p "$logs"

case "$mode" in
run)
  failed=()
  for target in $FUZZ_TARGETS; do
    if [ "${FUZZ_RESUME:-0}" != 1 ]; then
      rm -rf "${scratch:?}/$target"
    fi
    mkdir -p "$scratch/$target" "fuzz/artifacts/$target"
    log="$logs/$target.log"
    echo "fuzz: $target for ${FUZZ_SECONDS}s (log: $log)"
    # The first corpus directory receives new inputs: the scratch one, not git's.
    if cargo "+$FUZZ_TOOLCHAIN" fuzz run "$target" "$scratch/$target" "fuzz/corpus/$target" -- \
      -max_total_time="$FUZZ_SECONDS" -timeout=10 -print_final_stats=1 \
      "${extra_args[@]}" >"$log" 2>&1; then
      status=ok
    else
      status=FAILED
      failed+=("$target")
    fi
    # libFuzzer's final line ("#N DONE cov: … exec/s: …") and its execution count.
    done_line="$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -n 1 || true)"
    executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
    echo "fuzz: $target $status: executions=${executions:-?} ${done_line}"
    if [ "$status" = FAILED ]; then
      grep -E 'panicked at|^Test unit written to|ERROR: libFuzzer' "$log" | head -n 20 || true
      tail -n 30 "$log"
    fi
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (reproduce: cargo +$FUZZ_TOOLCHAIN fuzz run <target> fuzz/artifacts/<target>/<file>)" >&2
    exit 1
  fi
  echo "fuzz: all targets ran ${FUZZ_SECONDS}s without a failure"
  ;;
cmin)
  # Like `cargo fuzz cmin`, but the hand-written seed-* files always stay: start from
  # them and let libFuzzer's merge add only inputs that bring new edge coverage
  # (set-cover merge on edges, hit counts ignored, which keeps the corpus small).
  for target in $FUZZ_TARGETS; do
    merged="fuzz/target/cmin/$target"
    rm -rf "$merged" && mkdir -p "$merged" "$scratch/$target"
    find "fuzz/corpus/$target" -maxdepth 1 -type f -name 'seed-*' -exec cp {} "$merged/" \;
    cargo "+$FUZZ_TOOLCHAIN" fuzz run "$target" "$merged" "fuzz/corpus/$target" "$scratch/$target" -- \
      -set_cover_merge=1 -use_counters=0 -timeout=10 "${extra_args[@]}" \
      >"$logs/$target.cmin.log" 2>&1
    find "fuzz/corpus/$target" -maxdepth 1 -type f ! -name 'seed-*' -delete
    find "$merged" -maxdepth 1 -type f ! -name 'seed-*' -exec cp {} "fuzz/corpus/$target/" \;
    echo "fuzz: $target corpus: $(find "fuzz/corpus/$target" -type f | wc -l) files," \
      "$(du -sb "fuzz/corpus/$target" | cut -f1) bytes"
  done
  ;;
*)
  echo "usage: fuzz/run.sh [run|cmin]" >&2
  exit 2
  ;;
esac
