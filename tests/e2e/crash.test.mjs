// A Rust panic in the page shows the crash panel (plain DOM, both languages), logs to the
// console, offers the last saved session as a file and a reload from it. The release build
// panics on purpose only with `?crash-test=1` in the address (src/web/crash.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openAt, runExpect, waitSaved } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

test('a panic shows the crash panel with the message, the last save to download and a reload', { timeout: 60_000 }, async () => {
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  const page = await openAt(browser, server.url, { context: ctx });
  await runExpect(page, 'echo before-crash > /root/kept.txt && echo ok', 'ok');
  await waitSaved(page);
  assert.equal(await page.locator('#crash').count(), 0, 'no panel without a panic');

  const consoleErrors = [];
  const pageErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(server.url + '?crash-test=1');
  const panel = page.locator('#crash');
  await panel.waitFor({ timeout: 15000 });
  const text = await panel.textContent();
  assert.match(text, /The playground crashed \/ O playground travou/);
  assert.match(text, /This is a bug in the playground/);
  assert.match(text, /Isto é um erro do playground/);
  assert.match(await page.textContent('#crash-message'), /crash test requested by the page address/);
  assert.ok(consoleErrors.some((e) => /crash test requested by the page address/.test(e)), consoleErrors.join('\n'));
  assert.equal(await page.evaluate(() => document.querySelector('.app')?.inert), true, 'the broken app behind is out of reach');

  // The last save, as a session file ("Load my session" reads it).
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#crash-download')]);
  const file = readFileSync(await dl.path());
  assert.ok(file.includes(Buffer.from('etcd-playground-session')) && file.includes(Buffer.from('before-crash\n')));

  // Reload from it: the address without the test parameter, the session as saved.
  await Promise.all([page.waitForEvent('load'), page.click('#crash-reload')]);
  await page.waitForSelector('#cmd');
  await page.waitForFunction(() => document.documentElement.dataset.code);
  assert.equal(new URL(page.url()).search, '');
  assert.equal(await page.locator('#crash').count(), 0);
  await runExpect(page, 'cat /root/kept.txt', 'before-crash');

  // The downloaded file loads into a fresh browser too.
  const other = await openAt(browser, server.url);
  await other.setInputFiles('#session-load', { name: 'crash.cbor', mimeType: 'application/cbor', buffer: file });
  await other.waitForFunction(() => /Sessão carregada do arquivo\./.test(document.querySelector('.scrollback').textContent));
  await runExpect(other, 'cat /root/kept.txt', 'before-crash');
  await other.context().close();
  await ctx.close();
});
