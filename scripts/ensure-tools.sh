#!/usr/bin/env bash
# Sourced by test.sh and example.sh: makes sure pnpm (the pinned version, via corepack) and a
# redis-server binary are available, installing them when missing. Needs only Node 20+.
set -euo pipefail

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "10.34.9" ]; then
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  corepack enable
  # packageManager carries the sha512 hash, which corepack checks (the registry serves no signatures).
  corepack prepare --activate "$(node -p 'require("./package.json").packageManager')"
fi

if ! command -v redis-server >/dev/null 2>&1 && ! command -v valkey-server >/dev/null 2>&1 && [ -z "${CACHEX_REDIS_SERVER:-}" ]; then
  echo "== installing redis-server (apt-get)"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi

echo "== node $(node --version), pnpm $(pnpm --version), $( (command -v redis-server >/dev/null && redis-server --version) || echo "${CACHEX_REDIS_SERVER:-valkey-server}")"
pnpm install --frozen-lockfile
