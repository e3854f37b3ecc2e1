#!/bin/bash
# npm run up -- <stack>: check the stack file, then `pulumi up` it.
set -Eeuo pipefail
# shellcheck source=tools/pulumi-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/pulumi-env.sh" "${1:-}"
npx tsx tools/check-config.ts "$stack"
npx pulumi up --yes --stack "$stack"
