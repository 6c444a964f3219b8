#!/usr/bin/env bash
# The benchmark report: every timing and size budget, measured and printed as numbers and as
# ratios from the same run (never pass/fail: the machine is shared and noisy; the test suite
# keeps only ceilings ten times above these budgets). Paste its report into your notes.
#   bash scripts/bench.sh            everything (about 10 minutes on the 2-core machine)
#   bash scripts/bench.sh --quick    sizes, native commands and the page; no engine or snapshot benches
# Installs what is missing, as test.sh does. The report also lands in target/bench-report.txt.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
QUICK=0; [ "${1:-}" = "--quick" ] && QUICK=1

ensure_apt chromium chromium
ensure_wasm_tools
ensure_node_deps

# The native benches' clock (benches/common): thread CPU time unless BENCH_CLOCK=wall.
NATIVE_CLOCK="thread CPU time"; [ "${BENCH_CLOCK:-}" = wall ] && NATIVE_CLOCK="wall clock"
OUT="$ROOT/target/bench-report.txt"
mkdir -p "$ROOT/target"
: > "$OUT"
say() { printf '%s\n' "$*" | tee -a "$OUT"; }

say "# etcd-playground benchmark report, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"

build_dist
cargo build --quiet --bin etcd-playground
say ""
say "## Sizes (first load budget 409600 B gzip)"
bash scripts/size-report.sh 2>&1 | tee -a "$OUT"

say ""
say "## Native commands at 10k keys ($NATIVE_CLOCK, criterion median; budget 16 ms; ratio to echo hi, same run)"
cargo bench --quiet --bench commands -- --noplot >/dev/null 2>&1
node tests/bench/criterion.mjs commands | tee -a "$OUT"
say ""
say "## etcdctl put, one member vs three ($NATIVE_CLOCK, criterion median, 10k keys; ratio cluster to one, same run)"
node tests/bench/criterion.mjs put_by_scenario | tee -a "$OUT"

if [ "$QUICK" = 0 ]; then
  say ""
  say "## Engine ÷ bare BTreeMap ($NATIVE_CLOCK, criterion median, same run)"
  cargo bench --quiet --bench engine -- --noplot >/dev/null 2>&1
  node tests/bench/criterion.mjs engine | tee -a "$OUT"
fi

say ""
say "## The page in headless Chromium (wall clock: what the learner waits for)"
benches=(tests/bench/page.bench.mjs)
[ "$QUICK" = 0 ] && benches+=(tests/bench/*.bench.mjs)
node --test --test-concurrency=1 $(printf '%s\n' "${benches[@]}" | sort -u) 2>&1 | grep -E '^(# )?BENCH|not ok|Error' | sed 's/^# //' | tee -a "$OUT"
say ""
say "report: $OUT"
