// Terminal habits: Ctrl+R, Tab, Ctrl+C, Ctrl+L, multi-line paste, and 10k output lines.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openAt, run, paste, terminalLines, timeCommand, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('Ctrl+R finds older commands; Enter runs the match', async () => {
  const page = await openAt(browser, server.url);
  await run(page, 'echo alpha', 'echo beta', 'echo alpine');
  await page.press('#cmd', 'Control+r');
  await page.type('#cmd', 'al');
  assert.equal(await page.textContent('#rsearch'), "(reverse-i-search)`al': echo alpine");
  await page.press('#cmd', 'Control+r');
  assert.equal(await page.textContent('#rsearch'), "(reverse-i-search)`al': echo alpha");
  await page.press('#cmd', 'Enter');
  const lines = await terminalLines(page);
  assert.deepEqual(lines.slice(-2), ['root@docker-01:~# echo alpha', 'alpha']);
  assert.equal(await page.locator('#rsearch').count(), 0);
  // Esc accepts the match into the line for editing instead of running it.
  await page.press('#cmd', 'Control+r');
  await page.type('#cmd', 'bet');
  await page.press('#cmd', 'Escape');
  assert.equal(await page.inputValue('#cmd'), 'echo beta');
  // A query with no match says so.
  await page.fill('#cmd', '');
  await page.press('#cmd', 'Control+r');
  await page.type('#cmd', 'zzz');
  assert.match(await page.textContent('#rsearch'), /^\(failed reverse-i-search\)/);
  await page.press('#cmd', 'Control+g');
  assert.equal(await page.locator('#rsearch').count(), 0);
});

test('Tab completes commands, subcommands and paths; lists choices', async () => {
  const page = await openAt(browser, server.url);
  await page.fill('#cmd', 'etcd');
  await page.press('#cmd', 'Tab');
  assert.equal(await page.inputValue('#cmd'), 'etcdctl ');
  await page.type('#cmd', 'sn');
  await page.press('#cmd', 'Tab');
  assert.equal(await page.inputValue('#cmd'), 'etcdctl snapshot ');
  await page.fill('#cmd', 'ls /etc/kubernetes/pki/etcd/ca');
  await page.press('#cmd', 'Tab');
  assert.equal(await page.inputValue('#cmd'), 'ls /etc/kubernetes/pki/etcd/ca.');
  await page.press('#cmd', 'Tab');
  const lines = await terminalLines(page);
  assert.equal(lines.at(-1), '/etc/kubernetes/pki/etcd/ca.crt  /etc/kubernetes/pki/etcd/ca.key');
  assert.equal(await page.inputValue('#cmd'), 'ls /etc/kubernetes/pki/etcd/ca.', 'the line is kept');
  // Focus stays in the input after Tab; Esc then Tab moves focus out (no keyboard trap).
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cmd');
  await page.press('#cmd', 'Escape');
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'cmd');
});

test('Ctrl+C cancels a pending multi-line command; Ctrl+L clears', async () => {
  const page = await openAt(browser, server.url);
  await run(page, 'echo one \\');
  assert.equal(await page.textContent('#prompt'), '> ');
  await page.type('#cmd', 'two');
  await page.press('#cmd', 'Control+c');
  assert.equal(await page.textContent('#prompt'), 'root@docker-01:~# ');
  assert.equal((await terminalLines(page)).at(-1), '> two^C');
  await run(page, 'echo after');
  assert.equal((await terminalLines(page)).at(-1), 'after');
  await page.press('#cmd', 'Control+l');
  assert.deepEqual(await terminalLines(page), []);
  await run(page, 'echo still here');
  assert.deepEqual(await terminalLines(page), ['root@docker-01:~# echo still here', 'still here']);
});

test('a multi-line paste runs line by line and keeps the unfinished tail', async () => {
  const page = await openAt(browser, server.url);
  await paste(page, `${TLS_ENV}\netcdctl put p1 one\netcdctl get p1\necho tail`);
  const lines = await terminalLines(page);
  assert.deepEqual(lines.slice(-5), ['root@docker-01:~# etcdctl put p1 one', 'OK', 'root@docker-01:~# etcdctl get p1', 'p1', 'one']);
  assert.equal(await page.inputValue('#cmd'), 'echo tail');
});

test('10k output lines keep the page responsive', async () => {
  const page = await openAt(browser, server.url);
  const n = 10000;
  const cmd = 'echo -e "' + Array.from({ length: n }, (_, i) => `${i + 1}`).join('\\n') + '"';
  const ms = await timeCommand(page, cmd);
  console.log(`10k-line output rendered in ${ms.toFixed(1)} ms`);
  // Only the last lines are drawn; the rest are counted.
  const drawn = await page.locator('.scrollback .line.out').count();
  assert.ok(drawn <= 1000, `drawn ${drawn}`);
  assert.equal((await terminalLines(page)).at(-1), String(n));
  assert.match(await page.textContent('.hidden-note'), /\d+/);
  // The next command still answers fast.
  // Ceilings ten times above what the page should do (a frame for a command): they catch an
  // output path that went quadratic, never a busy machine.
  const next = [];
  for (let i = 0; i < 3; i++) next.push(await timeCommand(page, 'echo quick'));
  next.sort((a, b) => a - b);
  console.log(`next command after 10k lines: ${next[1].toFixed(1)} ms`);
  assert.ok(ms < 20000, `10k lines took ${ms} ms`);
  assert.ok(next[1] < 160, `a command after 10k lines took ${next[1]} ms (median of 3)`);
});
