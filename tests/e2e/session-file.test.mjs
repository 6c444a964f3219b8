// Save / load my session (issue 8): the whole playground as one CBOR file, downloaded and
// loaded back in another browser context; a damaged or newer file changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openAt, run, terminalLines, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('a saved session file loads into a fresh browser with its keys, files, history and language', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await run(page, TLS_ENV, 'etcdctl put k1 AAA,BBB,CCC', 'echo note > /root/notes.txt');
  await page.click('#lang-en');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#session-save')]);
  assert.equal(dl.suggestedFilename(), 'etcd-playground-session.cbor');
  const bytes = readFileSync(await dl.path());
  assert.ok(bytes.length > 1000, `session file of ${bytes.length} bytes`);

  // Another browser profile: nothing stored, Portuguese by default.
  const fresh = await openAt(browser, server.url, { errors });
  assert.equal(await fresh.getAttribute('html', 'lang'), 'pt-BR');
  await fresh.setInputFiles('#session-load', { name: 'etcd-playground-session.cbor', mimeType: 'application/cbor', buffer: bytes });
  await fresh.waitForFunction(() => document.documentElement.lang === 'en');
  assert.ok((await terminalLines(fresh)).includes('Session loaded from the file.'));
  await run(fresh, 'etcdctl get k1', 'cat /root/notes.txt');
  const lines = await terminalLines(fresh);
  assert.deepEqual(lines.slice(-5), ['root@docker-01:~# etcdctl get k1', 'k1', 'AAA,BBB,CCC', 'root@docker-01:~# cat /root/notes.txt', 'note']);
  // The shell history came with it.
  await fresh.fill('#cmd', '');
  await fresh.press('#cmd', 'ArrowUp');
  await fresh.press('#cmd', 'ArrowUp');
  assert.equal(await fresh.inputValue('#cmd'), 'etcdctl get k1');
  assert.deepEqual(errors, []);
});

test('a damaged or foreign session file is refused and changes nothing', async () => {
  const page = await openAt(browser, server.url);
  await run(page, 'export KEEP=me');
  await page.setInputFiles('#session-load', { name: 'broken.cbor', mimeType: 'application/cbor', buffer: Buffer.from('not a session at all') });
  // The page is in Portuguese by default: the refusal says so in Portuguese.
  await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('não é uma sessão salva'));
  await run(page, 'echo $KEEP');
  assert.equal((await terminalLines(page)).at(-1), 'me');
});
