#!/usr/bin/env bash
# The packages as a user gets them. Packs every published package with `pnpm pack`, checks the
# tarballs (scripts/consumer/check-tarballs.mjs), installs them with npm into four fresh projects
# outside the repository, with npm `overrides` pointing every @cachex/* name at its tarball (the
# registry's @cachex scope belongs to another project), and in each project:
#
#   esm-ts       TypeScript, module nodenext, installed from the README's package.json (its size
#                is the hello-world install size); also the declarations of every entry alone
#                (types: []) and the codec load checks
#   cjs-js       CommonJS JavaScript (require); also the connection error and the dual-package
#                checks
#   bundler-ts   TypeScript, moduleResolution bundler
#   esbuild-cjs  esbuild --bundle --format=cjs --platform=node, then node out/*.cjs
#
# type-checks the TypeScript ones with TypeScript 5.9 and 7 (strict, skipLibCheck false) and runs
# the root README's quick start and the memory-transport example (extracted from the READMEs by
# scripts/consumer/examples.mjs) against a redis-server started here on a free loopback port.
# Prints one PASS/FAIL line per project and check, and exits 1 when any fails.
#
# Builds the packages first (turbo: nothing to do right after `pnpm run ci`, which scripts/test.sh
# runs before this; CACHEX_CONSUMER_NO_BUILD=1 packs the dist/ folders as they are). Needs
# redis-server (or CACHEX_REDIS_SERVER) and the npm registry. CACHEX_CONSUMER_NPM_CACHE sets the
# npm cache the projects share (default: ~/.cache/cachex-consumer-test/npm);
# CACHEX_CONSUMER_KEEP=1 keeps the projects (their path is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
started=$SECONDS

work=$(mktemp -d "${TMPDIR:-/tmp}/cachex-consumer.XXXXXX")
work=$(cd "$work" && pwd -P)
case "$work/" in
"$(pwd -P)"/*)
  echo "consumer-test: the projects must be outside the repository, and $work is not" >&2
  exit 1
  ;;
esac
logs=$work/logs
tarballs=$work/tarballs
mkdir -p "$logs" "$tarballs"

redis_pid=""
cleanup() {
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  if [ -n "${CACHEX_CONSUMER_KEEP:-}" ]; then
    echo "== consumer projects kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

export npm_config_cache="${CACHEX_CONSUMER_NPM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cachex-consumer-test/npm}"
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
# The examples choose their server themselves.
unset CACHEX_URL VALKEY_URL REDIS_URL NODE_ENV

# ---- results -------------------------------------------------------------------------------

summary=()
failures=0
record() { # status project check [detail]
  local line
  printf -v line '%-4s %-11s %s' "$1" "$2" "$3"
  if [ -n "${4:-}" ]; then line+=" -- $4"; fi
  summary+=("$line")
  echo "$line"
  if [ "$1" = FAIL ]; then failures=$((failures + 1)); fi
}

finish() { # the summary, then exit: 1 when a check failed
  echo
  echo "== consumer-test summary ($((SECONDS - started)) s)"
  printf '%s\n' "${summary[@]}"
  if [ "$failures" -gt 0 ]; then
    echo "== consumer-test: $failures check(s) FAILED"
    exit 1
  fi
  echo "== consumer-test: every check passed"
  exit 0
}

show_log() { # file: its last lines, indented
  tail -n "${2:-25}" "$1" | sed 's/^/      /'
}

log_name() { # project check → a log file name
  echo "$logs/$1.$(printf '%s' "$2" | tr -c 'A-Za-z0-9.-' '_' | head -c 60).log"
}

step() { # project check command…: PASS when the command exits 0
  local project=$1 check=$2 log
  shift 2
  log=$(log_name "$project" "$check")
  if (cd "$dir" && "$@") >"$log" 2>&1; then
    record PASS "$project" "$check"
  else
    record FAIL "$project" "$check" "exit $?"
    show_log "$log"
    return 1
  fi
}

lines() { # project command…: a program that prints its own PASS/FAIL/INFO lines
  local project=$1 log status=0 line
  shift
  log=$(log_name "$project" "$*")
  (cd "$dir" && timeout 120 "$@") >"$log" 2>&1 || status=$?
  local reported=0
  while IFS= read -r line; do
    case "$line" in
    "PASS "*) record PASS "$project" "${line#PASS }" ;;
    "FAIL "*)
      record FAIL "$project" "${line#FAIL }"
      reported=1
      ;;
    "INFO "*) record INFO "$project" "${line#INFO }" ;;
    esac
  done <"$log"
  if [ "$status" -ne 0 ] && [ "$reported" -eq 0 ]; then
    record FAIL "$project" "$*" "exit $status"
    show_log "$log"
  fi
}

example() { # project name expected command…: exit 0, nothing on stderr, stdout as the README says
  local project=$1 name=$2 expected=$3 status=0
  shift 3
  local out=$logs/$project.$name.out err=$logs/$project.$name.err
  (cd "$dir" && timeout 60 "$@") >"$out" 2>"$err" || status=$?
  if [ "$status" -eq 0 ] && [ ! -s "$err" ] && cmp -s "$expected" "$out"; then
    record PASS "$project" "$name runs and prints what the README says"
  else
    record FAIL "$project" "$name runs and prints what the README says" "exit $status"
    diff "$expected" "$out" | head -n 10 | sed 's/^/      /' || true
    show_log "$err" 15
  fi
}

# ---- build, pack, check the tarballs ---------------------------------------------------------

mapfile -t package_dirs < <(node -e '
  const { readdirSync, readFileSync, existsSync } = require("node:fs");
  for (const dir of readdirSync("packages").sort()) {
    const file = `packages/${dir}/package.json`;
    if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).private !== true) console.log(`packages/${dir}`);
  }')
filters=()
for package_dir in "${package_dirs[@]}"; do filters+=("--filter=./$package_dir"); done

echo "== consumer-test: build, pack ${#package_dirs[@]} packages (work dir $work)"
if [ -z "${CACHEX_CONSUMER_NO_BUILD:-}" ]; then
  pnpm turbo run build "${filters[@]}" --output-logs=errors-only >"$logs/build.log" 2>&1 || {
    show_log "$logs/build.log" 40
    echo "consumer-test: the build failed" >&2
    exit 1
  }
fi
overrides='{}'
for package_dir in "${package_dirs[@]}"; do
  (cd "$package_dir" && pnpm pack --pack-destination "$tarballs") >>"$logs/pack.log" 2>&1 || {
    show_log "$logs/pack.log"
    exit 1
  }
  # The tarball of @cachex/x@v is cachex-x-v.tgz.
  overrides=$(node -e '
    const overrides = JSON.parse(process.argv[1]);
    const { name, version } = require(`${process.argv[2]}/package.json`);
    const file = `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
    if (!require("node:fs").existsSync(`${process.argv[3]}/${file}`)) throw new Error(`no ${file}`);
    overrides[name] = `file:../tarballs/${file}`;
    console.log(JSON.stringify(overrides));' "$overrides" "$root/$package_dir" "$tarballs")
done
tarball_files=()
for file in "$tarballs"/*.tgz; do tarball_files+=("../tarballs/$(basename "$file")"); done

dir=$root
lines tarballs node scripts/consumer/check-tarballs.mjs "$tarballs" "$work/unpacked"

# ---- tools and a server ------------------------------------------------------------------------

tools=$work/tools
mkdir -p "$tools"
echo '{ "private": true }' >"$tools/package.json"
dir=$tools
step tools "npm install typescript@5.9.3, typescript@7, esbuild" \
  npm install typescript5@npm:typescript@5.9.3 typescript7@npm:typescript@^7 esbuild@^0.28 || finish
tsc5=("node" "$tools/node_modules/typescript5/bin/tsc")
tsc7=("node" "$tools/node_modules/typescript7/bin/tsc")
esbuild=$tools/node_modules/.bin/esbuild
echo "== $("${tsc5[@]}" --version), $("${tsc7[@]}" --version), esbuild $("$esbuild" --version), npm $(npm --version), node $(node --version)"

free_port() {
  node -e '
    const server = require("node:net").createServer();
    server.listen(0, "127.0.0.1", () => { console.log(server.address().port); server.close(); });'
}
redis_port=$(free_port)
while [ "$redis_port" = 6379 ]; do redis_port=$(free_port); done
closed_port=$(free_port)
while [ "$closed_port" = 6379 ] || [ "$closed_port" = "$redis_port" ]; do closed_port=$(free_port); done
redis_bin=${CACHEX_REDIS_SERVER:-$(command -v redis-server || command -v valkey-server || echo redis-server)}
mkdir -p "$work/redis"
"$redis_bin" --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work/redis" >"$logs/redis.log" 2>&1 &
redis_pid=$!
node -e '
  const net = require("node:net");
  const deadline = Date.now() + 10_000;
  (function ping() {
    const socket = net.connect(Number(process.argv[1]), "127.0.0.1");
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => { if (String(data).startsWith("+PONG")) { socket.destroy(); process.exit(0); } });
    socket.on("error", () => {
      if (Date.now() > deadline) { console.error("redis-server did not start"); process.exit(1); }
      setTimeout(ping, 100);
    });
  })();' "$redis_port" || {
  show_log "$logs/redis.log"
  exit 1
}
redis_url="redis://127.0.0.1:$redis_port/0"
echo "== $("$redis_bin" --version | cut -d' ' -f1-3) on 127.0.0.1:$redis_port (pid $redis_pid)"

# ---- the projects ----------------------------------------------------------------------------

dir=$work
step examples "the README examples extract (quick start, memory transport)" sh -c '
  for form in ts cjs esm-iife; do node "$0/scripts/consumer/examples.mjs" "$form" "examples/$form" || exit 1; done' \
  "$root" || finish

new_project() { # dir name type: package.json with the overrides for every tarball
  mkdir -p "$1"
  node -e '
    const [file, name, type, overrides] = process.argv.slice(1);
    const manifest = { name, private: true, type, overrides: JSON.parse(overrides) };
    require("node:fs").writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");' \
    "$1/package.json" "$2" "$3" "$overrides"
}

types_node="@types/node@$(node -p 'process.versions.node.split(".")[0]')"

typecheck() { # project: TypeScript 5.9 compiles src/ to dist/, TypeScript 7 type-checks it
  step "$1" "tsc 5.9 (strict, skipLibCheck false) compiles the examples" "${tsc5[@]}" -p . || true
  step "$1" "tsc 7 (strict, skipLibCheck false) type-checks the examples" "${tsc7[@]}" -p . --noEmit || true
}

run_examples() { # project sources programs extension command…: both examples, in the project
  local project=$1 sources=$2 programs=$3 ext=$4
  shift 4
  example "$project" quick-start "$dir/$sources/quick-start.expected" \
    env REDIS_URL="$redis_url" "$@" "$programs/quick-start.$ext"
  example "$project" memory-transport "$dir/$sources/memory-transport.expected" \
    "$@" "$programs/memory-transport.$ext"
}

# a. ESM TypeScript (nodenext), from the README's package.json: the hello-world install.
project=esm-ts
dir=$work/$project
node scripts/consumer/examples.mjs manifest "$dir" "consumer-$project" >"$logs/manifest.log" 2>&1 || {
  record FAIL $project "the README's package.json (after <!-- npm-overrides -->) extracts"
  show_log "$logs/manifest.log"
  finish
}
mkdir -p "$dir/vendor/cachex"
cp "$tarballs"/*.tgz "$dir/vendor/cachex/"
if step $project "npm install of the README's package.json (@cachex/all + ioredis)" npm install; then
  size_kb=$(du -sk "$dir/node_modules" | cut -f1)
  size_mb=$(awk -v kb="$size_kb" 'BEGIN { printf "%.1f", kb / 1024 }')
  largest=$(cd "$dir/node_modules" && du -sk -- * @*/* 2>/dev/null | grep -v '^[0-9]*[[:space:]]@[^/]*$' |
    sort -rn | head -n 6 | awk '{ printf "%s%s %.1f MB", (NR > 1 ? ", " : ""), $2, $1 / 1024 }' || true)
  record INFO $project "hello-world install size: $size_kb kB ($size_mb MB) in node_modules; largest: $largest"
  cp scripts/consumer/checks/hello-world.cjs "$dir/"
  lines $project node hello-world.cjs "$root/README.md" "$size_mb"
fi
parts=()
for part in core codecs transport-memory; do parts+=("$(cd "$dir" && ls vendor/cachex/cachex-$part-*.tgz)"); done
step $project "npm install the memory example's packages, $types_node" \
  sh -c 'npm install "$@" && npm install --save-dev '"$types_node" sh "${parts[@]}" || true
mkdir -p "$dir/src" && cp "$work"/examples/ts/* "$dir/src/"
node scripts/consumer/examples.mjs tsconfig "$dir" nodenext
typecheck $project
run_examples $project src dist js node
# The declarations of every entry, alone, with types: [] (no Node globals).
mapfile -t entries < <(node scripts/consumer/examples.mjs decls "$dir" || true)
if [ ${#entries[@]} -eq 0 ]; then record FAIL $project "declaration checks" "no @cachex entry installed"; fi
for version in 5 7; do
  if [ ${#entries[@]} -eq 0 ]; then break; fi
  failed_entries=()
  for line in "${entries[@]}"; do
    slug=${line%% *}
    tsc=("${tsc5[@]}")
    if [ $version = 7 ]; then tsc=("${tsc7[@]}"); fi
    if ! (cd "$dir" && "${tsc[@]}" -p "tsconfig.decls-$slug.json") >"$logs/decls-$version-$slug.log" 2>&1; then
      errors=$(grep -c 'error TS' "$logs/decls-$version-$slug.log" || true)
      failed_entries+=("${line#* } ($errors errors)")
    fi
  done
  check="declarations of every entry compile alone, types: [] (tsc $version)"
  if [ ${#failed_entries[@]} -eq 0 ]; then
    record PASS $project "$check"
  else
    record FAIL $project "$check" "$(
      IFS=,
      echo "${failed_entries[*]}"
    )"
    { grep -h 'error TS' "$logs"/decls-$version-*.log || true; } | sed 's/^[^:]*: //' |
      sort | uniq -c | sort -rn | head -n 5 | sed 's/^/      /'
  fi
done
cp scripts/consumer/checks/codec-load.mjs "$dir/"
lines $project node codec-load.mjs

# b. CommonJS JavaScript.
project=cjs-js
dir=$work/$project
new_project "$dir" "consumer-$project" commonjs
step $project "npm install <every tarball> ioredis" npm install "${tarball_files[@]}" ioredis || true
cp "$work"/examples/cjs/* "$dir/"
run_examples $project . . cjs node
cp scripts/consumer/checks/connection-error.cjs scripts/consumer/checks/dual-package.cjs "$dir/"
lines $project node connection-error.cjs "$closed_port"
lines $project node dual-package.cjs

# c. TypeScript, moduleResolution bundler.
project=bundler-ts
dir=$work/$project
new_project "$dir" "consumer-$project" module
step $project "npm install <every tarball> ioredis, $types_node" \
  sh -c 'npm install "$@" ioredis && npm install --save-dev '"$types_node" sh "${tarball_files[@]}" || true
mkdir -p "$dir/src" && cp "$work"/examples/ts/* "$dir/src/"
node scripts/consumer/examples.mjs tsconfig "$dir" bundler
typecheck $project
run_examples $project src dist js node

# d. An esbuild CommonJS bundle.
project=esbuild-cjs
dir=$work/$project
new_project "$dir" "consumer-$project" commonjs
step $project "npm install <every tarball> ioredis" npm install "${tarball_files[@]}" ioredis || true
mkdir -p "$dir/src" && cp "$work"/examples/esm-iife/* "$dir/src/"
for name in quick-start memory-transport; do
  step $project "esbuild --bundle --format=cjs --platform=node $name" \
    "$esbuild" "src/$name.mjs" --bundle --format=cjs --platform=node --log-level=warning \
    --outfile="out/$name.cjs" || true
done
run_examples $project src out cjs node

finish
