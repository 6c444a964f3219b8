// The inspector and files panels follow the session; everything a user controls renders as text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openAt, run, terminalLines, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

/// The store's revision shown by the inspector (scenarios may start with keys written).
async function revision(page) {
  return Number((await page.textContent('#insp-rev')).match(/(\d+)$/)[1]);
}

async function keyRow(page, key) {
  const row = page.locator(`tr.key[data-key="${key}"]`);
  return row.locator('td').allTextContents();
}

test('the inspector updates after put, delete and compact and draws the key history', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  const r0 = await revision(page);
  const r = (n) => String(r0 + n);
  await run(page, TLS_ENV, 'etcdctl put k1 AAA,BBB,CCC');
  assert.deepEqual(await keyRow(page, 'k1'), ['k1', 'AAA,BBB,CCC', r(1), r(1), '1', '-']);
  await run(page, 'etcdctl put k1 v2', 'etcdctl put /registry/pods/default/web pod');
  assert.deepEqual(await keyRow(page, 'k1'), ['k1', 'v2', r(1), r(2), '2', '-']);
  assert.equal(await revision(page), r0 + 3);
  // /registry is a tree: folders open and close.
  assert.equal(await page.locator('tr.key[data-key="/registry/pods/default/web"]').count(), 0);
  await page.click('table.keys button:has-text("pods/")');
  await page.click('table.keys button:has-text("default/")');
  assert.deepEqual(await keyRow(page, '/registry/pods/default/web'), ['web', 'pod', r(3), r(3), '1', '-']);
  // The prefix filter narrows the list.
  await page.fill('#insp-filter', 'k');
  assert.match(await page.textContent('#insp-count'), /^1 /); // only k1 starts with "k"
  await page.fill('#insp-filter', '');
  // Click a key: its history timeline, one mark per revision that wrote it, "now" marked.
  await page.click('tr.key[data-key="k1"] button');
  const revs = await page.locator('#timeline g.ev').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-rev'), g.getAttribute('class')]));
  assert.deepEqual(revs, [[r(1), 'ev put'], [r(2), 'ev put']]);
  assert.equal(await page.textContent('#timeline .now'), `agora ${r(3)}`);
  // It follows new writes.
  await run(page, 'etcdctl put k1 v3');
  await page.click('#lang-en');
  assert.equal(await page.locator('#timeline g.ev').count(), 3);
  assert.equal(await page.textContent('#timeline .now'), `now ${r(4)}`);
  // A delete: the key leaves the table, its timeline gets a tombstone that closes generation 0.
  await run(page, 'etcdctl del k1');
  assert.equal(await page.locator('tr.key[data-key="k1"]').count(), 0);
  const marks = () => page.locator('#timeline g.ev').evaluateAll((gs) => gs.map((g) => [g.getAttribute('data-rev'), g.getAttribute('class')]));
  assert.deepEqual((await marks()).at(-1), [r(5), 'ev del']);
  assert.equal(await page.locator('#timeline line.gen0:not(.open)').count(), 1);
  // A new put starts generation 1.
  await run(page, 'etcdctl put k1 again');
  assert.deepEqual(await keyRow(page, 'k1'), ['k1', 'again', r(6), r(6), '1', '-']);
  assert.equal(await page.locator('#timeline line.gen1.open').count(), 1);
  // Compaction: older history disappears or is greyed; the compacted band is drawn.
  await run(page, `etcdctl compaction ${r(3)}`);
  assert.match(await page.textContent('#insp-compact'), new RegExp(`${r(3)}$`));
  const after = await marks();
  // k1 was written at r+1, r+2, r+4, r+5 (delete), r+6: compacting at r+3 drops r+1 and keeps
  // r+2, the newest at or below the compaction point, greyed.
  assert.deepEqual(after.map(([rev]) => rev), [r(2), r(4), r(5), r(6)]);
  assert.deepEqual(after[0], [r(2), 'ev put compacted']);
  assert.equal(await page.locator('#timeline rect.compacted-band').count(), 1);
  assert.deepEqual(errors, []);
});

test('files: tree, view, edit and save, download, upload by button and by drop, size limit', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#tab-files');
  await run(page, 'cd /tmp');
  // Upload through the button into the current directory.
  await page.setInputFiles('#file-upload', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello from disk\n') });
  await page.waitForSelector('button.file[data-path="/tmp/notes.txt"]');
  assert.ok((await terminalLines(page)).some((l) => l.includes('/tmp/notes.txt (16 bytes)')));
  await page.click('button.file[data-path="/tmp/notes.txt"]');
  assert.equal(await page.textContent('#file-content'), 'hello from disk\n');
  // Edit and save.
  await page.click('#file-edit');
  await page.fill('#file-editor', 'edited\n');
  await page.click('#file-save');
  assert.equal(await page.textContent('#file-content'), 'edited\n');
  // Download gives the same bytes.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#file-download')]);
  assert.equal(dl.suggestedFilename(), 'notes.txt');
  assert.equal(readFileSync(await dl.path(), 'utf8'), 'edited\n');
  // Drop a file onto the terminal.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['dropped'], 'drop.yaml', { type: 'text/plain' }));
    document.querySelector('.terminal').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await page.waitForSelector('button.file[data-path="/tmp/drop.yaml"]');
  // Too big: refused with a message, nothing written.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(16 * 1024 * 1024 + 1)], 'huge.bin'));
    document.querySelector('.terminal').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const last = (await terminalLines(page)).at(-1);
  assert.match(last, /huge\.bin .*16777217 bytes.*16 MiB/);
  assert.equal(await page.locator('button.file[data-path="/tmp/huge.bin"]').count(), 0);
  assert.deepEqual(errors, []);
});

test('files: the running member\'s member/snap/db is sized and read as its database', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await run(page, 'ls -l /var/lib/etcd/member/snap');
  const size = (await terminalLines(page)).find((l) => l.endsWith(' db')).split(/ +/)[4];
  await page.click('#tab-files');
  // /var starts closed (what is under it, open).
  await page.locator('button.dir', { hasText: /^▸ var\/$/ }).click();
  const db = 'button.file[data-path="/var/lib/etcd/member/snap/db"]';
  await page.waitForSelector(db);
  assert.equal((await page.textContent(`${db} + span`)).trim(), `${size} B`);
  await page.click(db);
  await page.waitForSelector('#snapshot-status');
  assert.ok(Number(size) > 100000);
  assert.deepEqual(errors, []);
});

const XSS = ['<script>window.__pwned = 1</script>', '<img src=x onerror="window.__pwned = 2">'];

test('keys, values and file contents with HTML render as text', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  const r0 = await revision(page);
  await run(page, TLS_ENV, `etcdctl put '${XSS[1]}' '${XSS[0]}'`, `etcdctl put xss '${XSS[1]}'`, `etcdctl get xss`, `echo '${XSS[1]}'`);
  const lines = await terminalLines(page);
  assert.equal(lines.at(-1), XSS[1]);
  assert.ok(lines.includes(XSS[1]));
  assert.deepEqual(await keyRow(page, 'xss'), ['xss', XSS[1], String(r0 + 2), String(r0 + 2), '1', '-']);
  assert.equal(await page.locator(`tr.key[data-key='${XSS[1]}'] td.value`).textContent(), XSS[0]);
  await page.click('tr.key[data-key="xss"] button');
  assert.match(await page.textContent('#timeline title'), /onerror/);
  await page.click('#tab-files');
  await page.setInputFiles('#file-upload', { name: '<img src=x onerror=alert(1)>.html', mimeType: 'text/html', buffer: Buffer.from(XSS.join('\n')) });
  await page.waitForSelector('button.file[data-path*="onerror"]');
  await page.click('button.file[data-path*="onerror"]');
  assert.equal(await page.textContent('#file-content'), XSS.join('\n'));
  // Nothing was parsed as HTML: no injected elements, no script ran.
  assert.equal(await page.locator('img, main script').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(errors, []);
});

test('the clock runs in real time: a lease counts down and its key vanishes when it expires', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await run(page, TLS_ENV, 'etcdctl lease grant 5');
  const granted = (await terminalLines(page)).at(-1);
  const id = granted.match(/^lease ([0-9a-f]+) granted with TTL\((\d+)s\)$/);
  assert.ok(id, granted);
  await run(page, `etcdctl put --lease=${id[1]} lk v`);
  assert.equal((await terminalLines(page)).at(-1), 'OK');
  const cell = page.locator('tr.key[data-key="lk"] td.lease');
  const first = Number((await cell.textContent()).match(/\((\d+)s\)/)[1]);
  await page.waitForFunction((f) => {
    const c = document.querySelector('tr.key[data-key="lk"] td.lease');
    const m = c && c.textContent.match(/\((\d+)s\)/);
    return m && Number(m[1]) < f;
  }, first, { timeout: 5000 });
  await page.waitForSelector('tr.key[data-key="lk"]', { state: 'detached', timeout: Number(id[2]) * 1000 + 5000 });
  await run(page, 'etcdctl get lk');
  assert.equal((await terminalLines(page)).at(-1), 'root@docker-01:~# etcdctl get lk');
  assert.deepEqual(errors, []);
});
