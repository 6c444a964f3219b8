// The learner's work survives a reload; damaged stored state is reported and can be reset.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openAt, run, terminalLines, TLS_ENV, reloadPage } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const KEY = 'etcd-playground.session';

test('engine, files, cwd, history and language survive a reload', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  const rev = async () => Number((await page.textContent('#insp-rev')).match(/(\d+)$/)[1]);
  const r0 = await rev();
  await run(page, TLS_ENV, 'etcdctl put k1 AAA,BBB,CCC', 'etcdctl put k5 EEE', 'cd /tmp');
  await page.click('#lang-en');
  await page.waitForFunction((k) => localStorage.getItem(k) !== null, KEY);
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
  assert.deepEqual(errors, []);
});

test('the page saves right away when it is closed (no debounce loss)', async () => {
  const page = await openAt(browser, server.url);
  await run(page, 'export QUICK=1');
  await reloadPage(page); // immediately: pagehide must have saved
  await run(page, 'echo $QUICK');
  assert.equal((await terminalLines(page)).at(-1), '1');
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
