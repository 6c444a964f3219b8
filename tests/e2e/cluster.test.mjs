// The cluster panel: etcd turns red after a bad manifest edit and comes back; the trust
// diagram highlights the broken edge after a failed handshake, with the diagnosis.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openAt, run, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('trust diagram: a failed handshake marks the etcdctl edge broken with its diagnosis', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#lang-en');
  await page.click('#tab-cluster');
  assert.match(await page.getAttribute('#cluster-etcd', 'class'), /\bup\b/);
  assert.match(await page.getAttribute('#edge-kube-apiserver', 'class'), /\bok\b/);
  assert.match(await page.textContent('#edge-kube-apiserver'), /--etcd-certfile → \/etc\/kubernetes\/pki\/apiserver-etcd-client\.crt/);
  // No certificates yet: etcdctl's edge is broken.
  await run(page, 'etcdctl get k1');
  assert.match(await page.getAttribute('#edge-etcdctl', 'class'), /\bbroken\b/);
  assert.ok((await page.textContent('#edge-etcdctl .diagnosis')).length > 10);
  // A wrong CA: still broken, and it says so.
  await run(page, TLS_ENV, 'export ETCDCTL_CACERT=/etc/kubernetes/pki/ca.crt', 'etcdctl get k1');
  assert.match(await page.getAttribute('#edge-etcdctl', 'class'), /\bbroken\b/);
  assert.match(await page.textContent('#edge-etcdctl'), /ETCDCTL_CACERT → \/etc\/kubernetes\/pki\/ca\.crt/);
  // The right files: the edge turns healthy.
  await run(page, TLS_ENV, 'etcdctl get k1');
  assert.match(await page.getAttribute('#edge-etcdctl', 'class'), /\bok\b/);
  assert.equal(await page.locator('#edge-etcdctl .diagnosis').count(), 0);
  assert.deepEqual(errors, []);
});

test('saving a broken etcd manifest in the editor takes etcd down (red); fixing it brings it back', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#tab-files');
  await page.click('button.file[data-path="/etc/kubernetes/manifests/etcd.yaml"]');
  await page.click('#file-edit');
  const good = await page.inputValue('#file-editor');
  await page.fill('#file-editor', good.replace('--cert-file=/etc/kubernetes/pki/etcd/server.crt', '--cert-file=/etc/kubernetes/pki/etcd/nope.crt'));
  await page.click('#file-save');
  await page.click('#tab-cluster');
  assert.match(await page.getAttribute('#cluster-etcd', 'class'), /\bdown\b/);
  assert.ok((await page.textContent('#cluster-etcd .diagnosis')).length > 5);
  assert.match(await page.getAttribute('#cluster-api', 'class'), /\bdown\b/);
  await page.click('#tab-files');
  await page.click('button.file[data-path="/etc/kubernetes/manifests/etcd.yaml"]');
  await page.click('#file-edit');
  await page.fill('#file-editor', good);
  await page.click('#file-save');
  await page.click('#tab-cluster');
  assert.match(await page.getAttribute('#cluster-etcd', 'class'), /\bup\b/);
  assert.deepEqual(errors, []);
});

test("trust diagram: the kubelet's health check is a plain-HTTP edge that follows the etcd manifest", async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#lang-en');
  await page.click('#tab-cluster');
  const edge = '#edge-kubelet';
  assert.match(await page.getAttribute(edge, 'class'), /\bok\b/);
  const text = await page.textContent(edge);
  assert.match(text, /kubelet \(health check\)/);
  assert.match(text, /──HTTP──▶/);
  assert.match(text, /etcd http:\/\/127\.0\.0\.1:2381\/livez/);
  assert.match(text, /livenessProbe\.httpGet → http:\/\/127\.0\.0\.1:2381\/livez/);
  assert.match(text, /--listen-metrics-urls → http:\/\/127\.0\.0\.1:2381/);
  assert.match(await page.textContent(`${edge} .note-cert`), /presents no certificate.*metrics.*loopback/);
  // Move the probes to another port with sed: the kubelet picks the manifest up, the edge breaks.
  await run(page, "sed -i 's/port: 2381/port: 2382/' /etc/kubernetes/manifests/etcd.yaml");
  await page.waitForSelector(`${edge}.broken`, { timeout: 5000 });
  assert.match(await page.textContent(`${edge} .diagnosis`), /dial tcp 127\.0\.0\.1:2382: connect: connection refused/);
  assert.match(await page.textContent(`${edge} .diagnosis`), /--listen-metrics-urls is http:\/\/127\.0\.0\.1:2381/);
  assert.match(await page.getAttribute('#cluster-etcd', 'class'), /\bup\b/, 'etcd itself keeps running');
  // Put it back: healthy again; in Portuguese the note is translated.
  await run(page, "sed -i 's/port: 2382/port: 2381/' /etc/kubernetes/manifests/etcd.yaml");
  await page.waitForSelector(`${edge}.ok`, { timeout: 5000 });
  await page.click('#lang-pt');
  assert.match(await page.textContent(`${edge} .note-cert`), /não apresenta certificado/);
  assert.deepEqual(errors, []);
});
