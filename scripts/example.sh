#!/usr/bin/env bash
# Runs the example on a fresh machine: tools, install, build, then the example against a
# throwaway local redis-server it starts (and stops) itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-tools.sh
pnpm build
pnpm example
