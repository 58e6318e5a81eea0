/** One endpoint, as the home page lists it. */
export interface Endpoint {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  what: string;
  /** A path to link to (GET endpoints that need no body). */
  link?: string;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    method: 'GET',
    path: '/products',
    what: 'every product (response cache, group products)',
    link: '/products',
  },
  {
    method: 'GET',
    path: '/products/:id',
    what: 'one product (response cache: Cache-Status, ETag, 304); ?ref= sets a cookie, never cached',
    link: '/products/1',
  },
  {
    method: 'POST',
    path: '/products/:id/price',
    what: 'admin: change a price, invalidates the products group',
  },
  {
    method: 'POST',
    path: '/products/batch',
    what: 'several products at once (getMany, misses from the database, setMany)',
  },
  {
    method: 'GET',
    path: '/products/:id/stock',
    what: 'stock left (an integer in the cache)',
    link: '/products/1/stock',
  },
  { method: 'PUT', path: '/products/:id/stock', what: 'admin: set the stock' },
  {
    method: 'GET',
    path: '/search?q=',
    what: 'search (rate limited per client, getOrSet)',
    link: '/search?q=beans',
  },
  {
    method: 'GET',
    path: '/cart',
    what: 'your cart (express-session, cachex store)',
    link: '/cart',
  },
  { method: 'POST', path: '/cart', what: 'add { productId, qty } to your cart' },
  { method: 'DELETE', path: '/cart', what: 'empty your cart' },
  {
    method: 'POST',
    path: '/checkout',
    what: 'buy { productId, qty } or your cart: lock + fencing token + Lua stock decrement',
  },
  {
    method: 'GET',
    path: '/orders',
    what: 'every order with its fencing token',
    link: '/orders',
  },
  { method: 'POST', path: '/scores', what: 'record { player, score } (best score kept)' },
  {
    method: 'GET',
    path: '/leaderboard',
    what: 'top players (sorted set)',
    link: '/leaderboard',
  },
  { method: 'GET', path: '/healthz', what: 'cache round trip: 200 or 503', link: '/healthz' },
  { method: 'GET', path: '/stats', what: 'hit/miss counters (JSON)', link: '/stats' },
];

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** The home page: the endpoints, and hit/miss counters refreshed from `/stats`. */
export function homePage(backend: string): string {
  const rows = ENDPOINTS.map(({ method, path, what, link }) => {
    const shown = escapeHtml(path);
    const cell = link === undefined ? shown : `<a href="${escapeHtml(link)}">${shown}</a>`;
    return `<tr><td>${method}</td><td><code>${cell}</code></td><td>${escapeHtml(what)}</td></tr>`;
  }).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cachex shop example</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
.counters { display: flex; gap: 2rem; font-size: 1.2rem; margin: 1rem 0; }
.counters b { font-size: 1.8rem; display: block; }
</style>
</head>
<body>
<h1>cachex shop example</h1>
<p>An Express service on cachex, backend <code>${escapeHtml(backend)}</code>.</p>
<div class="counters">
  <div>cache hits <b id="hits">0</b></div>
  <div>cache misses <b id="misses">0</b></div>
  <div>hit ratio <b id="ratio">-</b></div>
  <div>database queries <b id="queries">0</b></div>
</div>
<table>
<tr><th>method</th><th>path</th><th>what</th></tr>
${rows}
</table>
<p>Try <code>curl -i http://<span id="host">127.0.0.1:3000</span>/products/1</code> twice: the
second answer has <code>Cache-Status: cachex; hit</code>.</p>
<script>
document.getElementById('host').textContent = location.host;
async function refresh() {
  try {
    const stats = await (await fetch('/stats', { cache: 'no-store' })).json();
    document.getElementById('hits').textContent = stats.hits;
    document.getElementById('misses').textContent = stats.misses;
    const total = stats.hits + stats.misses;
    document.getElementById('ratio').textContent =
      total === 0 ? '-' : Math.round((100 * stats.hits) / total) + ' %';
    document.getElementById('queries').textContent = stats.databaseQueries;
  } catch {}
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
}
