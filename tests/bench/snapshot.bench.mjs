// Benchmark (not a test; scripts/bench.sh runs it): snapshot
// status, restore, the member loading the restored db, and save, at 10k and 100k keys, in
// headless Chromium. The snapshot files are made by the native CLI (`run --export`).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, launch, openAt, run, terminalLines, timeCommand, TLS_ENV } from '../e2e/harness.mjs';
import { report } from './report.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/// A snapshot of `n` keys made in the plain scenario by the native CLI.
function makeSnapshot(n) {
  const dir = mkdtempSync(join(tmpdir(), 'snap-bench-'));
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`etcdctl put /bench/key-${String(i).padStart(6, '0')} value-${String(i).padStart(6, '0')}-${'x'.repeat(32)}`);
  lines.push('etcdctl snapshot save /root/bench.db');
  writeFileSync(join(dir, 'script'), lines.join('\n') + '\n');
  const out = join(dir, 'bench.db');
  const r = spawnSync(join(ROOT, 'target', 'debug', 'etcd-playground'), ['run', '--scenario', 'plain', '--export', `/root/bench.db=${out}`, join(dir, 'script')], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return readFileSync(out);
}

for (const n of [10_000, 100_000]) {
  test(`snapshot status, restore, load and save with ${n} keys in Chromium`, { timeout: 180_000 }, async () => {
    const file = makeSnapshot(n);
    const errors = [];
    const page = await openAt(browser, server.url, { errors });
    await run(page, TLS_ENV);
    await page.click('#tab-files');
    await page.setInputFiles('#file-upload', { name: 'bench.db', mimeType: 'application/octet-stream', buffer: file });
    await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('bench.db'));
    const status = await timeCommand(page, 'etcdctl snapshot status bench.db -w json');
    const st = JSON.parse((await terminalLines(page)).at(-1));
    assert.equal(st.totalKey >= n, true, `status counts ${st.totalKey} keys`);
    const restore = await timeCommand(page, 'etcdctl snapshot restore bench.db --data-dir /var/lib/etcd-bench');
    await run(page, "sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-bench#' /etc/kubernetes/manifests/etcd.yaml");
    // The next etcdctl call lets the kubelet restart etcd on the restored dir (the db loads).
    const load = await timeCommand(page, 'etcdctl get /bench/key-000000 --print-value-only');
    assert.equal((await terminalLines(page)).at(-1), `value-000000-${'x'.repeat(32)}`);
    const save = await timeCommand(page, 'etcdctl snapshot save again.db');
    assert.ok((await terminalLines(page)).includes('Snapshot saved at again.db'));
    report('snapshot', `${n} keys (file ${file.length} B)`, { status, restore, 'load on restart + get': load, save });
    assert.deepEqual(errors, []);
  });
}
