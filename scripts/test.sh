#!/usr/bin/env bash
# The whole test suite on a fresh machine: tools, install, build, typecheck, lint, package
# checks (publint + attw + knip), unit and integration tests against spawned redis-server
# processes (standalone, replica, TLS, ACL, sentinel, cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
source scripts/ensure-tools.sh
pnpm run ci
bash scripts/consumer-test.sh
# The demo of the README, as a smoke test: the example shop starts on the memory backend and answers.
env -u REDIS_URL -u VALKEY_URL -u CACHEX_URL bash scripts/demo.sh --check
echo "== test.sh finished in $((SECONDS - started)) s"
