#!/bin/bash
# Starts one DB member. Decides, from the data on the volume and from its peers,
# whether to initialise a new cluster, clone a standby, rejoin as a standby or
# start as it was, so that a restarted old primary never becomes a second primary.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR source=pgswarm-lib.sh
. /usr/local/lib/pgswarm-lib.sh

# A maintenance start: local socket only, and commits do not wait for
# synchronous standbys (none exist while a cluster is being created).
start_local() {
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -c synchronous_standby_names=''" -w start >/dev/null
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
  initdb -D "$PGDATA" --username=postgres --pwfile="$(secret_file superuser)" \
    --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 --data-checksums >/dev/null
  install_config
  start_local
  create_roles
  if [ "${PGSWARM_WAL_ARCHIVING:-on}" = on ]; then
    pgbackrest --stanza=pgswarm stanza-create >/dev/null
  fi
  if is_replicated; then
    repmgr -f "$REPMGR_CONF" primary register
  fi
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  log "cluster initialised"
}

# The witness: its own small cluster holding repmgr's metadata, registered with
# the primary, so that with two data nodes a majority can still be told apart.
init_witness() {
  log "initialising the witness"
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
}

register_witness() {
  local primary
  [ -f "$PGDATA/pgswarm-witness-unregistered" ] || return 0
  until primary=$(find_primary); do sleep 2; done
  repmgr -f "$REPMGR_CONF" -h "$primary" -U repmgr -d repmgr witness register --force
  rm -f "$PGDATA/pgswarm-witness-unregistered"
}

clone_standby() {
  local primary
  log "no data yet: waiting for a primary to clone from"
  until primary=$(find_primary); do sleep 2; done
  log "cloning from $primary"
  repmgr -f "$REPMGR_CONF" -h "$primary" -U repmgr -d repmgr standby clone --fast-checkpoint
  install_config
}

# A member that was primary and finds a newer primary comes back as its standby, never as a second primary.
rejoin_if_demoted() {
  local primary
  [ -f "$PGDATA/standby.signal" ] && return 0
  if ! any_peer_reachable; then
    log "was primary; waiting until a peer can tell whether another node took over"
    until any_peer_reachable; do sleep 2; done
  fi
  if primary=$(find_primary); then
    log "was primary, but $primary is primary now: rejoining as its standby"
    repmgr -f "$REPMGR_CONF" node rejoin -d "host=$primary user=repmgr dbname=repmgr" --force-rewind --verbose
  fi
}

run_postgres() {
  if ! is_replicated; then
    exec postgres -D "$PGDATA"
  fi
  postgres -D "$PGDATA" &
  local pg=$!
  trap 'kill -INT "$pg" 2>/dev/null' INT TERM
  wait_ready 120
  if [ "${PGSWARM_NODE_KIND:-data}" = witness ]; then
    register_witness
  elif [ -f "$PGDATA/standby.signal" ]; then
    repmgr -f "$REPMGR_CONF" standby register --force >/dev/null 2>&1 || log "standby register failed; repmgrd retries"
  fi
  repmgrd -f "$REPMGR_CONF" --daemonize=false &
  local status=0
  wait "$pg" || status=$?
  kill "$!" 2>/dev/null || true
  exit "$status"
}

main() {
  write_pgpass
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
