#!/bin/bash
# repmgrd's promote_command: promote this standby, then give the new primary a
# WAL archive of its own (its volume has none yet), so archiving does not stall.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR source=pgswarm-lib.sh
. /usr/local/lib/pgswarm-lib.sh
repmgr standby promote -f "$REPMGR_CONF" --log-to-file
if [ "${PGSWARM_WAL_ARCHIVING:-on}" = on ]; then
  pgbackrest --stanza=pgswarm stanza-create >/dev/null 2>&1 || log "pgBackRest stanza-create after promotion failed; WAL waits in pg_wal"
fi
