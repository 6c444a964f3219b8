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
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const t0 = Date.now();
  await page.goto(url);
  await page.waitForSelector('#cmd', { timeout: 15000 });
  return { page, firstPromptMs: Date.now() - t0 };
}

export async function typeCommand(page, line) {
  await page.fill('#cmd', line);
  await page.press('#cmd', 'Enter');
}

/// The scrollback as text lines (prompts included).
export async function terminalLines(page) {
  return page.$$eval('.scrollback .line', (els) => els.map((e) => e.textContent));
}
