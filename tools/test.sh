#!/bin/bash
# npm test: the unit tests, then the end-to-end tests on the five-node testbed,
# bringing the testbed up first when it is not running (CI brings it up itself
# before, so it is not built twice). The e2e tests are never skipped: when this
# machine cannot run the testbed, one line says what it needs and npm test fails.
set -Eeuo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

npm run -s test:unit

if npx --no-install tsx tools/testbed-check.ts running; then
  echo "== npm test: the testbed is running; end-to-end tests next"
else
  if ! npx --no-install tsx tools/testbed-check.ts prerequisites; then
    echo "npm test: the unit tests passed; the end-to-end tests did not run" >&2
    exit 1
  fi
  echo "== npm test: the testbed is not running; bringing it up (tests/harness/testbed.sh up; npm run testbed:down removes it)"
  bash tests/harness/testbed.sh up
fi
npm run -s test:e2e
