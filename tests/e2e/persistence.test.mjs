// The learner's work survives a reload (IndexedDB, binary CBOR); a save in localStorage from an
// older page moves over; damaged stored state is reported and can be reset; a refused save
// keeps the last good one and says what to do; a 100 MB session survives a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT, startServer, launch, openAt, run, terminalLines, TLS_ENV, reloadPage, waitSaved, runExpect } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const KEY = 'etcd-playground.session'; // where pages before IndexedDB saved (base64)

/// The saved record in IndexedDB, as bytes (or null).
const storedBytes = (page) => page.evaluate(() => new Promise((resolve, reject) => {
  const req = indexedDB.open('etcd-playground');
  req.onerror = () => reject(req.error);
  req.onsuccess = () => {
    const get = req.result.transaction('session').objectStore('session').get('current');
    get.onsuccess = () => resolve(get.result ? [...new Uint8Array(get.result.bytes)] : null);
    get.onerror = () => reject(get.error);
  };
}));

test('engine, files, cwd, history and language survive a reload', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  const rev = async () => Number((await page.textContent('#insp-rev')).match(/(\d+)$/)[1]);
  const r0 = await rev();
  await run(page, TLS_ENV, 'etcdctl put k1 AAA,BBB,CCC', 'etcdctl put k5 EEE', 'cd /tmp');
  await page.click('#lang-en');
  await waitSaved(page);
  // Binary CBOR in IndexedDB (a session file), nothing in localStorage.
  const bytes = Buffer.from(await storedBytes(page));
  assert.ok(bytes.includes(Buffer.from('etcd-playground-session')) && bytes.includes(Buffer.from('AAA,BBB,CCC')));
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), null);
  await reloadPage(page);
  assert.equal(await page.textContent('#prompt'), 'root@docker-01:/tmp# ');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#lang-label'), 'Language');
  // The store kept its keys and revisions: the environment was restored too.
  await run(page, 'etcdctl get k1');
  const lines = await terminalLines(page);
  assert.deepEqual(lines.slice(-3), ['root@docker-01:/tmp# etcdctl get k1', 'k1', 'AAA,BBB,CCC']);
  assert.ok(lines.includes('Session restored from this browser.'), lines.join('\n'));
  // History came back: Up recalls the commands typed before the reload.
  await page.press('#cmd', 'ArrowUp');
  await page.press('#cmd', 'ArrowUp');
  assert.equal(await page.inputValue('#cmd'), 'cd /tmp');
  assert.equal(await rev(), r0 + 2);
  // Plenty of room: no storage line in the header.
  assert.equal(await page.locator('#storage-usage').count(), 0);
  assert.deepEqual(errors, []);
});

test('a session saved in localStorage by an older page moves to IndexedDB on the first visit', async () => {
  // A real session, as the session file the page downloads...
  const a = await openAt(browser, server.url);
  await runExpect(a, 'echo migrated > /root/old.txt && export OLD=yes && echo done', 'done');
  const [dl] = await Promise.all([a.waitForEvent('download'), a.click('#session-save')]);
  const file = readFileSync(await dl.path());
  await a.context().close();
  // ... rewritten as the envelope older pages kept: {format: "etcd-playground/session", ...}.
  const magic = Buffer.concat([Buffer.from([0xa4, 0x65]), Buffer.from('magic'), Buffer.from([0x77]), Buffer.from('etcd-playground-session')]);
  assert.ok(file.subarray(0, magic.length).equals(magic), 'a session file starts with its magic');
  const legacy = Buffer.concat([Buffer.from([0xa4, 0x66]), Buffer.from('format'), Buffer.from([0x77]), Buffer.from('etcd-playground/session'), file.subarray(magic.length)]);
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  await ctx.addInitScript(([k, v]) => { if (!sessionStorage.getItem('seeded')) { localStorage.setItem(k, v); sessionStorage.setItem('seeded', '1'); } }, [KEY, legacy.toString('base64')]);
  const errors = [];
  const page = await openAt(browser, server.url, { errors, context: ctx });
  await page.click('#lang-en');
  assert.ok((await terminalLines(page)).includes('Session restored from this browser.'));
  await runExpect(page, 'echo $OLD $(cat /root/old.txt)', 'yes migrated');
  assert.equal(await page.evaluate((k) => localStorage.getItem(k), KEY), null, 'the old save is gone from localStorage');
  assert.ok(await storedBytes(page), 'and is in IndexedDB');
  await reloadPage(page);
  await runExpect(page, 'echo $OLD', 'yes');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('a save the browser refuses: the last good save stays, the notice says what to do', async () => {
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 }, acceptDownloads: true });
  // A full disk, played by IndexedDB refusing writes once the test says so.
  await ctx.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      if (window.__refuse) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.apply(this, args);
    };
    // localStorage full as well: no copy of the last save as the page goes away (www/boot.js
    // `leaving`), so what remains is the journal of typed lines.
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (k, v) {
      if (window.__refuse && k === 'etcd-playground.spill') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return setItem.call(this, k, v);
    };
  });
  const errors = [];
  const page = await openAt(browser, server.url, { errors, context: ctx });
  await runExpect(page, 'echo first > /root/first.txt && echo ok1', 'ok1');
  await waitSaved(page);
  await page.evaluate(() => { window.__refuse = true; });
  await runExpect(page, 'echo second > /root/second.txt && echo ok2', 'ok2');
  const notice = page.locator('#notice');
  await notice.waitFor();
  const pt = await notice.textContent();
  assert.match(pt, /Não foi possível salvar sua sessão: o armazenamento do navegador para esta página está cheio\. O último salvamento está guardado/);
  assert.match(pt, /Baixe o arquivo da sessão agora/);
  await page.click('#lang-en');
  const en = await notice.textContent();
  assert.match(en, /Your session could not be saved: this browser's storage for the page is full\. The last save is kept, but what you did since may be lost on reload\. Download the session file now/);
  for (const text of [pt, en]) assert.doesNotMatch(text, /Quota|JsValue|DOMException|Error/);
  // The button downloads the session as it is now.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#notice-download')]);
  const file = readFileSync(await dl.path());
  assert.ok(file.includes(Buffer.from('second\n')) && file.includes(Buffer.from('etcd-playground-session')));
  // The reload's own save is refused too, but the lines typed since the last good save are
  // kept as text as the page goes away, and run again on that save.
  await reloadPage(page);
  await page.click('#lang-en');
  assert.ok((await terminalLines(page)).includes('The page was closed before it could save: the 1 command(s) typed then ran again.'));
  await runExpect(page, 'cat /root/first.txt /root/second.txt | tr "\\n" " "', 'first second ');
  await waitSaved(page);
  // An upload cannot be replayed as a line: after a refused save it is gone, the last good save stays.
  await page.evaluate(() => { window.__refuse = true; });
  await page.click('#tab-files');
  await page.setInputFiles('#file-upload', { name: 'up.txt', mimeType: 'text/plain', buffer: Buffer.from('uploaded\n') });
  await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('/root/up.txt ('));
  await runExpect(page, 'echo third > /root/third.txt && echo ok3', 'ok3');
  await page.locator('#notice').waitFor();
  await reloadPage(page);
  await runExpect(page, 'ls /root/up.txt /root/third.txt 2>&1 | wc -l', '2');
  await runExpect(page, 'cat /root/up.txt', 'cat: /root/up.txt: No such file or directory');
  await runExpect(page, 'cat /root/second.txt', 'second');
  assert.deepEqual(errors, []);
  await ctx.close();
});

test('browser storage nearly full: the page shows usage against the quota', async () => {
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  await ctx.addInitScript(() => { StorageManager.prototype.estimate = async () => ({ usage: 900_000_000, quota: 1_000_000_000 }); });
  const page = await openAt(browser, server.url, { context: ctx });
  await run(page, 'cd /tmp');
  const line = page.locator('#storage-usage');
  await line.waitFor();
  assert.match(await line.textContent(), /^Armazenamento do navegador para esta página: 900 MB de 1000 MB usados \(90%\)\./);
  await page.click('#lang-en');
  assert.match(await line.textContent(), /^Browser storage for this page: 900 MB of 1000 MB used \(90%\)\. Download your session file/);
  await ctx.close();
});

/// A snapshot of `n` keys made in the plain scenario by the native CLI.
function makeSnapshot(n) {
  const dir = mkdtempSync(join(tmpdir(), 'persist-big-'));
  const lines = [];
  for (let i = 0; i < n; i++) lines.push(`etcdctl put /big/key-${String(i).padStart(6, '0')} value-${String(i).padStart(6, '0')}`);
  lines.push('etcdctl snapshot save /root/big.db');
  writeFileSync(join(dir, 'script'), lines.join('\n') + '\n');
  const out = join(dir, 'big.db');
  const r = spawnSync(join(ROOT, 'target', 'debug', 'etcd-playground'), ['run', '--scenario', 'plain', '--export', `/root/big.db=${out}`, join(dir, 'script')], { encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr.slice(-2000));
  return readFileSync(out);
}

test('a 100 MB session (100k keys and 16 MiB uploads) survives a reload', { timeout: 600_000 }, async () => {
  const snap = makeSnapshot(100_000);
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await run(page, TLS_ENV);
  await page.click('#tab-files');
  const upload = async (name, buffer) => {
    await page.setInputFiles('#file-upload', { name, mimeType: 'application/octet-stream', buffer });
    await page.waitForFunction((n) => document.querySelector('.scrollback').textContent.includes(`/root/${n} (`), name, { timeout: 60_000 });
  };
  await upload('big.db', snap);
  await runExpect(page, 'etcdctl snapshot restore big.db --data-dir /var/lib/etcd-big > /dev/null 2>&1; echo $?', '0', 120_000);
  await run(page, "sed -i 's#path: /var/lib/etcd$#path: /var/lib/etcd-big#' /etc/kubernetes/manifests/etcd.yaml");
  await runExpect(page, 'etcdctl get /big/key-099999 --print-value-only', 'value-099999', 120_000);
  // 16 MiB uploads (the upload limit), each ending in a line that names it.
  for (let i = 1; i <= 5; i++) {
    const end = Buffer.from(`\nEND-OF-UPLOAD-${i}\n`);
    await upload(`up${i}.bin`, Buffer.concat([randomBytes(16 * 1024 * 1024 - end.length), end]));
  }
  await waitSaved(page, 300_000);
  const saved = Number(await page.evaluate(() => document.documentElement.dataset.saveBytes));
  assert.ok(saved >= 100_000_000, `the saved session is ${saved} bytes`);
  // A generous ceiling (decoding 100 MB on a busy machine): the benchmark has the times.
  await page.reload({ timeout: 180_000 });
  await page.waitForSelector('#cmd', { timeout: 180_000 });
  await page.waitForFunction(() => document.documentElement.dataset.code, null, { timeout: 180_000 });
  assert.equal(Number(await page.evaluate(() => document.documentElement.dataset.loadBytes)), saved);
  await runExpect(page, 'etcdctl get /big/key-000000 --print-value-only', 'value-000000', 120_000);
  await runExpect(page, 'etcdctl get /big/key-099999 --print-value-only', 'value-099999', 120_000);
  await runExpect(page, 'etcdctl get /big/ --prefix --count-only -w fields | grep Count', '"Count" : 100000', 120_000);
  for (let i = 1; i <= 5; i++) {
    await runExpect(page, `wc -c < up${i}.bin`, String(16 * 1024 * 1024));
    await runExpect(page, `tail -n 1 up${i}.bin`, `END-OF-UPLOAD-${i}`);
  }
  // The same session as a file (what the crash panel and "Save session" download) loads back.
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.click('#session-save')]);
  const file = readFileSync(await dl.path());
  assert.ok(file.length >= 100_000_000, `the session file is ${file.length} bytes`);
  const other = await openAt(browser, server.url);
  await other.setInputFiles('#session-load', await dl.path()); // (over playwright's 50 MB buffer limit)
  await other.waitForFunction(() => /Sessão carregada do arquivo\./.test(document.querySelector('.scrollback').textContent), null, { timeout: 180_000 });
  await runExpect(other, `wc -c < up5.bin`, String(16 * 1024 * 1024), 60_000);
  await other.context().close();
  console.log(`# 100 MB session: ${saved} bytes; save ${await page.evaluate(() => document.documentElement.dataset.saveMs ?? '?')} ms after reload, load ${await page.evaluate(() => document.documentElement.dataset.loadMs)} ms`);
  assert.deepEqual(errors, []);
});

test('the page saves right away when it is closed (no debounce loss)', async () => {
  const page = await openAt(browser, server.url);
  await run(page, 'export QUICK=1');
  await reloadPage(page); // immediately: pagehide must have saved
  await run(page, 'echo $QUICK');
  assert.equal((await terminalLines(page)).at(-1), '1');
});

// The browser aborts a page's unfinished IndexedDB writes as it tears the page down, so a
// reload moments after a click could lose the click (and the lines typed with it). Played here
// by aborting every write from the moment the test says so.
test('a save the page could not finish as it went away is kept, and wins over the older one', async () => {
  const errors = [];
  const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  await ctx.addInitScript(() => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (...args) {
      const req = put.apply(this, args);
      if (window.__abortWrites) this.transaction.abort();
      return req;
    };
  });
  const page = await openAt(browser, server.url, { errors, context: ctx });
  await page.click('#lang-en');
  await waitSaved(page);
  await page.evaluate(() => { window.__abortWrites = true; });
  // A change the journal of typed lines cannot replay (opening a lesson), and a typed line.
  await page.click('#tab-lessons');
  await page.click('[data-lesson="05-revisions"] button');
  await page.waitForSelector('#step-text');
  await runExpect(page, 'echo two > /root/two.txt && echo ok2', 'ok2');
  await reloadPage(page);
  assert.equal(await page.evaluate(() => localStorage.getItem('etcd-playground.spill')), null, 'adopted into IndexedDB');
  await page.click('#tab-lessons');
  await page.waitForSelector('#step-text');
  assert.match(await page.textContent('.lesson-title'), /^Revisions/);
  await runExpect(page, 'cat /root/two.txt', 'two'); // typed on the lesson's node
  // The adopted save is IndexedDB's now: a second reload (writes allowed) finds the same.
  await reloadPage(page);
  await runExpect(page, 'cat /root/two.txt', 'two');
  assert.deepEqual(errors.filter((e) => !/abort/i.test(e)), []);
  await ctx.close();
});

for (const [name, stored, en, pt] of [
  ['garbage', '%%% not a session %%%', 'could not be read', 'não pôde ser lida'],
  ['an old version', null, 'another version', 'outra versão'],
]) {
  test(`corrupt storage (${name}) is reported in both languages and can be reset`, async () => {
    const errors = [];
    const ctx = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
    // An envelope that says version 0: CBOR map {format: "etcd-playground/session", version: 0}.
    const old = Buffer.concat([Buffer.from([0xa2, 0x66]), Buffer.from('format'), Buffer.from([0x77]), Buffer.from('etcd-playground/session'),
      Buffer.from([0x67]), Buffer.from('version'), Buffer.from([0x00])]).toString('base64');
    await ctx.addInitScript(([k, v]) => { if (!sessionStorage.getItem('seeded')) { localStorage.setItem(k, v); sessionStorage.setItem('seeded', '1'); } }, [KEY, stored ?? old]);
    const page = await openAt(browser, server.url, { errors, context: ctx });
    const notice = page.locator('#notice');
    assert.match(await notice.textContent(), new RegExp(pt));
    await page.click('#lang-en');
    assert.match(await notice.textContent(), new RegExp(en));
    // The terminal works meanwhile.
    await run(page, 'echo alive');
    assert.equal((await terminalLines(page)).at(-1), 'alive');
    await page.click('#notice-reset');
    assert.equal(await page.locator('#notice').count(), 0);
    await reloadPage(page);
    assert.equal(await page.locator('#notice').count(), 0, 'after reset the bad data is gone');
    assert.deepEqual(errors, []);
    await ctx.close();
  });
}

test('the reset button starts a fresh session after confirmation', async () => {
  const page = await openAt(browser, server.url);
  await run(page, 'cd /tmp');
  await page.click('#reset');
  await page.click('#reset-no');
  assert.equal(await page.textContent('#prompt'), 'root@docker-01:/tmp# ');
  await page.click('#reset');
  await page.click('#reset-yes');
  assert.equal(await page.textContent('#prompt'), 'root@docker-01:~# ');
  assert.deepEqual(await terminalLines(page), []);
});
