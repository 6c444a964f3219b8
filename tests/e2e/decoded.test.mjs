// The files panel decodes what a learner opens: a certificate (its fields, validity and the CA
// file that signed it), a private key (a warning, not a decoding), an etcd snapshot (the same
// status table the terminal prints), and a file that only pretends to be a snapshot.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, startServer, launch, openAt, run, terminalLines, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const file = (p) => `button.file[data-path="${p}"]`;

test('files: server.crt opens decoded; its key shows a warning instead', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await run(page, 'openssl x509 -in /etc/kubernetes/pki/etcd/server.crt -noout -enddate -serial');
  const lines = await terminalLines(page);
  const notAfter = lines.find((l) => l.startsWith('notAfter=')).slice('notAfter='.length);
  const serial = lines.find((l) => l.startsWith('serial=')).slice('serial='.length);
  await page.click('#tab-files');
  await page.click(file('/etc/kubernetes/pki/etcd/server.crt'));
  assert.equal(await page.textContent('#cert-subject'), 'CN = docker-01');
  assert.equal(await page.textContent('#cert-issuer'), 'CN = etcd-ca');
  assert.equal(await page.textContent('#cert-serial'), serial);
  assert.equal(await page.textContent('#cert-not-after'), `${notAfter} válido agora`);
  assert.equal(await page.getAttribute('#cert-validity', 'class'), 'ok');
  const sans = await page.textContent('#cert-sans');
  for (const s of ['DNS:docker-01', 'DNS:localhost', 'IP:172.17.0.2', 'IP:127.0.0.1']) assert.ok(sans.includes(s), sans);
  assert.equal(await page.textContent('#cert-ku'), 'Digital Signature, Key Encipherment');
  assert.equal(await page.textContent('#cert-eku'), 'TLS Web Server Authentication, TLS Web Client Authentication');
  assert.equal(await page.textContent('#cert-signer'), '/etc/kubernetes/pki/etcd/ca.crt');
  // The raw PEM is still there below, and the labels follow the language.
  assert.match(await page.textContent('#file-content'), /^-----BEGIN CERTIFICATE-----/);
  await page.click('#lang-en');
  assert.match(await page.textContent('#cert-view'), /Signed by \(CA file\)/);
  assert.equal(await page.textContent('#cert-validity'), 'valid now');
  // The CA is its own signer.
  await page.click(file('/etc/kubernetes/pki/etcd/ca.crt'));
  assert.match(await page.textContent('#cert-signer'), /self-signed/);
  assert.equal(await page.locator('#cert-ca').count(), 1);
  // A private key: a warning, nothing decoded.
  await page.click(file('/etc/kubernetes/pki/etcd/server.key'));
  assert.match(await page.textContent('#key-note'), /never share it/);
  assert.equal(await page.locator('#cert-view').count(), 0);
  assert.deepEqual(errors, []);
});

test('files: an expired certificate is flagged; it still chains to the etcd CA', async () => {
  // The broken-on-purpose scenario's server.crt, printed by the native binary, uploaded here.
  const pem = execFileSync(join(ROOT, 'target', 'debug', 'etcd-playground'), ['run', '--scenario', 'kubeadm-expired-cert', '-'],
    { input: 'cat /etc/kubernetes/pki/etcd/server.crt\n' });
  assert.match(pem.toString(), /^-----BEGIN CERTIFICATE-----\n/);
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#lang-en');
  await run(page, 'cd /tmp');
  await page.click('#tab-files');
  await page.setInputFiles('#file-upload', { name: 'old-server.crt', mimeType: 'application/x-x509-ca-cert', buffer: pem });
  await page.click(file('/tmp/old-server.crt'));
  assert.equal(await page.textContent('#cert-validity'), 'EXPIRED');
  assert.equal(await page.getAttribute('#cert-validity', 'class'), 'err');
  assert.equal(await page.textContent('#cert-signer'), '/etc/kubernetes/pki/etcd/ca.crt');
  await run(page, 'openssl x509 -in /tmp/old-server.crt -noout -checkend 0');
  assert.equal((await terminalLines(page)).at(-1), 'Certificate will expire');
  assert.deepEqual(errors, []);
});

/// The cells of the data row of a `-w table` printed in the terminal.
function tableRow(lines) {
  const i = lines.findLastIndex((l) => /^\|\s+HASH\s+\|/.test(l));
  assert.ok(i >= 0, lines.join('\n'));
  return lines[i + 2].split('|').map((c) => c.trim()).filter((c) => c !== '');
}

test('files: a saved snapshot shows the status the terminal prints; garbage named .db shows an error', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#lang-en');
  await run(page, TLS_ENV, 'etcdctl put k1 v1', 'etcdctl snapshot save /root/backup.db', 'etcdctl snapshot status /root/backup.db -w table');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((e) => /^\|\s+HASH/.test(e.textContent)));
  const row = tableRow(await terminalLines(page));
  await page.click('#tab-files');
  await page.click(file('/root/backup.db'));
  const cells = await page.locator('#snapshot-status td').allTextContents();
  assert.deepEqual(cells, row);
  assert.ok(Number(cells[1]) > 1 && Number(cells[2]) > 1, cells.join(' '));
  assert.deepEqual(await page.locator('#snapshot-status th').allTextContents(), ['HASH', 'REVISION', 'TOTAL KEYS', 'TOTAL SIZE']);
  // A later write is not in the file: the panel keeps showing the file's revision.
  await run(page, 'etcdctl put k2 v2');
  assert.equal(await page.locator('#snapshot-status td').nth(1).textContent(), row[1]);
  // Saved again over the same file: the panel follows the new bytes.
  await run(page, 'etcdctl snapshot save /root/backup.db');
  await page.waitForFunction((r) => document.querySelectorAll('#snapshot-status td')[1]?.textContent === r, String(Number(row[1]) + 1), { timeout: 5000 });
  // Download still gives the file's bytes: the size wc prints, and bbolt's magic at offset 16.
  await run(page, 'wc -c /root/backup.db');
  const size = Number((await terminalLines(page)).findLast((l) => l.endsWith(' /root/backup.db')).split(' ')[0]);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#file-download')]);
  assert.equal(dl.suggestedFilename(), 'backup.db');
  const bytes = readFileSync(await dl.path());
  assert.equal(bytes.length, size);
  assert.equal(bytes.readUInt32LE(16), 0xed0cdaed);
  // Garbage with a snapshot's name: the command's error, the explanation, no crash.
  await run(page, 'echo garbage > /root/bad.db', 'etcdctl snapshot status /root/bad.db');
  const err = (await terminalLines(page)).findLast((l) => l.startsWith('Error: '));
  await page.click(file('/root/bad.db'));
  assert.match(await page.textContent('#snapshot-error'), /Not a valid etcd snapshot/);
  assert.equal(await page.textContent('#snapshot-error code'), err);
  assert.match(await page.textContent('#snapshot-error .explain'), /bbolt/);
  assert.equal(await page.locator('#snapshot-status').count(), 0);
  assert.equal(await page.textContent('#file-content'), 'garbage\n');
  assert.deepEqual(errors, []);
});
