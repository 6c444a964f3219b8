// Two tabs of the page in one browser: one owns the session (a Web Lock) and saves it; the
// other shows it read-only, says so in both languages, and can take it over — the owner saves
// first, so nothing typed in either tab is lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openAt, runExpect, waitSaved } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/// Clicks "take over" in `page`: it reloads once the owner has saved and let go.
async function takeOver(page) {
  await Promise.all([page.waitForEvent('load', { timeout: 20000 }), page.click('#notice-take-over')]);
  await page.waitForSelector('#cmd', { timeout: 15000 });
  await page.waitForFunction(() => document.documentElement.dataset.code, null, { timeout: 15000 });
}

const readOnly = (page) => page.evaluate(() => document.querySelector('main').inert);

test('two tabs: one owns the session, the other says so and takes over without losing anything', { timeout: 120_000 }, async () => {
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  const errors = [];
  const a = await openAt(browser, server.url, { errors, context: ctx });
  await runExpect(a, 'echo one > /root/one.txt && cd /tmp && echo ok', 'ok');
  await waitSaved(a);

  const b = await openAt(browser, server.url, { errors, context: ctx });
  const notice = b.locator('#notice');
  assert.match(await notice.textContent(), /Esta sessão está aberta em outra aba, que a salva\. Esta aba a mostra só para leitura/);
  await b.click('#lang-en');
  assert.match(await notice.textContent(), /This session is open in another tab, which saves it\. This tab shows it read-only, so nothing is lost/);
  assert.equal(await readOnly(b), true, 'the second tab cannot be typed into');
  assert.equal(await b.locator('#reset').count(), 0, 'nor reset the session');
  // B shows A's saved session (A's working directory in the prompt).
  assert.equal(await b.textContent('#prompt'), 'root@docker-01:/tmp# ');
  assert.equal(await a.locator('#notice').count(), 0);
  assert.equal(await readOnly(a), false);

  // A keeps working; B takes over right after: A saves first, so the last line is not lost.
  await runExpect(a, 'echo two > /root/two.txt && echo ok', 'ok');
  await takeOver(b);
  assert.equal(await b.locator('#notice').count(), 0);
  assert.equal(await readOnly(b), false);
  await runExpect(b, 'cat /root/one.txt /root/two.txt', 'two');
  await a.waitForSelector('#notice');
  assert.match(await a.locator('#notice').textContent(), /Esta sessão agora está aberta em outra aba/);
  assert.equal(await readOnly(a), true);

  // And back: B's work reaches A the same way.
  await runExpect(b, 'echo three > /root/three.txt && echo ok', 'ok');
  await takeOver(a);
  await runExpect(a, 'cat /root/three.txt', 'three');
  await b.waitForSelector('#notice');
  assert.equal(await readOnly(b), true);

  // The owner's saves hold after a reload of both (A still owns: B stays read-only).
  await waitSaved(a);
  await a.reload();
  await a.waitForSelector('#cmd');
  await runExpect(a, 'cat /root/one.txt /root/two.txt /root/three.txt | wc -l', '3');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('the owner tab closed: the other takes over at once and finds its last save', { timeout: 60_000 }, async () => {
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  const a = await openAt(browser, server.url, { context: ctx });
  const b = await openAt(browser, server.url, { context: ctx });
  await b.locator('#notice-take-over').waitFor();
  await runExpect(a, 'export X=1; echo gone-tab > /root/last.txt; echo ok', 'ok');
  await a.close({ runBeforeUnload: true });
  await takeOver(b);
  await runExpect(b, 'cat /root/last.txt', 'gone-tab');
  await ctx.close();
});

// A reload on a busy machine: the browser frees the old page's lock only once that page is
// gone, which can take seconds. The reloaded page must still own its own session, not show it
// read-only as if another tab had it. Here another same-origin document (not the app) queues
// for the lock and holds it for 4 s when it gets it: the old page's lock is, in effect, freed
// 4 s late.
test('a reload owns its session even when the lock comes free late', { timeout: 60_000 }, async () => {
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  const errors = [];
  const a = await openAt(browser, server.url, { errors, context: ctx });
  await runExpect(a, 'echo kept > /root/kept.txt && echo ok', 'ok');
  const other = await ctx.newPage();
  await other.goto(`${server.url}sw.js`);
  await other.evaluate(() => {
    globalThis.held = new Promise((granted) => {
      navigator.locks.request('etcd-playground.session', () => { granted(); return new Promise((r) => setTimeout(r, 4000)); });
    });
  });
  await a.reload();
  await a.waitForSelector('#cmd', { timeout: 20000 });
  await other.evaluate(() => globalThis.held); // it did hold the lock between the two pages
  await a.waitForFunction(() => document.documentElement.dataset.code, null, { timeout: 15000 });
  const notices = await a.locator('#notice').allTextContents();
  assert.deepEqual(notices, [], 'no "open in another tab" notice');
  assert.equal(await readOnly(a), false);
  await runExpect(a, 'cat /root/kept.txt', 'kept');
  assert.deepEqual(errors, []);
  await ctx.close();
});
