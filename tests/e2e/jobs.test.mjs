// Commands that keep running: a watch streams until Ctrl+C, a bracketed snapshot save hangs
// until Ctrl+C; while they run there is no prompt and typed lines are not executed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openPage, typeCommand, terminalLines, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const PROMPT = 'root@docker-01:~# ';

test('watch shows the delete of a key whose lease expires, then Ctrl+C returns the prompt', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  await typeCommand(page, TLS_ENV);
  await typeCommand(page, 'L=$(etcdctl lease grant 3 | cut -d" " -f2)');
  await typeCommand(page, 'etcdctl put lesson hello --lease=$L');
  await typeCommand(page, 'etcdctl watch lesson');
  assert.equal(await page.textContent('#prompt'), '', 'no prompt while the watch runs');
  // A line typed now is shown but not run by the shell.
  await typeCommand(page, 'etcdctl put lesson again');
  // The lease runs out on the page's clock; the watch prints the deletion.
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((e) => e.textContent === 'DELETE'), null, { timeout: 10000 });
  let lines = await terminalLines(page);
  // A DELETE event's value is empty: etcdctl prints an empty line for it.
  assert.deepEqual(lines.slice(-5), [PROMPT + 'etcdctl watch lesson', 'etcdctl put lesson again', 'DELETE', 'lesson', '']);
  assert.equal(await page.textContent('#prompt'), '', 'still running after the event');
  await page.press('#cmd', 'Control+c');
  assert.equal(await page.textContent('#prompt'), PROMPT);
  await typeCommand(page, 'echo $?; etcdctl get lesson --print-value-only | wc -l');
  lines = await terminalLines(page);
  assert.deepEqual(lines.slice(-4), ['^C', PROMPT + 'echo $?; etcdctl get lesson --print-value-only | wc -l', '130', '0'], lines.slice(-8).join('\n'));
  assert.deepEqual(errors, []);
});

test('the tutorial\'s bracketed snapshot save hangs until Ctrl+C', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  await page.click('#lang-en');
  await typeCommand(page, TLS_ENV);
  await typeCommand(page, 'etcdctl --endpoints=[127.0.0.1:2379] snapshot save snapshotdb');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((e) => e.textContent.includes('created temporary db file')), null, { timeout: 5000 });
  // Well past the 5 s command timeout of other requests: still waiting, no error.
  await page.waitForTimeout(6500);
  assert.equal(await page.textContent('#prompt'), '');
  let lines = await terminalLines(page);
  assert.ok(lines.at(-1).includes('created temporary db file'), lines.slice(-3).join('\n'));
  assert.ok(!lines.some((l) => l.includes('deadline')));
  await page.press('#cmd', 'Control+c');
  assert.equal(await page.textContent('#prompt'), PROMPT);
  const notes = await page.$$eval('.scrollback .explain', (els) => els.map((e) => e.textContent));
  assert.ok(notes.some((n) => n.includes('square brackets')), notes.join('\n'));
  await typeCommand(page, 'ls snapshotdb.part snapshotdb');
  lines = await terminalLines(page);
  // Like the real client killed by SIGINT: the empty .part file stays, no snapshot was saved.
  assert.deepEqual(lines.slice(-4), ['^C', PROMPT + 'ls snapshotdb.part snapshotdb', "ls: cannot access 'snapshotdb': No such file or directory", 'snapshotdb.part']);
  assert.deepEqual(errors, []);
});

test('a background watch (etcdctl watch KEY &) shows the learner\'s own writes, then kill %1', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  await typeCommand(page, TLS_ENV);
  await typeCommand(page, 'etcdctl watch color &');
  assert.equal(await page.textContent('#prompt'), PROMPT, 'the prompt stays');
  await typeCommand(page, 'etcdctl put color red');
  await typeCommand(page, 'jobs');
  await typeCommand(page, 'kill %1');
  await typeCommand(page, 'etcdctl put color blue');
  const lines = await terminalLines(page);
  assert.deepEqual(lines.slice(-13), [
    PROMPT + 'etcdctl watch color &', '[1] 4242',
    PROMPT + 'etcdctl put color red', 'OK', 'PUT', 'color', 'red',
    PROMPT + 'jobs', '[1]+  Running                 etcdctl watch color &',
    PROMPT + 'kill %1', '[1]+  Terminated              etcdctl watch color',
    PROMPT + 'etcdctl put color blue', 'OK',
  ], lines.slice(-14).join('\n'));
  assert.deepEqual(errors, []);
});

test('a loop that never ends keeps running until Ctrl+C; what it did stays done', async () => {
  const errors = [];
  const { page } = await openPage(browser, server.url, { errors });
  await typeCommand(page, TLS_ENV);
  await typeCommand(page, 'i=0; while true; do i=$((i+1)); etcdctl put loop/last $i > /dev/null; echo tick $i; sleep 1; done');
  assert.equal(await page.textContent('#prompt'), '', 'no prompt while the loop runs');
  // The page's clock drives it: ticks keep arriving while nothing is typed.
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((e) => e.textContent === 'tick 3'), null, { timeout: 15000 });
  assert.equal(await page.textContent('#prompt'), '', 'still running after three rounds');
  await page.press('#cmd', 'Control+c');
  assert.equal(await page.textContent('#prompt'), PROMPT);
  await typeCommand(page, 'echo $?; etcdctl get loop/last --print-value-only; echo $i');
  const lines = await terminalLines(page);
  const last = lines.slice(lines.lastIndexOf(PROMPT + 'echo $?; etcdctl get loop/last --print-value-only; echo $i') + 1);
  assert.equal(last[0], '130', lines.slice(-8).join('\n'));
  // The last round's put and the shell's counter agree (Ctrl+C may land between the two): the
  // loop ran in this shell, not a copy of it.
  const gap = Number(last[2]) - Number(last[1]);
  assert.ok(Number(last[1]) >= 3 && (gap === 0 || gap === 1), last.join('\n'));
  assert.ok(lines.includes('^C'));
  assert.deepEqual(errors, []);
});
