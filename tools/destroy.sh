#!/bin/bash
# npm run destroy -- <stack>: remove the stack's services, secrets, configs, networks and node labels.
# Database volumes stay on their nodes: remove them by hand (docker volume rm <stack>_pgnodeN_data) when you mean it.
set -Eeuo pipefail
# shellcheck source=tools/pulumi-env.sh
PGSWARM_ACTION=destroy . "$(dirname "${BASH_SOURCE[0]}")/pulumi-env.sh" "${1:-}"
ensure_pulumi_cli
select_stack
npx --no-install pulumi destroy --yes --stack "$stack" || fail "pulumi destroy failed; the messages above say why"
