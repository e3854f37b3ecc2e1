#!/bin/bash
# Called by repmgrd on a primary that lost its standbys (and witness): it may be
# the isolated side of a split, so it stops accepting writes by shutting down.
# On restart the entry script decides whether it rejoins as a standby.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR source=pgswarm-lib.sh
. /usr/local/lib/pgswarm-lib.sh
log "fencing: no standby reachable; stopping PostgreSQL so no write lands on an isolated primary"
touch "$FENCED_MARKER"
pg_ctl -D "$PGDATA" -m fast stop
