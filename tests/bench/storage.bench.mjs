// Benchmark (prints numbers, asserts no timing): how long the page takes to save and to load a
// session of 1, 10 and 100 MB in headless Chromium — binary CBOR in IndexedDB (issue 17).
// Save = encoding in wasm + the IndexedDB write until committed (`data-save-ms`); load = the
// IndexedDB read + decoding before the first render (`data-load-ms`). The session grows by
// uploads (16 MiB at most each, the upload limit) of random bytes. Needs dist/ built and the
// native debug binary (the static server): `bash scripts/test.sh` or scripts/setup.sh build_dist.
// Run: node tests/bench/storage.bench.mjs
import { randomBytes } from 'node:crypto';
import { startServer, launch, openAt, reloadPage, runExpect, waitSaved } from '../e2e/harness.mjs';

const MB = 1_000_000;
const CHUNK = 16 * 1024 * 1024;
const ROUNDS = 3;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const attr = (page, name) => page.evaluate((n) => Number(document.documentElement.dataset[n]), name);

const server = await startServer();
const browser = await launch();
try {
  console.log('# storage benchmark: median of %d, headless Chromium, IndexedDB, binary CBOR', ROUNDS);
  console.log('size_mb\tsaved_bytes\tsave_ms\tload_ms');
  for (const target of [1, 10, 100]) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await openAt(browser, server.url, { context: ctx });
    await waitSaved(page, 60_000);
    let missing = target * MB - await attr(page, 'saveBytes');
    await page.click('#tab-files');
    for (let i = 0; missing > 0; i++) {
      const n = Math.min(missing, CHUNK);
      await page.setInputFiles('#file-upload', { name: `fill${i}.bin`, mimeType: 'application/octet-stream', buffer: randomBytes(n) });
      await page.waitForFunction((f) => document.querySelector('.scrollback').textContent.includes(`/root/${f} (`), `fill${i}.bin`, { timeout: 60_000 });
      missing -= n;
    }
    const saves = [];
    const loads = [];
    for (let r = 0; r < ROUNDS; r++) {
      await runExpect(page, `echo ${r} > /tmp/round && echo saved-${r}`, `saved-${r}`, 120_000);
      await waitSaved(page, 300_000);
      saves.push(await attr(page, 'saveMs'));
      await reloadPage(page);
      await page.waitForFunction(() => document.documentElement.dataset.loadMs, null, { timeout: 120_000 });
      loads.push(await attr(page, 'loadMs'));
      await page.click('#tab-files');
    }
    console.log(`${target}\t${await attr(page, 'loadBytes')}\t${median(saves)}\t${median(loads)}`);
    await ctx.close();
  }
} finally {
  await browser.close();
  server.stop();
}
