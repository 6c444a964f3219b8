#!/usr/bin/env bash
# Fuzzes the playground's six untrusted inputs with cargo-fuzz (libFuzzer, nightly toolchain):
# shell_line, etcdctl_args, snapshot, lesson, yaml, session_file (fuzz/fuzz_targets/).
#
#   scripts/fuzz.sh [RUNS] [TARGET...]     RUNS: executions per target (default 1000000)
#   FUZZ_SECONDS=N scripts/fuzz.sh ...      also stop each target after N seconds
#   FUZZ_REPORT=FILE                        where the table goes (default fuzz/report.txt)
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
log "writing the seeds"
cargo run --quiet --example fuzz_seeds -- fuzz/seeds >/dev/null
log "building the targets (release, sanitizer-coverage)"
cargo +nightly fuzz build -O
# The binaries run directly: a source edit during a long run does not rebuild under it.
BIN="$ROOT/fuzz/target/x86_64-unknown-linux-gnu/release"

REPORT="${FUZZ_REPORT:-$ROOT/fuzz/report.txt}"
printf '%-14s %12s %9s %8s %s\n' target executions seconds corpus findings > "$REPORT"
status=0
for t in "${TARGETS[@]}"; do
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t" "fuzz/seeds/$t"
  log="fuzz/$t.log"
  start=$(date +%s)
  # -rss_limit_mb: a blow-up is a finding; -timeout: a hang is one too; -max_len: room for the
  # 40 KB deep seeds. Findings do not stop the run (-fork would, per crash, lose the count).
  set +e
  "$BIN/$t" -artifact_prefix="$ROOT/fuzz/artifacts/$t/" "fuzz/corpus/$t" "fuzz/seeds/$t" \
    -runs="$RUNS" ${FUZZ_SECONDS:+-max_total_time=$FUZZ_SECONDS} -max_len=65536 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  set -e
  secs=$(( $(date +%s) - start ))
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  [ -n "$execs" ] || execs=$(grep -oE '#[0-9]+' "$log" | tail -1 | tr -d '#')
  corpus=$(find "fuzz/corpus/$t" -type f | wc -l)
  findings=$(find "fuzz/artifacts/$t" -type f | wc -l)
  if [ "$rc" -ne 0 ] || [ "$findings" -ne 0 ]; then
    status=1
    what="$findings file(s) in fuzz/artifacts/$t (exit $rc; see $log)"
  else
    what="none"
  fi
  printf '%-14s %12s %9s %8s %s\n' "$t" "${execs:-?}" "$secs" "$corpus" "$what" | tee -a "$REPORT"
done
log "report: $REPORT"
cat "$REPORT"
exit "$status"
