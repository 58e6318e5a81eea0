#!/usr/bin/env bash
# Sourced by test.sh and example.sh: makes sure pnpm (the pinned version, via corepack:
# ensure-pnpm.sh) and a redis-server binary are available, installing them when missing. Needs
# only Node 20+.
set -euo pipefail

source scripts/ensure-pnpm.sh

if ! command -v redis-server >/dev/null 2>&1 && ! command -v valkey-server >/dev/null 2>&1 && [ -z "${CACHEX_REDIS_SERVER:-}" ]; then
  echo "== installing redis-server (apt-get)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

echo "== node $(node --version), pnpm $(pnpm --version), $( (command -v redis-server >/dev/null && redis-server --version) || echo "${CACHEX_REDIS_SERVER:-valkey-server}")"
pnpm install --frozen-lockfile
