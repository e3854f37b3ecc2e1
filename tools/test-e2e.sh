#!/bin/bash
# npm run test:e2e: each e2e file in a Jest process of its own, in the fixed order of
# tests/helpers/e2eSequencer.js. One long-lived process grew by ~0.5 GB a minute outside
# its JS heap (a Pulumi runtime per deploy, the writers' threads) and reached 16 GB by the
# last file; a process per file gives all of it back between files. Every file runs even
# after a failure, as in one Jest run, and the last line sums them up.
# With arguments (e.g. --testPathPatterns x), one Jest run with those arguments instead.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

jest=(npx --no-install jest --selectProjects e2e --maxWorkers=1)
if [ "$#" -gt 0 ]; then
  exec "${jest[@]}" "$@"
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
mapfile -t files < <("${jest[@]}" --listTests | node -e '
  const { orderE2e } = require("./tests/helpers/e2eSequencer.js");
  const paths = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
  console.log(orderE2e(paths).join("\n"));')
if [ "${#files[@]}" -eq 0 ]; then
  echo "test:e2e: no e2e test files found" >&2
  exit 1
fi

status=0
for index in "${!files[@]}"; do
  file=${files[$index]}
  started=$(date +%s)
  echo "== test:e2e: ${file#"$PWD"/} ($((index + 1))/${#files[@]})"
  if ! "${jest[@]}" --json --outputFile="$results/$index.json" --runTestsByPath "$file"; then
    status=1
  fi
  echo "== test:e2e: ${file#"$PWD"/} took $(($(date +%s) - started)) s"
done

node tests/helpers/e2eTotals.js "$results"
# A file that could not run at all (a syntax error, a crash) counts no tests but fails its process.
exit "$status"
