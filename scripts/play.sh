#!/usr/bin/env bash
# Command 1: install what is missing, build the page, serve it on http://127.0.0.1:8080.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ensure_wasm_tools
build_dist
cd "$ROOT"
cargo build --quiet --bin etcd-playground
exec target/debug/etcd-playground serve --dir dist --port "${PORT:-8080}"
