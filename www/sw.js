// Keeps the playground usable offline once it has loaded. Network first, so a rebuilt page is
// never served stale; the cached copy only when the network is gone. Paths are relative, so
// the page works from any folder of any static host.
const CACHE = 'etcd-playground-v1';
// build_dist writes the wasm chunks fetched after the first paint in place of the marker.
const FILES = ['./', 'index.html', 'www/style.css', 'www/boot.js', 'www/favicon.svg', 'pkg/etcd_playground.js', 'pkg/etcd_playground_bg.wasm', 'pkg/__wasm_split.js' /*CHUNKS*/];

self.addEventListener('install', (e) => {
  self.skipWaiting();
  e.waitUntil(caches.open(CACHE).then(async (c) => {
    await c.addAll(FILES);
    // The lessons are not part of the first load (the page fetches a lesson's file when it is
    // opened): keep their list and every file, so any lesson opens offline too.
    const index = await fetch('lessons/index.json');
    if (!index.ok) return;
    await c.put('lessons/index.json', index.clone());
    const { lessons } = await index.json();
    await c.addAll(lessons.map((l) => 'lessons/' + l.file));
  }).catch(() => {}));
});

self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (e) => {
  const req = e.request;
  if (req.method !== 'GET' || new URL(req.url).origin !== self.location.origin) return;
  e.respondWith(
    fetch(req)
      .then((res) => {
        if (res.ok) {
          const copy = res.clone();
          caches.open(CACHE).then((c) => c.put(req, copy));
        }
        return res;
      })
      .catch(() => caches.match(req, { ignoreSearch: true }).then((hit) => hit || Response.error())),
  );
});
