// The files panel decodes what a learner opens: a certificate (its fields, validity and the CA
// file that signed it) and a private key (a warning, not a decoding).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openAt, run, terminalLines } from './harness.mjs';

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
