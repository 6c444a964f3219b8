// The thinnest whole path: page loads, the wasm engine answers etcdctl, history, language.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, typeCommand, terminalLines } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('put and get through the browser terminal', async () => {
  const errors = [];
  const { page, firstPromptMs } = await openPage(browser, server.url, { errors });
  console.log(`navigation to first prompt: ${firstPromptMs} ms`);
  assert.equal(await page.textContent('#prompt'), 'root@docker-01:~# ');
  // The default kubeadm etcd needs TLS flags; export them as a learner would.
  await typeCommand(page, 'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key');
  await typeCommand(page, 'etcdctl put k1 AAA,BBB,CCC');
  await typeCommand(page, 'etcdctl get k1');
  const lines = await terminalLines(page);
  assert.deepEqual(lines.slice(-5), [
    'root@docker-01:~# etcdctl put k1 AAA,BBB,CCC', 'OK',
    'root@docker-01:~# etcdctl get k1', 'k1', 'AAA,BBB,CCC',
  ]);
  assert.deepEqual(errors, []);
});

test('Up and Down recall history', async () => {
  const { page } = await openPage(browser, server.url);
  await typeCommand(page, 'echo one');
  await typeCommand(page, 'echo two');
  await page.press('#cmd', 'ArrowUp');
  assert.equal(await page.inputValue('#cmd'), 'echo two');
  await page.press('#cmd', 'ArrowUp');
  assert.equal(await page.inputValue('#cmd'), 'echo one');
  await page.press('#cmd', 'ArrowDown');
  assert.equal(await page.inputValue('#cmd'), 'echo two');
});

test('a failing command leaves the terminal usable', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  await typeCommand(page, 'etcdctl nosuchcommand');
  await typeCommand(page, 'nosuchprogram');
  await typeCommand(page, 'echo "still alive"');
  const lines = await terminalLines(page);
  assert.ok(lines.includes('Error: unknown command "nosuchcommand" for "etcdctl"'), lines.join('\n'));
  assert.ok(lines.includes('bash: nosuchprogram: command not found'));
  assert.equal(lines.at(-1), 'still alive');
  assert.deepEqual(errors, []);
});

test('the language switch translates the UI', async () => {
  const { page } = await openPage(browser, server.url);
  await page.click('#lang-en');
  assert.equal(await page.textContent('#lang-label'), 'Language');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.click('#lang-pt');
  assert.equal(await page.textContent('#lang-label'), 'Idioma');
  assert.equal(await page.getAttribute('html', 'lang'), 'pt-BR');
});

test('binary files (a program, the member database) print without breaking the terminal', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  await typeCommand(page, 'ls -l /var/lib/etcd/member/snap');
  await typeCommand(page, 'cat /usr/local/bin/etcdctl');
  await typeCommand(page, 'cat /var/lib/etcd/member/snap/db');
  await typeCommand(page, 'cat /var/lib/etcd/member/snap/db | wc -c');
  await typeCommand(page, 'echo "still alive"');
  const lines = await terminalLines(page);
  const size = lines.find((l) => l.endsWith(' db'))?.split(/ +/)[4];
  assert.ok(Number(size) > 100000, lines.join('\n'));
  // wc counts the bytes cat passed down the pipe: the size ls -l showed.
  assert.equal(lines.at(-3), size);
  const notes = await page.$$eval('.scrollback .explain', (els) => els.map((e) => e.textContent));
  assert.ok(notes.some((n) => n.includes('stands in for the binary') || n.includes('substitui o binário')), notes.join('\n'));
  assert.equal(lines.at(-1), 'still alive');
  assert.deepEqual(errors, []);
});

test('the terminal keeps its last line in view as output grows, and after a scroll up the next output brings it back', async () => {
  const { page } = await openPage(browser, server.url);
  const atEnd = () => page.waitForFunction(() => {
    const sb = document.querySelector('.scrollback');
    return sb.scrollHeight > sb.clientHeight && sb.scrollTop + sb.clientHeight >= sb.scrollHeight - 2;
  }, null, { timeout: 15000 });
  await typeCommand(page, 'seq 1 200');
  await atEnd();
  await page.evaluate(() => { document.querySelector('.scrollback').scrollTop = 0; });
  await typeCommand(page, 'echo back');
  await atEnd();
});
