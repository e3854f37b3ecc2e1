#!/bin/bash
# Starts one DB member. Decides, from the data on the volume and from its peers,
# whether to initialise a new cluster, clone a standby, rejoin as a standby or
# start as it was, so that a restarted old primary never becomes a second primary.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR source=pgswarm-lib.sh
. /usr/local/lib/pgswarm-lib.sh

# A maintenance start: local socket only (or the DB network too, for repmgr's
# own connections), and commits do not wait for synchronous standbys.
start_local() {
  local listen=${1:-}
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='$listen' -c synchronous_standby_names=''" -w start >/dev/null
}

# Marks an initialisation or clone in progress, so an interrupted one is redone, never served.
INIT_MARKER=/var/lib/postgresql/data/pgswarm-initialising
clear_interrupted_init() {
  [ -f "$INIT_MARKER" ] || return 0
  log "an interrupted initialisation left $PGDATA behind: starting it again"
  rm -rf "$PGDATA" "$INIT_MARKER"
}

create_roles() {
  # psql reads the passwords from the secret files itself (\set with backticks): no secret in argv.
  psql -X -v ON_ERROR_STOP=1 -h /var/run/postgresql -U postgres -d postgres \
    -v app_user="${PGSWARM_DB_USER:-app}" -v app_db="${PGSWARM_DB_NAME:-app}" <<SQL
\set app_password \`cat $(secret_file app)\`
\set repmgr_password \`cat $(secret_file replication)\`
\set monitor_password \`cat $(secret_file monitor)\`
CREATE ROLE :"app_user" LOGIN PASSWORD :'app_password';
CREATE DATABASE :"app_db" OWNER :"app_user";
REVOKE ALL ON DATABASE :"app_db" FROM PUBLIC;
CREATE ROLE repmgr LOGIN SUPERUSER REPLICATION PASSWORD :'repmgr_password';
CREATE DATABASE repmgr OWNER repmgr;
CREATE ROLE pgswarm_monitor LOGIN PASSWORD :'monitor_password' IN ROLE pg_monitor;
SQL
}

init_cluster() {
  log "initialising a new cluster"
  touch "$INIT_MARKER"
  initdb -D "$PGDATA" --username=postgres --pwfile="$(secret_file superuser)" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --data-checksums >/dev/null
  install_config
  start_local
  create_roles
  if [ "${PGSWARM_WAL_ARCHIVING:-on}" = on ]; then
    pgbackrest --stanza=pgswarm stanza-create >/dev/null
  fi
  if is_replicated; then
    # repmgr connects through its conninfo (the DB network), so listen there for the registration.
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
    start_local '*'
    repmgr -f "$REPMGR_CONF" primary register
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  rm -f "$INIT_MARKER"
  log "cluster initialised"
}

# The witness: its own small cluster holding repmgr's metadata, registered with
# the primary, so that with two data nodes a majority can still be told apart.
init_witness() {
  log "initialising the witness"
  touch "$INIT_MARKER"
  initdb -D "$PGDATA" --username=postgres --pwfile="$(secret_file superuser)" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  install_config
  start_local
  psql -X -v ON_ERROR_STOP=1 -h /var/run/postgresql -U postgres -d postgres <<SQL
\set repmgr_password \`cat $(secret_file replication)\`
CREATE ROLE repmgr LOGIN SUPERUSER REPLICATION PASSWORD :'repmgr_password';
CREATE DATABASE repmgr OWNER repmgr;
SQL
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  touch "$PGDATA/pgswarm-witness-unregistered"
  rm -f "$INIT_MARKER"
}

register_witness() {
  local primary
  [ -f "$PGDATA/pgswarm-witness-unregistered" ] || return 0
  touch "$WAITING_MARKER"
  until primary=$(find_primary); do sleep 2; done
  rm -f "$WAITING_MARKER"
  repmgr -f "$REPMGR_CONF" -h "$primary" -U repmgr -d repmgr witness register --force
  rm -f "$PGDATA/pgswarm-witness-unregistered"
}

clone_standby() {
  local primary
  log "no data yet: waiting for a primary to clone from"
  touch "$INIT_MARKER" "$WAITING_MARKER"
  until primary=$(find_primary) \
    && repmgr -f "$REPMGR_CONF" -h "$primary" -U repmgr -d repmgr standby clone --fast-checkpoint; do
    rm -rf "$PGDATA"
    sleep 2
  done
  install_config
  rm -f "$INIT_MARKER" "$WAITING_MARKER"
  log "cloned from $primary"
}

# Whether standbys ever registered with this (former) primary: if none did, none can have taken over.
had_standbys() {
  local count
  start_local
  count=$(psql -XAtq -h /var/run/postgresql -U postgres -d repmgr -c \
    "SELECT count(*) FROM repmgr.nodes WHERE type = 'standby'" 2>/dev/null) || count=0
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  [ "${count:-0}" -gt 0 ]
}

# Whether this former primary may start as primary: a majority of the data nodes
# (itself included) answers, none of them is primary, and none knows a newer
# timeline than its own (a standby that followed a promoted node knows that
# node's timeline), so no promotion can have happened without it.
safe_to_lead() {
  local mine peer state role timeline answered=1 total=1
  mine=$(own_timeline)
  while read -r peer; do
    total=$((total + 1))
    state=$(peer_state "$peer")
    [ -n "$state" ] || continue
    answered=$((answered + 1))
    read -r role timeline <<<"$state"
    [ "$role" = standby ] && [ "$timeline" -le "$mine" ] || return 1
  done < <(other_peers)
  [ $((answered * 2)) -gt "$total" ]
}

# A former primary whose data cannot be rewound: keep the diverged data aside
# (never delete it) and clone afresh from the current primary.
reclone_from() {
  local aside
  aside="/var/lib/postgresql/data/pgdata.diverged.$(date +%Y%m%dT%H%M%S)"
  log "pg_rewind could not rejoin $PGSWARM_NODE_NAME to $1; keeping the diverged data in $aside and cloning anew"
  rm -rf /var/lib/postgresql/data/pgdata.diverged.* # one generation only, or the volume fills up
  mv "$PGDATA" "$aside"
  clone_standby
}

# A member that was primary comes back as a standby of a newer primary, never as a
# second primary. Until it can tell, it waits (and accepts no connection at all).
rejoin_if_demoted() {
  local primary
  [ -f "$PGDATA/standby.signal" ] && return 0
  had_standbys || return 0
  touch "$WAITING_MARKER"
  until primary=$(find_primary) || safe_to_lead; do
    log "was primary; waiting until a majority of the DB nodes can tell whether another node took over"
    sleep 2
  done
  rm -f "$WAITING_MARKER"
  [ -n "${primary:-}" ] || return 0
  log "was primary, but $primary is primary now: rejoining as its standby"
  if ! repmgr -f "$REPMGR_CONF" node rejoin -d "host=$primary user=repmgr dbname=repmgr" --force-rewind --verbose; then
    reclone_from "$primary"
  fi
}

run_postgres() {
  if ! is_replicated; then
    exec postgres -D "$PGDATA"
  fi
  supervise
}

# Replicated members run PostgreSQL under pg_ctl, because repmgr restarts it
# (standby follow, node rejoin): the container lives while a postmaster runs or
# comes back within 30 s, keeps repmgrd running, and ends when fenced or stopped.
supervise() {
  local stopping=0 missing=0
  trap 'stopping=1; pg_ctl -D "$PGDATA" -m fast stop >/dev/null 2>&1' INT TERM
  rm -f "$FENCED_MARKER"
  pg_ctl -D "$PGDATA" -w -t 300 start >/dev/null
  if [ "${PGSWARM_NODE_KIND:-data}" = witness ]; then
    register_witness
  elif [ -f "$PGDATA/standby.signal" ]; then
    repmgr -f "$REPMGR_CONF" standby register --force >/dev/null 2>&1 || log "standby register failed; repmgrd retries"
  fi
  while [ "$stopping" = 0 ]; do
    if [ -f "$FENCED_MARKER" ]; then
      log "fenced: ending the container; the next start decides whether to rejoin"
      exit 0
    fi
    if pg_ctl -D "$PGDATA" status >/dev/null 2>&1; then
      missing=0
      pgrep -x repmgrd >/dev/null || { log "starting repmgrd"; repmgrd -f "$REPMGR_CONF" --daemonize=false & }
    else
      missing=$((missing + 1))
      if [ "$missing" -ge 15 ]; then
        log "PostgreSQL stopped and did not come back"
        exit 1
      fi
    fi
    sleep 2 &
    wait $! || true
  done
  pkill -x repmgrd 2>/dev/null || true
  exit 0
}

main() {
  write_pgpass
  clear_interrupted_init
  if [ ! -s "$PGDATA/PG_VERSION" ] && [ "${PGSWARM_NODE_KIND:-data}" = witness ]; then
    init_witness
  elif [ ! -s "$PGDATA/PG_VERSION" ]; then
    if ! is_replicated || { [ "$PGSWARM_NODE_NAME" = "${PGSWARM_INITIAL_PRIMARY:-pgnode1}" ] && ! find_primary >/dev/null; }; then
      init_cluster
    else
      clone_standby
    fi
  else
    rm -f "$PGDATA/postmaster.pid" # a stale pid from a killed task must not stop the start
    install_config
    if is_replicated && [ "${PGSWARM_NODE_KIND:-data}" = data ]; then rejoin_if_demoted; fi
  fi
  ensure_stanza
  run_postgres
}

# pgBackRest needs its stanza before a WAL segment can be archived (archiving may
# have been switched on after the cluster was created).
ensure_stanza() {
  [ "${PGSWARM_WAL_ARCHIVING:-on}" = on ] || return 0
  [ ! -f "$PGDATA/standby.signal" ] || return 0
  [ ! -f /var/lib/postgresql/data/pgbackrest/archive/pgswarm/archive.info ] || return 0
  start_local
  if pgbackrest --stanza=pgswarm stanza-create >/dev/null; then
    log "WAL archive ready (pgBackRest stanza pgswarm)"
  else
    log "pgBackRest stanza-create failed; WAL waits in pg_wal until it works"
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
}

main "$@"
