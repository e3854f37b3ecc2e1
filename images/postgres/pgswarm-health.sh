#!/bin/bash
# The container's liveness (never a role check: Swarm kills unhealthy tasks).
# Alive when PostgreSQL accepts connections, or while the entry script
# deliberately waits for its peers (cloning, or a former primary deciding).
set -u
# shellcheck source-path=SCRIPTDIR source=pgswarm-lib.sh
. /usr/local/lib/pgswarm-lib.sh
pg_isready -q -h /var/run/postgresql -p 5432 || [ -f "$WAITING_MARKER" ]
