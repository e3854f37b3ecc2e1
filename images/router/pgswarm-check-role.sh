#!/bin/bash
# HAProxy external check: exit 0 when the member at $3:$4 has the role the
# server name asks for (…-primary or …-replica, the replica within the lag limit).
# Arguments: <proxy_addr> <proxy_port> <server_addr> <server_port>.
set -uo pipefail
server_addr=$3
server_port=$4
want=${HAPROXY_SERVER_NAME##*-}
max_lag=${PGSWARM_MAX_LAG_BYTES:-16777216}

state=$(psql "host=$server_addr port=$server_port user=pgswarm_monitor dbname=postgres connect_timeout=2" -XAtq -F ' ' -c \
  "SELECT pg_is_in_recovery(),
          COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0)::bigint,
          (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming')" 2>/dev/null) || exit 1
read -r in_recovery replay_lag streaming <<<"$state"

case "$want" in
  primary) [ "$in_recovery" = f ] ;;
  # A replica serves reads only while it streams from a primary and replays within the lag limit.
  replica) [ "$in_recovery" = t ] && [ "$streaming" -ge 1 ] && [ "$replay_lag" -le "$max_lag" ] ;;
  *) exit 1 ;;
esac
