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
