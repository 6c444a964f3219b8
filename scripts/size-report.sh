#!/usr/bin/env bash
# Prints the raw and gzip size of each file of the first load, and the total against the budget.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../dist"
total=0
for f in index.html www/boot.js www/style.css sw.js pkg/etcd_playground.js pkg/etcd_playground_bg.wasm; do
  raw=$(wc -c < "$f"); gz=$(gzip -9 -c "$f" | wc -c); total=$((total + gz))
  printf '%-32s %9d bytes raw %9d bytes gzip\n' "$f" "$raw" "$gz"
done
printf '%-32s %29d bytes gzip (budget 409600)\n' "first load" "$total"
[ "$total" -le 409600 ] || { echo "first load over budget" >&2; exit 1; }
