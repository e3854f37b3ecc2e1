#!/bin/bash
# A DB member's entry point: take the volume lock, then hand over to the member
# agent. The lock (an flock on a file in the volume, descriptor 9) is inherited by
# the agent and by every PostgreSQL process it starts, so a second container on the
# same volume — a replacement task Swarm starts before the old one has stopped —
# waits here until the last PostgreSQL process of the first one is gone.
set -Eeuo pipefail
# shellcheck source=/dev/null
. /usr/local/lib/pgswarm/contract.sh

mkdir -p "$PGSWARM_STATE_DIR"
exec 9>>"$PGSWARM_LOCK_FILE"
if ! flock --nonblock 9; then
  echo "pgswarm[${PGSWARM_NODE_NAME:-?}]: another container still runs PostgreSQL on this volume: waiting for its lock" >&2
  flock 9
fi
exec node /usr/local/lib/pgswarm/images/postgres/agent/main.js "$@"
