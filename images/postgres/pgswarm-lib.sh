# shellcheck shell=bash
# Shared by pgswarm's PostgreSQL scripts. Secrets are read from files and never
# echoed, passed as arguments or put into the environment.

PGSWARM_CONF_DIR=/etc/pgswarm
PGSWARM_SECRETS=/run/secrets
export REPMGR_CONF=$PGSWARM_CONF_DIR/repmgr.conf
# Left by pgswarm-fence: the supervisor then ends the container instead of waiting for PostgreSQL.
export FENCED_MARKER=/tmp/pgswarm-fenced
# Present while the entry script deliberately waits for its peers: the member is alive.
export WAITING_MARKER=/tmp/pgswarm-waiting
: "${PGDATA:=/var/lib/postgresql/data/pgdata}"
: "${PGSWARM_NODE_NAME:=pgnode1}"

log() { printf 'pgswarm[%s]: %s\n' "$PGSWARM_NODE_NAME" "$*" >&2; }

secret_file() { printf '%s/pgswarm-%s-password' "$PGSWARM_SECRETS" "$1"; }

# ~/.pgpass for the replication user and the superuser, written with umask 077.
write_pgpass() {
  local repmgr superuser
  repmgr=$(<"$(secret_file replication)")
  superuser=$(<"$(secret_file superuser)")
  (
    umask 077
    {
      printf '*:*:*:repmgr:%s\n' "$repmgr"
      printf '*:*:replication:repmgr:%s\n' "$repmgr"
      printf '*:*:*:postgres:%s\n' "$superuser"
    } >"$HOME/.pgpass"
  )
}

is_replicated() { [ "${PGSWARM_TOPOLOGY:-standalone}" != standalone ]; }

# Configuration pgswarm rendered, placed where PostgreSQL and repmgr's pg_ctl calls find it.
install_config() {
  cp "$PGSWARM_CONF_DIR/postgresql.conf" "$PGDATA/postgresql.conf"
  # The member's own name, for logs and for clients asking which node answered.
  printf "cluster_name = '%s'\n" "$PGSWARM_NODE_NAME" >>"$PGDATA/postgresql.conf"
  cp "$PGSWARM_CONF_DIR/pg_hba.conf" "$PGDATA/pg_hba.conf"
}


# "<role> <timeline>" for a peer on the DB network ("" when unreachable). A standby's
# timeline is the newest it knows of (received, or a history file it fetched), so one
# that followed a promoted node shows it even while its WAL receiver is down.
peer_state() {
  local answer
  answer=$(psql "host=$1 user=repmgr dbname=repmgr connect_timeout=2" -XAtq -F ' ' -c \
    "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END,
            greatest((pg_control_checkpoint()).timeline_id,
                     coalesce((SELECT received_tli FROM pg_stat_wal_receiver), 0),
                     coalesce((SELECT max(('x' || left(name, 8))::bit(32)::int) FROM pg_ls_waldir()
                               WHERE name ~ '^[0-9A-F]{8}[.]history$'), 0))" 2>/dev/null) || answer=""
  printf '%s' "$answer"
}

peer_role() {
  local state
  state=$(peer_state "$1")
  printf '%s' "${state%% *}"
}

# This member's own timeline, read from its control file (the server is stopped).
own_timeline() {
  pg_controldata -D "$PGDATA" | awk -F: '/Latest checkpoint.s TimeLineID/ { gsub(/ /, "", $2); print $2 }'
}

other_peers() {
  local peer
  IFS=, read -ra all <<<"${PGSWARM_PEERS:-}"
  for peer in "${all[@]}"; do
    [ "$peer" = "$PGSWARM_NODE_NAME" ] || printf '%s\n' "$peer"
  done
}

find_primary() {
  local peer
  while read -r peer; do
    if [ "$(peer_role "$peer")" = primary ]; then
      printf '%s' "$peer"
      return 0
    fi
  done < <(other_peers)
  return 1
}

