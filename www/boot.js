// Loads the wasm bundle; the Rust side renders the whole page.
import init from '../pkg/etcd_playground.js';

init().then(() => {
  document.documentElement.dataset.ready = 'true';
}).catch((err) => {
  document.body.textContent = 'Failed to load the playground / Falha ao carregar o playground: ' + err;
  document.documentElement.dataset.ready = 'error';
});

// Offline once loaded: a service worker keeps a copy of the page's files (see sw.js).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  navigator.serviceWorker.register('sw.js').catch(() => {});
}
