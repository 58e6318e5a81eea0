#!/usr/bin/env bash
# The whole test suite on a fresh machine: tools, install, build, typecheck, lint, package
# checks (publint + attw), unit and integration tests against spawned redis-server processes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh
pnpm run ci
