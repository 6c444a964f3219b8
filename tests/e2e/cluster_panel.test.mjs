// Issue 19 in the page: the scenario choice (kubeadm node, plain node, three-member cluster),
// the Cluster panel's members (leader, term, raft index, quorum), its goreman buttons that type
// their command into the terminal, and the elections timeline; in both languages, after a reload.
// Every wait is on the page's state (attributes, text), never on time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, openAt, run, reloadPage, waitSaved, terminalLines } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launch(); });
after(async () => { await browser?.close(); server?.stop(); });

const member = (name) => `#member-${name}`;

/// Picks a scenario and starts it with the keyboard (Enter on the Start button).
async function chooseScenario(page, name) {
  await page.focus('#scenario');
  await page.selectOption('#scenario', name);
  await page.focus('#scenario-start');
  await page.keyboard.press('Enter');
}

test('the cluster scenario from the page: members, leader, buttons that type goreman, quorum and elections (en)', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors, locale: 'en-US' });
  await page.click('#lang-en');
  assert.equal(await page.inputValue('#scenario'), 'kubeadm', 'the default node');
  // A fresh page has no work to lose: the choice starts at once.
  await chooseScenario(page, 'cluster');
  await page.waitForFunction(() => document.querySelector('.scrollback')?.textContent.includes('three-member cluster (goreman)'));
  assert.equal(await page.locator('#scenario-confirm').count(), 0);
  await page.click('#tab-cluster');
  await page.waitForSelector('#cluster-members');
  assert.equal(await page.locator('#members-table tbody tr').count(), 3);
  assert.equal(await page.getAttribute(member('infra1'), 'data-leader'), 'true');
  assert.match(await page.textContent(member('infra1')), /8211f1d0f64f3269.*http:\/\/127\.0\.0\.1:2379.*running/);
  assert.match(await page.textContent('#raft-term'), /term 2/);
  assert.equal(await page.getAttribute('#quorum', 'data-running'), '3');
  assert.equal(await page.locator('#elections li').count(), 1);

  // Stop the leader with its button: the command shows in the terminal as typed, infra2 takes over.
  await page.click('#stop-etcd1');
  await page.waitForSelector(`${member('infra1')}[data-running="false"]`);
  assert.ok((await terminalLines(page)).some((l) => l.endsWith('goreman run stop etcd1')), 'the button typed the command');
  assert.equal(await page.getAttribute(member('infra2'), 'data-leader'), 'true');
  assert.match(await page.textContent('#raft-term'), /term 3/);
  assert.equal(await page.getAttribute('#quorum', 'data-quorum'), 'true');
  assert.match(await page.textContent('#quorum'), /2 of 3 members run/);
  assert.equal(await page.locator('#elections li').count(), 2);
  assert.match(await page.textContent('#elections li >> nth=0'), /term 3 · infra2 · the leader stopped/);
  assert.equal(await page.isDisabled('#stop-etcd1'), true);

  // A second member down (typed this time): no quorum, no leader.
  await run(page, 'goreman run stop etcd3');
  await page.waitForSelector('#quorum[data-quorum="false"]');
  assert.match(await page.textContent('#quorum'), /No quorum: 1 of 3 members run \(2 needed\)/);
  assert.equal(await page.locator('#members-table [data-leader="true"]').count(), 0);
  assert.match(await page.textContent('#elections li >> nth=0'), /no leader · quorum lost/);

  // Start buttons bring the quorum back, with an election.
  await page.click('#start-etcd3');
  await page.waitForSelector('#quorum[data-quorum="true"]');
  // The lone member campaigned once per 1.5 s of (real) time without a quorum: the new
  // leader's term is 4 or, on a slow machine, more; the timeline names the same term.
  const term = Number((await page.textContent('#raft-term')).match(/term (\d+)/)?.[1]);
  assert.ok(term >= 4, `term ${term} after the quorum came back`);
  assert.match(await page.textContent('#elections li >> nth=0'), new RegExp(`term ${term} · infra2 · members started`));
  await page.click('#start-etcd1');
  await page.waitForSelector('#quorum[data-running="3"]');
  // Restart a follower: goreman stops and starts it, the leader stays.
  await page.click('#restart-etcd3');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].some((l) => l.textContent.endsWith('goreman run restart etcd3')));
  assert.equal(await page.getAttribute(member('infra2'), 'data-leader'), 'true');
  // The raft index the panel shows is the one etcdctl prints.
  const idx = (await page.textContent(`${member('infra2')} td >> nth=4`)).trim();
  await run(page, 'etcdctl endpoint status --endpoints=127.0.0.1:22379');
  await page.waitForFunction((i) => document.querySelector('.scrollback')?.textContent.includes(`, ${i}, ${i}, `), idx);
  assert.deepEqual(errors, []);
});

test('the scenario choice asks before replacing work, survives a reload, and speaks Portuguese', async () => {
  const errors = [];
  const page = await openAt(browser, server.url, { errors });
  await page.click('#lang-pt');
  await run(page, 'touch /root/meu-trabalho');
  await page.waitForFunction(() => document.querySelector('.scrollback')?.textContent.includes('touch /root/meu-trabalho'));
  // Work in the session: the choice asks first; "Cancelar" keeps everything.
  await chooseScenario(page, 'cluster');
  await page.waitForSelector('#scenario-confirm');
  assert.match(await page.textContent('#scenario-confirm'), /Trocar esta sessão por uma nova\?/);
  await page.focus('#scenario-no');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#scenario');
  await run(page, 'ls /root/meu-trabalho');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent === '/root/meu-trabalho');
  // Confirmed: a fresh cluster session.
  await chooseScenario(page, 'cluster');
  await page.focus('#scenario-yes');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('.scrollback')?.textContent.includes('cluster de três membros (goreman)'));
  await page.click('#tab-cluster');
  await page.waitForSelector('#cluster-members');
  await page.click('#stop-etcd2');
  await page.waitForSelector(`${member('infra2')}[data-running="false"]`);
  await waitSaved(page);

  await reloadPage(page);
  assert.equal(await page.inputValue('#scenario'), 'cluster', 'the choice shows the session reloaded');
  await page.click('#tab-cluster');
  await page.waitForSelector('#cluster-members');
  assert.equal(await page.getAttribute(member('infra2'), 'data-running'), 'false');
  assert.equal(await page.getAttribute(member('infra1'), 'data-leader'), 'true');
  const text = await page.textContent('#cluster-members');
  assert.match(text, /Membros do etcd/);
  assert.match(text, /Quórum: 2 de 3 membros rodam \(2 necessários\)/);
  assert.match(text, /parado/);
  assert.match(text, /Eleições/);
  assert.match(await page.textContent('#elections li >> nth=0'), /termo 2 · infra1 · membros iniciados/);
  assert.equal(await page.textContent('#start-etcd2'), 'Iniciar');
  await run(page, 'ls /root/meu-trabalho');
  await page.waitForFunction(() => [...document.querySelectorAll('.scrollback .line')].at(-1)?.textContent.includes('No such file or directory'));
  // Back to the kubeadm node (the terminal has work: confirm), the members panel goes away.
  await chooseScenario(page, 'kubeadm');
  await page.click('#scenario-yes');
  await page.waitForSelector('#cluster-etcd');
  assert.equal(await page.locator('#cluster-members').count(), 0);
  assert.deepEqual(errors, []);
});
