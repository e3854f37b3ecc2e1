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
listed=$("${jest[@]}" --listTests)
ordered=$(node -e '
  const { orderE2e } = require("./tests/helpers/e2eSequencer.js");
  const paths = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
  for (const path of orderE2e(paths)) console.log(path);' <<< "$listed")
files=()
[ -n "$ordered" ] && mapfile -t files <<< "$ordered"
if [ "${#files[@]}" -eq 0 ]; then
  echo "test:e2e: no e2e test files found" >&2
  exit 1
fi

failed_files=()
for index in "${!files[@]}"; do
  file=${files[$index]}
  name=${file#"$PWD"/}
  started=$(date +%s)
  echo "== test:e2e: $name ($((index + 1))/${#files[@]})"
  # The per-file summary line names the file; the last line of all is the only "test:e2e: …" total.
  if ! npm_lifecycle_event="test:e2e [$name]" "${jest[@]}" --json --outputFile="$results/$(printf '%03d' "$index").json" --runTestsByPath "$file"; then
    failed_files+=("$name")
  fi
  echo "== test:e2e: $name took $(($(date +%s) - started)) s"
done

node tests/helpers/e2eTotals.js "$results" "${#files[@]}" "${failed_files[@]}"
[ "${#failed_files[@]}" -eq 0 ]
