#!/bin/bash
# npm run destroy -- <stack>: remove the stack's services, secrets, configs, networks and node labels.
# Database volumes stay on their nodes: remove them by hand (docker volume rm <stack>_pgnodeN_data) when you mean it.
set -Eeuo pipefail
# shellcheck source=tools/pulumi-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/pulumi-env.sh" "${1:-}"
npx pulumi destroy --yes --stack "$stack"
