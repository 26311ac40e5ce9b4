#!/usr/bin/env bash
# Runs the type check, then every test file. Node 20's test runner expands no globs and
# silently runs nothing when given a directory, so the file list is built here and must
# not be empty.
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.json --noEmit
mapfile -t files < <(find test -name '*.test.ts' | sort)
if [ "${#files[@]}" -eq 0 ]; then
  echo "no test files found under test/" >&2
  exit 1
fi
exec node --import tsx --test --test-concurrency=2 "$@" "${files[@]}"
