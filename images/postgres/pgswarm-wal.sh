#!/bin/bash
# PostgreSQL's archive_command and restore_command: pgBackRest, bounded in time.
#   pgswarm-wal pgbackrest archive-push <wal path>                      archive a segment to the stack's repository
#   pgswarm-wal pgbackrest archive-get <wal file> <destination> [args]  fetch one (args: e.g. --config=… of a restore)
# ("pgbackrest" is the first word because pgBackRest's backup and check refuse an
# archive_command that does not contain it.)
# pgBackRest waits for ever on a repository that accepts a connection and then
# says nothing (a frozen container), and a blackholed one stalls the connect;
# either would hold a standby's promotion or a primary's stop. So: a TCP
# connection to the repository first, within the connect timeout, then
# pgBackRest under `timeout`. A failure is what PostgreSQL expects from both
# commands when the archive cannot help now: it streams instead, or retries.
set -uo pipefail
# shellcheck source=/dev/null
. "${PGSWARM_CONTRACT_SH:-/usr/local/lib/pgswarm/contract.sh}" # (another one only in the unit tests)

# A repository that did not answer is not asked again for a while: a standby being
# promoted calls restore_command several times (timeline history files), and each
# wait would delay the promotion.
DOWN_MARKER=${PGSWARM_REPOSITORY_DOWN_FILE:-/tmp/pgswarm-repository-down}

repository_answers() {
  if [ -f "$DOWN_MARKER" ] && [ $(( $(date +%s) - $(stat -c %Y "$DOWN_MARKER") )) -lt "$PGSWARM_WAL_DOWN_REMEMBERED" ]; then
    return 1
  fi
  if timeout "$PGSWARM_WAL_CONNECT_TIMEOUT" bash -c \
    "exec 3<>/dev/tcp/$PGSWARM_BACKUP_REPO_HOST/$PGSWARM_PGBACKREST_TLS_PORT" 2>/dev/null; then
    rm -f "$DOWN_MARKER"
    return 0
  fi
  touch "$DOWN_MARKER"
  return 1
}

[ "${1:-}" = pgbackrest ] || { echo "usage: pgswarm-wal pgbackrest archive-push <wal path> | archive-get <wal file> <destination> [pgbackrest options]" >&2; exit 2; }
shift

case "${1:-}" in
  archive-push)
    [ $# -eq 2 ] || { echo "usage: pgswarm-wal pgbackrest archive-push <wal path>" >&2; exit 2; }
    repository_answers || { echo "pgswarm-wal: the backup repository does not answer; $2 stays for the next attempt" >&2; exit 1; }
    exec timeout -k 5 "$PGSWARM_WAL_PUSH_TIMEOUT" pgbackrest "--stanza=$PGSWARM_STANZA" archive-push "$2"
    ;;
  archive-get)
    [ $# -ge 3 ] || { echo "usage: pgswarm-wal pgbackrest archive-get <wal file> <destination> [pgbackrest options]" >&2; exit 2; }
    file=$2 destination=$3
    shift 3
    # A standby that streams from a leader it hears takes WAL and timeline history from it, not from
    # here (contract.ts, STREAM_FIRST_FILE); PostgreSQL then reads its pg_wal.
    if read -r stream_first_until 2>/dev/null <"$PGSWARM_STREAM_FIRST_FILE" \
      && [[ $stream_first_until =~ ^[0-9]+$ ]] && [ "$stream_first_until" -ge "$EPOCHSECONDS" ]; then
      exit 1
    fi
    # Quiet: a standby asks for many segments that are not archived yet.
    repository_answers || exit 1
    exec timeout -k 2 "$PGSWARM_WAL_GET_TIMEOUT" pgbackrest "$@" "--stanza=$PGSWARM_STANZA" archive-get "$file" "$destination"
    ;;
  *)
    echo "usage: pgswarm-wal pgbackrest archive-push <wal path> | archive-get <wal file> <destination> [pgbackrest options]" >&2
    exit 2
    ;;
esac
