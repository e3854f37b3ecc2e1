#!/bin/bash
# The stack's backup repository service: pgBackRest's TLS server, which every
# member archives to, and the agent that takes the scheduled backups and dumps.
set -Eeuo pipefail
# shellcheck source=/dev/null
. /usr/local/lib/pgswarm/contract.sh

mkdir -p "$PGSWARM_REPO_PATH" "$PGSWARM_DUMPS_DIR"
exec node /usr/local/lib/pgswarm/images/postgres/agent/main.js repo
