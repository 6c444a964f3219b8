// Shared setup for the browser tests: serve dist/ on loopback with the project's own static
// server, start Debian's Chromium headless through playwright-core, and read the terminal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export async function startServer() {
  const bin = join(ROOT, 'target', 'debug', 'etcd-playground');
  if (!existsSync(join(ROOT, 'dist', 'index.html'))) throw new Error('dist/ is not built: run scripts/test.sh');
  const child = spawn(bin, ['serve', '--dir', join(ROOT, 'dist'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      const m = buf.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, stop: () => child.kill() };
}

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests cannot run`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // playwright's launch() always starts from a fresh, empty temporary profile.
  });
}

/// Opens the page and waits for the first prompt; fails if the wasm does not load.
export async function openPage(browser, url, { errors = [] } = {}) {
  // A Brazilian learner's browser: a first visit follows navigator.language (issue 16).
  const page = await browser.newPage({ locale: 'pt-BR', viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('#cmd', { timeout: 15000 });
  const firstPromptMs = Date.now() - t0;
  await page.waitForFunction(() => document.documentElement.dataset.code, null, { timeout: 15000 });
  return { page, firstPromptMs };
}

export async function typeCommand(page, line) {
  await page.fill('#cmd', line);
  await page.press('#cmd', 'Enter');
}

/// The scrollback as text lines (prompts included).
export async function terminalLines(page) {
  return page.$$eval('.scrollback .line', (els) => els.map((e) => e.textContent));
}

export const TLS_ENV = 'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key';

/// Opens the page at a given viewport size; `errors` collects page errors and console errors
/// (a CSP violation is a console error, so it fails the tests that assert none).
/// The browser's language is `locale` (a first visit follows navigator.language, issue 16):
/// Brazilian Portuguese unless a test asks for another.
export async function openAt(browser, url, { width = 1280, height = 720, errors = [], context, locale = 'pt-BR' } = {}) {
  const ctx = context || await browser.newContext({ locale, viewport: { width, height }, acceptDownloads: true });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForSelector('#cmd', { timeout: 15000 });
  // The chunks fetched after the first paint (src/lazy.rs) are here: tests of other things do
  // not race them (tests/e2e/lazy.test.mjs is about the time before).
  await page.waitForFunction(() => document.documentElement.dataset.code, null, { timeout: 15000 });
  return page;
}

/// Reloads and waits as `openAt` does: the prompt, then the chunks fetched after the first paint.
export async function reloadPage(page) {
  await page.reload();
  await page.waitForSelector('#cmd', { timeout: 15000 });
  await page.waitForFunction(() => document.documentElement.dataset.code, null, { timeout: 15000 });
}

/// Runs lines one by one and waits until the scrollback shows the last one's prompt line.
export async function run(page, ...lines) {
  for (const line of lines) await typeCommand(page, line);
}

/// Pastes text into the terminal input as a real clipboard paste event.
export async function paste(page, text) {
  await page.focus('#cmd');
  await page.evaluate((t) => {
    const dt = new DataTransfer();
    dt.setData('text/plain', t);
    const ev = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    document.querySelector('#cmd').dispatchEvent(ev);
  }, text);
}

/// Time from pressing Enter on `cmd` until its output is in the DOM, measured in the page.
export async function timeCommand(page, cmd) {
  return page.evaluate(async (c) => {
    const input = document.querySelector('#cmd');
    const sb = document.querySelector('.scrollback');
    input.value = c;
    const done = new Promise((r) => new MutationObserver((_, o) => { o.disconnect(); r(); }).observe(sb, { childList: true, subtree: true, characterData: true }));
    const t0 = performance.now();
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
    await done;
    return performance.now() - t0;
  }, cmd);
}

/// Waits until the page has saved every change so far (src/web/autosave.rs sets `data-unsaved`).
export async function waitSaved(page, timeout = 15000) {
  await page.waitForFunction(() => document.documentElement.dataset.unsaved === '0', null, { timeout });
}

/// Runs one line and waits until the scrollback's last line is `expect`.
export async function runExpect(page, line, expect, timeout = 15000) {
  await typeCommand(page, line);
  await page.waitForFunction((e) => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent === e, expect, { timeout });
}
