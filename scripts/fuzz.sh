#!/usr/bin/env bash
# Fuzzes the playground's six untrusted inputs with cargo-fuzz (libFuzzer, nightly toolchain):
# shell_line, etcdctl_args, snapshot, lesson, yaml, session_file (fuzz/fuzz_targets/).
#
#   scripts/fuzz.sh [RUNS] [TARGET...]     RUNS: executions per target (default 1000000)
#   FUZZ_SECONDS=N scripts/fuzz.sh ...      also stop each target after N seconds
#   FUZZ_REPORT=FILE                        where the table goes (default fuzz/report.txt)
#   FUZZ_FORK=N                             N worker processes per target (libFuzzer -fork; one
#                                           run, executions summed; findings do not stop it)
#   FUZZ_PREBUILT=1                         skip writing the seeds and building: run what is there
#
# Each target starts from the seeds `examples/fuzz_seeds.rs` writes (valid inputs and the
# 20000-deep ones), runs RUNS executions on one process, and the report gives, per target, the
# executions done, the seconds taken, the corpus size and the findings (crash/timeout/oom files
# libFuzzer left in fuzz/artifacts/TARGET). Exit status 1 when any target found something.
# The stable `cargo test` runs a fixed-seed proptest slice of the same inputs (tests/fuzz_props.rs).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=setup.sh
source "$ROOT/scripts/setup.sh"

RUNS="${1:-1000000}"
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then TARGETS=(shell_line etcdctl_args snapshot lesson yaml session_file); fi
CARGO_FUZZ_VERSION=0.13.1

if ! rustup toolchain list | grep -q '^nightly'; then
  log "no nightly toolchain: cargo-fuzz needs one (rustup toolchain install nightly); the stable suite still runs tests/fuzz_props.rs"
  exit 2
fi
if ! cargo install --list | grep -qx "cargo-fuzz v$CARGO_FUZZ_VERSION:"; then
  cargo_install_pinned cargo-fuzz "$CARGO_FUZZ_VERSION"
fi

cd "$ROOT"
# The binaries run directly: a source edit during a long run does not rebuild under it.
BIN="$ROOT/fuzz/target/x86_64-unknown-linux-gnu/release"
if [ -n "${FUZZ_PREBUILT:-}" ]; then
  # FUZZ_PREBUILT=1: run the binaries and seeds already there (a second run beside a first one).
  for t in "${TARGETS[@]}"; do [ -x "$BIN/$t" ] && [ -d "fuzz/seeds/$t" ] || { log "FUZZ_PREBUILT: no $BIN/$t or fuzz/seeds/$t"; exit 2; }; done
else
log "writing the seeds"
cargo run --quiet --example fuzz_seeds -- fuzz/seeds >/dev/null
log "building the targets (release, sanitizer-coverage, no AddressSanitizer)"
# `-s none`: the crate has no `unsafe` (grep finds none), so AddressSanitizer could only catch
# what safe Rust already refuses, at twice the time per execution. Panics, stack overflows
# (SIGSEGV/SIGABRT), timeouts and the RSS limit are still findings.
cargo +nightly fuzz build -O -s none
fi

REPORT="${FUZZ_REPORT:-$ROOT/fuzz/report.txt}"
printf '%-14s %12s %9s %8s %8s %s\n' target executions seconds exec/s corpus findings > "$REPORT"
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t" "fuzz/seeds/$t"
  log="fuzz/$t.log"
  start=$(date +%s)
  # -max_len: room for the 40 KB deep seeds, except for shell_line: a shell line costs about
  # its length several times over (tokenized for the heredoc check, the completeness check,
  # the run, and again per `$(...)` level), and mutants of the 40 KB seeds cut its rate to a
  # fifth. 4096 bytes still nest 2048 `$(` deep, twenty times the shell's cap
  # (parse::MAX_NESTING); the whole deep seeds run once first, below, and the stable suite's
  # properties (tests/fuzz_props.rs) nest 20000 deep on a 1 MiB stack.
  max_len=65536
  if [ "$t" = shell_line ]; then
    max_len=4096
    set +e
    "$BIN/$t" -timeout=20 -rss_limit_mb=2048 fuzz/seeds/$t/* >"fuzz/$t.seeds.log" 2>&1
    rc=$?
    set -e
    [ "$rc" -eq 0 ] || { status=1; log "$t: a seed failed at full length (see fuzz/$t.seeds.log)"; }
  fi
  # -rss_limit_mb: a blow-up is a finding; -timeout: a hang is one too. Without -fork, findings
  # do not stop the run either (the process exits on the first crash: the count stops there).
  fork=()
  if [ "${FUZZ_FORK:-0}" -gt 0 ]; then fork=(-fork="$FUZZ_FORK" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1); fi
  set +e
  "$BIN/$t" -artifact_prefix="$ROOT/fuzz/artifacts/$t/" "fuzz/corpus/$t" "fuzz/seeds/$t" "${fork[@]}" \
    -runs="$RUNS" ${FUZZ_SECONDS:+-max_total_time=$FUZZ_SECONDS} -max_len="$max_len" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  # One process prints the final stats; a -fork parent prints none: its last `#N:` line.
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  [ -n "$execs" ] || execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  findings=$(find "fuzz/artifacts/$t" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
    status=1
    what="$findings file(s) in fuzz/artifacts/$t (exit $rc; see $log)"
  else
    what="none"
  fi
  rate=$(( ${execs:-0} / (secs > 0 ? secs : 1) ))
  printf '%-14s %12s %9s %8s %8s %s\n' "$t" "${execs:-?}" "$secs" "$rate" "$corpus" "$what" | tee -a "$REPORT"
done
log "report: $REPORT"
cat "$REPORT"
exit "$status"
