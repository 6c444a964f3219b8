#!/usr/bin/env bash
# Before and after on the same noisy machine: builds REF in a temporary git worktree and the
# current tree (uncommitted changes included), both with the current tree's benches/, then runs
# the two bench binaries alternately, ROUNDS times (old new old new …), and prints each bench's
# median per side (the median of its per-round criterion medians) and the ratio new ÷ old, with
# the spread of the per-round ratios. Never pass/fail: it reports.
#   bash scripts/bench-compare.sh [REF] [ROUNDS]
#     REF     a commit; a bare number N means HEAD~N; default: the merge-base with main
#             (HEAD~1 on main itself)
#     ROUNDS  default 4 (a round of the commands bench takes about 2 minutes per side)
#   BENCHES="commands engine"   which bench targets (default: commands)
#   BENCH_FILTER=REGEX          only the criterion benches matching (e.g. put_by_scenario)
#   BENCH_CLOCK=wall            wall time instead of thread CPU time (benches/common)
# The temporary worktree is removed on every exit, failures and Ctrl+C included. The report also
# lands in target/bench-compare.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"
cd "$ROOT"

ARG="${1:-}"
ROUNDS="${2:-4}"
BENCHES="${BENCHES:-commands}"
if [ -z "$ARG" ]; then
  REF="$(git merge-base HEAD main)"
  [ "$REF" = "$(git rev-parse HEAD)" ] && REF="$(git rev-parse HEAD~1)"
elif [[ "$ARG" =~ ^[0-9]{1,3}$ ]]; then
  REF="$(git rev-parse "HEAD~$ARG")"
else
  REF="$(git rev-parse --verify "$ARG^{commit}")"
fi
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a positive number, not '$ROUNDS'" >&2; exit 2; }

TMP="$(mktemp -d "${TMPDIR:-/tmp}/bench-compare.XXXXXX")"
OLD="$TMP/old"
cleanup() {
  # A worktree that cannot be removed (half made) is pruned once its directory is gone.
  if [ -d "$OLD" ]; then git -C "$ROOT" worktree remove --force "$OLD" >/dev/null 2>&1 || { rm -rf "$OLD"; git -C "$ROOT" worktree prune; }; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench-compare] %s\n' "$*" >&2; }

git worktree add --quiet --detach "$OLD" "$REF"
# The same benches on both sides: the current tree's, over the old tree's library.
rm -rf "$OLD/benches"
cp -R "$ROOT/benches" "$OLD/benches"

# build SIDE DIR: the bench binaries of DIR's tree, copied out as $TMP/bin/SIDE-NAME. One
# target dir for both (the dependencies build once); each binary is copied right after its build.
mkdir -p "$TMP/bin"
build() {
  local side="$1" dir="$2" b exe
  for b in $BENCHES; do
    grep -q "^name = \"$b\"" "$dir/Cargo.toml" || { echo "$side ($dir) has no [[bench]] named $b in Cargo.toml" >&2; exit 1; }
    log "building $b for $side ($(git -C "$dir" log -1 --format='%h %s' | cut -c1-70))"
    exe="$(cd "$dir" && CARGO_TARGET_DIR="$ROOT/target" nice cargo bench --quiet --no-run --bench "$b" --message-format=json \
      | grep '"reason":"compiler-artifact"' | grep "\"name\":\"$b\"" | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)"
    [ -n "$exe" ] && [ -x "$exe" ] || { echo "no bench binary for $b in $side" >&2; exit 1; }
    cp "$exe" "$TMP/bin/$side-$b"
  done
}
build old "$OLD"
# What "new" is, as built (the tree may change while the rounds run).
NEW_DESC="$(git log -1 --format='%h %s' HEAD | cut -c1-90)$(git diff --quiet HEAD -- || echo ' (+ uncommitted changes)')"
build new "$ROOT"

log "load average $(cut -d' ' -f1-3 /proc/loadavg); $ROUNDS rounds of: $BENCHES${BENCH_FILTER:+ (filter $BENCH_FILTER)}"
for r in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    for b in $BENCHES; do
      log "round $r/$ROUNDS: $side $b"
      # CRITERION_HOME keeps each run's estimates apart (and out of target/criterion).
      CRITERION_HOME="$TMP/crit/$side/$r" nice "$TMP/bin/$side-$b" --bench --noplot ${BENCH_FILTER:+"$BENCH_FILTER"} \
        >>"$TMP/$side.log" 2>&1 || { tail -20 "$TMP/$side.log" >&2; exit 1; }
    done
  done
done

mkdir -p "$ROOT/target"
CLOCK="$(grep -m1 '^bench clock:' "$TMP/new.log" | sed 's/^bench clock: //')"
{
  echo "# bench-compare, $(date -u +%Y-%m-%dT%H:%MZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
  echo "# old: $(git log -1 --format='%h %s' "$REF" | cut -c1-90)"
  echo "# new: $NEW_DESC"
  echo "# $ROUNDS rounds, old and new alternately; clock: $CLOCK; µs, median over the rounds of criterion's medians"
  node - "$TMP/crit" "$ROUNDS" <<'JS'
const fs = require('fs'), path = require('path');
const [crit, rounds] = [process.argv[2], +process.argv[3]];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
// side -> bench -> [median ns per round]
const found = { old: {}, new: {} };
const walk = (side, dir, rel) => {
  if (!fs.existsSync(dir)) return;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === 'report') continue;
    const est = path.join(dir, e.name, 'estimates.json');
    if (e.name === 'new' && fs.existsSync(est)) {
      (found[side][rel] ??= []).push(JSON.parse(fs.readFileSync(est, 'utf8')).median.point_estimate);
    } else walk(side, path.join(dir, e.name), rel ? `${rel}/${e.name}` : e.name);
  }
};
for (const side of ['old', 'new']) for (let r = 1; r <= rounds; r++) walk(side, path.join(crit, side, String(r)), '');
const names = [...new Set([...Object.keys(found.old), ...Object.keys(found.new)])].sort();
const us = (ns) => (ns / 1e3).toFixed(ns < 1e5 ? 2 : 1);
const rows = [['bench', 'old µs', 'new µs', 'new ÷ old', 'per-round ratios']];
for (const n of names) {
  const [o, w] = [found.old[n], found.new[n]];
  if (!o || !w) { rows.push([n, o ? us(median(o)) : '-', w ? us(median(w)) : '-', '-', 'only on one side']); continue; }
  const per = o.map((x, i) => (w[i] !== undefined ? w[i] / x : undefined)).filter((x) => x !== undefined);
  rows.push([n, us(median(o)), us(median(w)), (median(w) / median(o)).toFixed(2), `${Math.min(...per).toFixed(2)}-${Math.max(...per).toFixed(2)}`]);
}
const width = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  '));
JS
} | tee "$ROOT/target/bench-compare.txt"
