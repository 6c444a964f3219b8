// Issue 16 in the browser: a first visit that leads (browser language, start card), progress
// that tells the truth (skipped steps, passed stays passed, restart any step), the timed exam
// (countdown, nothing given away, a score per task), progress files and the class view, the
// printed handout, key/file views brought into sight, wide output, the phone layout.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launch, openAt, run, paste, TLS_ENV } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

async function openLesson(page, id) {
  await page.click('#tab-lessons');
  await page.click(`[data-lesson="${id}"] .lesson-open`);
  await page.waitForSelector('#step-title');
}

async function solveCurrentStep(page) {
  await page.click('#solution');
  const solution = (await page.textContent('#solution-text')).split('\n');
  await run(page, ...solution);
  await page.waitForSelector('#step-done');
}

for (const [locale, lang, label] of [['en-US', 'en', 'Language'], ['pt-BR', 'pt-BR', 'Idioma'], ['de-DE', 'en', 'Language']]) {
  test(`a first visit speaks the browser's language (${locale}) and leads to lesson 1`, async () => {
    const errors = [];
    const page = await openAt(browser, server.url, { locale, errors });
    assert.equal(await page.getAttribute('html', 'lang'), lang);
    assert.equal(await page.textContent('#lang-label'), label);
    await page.click('#start-lesson-1');
    await page.waitForSelector('#step-title');
    assert.equal(await page.getAttribute('#tab-lessons', 'aria-selected'), 'true');
    assert.match(await page.textContent('.lesson-title'), lang === 'en' ? /What etcd is/ : /O que é o etcd/);
    assert.equal(await page.locator('#start-card').count(), 0, 'the start card is gone once a lesson is open');
    // A returning visit keeps the learner's choice and shows no start card.
    await page.click(lang === 'en' ? '#lang-pt' : '#lang-en');
    await page.waitForTimeout(500);
    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.code);
    assert.equal(await page.getAttribute('html', 'lang'), lang === 'en' ? 'pt-BR' : 'en');
    assert.equal(await page.locator('#start-card').count(), 0);
    assert.deepEqual(errors, []);
  });
}

test('progress tells the truth: skipped steps, passed stays passed, complete only when all passed', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { locale: 'en-US', errors });
  await openLesson(page, '01-what-is-etcd');
  const n = await page.locator('#step-list li').count();
  assert.ok(n >= 3);
  // Every step can be restarted.
  for (let i = 0; i < n; i++) {
    assert.equal(await page.locator('#step-restart').count(), 1, `step ${i + 1} has Restart`);
    if (i + 1 < n) await page.click('#step-next');
  }
  // Skipped with Next: marked, and the lesson is not complete.
  assert.equal(await page.locator('#step-list li.skipped').count(), n - 1);
  // The last step reads the keys the first two write: write them, unchecked (their steps are not on screen).
  await run(page, 'etcdctl put k1 AAA,BBB,CCC', 'etcdctl put k5 3,ZZZ,5623');
  await solveCurrentStep(page);
  const msg = await page.textContent('#step-done');
  assert.notEqual(msg, 'Lesson complete!');
  assert.match(msg, /not passed yet/);
  assert.doesNotMatch(await page.textContent('#lesson-count'), new RegExp(`${n}/${n}`));
  // Step 1 passed, then undone: the live check goes back to ○, the step keeps its ✓.
  await page.click('#step-list li:first-child button');
  await solveCurrentStep(page);
  assert.equal(await page.getAttribute('#step-list li:first-child', 'class'), 'passed current');
  await run(page, 'etcdctl del k1');
  await page.waitForFunction(() => document.querySelectorAll('#checks li.fail').length > 0);
  assert.match(await page.getAttribute('#step-list li:first-child', 'class'), /passed/);
  // Restart this step puts the node back as the step starts.
  await run(page, 'etcdctl put k1 AAA,BBB,CCC');
  await page.click('#step-restart');
  await page.waitForFunction(() => document.querySelectorAll('#checks li.fail').length > 0);
  // The rest, passed one by one: now the lesson is complete.
  for (let i = 1; i < n - 1; i++) {
    await page.click(`#step-list li:nth-child(${i + 1}) button`);
    await page.click('#step-restart');
    await solveCurrentStep(page);
  }
  await page.click(`#step-list li:nth-child(${n}) button`);
  await page.waitForSelector('#step-done');
  assert.equal(await page.textContent('#step-done'), 'Lesson complete!');
  assert.equal(await page.locator('#step-list li.skipped').count(), 0);
  assert.deepEqual(errors, []);
});

test('the exam: a countdown, no live ticks, nothing given away, a score per task at the end', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { locale: 'en-US', errors });
  await openLesson(page, '13-cka-exam');
  assert.match(await page.textContent('#exam-clock'), /Time left: (30:00|29:5\d)/);
  await page.waitForFunction(() => /29:5\d/.test(document.querySelector('#exam-clock').textContent));
  assert.equal(await page.locator('#hint').count(), 0);
  assert.equal(await page.locator('#solution').count(), 0);
  assert.equal(await page.locator('#exam-locked').count(), 1);
  assert.equal(await page.locator('#checks li.pass, #checks li.fail').count(), 0, 'no live ticks');
  // The backup path is this attempt's own: read it from the task text.
  const backup = await page.textContent('#step-text code');
  assert.match(backup, /^\/[a-z0-9/._-]+\.db$/);
  // No teaching note while the exam runs.
  await run(page, 'etcdctl member list');
  await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('context deadline exceeded'));
  assert.equal(await page.locator('.scrollback .explain').count(), 0);
  await run(page, `etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt --cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save ${backup}`);
  await page.waitForFunction(() => document.querySelector('.scrollback').textContent.includes('Snapshot saved at'));
  assert.equal(await page.locator('#step-done').count(), 0, 'no "step complete" during an exam');
  // Task 2: a slip (only the manifest edit) is recorded when the learner moves on.
  await page.click('#step-next');
  const datadir = (await page.locator('#step-text code').allTextContents()).find((c) => c.startsWith('/') && !c.endsWith('.db'));
  await run(page, `sed -i 's#path: /var/lib/etcd$#path: ${datadir}#' /etc/kubernetes/manifests/etcd.yaml`);
  await page.click('#step-next');
  await page.click('#exam-finish');
  await page.waitForSelector('#exam-score');
  assert.match(await page.textContent('#exam-score h3'), /Score: 1 of 6 tasks/);
  assert.equal(await page.getAttribute('#exam-score [data-task="task-1-backup"]', 'class'), 'pass');
  assert.equal(await page.getAttribute('#exam-score [data-task="task-2-restore"]', 'class'), 'fail');
  // What was checked, check by check: etcd runs from the new dir, but the cluster's pod is gone.
  const t2 = await page.locator('#exam-score [data-task="task-2-restore"] .checks li').evaluateAll((els) => els.map((e) => [e.className, e.textContent]));
  assert.ok(t2.some(([c, t]) => c === 'pass' && t.includes(datadir)), JSON.stringify(t2));
  assert.ok(t2.some(([c, t]) => c === 'fail' && t.includes('made before the backup')), JSON.stringify(t2));
  // After the end: hints and the solution open, the clock is gone.
  assert.equal(await page.locator('#exam-clock').count(), 0);
  assert.equal(await page.locator('#solution').count(), 1);
  await page.click('#lang-pt');
  assert.match(await page.textContent('#exam-score h3'), /Nota: 1 de 6 tarefas/);
  assert.deepEqual(errors, []);
});

test('progress exported, imported elsewhere, refused when damaged, and read by the class view', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { locale: 'en-US', errors });
  await openLesson(page, '01-what-is-etcd');
  await solveCurrentStep(page);
  await page.click('#step-next');
  await page.click('#lesson-back');
  await page.fill('#learner-name', 'Ana');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('#progress-export')]);
  assert.equal(dl.suggestedFilename(), 'etcd-playground-progress.json');
  const text = readFileSync(await dl.path(), 'utf8');
  const file = JSON.parse(text);
  assert.equal(file.format, 'etcd-playground-progress');
  assert.equal(file.version, 1);
  assert.equal(file.learner, 'Ana');
  assert.equal(file.lessons['01-what-is-etcd'].passed.length, 1);

  // Another browser: import it.
  const other = await openAt(browser, server.url, { locale: 'pt-BR', errors });
  await other.click('#tab-lessons');
  await other.waitForSelector('[data-lesson="01-what-is-etcd"]');
  await other.setInputFiles('#progress-import', { name: 'p.json', mimeType: 'application/json', buffer: Buffer.from(text) });
  await other.waitForFunction(() => /^ 1\//.test(document.querySelector('[data-lesson="01-what-is-etcd"] .progress').textContent));
  // A damaged file: refused, in the page's language, nothing changed.
  await other.setInputFiles('#progress-import', { name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"etcd-playground-progress","version":7,"lessons":{}}') });
  await other.waitForSelector('#lesson-error');
  assert.match(await other.textContent('#lesson-error'), /tem a versão 7/);
  await other.click('#lang-en');
  assert.match(await other.textContent('#lesson-error'), /has version 7/);
  assert.match(await other.textContent('[data-lesson="01-what-is-etcd"] .progress'), /^ 1\//);

  // The class view: two learners and a file that is not a progress file.
  const bruno = JSON.stringify({ ...file, learner: 'Bruno', lessons: {} });
  await other.setInputFiles('#class-files', [
    { name: 'ana.json', mimeType: 'application/json', buffer: Buffer.from(text) },
    { name: 'bruno.json', mimeType: 'application/json', buffer: Buffer.from(bruno) },
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') },
  ]);
  await other.waitForSelector('#class-table');
  const rows = await other.$$eval('#class-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ['Ana', 'Bruno']);
  assert.match(rows[0][1], /^✓↷?·*$/);
  assert.match(rows[1][1], /^·+$/);
  assert.match(await other.textContent('.class-view'), /notes\.txt: This is not a progress file/);
  assert.deepEqual(errors, []);
});

test('the printed handout: the lesson\'s instructions and commands, no page chrome', async () => {
  const page = await openAt(browser, server.url, { locale: 'en-US' });
  await openLesson(page, '06-snapshot-plain');
  assert.equal(await page.isVisible('#handout'), false, 'on screen the handout is hidden');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#handout'), true);
  for (const sel of ['.top', '.term-col', '.tabs', '#step-nav', '#checks', '#lesson-print']) {
    if (await page.locator(sel).count()) assert.equal(await page.isVisible(sel), false, `${sel} is not printed`);
  }
  const steps = await page.locator('#handout .handout-step').count();
  assert.equal(steps, await page.locator('#step-list li').count());
  assert.match(await page.textContent('#handout'), /etcdctl .*snapshot save/);
});

test('a clicked key or file is brought into sight; wide output scrolls sideways', async () => {
  const page = await openAt(browser, server.url, { locale: 'en-US' });
  // The keys table is long: the history renders below it.
  const puts = Array.from({ length: 40 }, (_, i) => `etcdctl put zz${String(i).padStart(2, '0')} v`);
  await paste(page, [TLS_ENV, ...puts].join('\n') + '\n');
  await page.click('#tab-keys');
  await page.waitForFunction(() => document.querySelectorAll('tr.key button.keyname').length >= 40);
  const keys = page.locator('tr.key button.keyname');
  await keys.nth((await keys.count()) - 1).click();
  await page.waitForSelector('#timeline');
  await page.waitForFunction(() => {
    const t = document.querySelector('#timeline').getBoundingClientRect();
    const p = document.querySelector('#panel').getBoundingClientRect();
    return t.top < p.bottom && t.bottom > p.top;
  });
  const tip = await page.$eval('#timeline g.ev title', (e) => e.textContent);
  assert.match(tip, /^revision \d+: (put \(version \d+\), value |deleted)/);
  assert.doesNotMatch(tip, /\d+\.\d+/);
  // A file.
  await page.click('#tab-files');
  await page.locator('.tree .file').last().click();
  await page.waitForSelector('#file-viewer');
  await page.waitForFunction(() => {
    const t = document.querySelector('#file-viewer').getBoundingClientRect();
    const p = document.querySelector('#panel').getBoundingClientRect();
    return t.top < p.bottom && t.bottom > p.top;
  });
  // crictl ps keeps its columns.
  await run(page, 'crictl ps');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line.out')].some((l) => l.textContent.startsWith('CONTAINER')));
  const wide = await page.evaluate(() => {
    const line = [...document.querySelectorAll('.scrollback .line.out')].find((l) => l.textContent.startsWith('CONTAINER'));
    const sb = document.querySelector('.scrollback');
    return { ws: getComputedStyle(line).whiteSpace, h: line.getBoundingClientRect().height, lh: parseFloat(getComputedStyle(line).lineHeight) || 20, scroll: sb.scrollWidth > sb.clientWidth };
  });
  assert.equal(wide.ws, 'pre');
  assert.ok(wide.h < wide.lh * 1.6, `one header line, not wrapped (${wide.h}px)`);
  assert.ok(wide.scroll, 'the scrollback scrolls sideways');
  // Prose still wraps at the terminal's width: a long command line is not one endless line.
  await run(page, `echo ${'word '.repeat(80)}`);
  const cmd = await page.evaluate(() => {
    const l = [...document.querySelectorAll('.scrollback .line.cmd')].at(-1);
    return { w: l.getBoundingClientRect().width, cw: document.querySelector('.scrollback').clientWidth };
  });
  assert.ok(cmd.w <= cmd.cw + 1, `a command line wraps (${cmd.w} > ${cmd.cw})`);
});

test('the panel speaks Portuguese: counts with plurals, table headers, tooltips in words', async () => {
  const page = await openAt(browser, server.url, { locale: 'pt-BR' });
  await run(page, 'export ETCDCTL_CACERT=/etc/kubernetes/pki/etcd/ca.crt ETCDCTL_CERT=/etc/kubernetes/pki/etcd/server.crt ETCDCTL_KEY=/etc/kubernetes/pki/etcd/server.key', 'etcdctl put zz-only v1', 'etcdctl del zz-only');
  await page.click('#tab-keys');
  await page.fill('#insp-filter', 'zz');
  await page.waitForFunction(() => /0 chaves correspondem/.test(document.querySelector('#insp-count').textContent));
  await run(page, 'etcdctl put zz-only v2');
  await page.waitForFunction(() => /^\s*1 chave corresponde \(1 exibida\)/.test(document.querySelector('#insp-count').textContent));
  const heads = await page.$$eval('table.keys th', (ths) => ths.map((t) => t.textContent));
  assert.deepEqual(heads, ['Chave', 'Valor', 'criada (rev)', 'modificada (rev)', 'versão', 'lease']);
  await page.click('tr.key button.keyname');
  const tips = await page.$$eval('#timeline g.ev title', (ts) => ts.map((t) => t.textContent));
  assert.ok(tips.some((t) => /^revisão \d+: apagada/.test(t)), tips.join(' | '));
  assert.ok(tips.some((t) => /^revisão \d+: put \(versão 1\), valor v2$/.test(t)), tips.join(' | '));
  assert.ok(tips.every((t) => !/tombstone\)$|delete \(/.test(t)));
});

test('on a phone: the lesson sits above the prompt, with on-screen Ctrl+C, Tab and ↑', async () => {
  const page = await openAt(browser, server.url, { locale: 'en-US', width: 390, height: 844 });
  await page.click('#start-lesson-1');
  await page.waitForSelector('#step-title');
  const side = await page.locator('.side').boundingBox();
  const term = await page.locator('.terminal').boundingBox();
  assert.ok(side.y + side.height <= term.y + 1, 'the lesson panel is right above the terminal');
  for (const k of ['#key-ctrlc', '#key-tab', '#key-up']) assert.ok(await page.isVisible(k), `${k} is on screen`);
  await run(page, 'echo one');
  await page.click('#key-up');
  assert.equal(await page.inputValue('#cmd'), 'echo one');
  await page.fill('#cmd', 'etcdctl watch k');
  await page.press('#cmd', 'Enter');
  await page.click('#key-ctrlc');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((l) => l.textContent.endsWith('^C')));
  await page.fill('#cmd', 'ech');
  await page.click('#key-tab');
  assert.equal(await page.inputValue('#cmd'), 'echo ');
  // On a wide screen the keys stay out of the way.
  const desk = await openAt(browser, server.url, { locale: 'en-US' });
  assert.equal(await desk.isVisible('#key-ctrlc'), false);
});
