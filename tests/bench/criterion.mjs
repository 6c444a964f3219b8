// Reads criterion's saved estimates (target/criterion/<group>/<bench>[/<param>]/new/estimates.json)
// and prints them as BENCH lines with ratios from the same run:
//   node tests/bench/criterion.mjs commands          native commands ÷ `echo hi`
//   node tests/bench/criterion.mjs put_by_scenario   etcdctl put: the cluster (leader, follower) ÷ one member
//   node tests/bench/criterion.mjs engine     the engine ÷ a bare BTreeMap, per op and size
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { report } from './report.mjs';

// The repository root without the browser harness (this reads files only); criterion's own
// CRITERION_HOME, when set, is where the estimates are.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CRIT = process.env.CRITERION_HOME || join(ROOT, 'target', 'criterion');
const median = (...parts) => {
  const f = join(CRIT, ...parts, 'new', 'estimates.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).median.point_estimate : undefined;
};
const dirs = (...parts) => (existsSync(join(CRIT, ...parts)) ? readdirSync(join(CRIT, ...parts)).filter((d) => d !== 'report') : []);

const which = process.argv[2];
if (which === 'commands') {
  const base = median('commands_10k', 'echo_hi');
  if (base === undefined) throw new Error('no criterion estimates for commands_10k: run cargo bench --bench commands');
  for (const b of dirs('commands_10k').sort((x, y) => (x === 'echo_hi' ? -1 : y === 'echo_hi' ? 1 : x.localeCompare(y)))) {
    const ns = median('commands_10k', b);
    report('native', `10k keys: ${b}`, { 'median ms': ns / 1e6, budget: 16, 'ratio to echo hi': ns / base });
  }
} else if (which === 'put_by_scenario') {
  const one = median('put_by_scenario', 'one');
  if (one === undefined) throw new Error('no criterion estimates for put_by_scenario: run cargo bench --bench commands');
  report('native', 'put, one member (plain)', { 'median ms': one / 1e6, budget: 16 });
  for (const b of ['cluster_leader', 'cluster_follower']) {
    const ns = median('put_by_scenario', b);
    if (ns === undefined) throw new Error(`no criterion estimates for put_by_scenario/${b}`);
    report('native', `put, cluster through the ${b.slice(8)}`, { 'median ms': ns / 1e6, budget: 16, 'ratio cluster to one': ns / one });
  }
} else if (which === 'engine') {
  const groups = dirs().filter((g) => /^engine_\d+k$/.test(g)).sort((a, b) => parseInt(a.slice(7)) - parseInt(b.slice(7)));
  if (groups.length === 0) throw new Error('no criterion estimates for the engine: run cargo bench --bench engine');
  for (const g of groups) for (const op of dirs(g)) {
    const store = median(g, op, 'store'); const map = median(g, op, 'btreemap');
    if (store !== undefined && map !== undefined) report('engine', `${g.slice(7)} keys: ${op}`, { 'engine ns': store, 'BTreeMap ns': map, 'ratio engine to map': store / map });
  }
} else {
  throw new Error('usage: node tests/bench/criterion.mjs commands|put_by_scenario|engine');
}
