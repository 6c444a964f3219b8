#!/usr/bin/env bash
# Prints the raw and gzip size of each file of the first load, and the total against the budget;
# then the wasm chunks the page fetches after its first paint (src/lazy.rs), which are not.
# A benchmark report, not a test: an overrun is printed loudly (issue 9 tracks it), not hidden.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../dist"
total=0
for f in index.html www/boot.js www/style.css sw.js pkg/etcd_playground.js pkg/__wasm_split.js pkg/etcd_playground_bg.wasm; do
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
  printf '%-32s %9d bytes raw %9d bytes gzip\n' "$f" "$raw" "$gz"
done
printf '%-32s %29d bytes gzip (budget 409600)\n' "first load" "$total"
later=0
for f in $(find pkg -name '*.wasm' ! -name etcd_playground_bg.wasm | sort); do
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); later=$((later + gz))
  printf '%-32s %9d bytes raw %9d bytes gzip (after first paint)\n' "$f" "$raw" "$gz"
done
printf '%-32s %29d bytes gzip\n' "after first paint" "$later"
if [ "$total" -gt 409600 ]; then
  printf 'OVER BUDGET: first load is %d bytes gzip, %d over the 409600 budget\n' "$total" $((total - 409600)) >&2
fi
