#!/usr/bin/env bash
# Sourced from the repository root by ensure-tools.sh and demo.sh: makes sure pnpm, at the version
# package.json pins (packageManager), is on PATH, through corepack. Needs only Node 20+. When
# corepack cannot link pnpm next to node (no write access there), or Node has no corepack (Node
# 25+), the shims go to ${XDG_CACHE_HOME:-~/.cache}/cachex-tools instead, added to PATH here.
set -euo pipefail

pnpm_wanted=$(node -p 'require("./package.json").packageManager.split("@")[1].split("+")[0]')

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_wanted" ]; then
  export COREPACK_ENABLE_DOWNLOAD_PROMPT=0
  tools_dir="${XDG_CACHE_HOME:-$HOME/.cache}/cachex-tools"
  corepack_bin=$(command -v corepack || true)
  if [ -z "$corepack_bin" ]; then
    echo "== installing corepack (npm) in $tools_dir"
    npm install --silent --no-audit --no-fund --prefix "$tools_dir/corepack" corepack >/dev/null
    corepack_bin="$tools_dir/corepack/node_modules/.bin/corepack"
  fi
  if ! "$corepack_bin" enable 2>/dev/null || ! command -v pnpm >/dev/null 2>&1; then
    mkdir -p "$tools_dir/bin"
    "$corepack_bin" enable --install-directory "$tools_dir/bin"
    export PATH="$tools_dir/bin:$PATH"
  fi
  # packageManager carries the sha512 hash, which corepack checks (the registry serves no signatures).
  "$corepack_bin" prepare --activate "$(node -p 'require("./package.json").packageManager')"
fi
unset pnpm_wanted
