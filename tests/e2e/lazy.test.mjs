// The first load and what comes after it (src/lazy.rs): the page is usable before the wasm
// chunks with the programs and the session codec arrive, lines that need a program wait for
// them, and a chunk that cannot be fetched is reported without breaking the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { ROOT, startServer, launch, typeCommand, terminalLines, TLS_ENV } from './harness.mjs';

const BUDGET = 400 * 1024; // issue 9: wasm + JS + CSS (+ lessons) of the first load, gzip

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/// A fresh page whose wasm chunks are held back until `release()`; `fetched` lists every
/// path the page requested, in order.
async function heldPage() {
  // No service worker: requests it makes are out of the page's routes, so it could fetch the
  // chunks behind the test's back.
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url()).pathname));
  let release;
  const gate = new Promise((r) => { release = r; });
  await page.route(/\/pkg\/(split|chunk)_[^/]*\.wasm$/, async (route) => { await gate; await route.continue(); });
  await page.goto(server.url);
  await page.waitForSelector('#cmd', { timeout: 15000 });
  return { ctx, page, fetched, errors, release };
}

test('first load: the prompt works before the chunks arrive, within the size budget', async () => {
  const { ctx, page, fetched, errors, release } = await heldPage();
  // Everything fetched so far is the first load (the chunks are held at the network).
  const firstLoad = [...new Set(fetched)].filter((p) => !/\/(split|chunk)_/.test(p));
  let total = 0;
  const rows = [];
  for (const p of firstLoad) {
    const file = join(ROOT, 'dist', p === '/' ? 'index.html' : p);
    const gz = gzipSync(readFileSync(file), { level: 9 }).length;
    rows.push(`${p} ${gz}`);
    total += gz;
  }
  console.log(`first load (gzip): ${total} bytes of ${BUDGET}\n  ${rows.join('\n  ')}`);
  assert.ok(firstLoad.some((p) => p.endsWith('etcd_playground_bg.wasm')), firstLoad.join(' '));
  assert.ok(total <= BUDGET, `first load is ${total} bytes gzip, over the ${BUDGET} budget`);

  // The shell and its coreutils run at once.
  await typeCommand(page, 'ls -1 /etc/kubernetes/pki/etcd');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((e) => e.textContent === 'ca.crt'));
  assert.equal(await page.$('#pending'), null);
  // A line that needs etcdctl waits, and says so; later lines keep their order behind it.
  await typeCommand(page, TLS_ENV);
  await typeCommand(page, 'etcdctl put lazy yes');
  await typeCommand(page, 'echo after');
  await page.waitForSelector('#pending');
  assert.match(await page.textContent('#pending'), /: 2 comando/);
  assert.ok(!(await terminalLines(page)).includes('after'), 'a line ran ahead of the waiting one');

  release();
  await page.waitForSelector('#pending', { state: 'detached', timeout: 10000 });
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((e) => e.textContent === 'after'));
  const lines = await terminalLines(page);
  const ok = lines.indexOf('OK');
  assert.ok(ok > 0 && ok < lines.indexOf('after'), lines.join('\n'));
  await typeCommand(page, 'etcdctl get lazy --print-value-only');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent === 'yes');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a chunk that cannot be fetched: the page says so, the shell keeps working', async () => {
  // No service worker: it would fetch the chunk itself, out of reach of the page's routes.
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route(/\/pkg\/split_programs\.wasm$/, (route) => route.abort());
  await page.goto(server.url);
  await page.waitForSelector('#cmd');
  await page.click('#lang-en');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line.note')].some((e) => /could not be downloaded/.test(e.textContent)));
  await typeCommand(page, 'etcdctl version');
  // Only the page's explanation: no made-up program output.
  await page.waitForFunction(() => /could not download etcdctl's code/.test([...document.querySelectorAll('.scrollback .explain')].at(-1)?.textContent));
  assert.equal((await terminalLines(page)).at(-1), 'root@docker-01:~# etcdctl version');
  await typeCommand(page, 'echo still here');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent === 'still here');
  // The Cluster tab's view is in that chunk too: the tab says it could not be downloaded.
  await page.click('#tab-cluster');
  await page.waitForFunction(() => /could not be downloaded/.test(document.querySelector('.cluster [role=alert]')?.textContent ?? ''));
  assert.deepEqual(errors, [], 'no uncaught error: the page did not trap');
  await ctx.close();
});

test('the lessons chunk cannot be fetched: the lesson panel says so instead of loading for ever', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' });
  const page = await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.route(/\/pkg\/split_lessons\.wasm$/, (route) => route.abort());
  await page.goto(server.url);
  await page.waitForSelector('#cmd');
  await page.click('#tab-lessons');
  await page.waitForFunction(() => /could not be downloaded/.test(document.querySelector('.lessons [role=alert]')?.textContent ?? ''));
  await typeCommand(page, 'echo still here');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent === 'still here');
  assert.deepEqual(errors, [], 'no uncaught error: the page did not trap');
  await ctx.close();
});

test('closed before the codec arrived: the lines typed run again on the next visit', async () => {
  const { ctx, page, release } = await heldPage();
  await typeCommand(page, 'export EARLY=1');
  await typeCommand(page, 'echo kept > /root/early.txt');
  await page.waitForFunction(() => document.querySelectorAll('.scrollback .line.cmd').length >= 2);
  // Nothing can save a session yet (the codec is held back), so the lines are kept as text.
  const journal = await page.evaluate(() => localStorage.getItem('etcd-playground.journal'));
  await page.reload({ waitUntil: 'commit' }); // the chunks are still held: nothing was saved
  release();
  await page.waitForSelector('#cmd');
  await page.click('#lang-en');
  assert.deepEqual((await terminalLines(page)).filter((l) => /closed before|restored/.test(l)),
    ['The page was closed before it could save: the 2 command(s) typed then ran again.']);
  await typeCommand(page, 'echo $EARLY $(cat /root/early.txt)');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent === '1 kept');
  // Once the codec is here the whole session is saved and the kept lines are dropped.
  await page.waitForFunction(() => document.documentElement.dataset.unsaved === '0' && !localStorage.getItem('etcd-playground.journal'));
  assert.equal(journal, null, 'the journal is written when the page goes away, not before');
  await ctx.close();
});
