# shellcheck shell=bash
# Shared by pgswarm's PostgreSQL scripts. Secrets are read from files and never
# echoed, passed as arguments or put into the environment.

PGSWARM_CONF_DIR=/etc/pgswarm
PGSWARM_SECRETS=/run/secrets
export REPMGR_CONF=$PGSWARM_CONF_DIR/repmgr.conf
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

wait_ready() {
  local tries=${1:-60}
  until pg_isready -q -h /var/run/postgresql; do
    tries=$((tries - 1))
    [ "$tries" -gt 0 ] || return 1
    sleep 1
  done
}

# "primary", "standby" or "" (unreachable) for a peer on the DB network.
peer_role() {
  local answer
  answer=$(psql "host=$1 user=repmgr dbname=repmgr connect_timeout=2" -XAtqc \
    "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null) || answer=""
  printf '%s' "$answer"
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

any_peer_reachable() {
  local peer
  while read -r peer; do
    [ -n "$(peer_role "$peer")" ] && return 0
  done < <(other_peers)
  return 1
}
