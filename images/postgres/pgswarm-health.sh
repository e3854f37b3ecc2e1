#!/bin/bash
# The container's liveness: the member agent answers (whatever the member's role:
# a role check here would make Swarm kill healthy standbys and waiting members).
set -uo pipefail
# shellcheck source=/dev/null
. /usr/local/lib/pgswarm/contract.sh
exec 3<>"/dev/tcp/127.0.0.1/$PGSWARM_AGENT_PORT" || exit 1
printf 'GET /health HTTP/1.0\r\n\r\n' >&3
timeout 2 head -n 1 <&3 | grep -q ' 200 '
