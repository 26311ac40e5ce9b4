#!/usr/bin/env bash
# Runs the type check, then every test file, after making sure the programs the tests start
# are installed. Node 20's test runner expands no globs and silently runs nothing when given
# a directory, so the file list is built here and must not be empty.
set -euo pipefail
cd "$(dirname "$0")/.."

# Programs the tests start themselves, as "program:Debian package". The one list to extend
# when a test needs another real server.
REQUIRED_PROGRAMS=(
  redis-server:redis-server
  nginx:nginx-light
)
# Daemons often live in sbin folders that a non-root PATH leaves out.
SBIN_DIRS=(/usr/local/sbin /usr/sbin /sbin)

# Prints the folder holding program $1 (PATH first, then the sbin folders); fails if none does.
locate_program() {
  local found dir
  if found=$(command -v "$1" 2>/dev/null); then
    dirname "$found"
    return 0
  fi
  for dir in "${SBIN_DIRS[@]}"; do
    if [ -x "$dir/$1" ]; then
      echo "$dir"
      return 0
    fi
  done
  return 1
}

provision() {
  local entry program missing=() packages=()
  for entry in "${REQUIRED_PROGRAMS[@]}"; do
    program=${entry%%:*}
    if ! locate_program "$program" >/dev/null; then
      missing+=("$program")
      packages+=("${entry#*:}")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0

  if ! command -v apt-get >/dev/null 2>&1; then
    echo "scripts/test.sh: the tests need ${missing[*]}; install it (Debian packages: ${packages[*]}) and run again" >&2
    exit 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "scripts/test.sh: the tests need ${missing[*]}; install it, then run npm test again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages[*]}" >&2
    exit 1
  fi
  echo "scripts/test.sh: installing ${packages[*]} with apt-get (the tests need ${missing[*]})"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
}

provision
# The tests spawn the programs by name: put every folder that holds one on PATH.
for entry in "${REQUIRED_PROGRAMS[@]}"; do
  dir=$(locate_program "${entry%%:*}") || {
    echo "scripts/test.sh: ${entry%%:*} is still missing after installing ${entry#*:}" >&2
    exit 1
  }
  case ":$PATH:" in
    *":$dir:"*) ;;
    *) PATH="$dir:$PATH" ;;
  esac
done
export PATH

npx tsc -p tsconfig.json --noEmit
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test files found under test/" >&2
  exit 1
fi

# Fail fast, never hang. Every test and hook fails after TEST_TIMEOUT_MS unless it sets
# its own `timeout` and says why (test/helpers/default-timeout.ts applies the default:
# Node 20's --test-timeout limits a whole file, not each test). --test-timeout is the
# backstop for a file that hangs outside any test. --test-force-exit ends a file once its
# tests are done, so a handle a regression leaves open (a store never closed) fails the
# test that checks it instead of keeping the run waiting.
export TEST_TIMEOUT_MS="${TEST_TIMEOUT_MS:-60000}"
exec node --import tsx --import ./test/helpers/default-timeout.ts --test --test-concurrency=2 --test-timeout=600000 \
  --test-force-exit "$@" "${files[@]}"
