#!/usr/bin/env bash
# The example shop (apps/express-example) on a fresh clone with nothing but Node 20+: pnpm (via
# corepack), install, build the app and the packages it uses, then start it in the foreground
# and print its URL. With no configuration it runs on the embedded memory backend (no
# redis-server needed); REDIS_URL / VALKEY_URL / CACHEX_URL (CACHEX_BACKEND=redis-cluster for a
# cluster) or a cachex.config.json in apps/express-example point it at a server. PORT (default
# 3000) and HOST (default 127.0.0.1) say where it listens; Ctrl-C stops it.
#
#   bash scripts/demo.sh            start the shop
#   bash scripts/demo.sh --check    smoke test for CI: start it on a free port, check that / and
#                                   /healthz answer 200, stop it (SIGTERM, by PID), exit 0
set -euo pipefail
cd "$(dirname "$0")/.."

mode=run
case "${1:-}" in
"") ;;
--check) mode=check ;;
-h | --help)
  sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
  ;;
*)
  echo "demo.sh: unknown argument '$1' (try --help)" >&2
  exit 2
  ;;
esac

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "demo.sh: needs Node.js 20 or later (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

source scripts/ensure-pnpm.sh
echo "== node $(node --version), pnpm $(pnpm --version)"
pnpm install --frozen-lockfile
echo "== building @cachex/express-example and the packages it uses"
pnpm turbo run build --filter=@cachex/express-example... --output-logs=errors-only

app=apps/express-example
if [ "$mode" = run ]; then
  cd "$app"
  exec node --enable-source-maps dist/main.js
fi

# ---- --check ---------------------------------------------------------------------------------

log=$(mktemp "${TMPDIR:-/tmp}/cachex-demo.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -f "$log"
}
trap cleanup EXIT

(cd "$app" && PORT=0 HOST=127.0.0.1 exec node --enable-source-maps dist/main.js) >"$log" 2>&1 &
pid=$!

url=""
for _ in $(seq 1 300); do # up to 30 s
  url=$(sed -n 's/^cachex example listening on \(http:[^ ]*\) .*/\1/p' "$log" | head -n 1)
  if [ -n "$url" ] || ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "demo --check: the app did not print its URL" >&2
  cat "$log" >&2
  exit 1
fi
grep -m1 '^cachex example listening' "$log"

check=0
node --input-type=module - "$url" <<'EOF' || check=$?
const base = process.argv[2];
let failed = false;
for (const path of ['/', '/healthz']) {
  try {
    const response = await fetch(base + path, { signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    const shown = path === '/' ? `${body.length} bytes of HTML` : body;
    console.log(`GET ${path} → ${response.status} ${shown}`);
    if (response.status !== 200) failed = true;
  } catch (error) {
    console.log(`GET ${path} → ${error.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
EOF

kill -TERM "$pid"
stopped=0
wait "$pid" || stopped=$?
pid=""
if [ "$check" -ne 0 ] || [ "$stopped" -ne 0 ]; then
  echo "demo --check: FAILED (checks exit $check, app exit $stopped)" >&2
  cat "$log" >&2
  exit 1
fi
echo "demo --check: OK (the app stopped cleanly on SIGTERM)"
