#!/usr/bin/env bash
# Plays a new machine for the tools setup.sh installs with cargo: an empty install root
# (CARGO_INSTALL_ROOT), a HOME without ~/.cargo/bin, and a PATH that holds only the Rust
# toolchain itself. Then runs setup.sh's own installs and checks that each tool runs from the new
# root at the pinned version. test.sh runs it on every CI run (a green run on a machine whose
# tools were installed by hand proves nothing about a new one); it prints how long each took.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REAL_CARGO="$(command -v cargo || echo "$HOME/.cargo/bin/cargo")"
TOOLCHAIN_BIN="$(dirname "$REAL_CARGO")"
SCRATCH="$(mktemp -d /tmp/fresh-install.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT

# Only the toolchain's own programs, nothing that an earlier install left beside them.
mkdir -p "$SCRATCH/toolchain" "$SCRATCH/home" "$SCRATCH/root"
for p in cargo rustc rustup rustdoc; do ln -s "$TOOLCHAIN_BIN/$p" "$SCRATCH/toolchain/$p"; done

export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}"
# Keep the registry cache (downloads are not what this checks), but not the installed binaries.
export CARGO_HOME="$SCRATCH/home/.cargo"
mkdir -p "$CARGO_HOME"
[ -d "$HOME/.cargo/registry" ] && ln -s "$HOME/.cargo/registry" "$CARGO_HOME/registry"
export HOME="$SCRATCH/home"
export CARGO_INSTALL_ROOT="$SCRATCH/root"
export CARGO_TARGET_DIR="$SCRATCH/target"
export PATH="$SCRATCH/toolchain:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

if command -v wasm-bindgen >/dev/null || command -v wasm-split-cli >/dev/null; then
  echo "fresh-install: a wasm tool is still on PATH; this would prove nothing" >&2; exit 1
fi

source "$ROOT/scripts/setup.sh"
t0=$SECONDS
ensure_wasm_tools
took=$((SECONDS - t0))

want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$ROOT/Cargo.lock")"
got="$(command -v wasm-bindgen)"
[ "$got" = "$CARGO_INSTALL_ROOT/bin/wasm-bindgen" ] || { echo "fresh-install: wasm-bindgen runs from $got, not the new root" >&2; exit 1; }
[ "$(wasm-bindgen --version | awk '{print $2}')" = "$want" ] || { echo "fresh-install: wasm-bindgen is not $want" >&2; exit 1; }
[ -x "$CARGO_INSTALL_ROOT/bin/wasm-bindgen-test-runner" ] || { echo "fresh-install: no wasm-bindgen-test-runner" >&2; exit 1; }
[ "$(command -v wasm-split-cli)" = "$CARGO_INSTALL_ROOT/bin/wasm-split-cli" ] || { echo "fresh-install: wasm-split-cli missing from the new root" >&2; exit 1; }
cargo install --list | grep -qx "wasm_split_cli_support v$WASM_SPLIT_VERSION:" || { echo "fresh-install: wasm-split-cli is not $WASM_SPLIT_VERSION" >&2; exit 1; }
# A second run only checks (setup.sh is idempotent): it must not install again.
t1=$SECONDS
ensure_wasm_tools
echo "fresh-install: wasm-bindgen-cli $want and wasm-split-cli $WASM_SPLIT_VERSION installed from nothing in ${took}s; a second run checked in $((SECONDS - t1))s"
