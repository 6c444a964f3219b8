// Issue 10 in the page: the seed tutorial's download block and its TLS snapshot commands,
// pasted into the terminal as a learner copies them from the tutorial (a real clipboard paste
// event; the page runs a multi-line paste line by line), read back from the scrollback.
// The page must print exactly what `etcd-playground run --echo` prints for the same lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, startServer, launch, openPage, paste, terminalLines } from './harness.mjs';

const DOWNLOAD = `ETCD_VER=v3.4.7

GOOGLE_URL=https://storage.googleapis.com/etcd
GITHUB_URL=https://github.com/etcd-io/etcd/releases/download
DOWNLOAD_URL=\${GOOGLE_URL}

rm -f /tmp/etcd-\${ETCD_VER}-linux-amd64.tar.gz
rm -rf /tmp/etcd-download-test && mkdir -p /tmp/etcd-download-test

curl -L \${DOWNLOAD_URL}/\${ETCD_VER}/etcd-\${ETCD_VER}-linux-amd64.tar.gz -o /tmp/etcd-\${ETCD_VER}-linux-amd64.tar.gz
tar xzvf /tmp/etcd-\${ETCD_VER}-linux-amd64.tar.gz -C /tmp/etcd-download-test --strip-components=1
rm -f /tmp/etcd-\${ETCD_VER}-linux-amd64.tar.gz

/tmp/etcd-download-test/etcd --version
/tmp/etcd-download-test/etcdctl version`;

// The tutorial's TLS block ends in a backslash: the learner adds the command on the next line.
const TLS_BLOCK = `ETCDCTL_API=3 etcdctl \\
--cacert /etc/kubernetes/pki/etcd/ca.crt \\
--key /etc/kubernetes/pki/etcd/server.key \\
--cert /etc/kubernetes/pki/etcd/server.crt \\
--endpoints $ADVERTISE_URL \\`;

const SNAPSHOT = [
  "ADVERTISE_URL=$(kubectl describe pod etcd-docker-01 -n kube-system | grep -o 'advertise-client-urls=.*' | cut -d= -f2)",
  TLS_BLOCK,
  'snapshot save snapshotdb',
  'ETCDCTL_API=3 etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb',
  'ETCDCTL_API=3 etcdctl --write-out=table snapshot status snapshotdb',
].join('\n');

const LINES = `${DOWNLOAD}\n${SNAPSHOT}`.split('\n');

/// What `etcd-playground run --echo` prints for the same lines, stdout and stderr in order.
function runMode(lines) {
  const dir = mkdtempSync(join(tmpdir(), 'tutorial-e2e-'));
  const file = join(dir, 'session.sh');
  writeFileSync(file, lines.join('\n') + '\n');
  const bin = join(ROOT, 'target', 'debug', 'etcd-playground');
  const r = spawnSync('sh', ['-c', `"${bin}" run --echo --scenario kubeadm "${file}" 2>&1`], { encoding: 'utf8' });
  if (r.error) throw r.error;
  return r.stdout.replace(/\n$/, '').split('\n');
}

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the tutorial download block and TLS snapshot commands, pasted', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  const before = (await terminalLines(page)).length;
  const hang = LINES.findIndex((l) => l.includes('--endpoints=[127.0.0.1:2379]'));
  // Everything up to the bracketed snapshot save in one paste (each line ends in a newline).
  await paste(page, LINES.slice(0, hang + 1).join('\n') + '\n');
  // Like the real client, the bracketed snapshot save hangs (no prompt) until Ctrl+C.
  await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('created temporary db file'));
  await page.waitForTimeout(1500);
  assert.equal(await page.textContent('#prompt'), '');
  await page.press('#cmd', 'Control+c');
  await page.waitForFunction(() => document.querySelector('#prompt').textContent !== '');
  await paste(page, LINES.slice(hang + 1).join('\n') + '\n');
  await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('TOTAL SIZE'));
  const lines = (await terminalLines(page)).slice(before);
  // The page echoes Ctrl+C as `^C` on its own line; run mode stops the hang by itself.
  const c = lines.indexOf('^C');
  assert.ok(c > 0 && lines[c - 1].includes('created temporary db file'), lines.join('\n'));
  lines.splice(c, 1);

  // The download block's outputs.
  for (const want of [
    '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current',
    'etcd-v3.4.7-linux-amd64/etcd', 'etcd-v3.4.7-linux-amd64/etcdctl',
    'etcd Version: 3.4.7', 'Git SHA: e694b7bb0', 'Go Version: go1.12.17', 'Go OS/Arch: linux/amd64',
    'etcdctl version: 3.4.7', 'API version: 3.4',
  ]) assert.ok(lines.includes(want), `missing ${JSON.stringify(want)}\n${lines.join('\n')}`);
  const v = lines.indexOf('etcd Version: 3.4.7');
  assert.deepEqual(lines.slice(v, v + 4), ['etcd Version: 3.4.7', 'Git SHA: e694b7bb0', 'Go Version: go1.12.17', 'Go OS/Arch: linux/amd64']);

  // The TLS block continues at bash's `> ` prompt, then saves.
  assert.ok(lines.includes('> --endpoints $ADVERTISE_URL \\'), lines.join('\n'));
  assert.ok(lines.includes('> snapshot save snapshotdb'), lines.join('\n'));
  assert.ok(lines.includes('Snapshot saved at snapshotdb'), lines.join('\n'));
  // snapshot status: the tutorial's four columns.
  assert.ok(lines.includes('|   HASH   | REVISION | TOTAL KEYS | TOTAL SIZE |'), lines.join('\n'));

  // Exactly what run mode prints, line for line.
  assert.deepEqual(lines, runMode(LINES));

  // The brackets are diagnosed in the page, in English and in Portuguese.
  await page.click('#lang-en');
  let notes = await page.$$eval('.explain', (els) => els.map((e) => e.textContent));
  assert.ok(notes.some((n) => n.includes('brackets')), notes.join('\n'));
  await page.click('#lang-pt');
  notes = await page.$$eval('.explain', (els) => els.map((e) => e.textContent));
  assert.ok(notes.some((n) => n.includes('colchetes')), notes.join('\n'));
  assert.deepEqual(errors, []);
});
