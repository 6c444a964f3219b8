// Loads the wasm bundle; the Rust side renders the whole page. Before it starts, this file sets
// `globalThis.etcdStore`: the small browser glue `src/web/storage.rs` calls — the saved session
// in IndexedDB, the lock that lets one tab own it, and the crash panel's buttons (plain JS, so
// they work when the wasm has trapped).
import init from '../pkg/etcd_playground.js';

const DB = 'etcd-playground';
const STORE = 'session';
const RECORD = 'current';
const LEGACY_KEY = 'etcd-playground.session'; // base64 CBOR, pages before IndexedDB
const LOCK = 'etcd-playground.session';
// Set by an owning page as it goes away (a reload, a navigation in the same tab): the next
// page in this tab waits longer for the lock, which the browser frees only once the old page
// is gone, and that takes seconds on a busy machine. Without it a reload could find the lock
// still held and show the learner's own session read-only, as if another tab owned it.
const HANDOFF_KEY = 'etcd-playground.handoff';
const HANDOFF_WAIT_MS = 10000;
// A save still being written when the page goes away may never land: the browser aborts a
// page's unfinished IndexedDB transactions as it tears the page down (measured: 4 reloads in
// 40 on a busy machine found no save at all). So `leaving` also copies
// that save, synchronously, into localStorage, when it is small enough to fit there.
const SPILL_KEY = 'etcd-playground.spill';
const SPILL_MAX_BYTES = 2 * 1024 * 1024; // base64: 2.7 M characters of localStorage's ~5 M
const root = document.documentElement;

let dbPromise = null;
function db() {
  if (!dbPromise) {
    dbPromise = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new DOMException('blocked', 'InvalidStateError'));
    });
    dbPromise.catch(() => { dbPromise = null; });
  }
  return dbPromise;
}

// One request in its own transaction; resolves once the transaction has committed.
async function tx(mode, f) {
  const d = await db();
  return new Promise((resolve, reject) => {
    const t = d.transaction(STORE, mode, { durability: 'strict' });
    const req = f(t.objectStore(STORE));
    t.oncomplete = () => resolve(req.result);
    t.onabort = t.onerror = () => reject(t.error || req.error || new DOMException('aborted', 'AbortError'));
    if (mode === 'readwrite' && t.commit) t.commit();
  });
}

// Each save has an id: the journal of lines typed since a save names the save it follows.
let savedId = '';
const newId = () => Date.now().toString(36) + Math.random().toString(36).slice(2);

async function readRecord() {
  return tx('readonly', (s) => s.get(RECORD));
}
async function readSaved() {
  const rec = await readRecord();
  return rec ? new Uint8Array(rec.bytes) : null;
}

// The failure's kind, never the browser's raw text: the page words it for the learner.
function kind(e) {
  return e && e.name === 'QuotaExceededError' ? 'quota' : 'unavailable';
}

let seq = 0;
let lastSave = Promise.resolve(null);
let inFlight = null; // {id, copy} of the save being written, for `leaving`
let crashed = false;
let persistAsked = false;
let lockRelease = null;
let left = false;
let onLost = null;
let onHandover = null;
let channel = null;
function bc() {
  if (!channel && 'BroadcastChannel' in globalThis) {
    channel = new BroadcastChannel(LOCK);
    channel.onmessage = (e) => { if (e.data === 'handover' && lockRelease && onHandover) onHandover(); };
  }
  return channel;
}

// The saved session's bytes, or null. The first visit after the move to IndexedDB carries a
// localStorage save over (as bytes; its key is removed only once IndexedDB holds them).
async function loadSaved(owner) {
  let bytes = null;
  let rec;
  try {
    rec = await readRecord();
  } catch (e) { return null; }
  const spill = owner ? readSpill() : null;
  if (spill && (!rec || rec.id !== spill.id)) return adoptSpill(spill);
  if (spill) forgetSpill(); // its save landed after all
  if (rec) { savedId = rec.id || 'unnamed'; return new Uint8Array(rec.bytes); }
  const text = localStorage.getItem(LEGACY_KEY);
  if (text === null) return null;
  try {
    bytes = Uint8Array.from(atob(text.trim()), (c) => c.charCodeAt(0));
  } catch (e) {
    bytes = new TextEncoder().encode(text); // not base64: the page reports it as damaged
  }
  try {
    const id = newId();
    await tx('readwrite', (s) => s.put({ bytes: bytes.buffer.slice(0), id }, RECORD));
    localStorage.removeItem(LEGACY_KEY);
    savedId = id;
  } catch (e) { savedId = 'legacy'; /* kept in localStorage: the next visit tries again */ }
  return bytes;
}

function toBase64(bytes) {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// The save in flight as the page went away, as {id, bytes}, or null.
function readSpill() {
  try {
    const text = localStorage.getItem(SPILL_KEY);
    if (text === null) return null;
    const { id, b64 } = JSON.parse(text);
    if (typeof id !== 'string' || typeof b64 !== 'string') throw new Error('shape');
    return { id, bytes: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)) };
  } catch (e) {
    forgetSpill(); // damaged: the IndexedDB save stands
    return null;
  }
}
function forgetSpill() {
  try { localStorage.removeItem(SPILL_KEY); } catch (e) { /* nothing to do */ }
}
// The spilled save is newer than IndexedDB's: it becomes the save (the key goes once IndexedDB
// holds it; until then the next visit finds it again).
async function adoptSpill(spill) {
  savedId = spill.id;
  try {
    await tx('readwrite', (s) => s.put({ bytes: spill.bytes.buffer.slice(0), id: spill.id }, RECORD));
    forgetSpill();
  } catch (e) { /* kept in localStorage */ }
  return spill.bytes;
}

// Whether this tab owns the session (holds the lock until it hands over or the tab goes).
// Waits a moment: the lock of this tab's previous page (a reload) is released shortly after
// that page is gone. Still held after that: another tab owns the session.
function claimLock() {
  bc();
  if (!navigator.locks) return Promise.resolve(true);
  let handoff = false;
  try {
    const at = Number(sessionStorage.getItem(HANDOFF_KEY));
    sessionStorage.removeItem(HANDOFF_KEY);
    // Only a page that left moments ago (a duplicated tab copies sessionStorage too).
    handoff = at > 0 && Math.abs(Date.now() - at) < HANDOFF_WAIT_MS;
  } catch (e) { /* storage off: the short wait */ }
  return new Promise((resolve) => {
    let granted = false;
    const wait = handoff ? HANDOFF_WAIT_MS : 1500;
    const opts = AbortSignal.timeout ? { signal: AbortSignal.timeout(wait) } : { ifAvailable: true };
    navigator.locks.request(LOCK, opts, (lock) => {
      if (!lock) { resolve(false); return undefined; }
      granted = true;
      resolve(true);
      return new Promise((r) => { lockRelease = r; });
    }).catch(() => {
      if (!granted) { resolve(false); return; }
      lockRelease = null;
      if (onLost) onLost();
    });
  });
}

// Both start before the wasm is fetched and compiled, so they cost the first render nothing.
let loading = null;
let claiming = null;

globalThis.etcdStore = {
  // The save is read once this page holds the lock (or knows another tab does): a previous
  // page of this tab lets go of the lock only after its last save has landed, so reading any
  // earlier could miss that save and start this page from an older one.
  load() {
    claiming = claiming || claimLock();
    loading = loading || claiming.then(loadSaved);
    return loading;
  },
  // `lost` runs when another tab took the lock by force; `handover` when another tab asks.
  claim(lost, handover) {
    onLost = lost;
    onHandover = handover;
    claiming = claiming || claimLock();
    return claiming;
  },
  // Resolves to null once the bytes are stored, or to 'quota' / 'unavailable'. `bytes` is a
  // view into the wasm memory: copied before anything else runs.
  save(bytes, encodeMs) {
    if (crashed) return Promise.resolve('unavailable');
    const copy = bytes.slice().buffer;
    const id = newId();
    const t0 = performance.now();
    const mine = { id, copy };
    inFlight = mine;
    lastSave = tx('readwrite', (s) => s.put({ bytes: copy, id }, RECORD)).then(() => {
      // The newest save landed: a copy left by an earlier page is older now (an adoption
      // whose write failed would otherwise win over this at the next load).
      if (inFlight === mine) { inFlight = null; forgetSpill(); }
      savedId = id;
      seq += 1;
      root.dataset.saveMs = String(Math.round(encodeMs + performance.now() - t0));
      root.dataset.saveBytes = String(copy.byteLength);
      root.dataset.saved = String(seq); // for the browser tests: a save has landed
      if (!persistAsked && navigator.storage && navigator.storage.persist) {
        persistAsked = true;
        navigator.storage.persist().catch(() => {});
      }
      return null;
    }, kind);
    return lastSave;
  },
  // The page goes away (pagehide, after its last save started): the next page of this tab
  // gets the lock as soon as that save is on disk, not when the browser frees it.
  leaving() {
    if (!lockRelease) return;
    if (inFlight && inFlight.copy.byteLength <= SPILL_MAX_BYTES) {
      try {
        localStorage.setItem(SPILL_KEY, JSON.stringify({ id: inFlight.id, b64: toBase64(new Uint8Array(inFlight.copy)) }));
      } catch (e) { /* full: the journal of typed lines is what remains */ }
    }
    try { sessionStorage.setItem(HANDOFF_KEY, String(Date.now())); } catch (e) { /* the short wait */ }
    const release = lockRelease;
    lockRelease = null;
    left = true;
    lastSave.finally(release);
  },
  // The id of the save IndexedDB holds ('' for none).
  savedId() { return savedId; },
  clear() {
    savedId = '';
    localStorage.removeItem(LEGACY_KEY);
    forgetSpill();
    return tx('readwrite', (s) => s.delete(RECORD)).then(() => null, kind);
  },
  // [usage, quota] in bytes, or null where the browser does not say.
  async estimate() {
    try {
      const e = await navigator.storage.estimate();
      return typeof e.usage === 'number' && typeof e.quota === 'number' ? [e.usage, e.quota] : null;
    } catch (e) { return null; }
  },
  // The owner saved and steps aside: the asking tab reloads and owns the session.
  release() {
    if (lockRelease) { lockRelease(); lockRelease = null; }
    const ch = bc();
    if (ch) ch.postMessage('released');
  },
  // Asks the owning tab to save and let go, then reloads this one from its save. An owner that
  // does not answer (frozen, closed) loses the lock after a few seconds.
  async takeOver() {
    const held = navigator.locks ? (await navigator.locks.query()).held.some((l) => l.name === LOCK) : false;
    const ch = bc();
    if (held && ch) {
      const answered = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), 5000);
        ch.addEventListener('message', (e) => { if (e.data === 'released') { clearTimeout(timer); resolve(true); } });
        ch.postMessage('handover');
      });
      if (!answered) await navigator.locks.request(LOCK, { steal: true }, () => undefined);
    }
    location.reload();
  },
  // Called by the panic hook: nothing is saved from a broken state any more.
  crashed() { crashed = true; },
};

// The crash panel's buttons (rendered by src/web/crash.rs) work without the wasm.
async function downloadSaved() {
  const bytes = await readSaved().catch(() => null);
  if (!bytes) return;
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/cbor' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'etcd-playground-session.cbor';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}
document.addEventListener('click', (e) => {
  const t = e.target instanceof Element ? e.target : null;
  if (t && t.closest('#crash-download')) downloadSaved();
  // Back to the page without the URL that asked for a test crash: it opens the last save.
  if (t && t.closest('#crash-reload')) location.replace(location.pathname);
});

etcdStore.load();
etcdStore.claim(null, null);
// Back from the back-forward cache after `leaving` let the session go: start again from the
// save, owning it or not, as a fresh page would.
window.addEventListener('pageshow', (e) => { if (e.persisted && left) location.reload(); });

init().then(() => {
  root.dataset.ready = 'true';
}).catch((err) => {
  if (document.getElementById('crash')) return; // the crash panel says more
  document.body.textContent = 'Failed to load the playground / Falha ao carregar o playground: ' + err;
  root.dataset.ready = 'error';
});

// Offline once loaded: a service worker keeps a copy of the page's files (see sw.js).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
