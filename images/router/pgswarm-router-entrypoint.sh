#!/bin/bash
# Builds the monitor user's pgpass from its Docker secret, then runs HAProxy in the foreground.
set -Eeuo pipefail
(
  umask 077
  printf '*:*:*:pgswarm_monitor:%s\n' "$(</run/secrets/pgswarm-monitor-password)" >"$PGPASSFILE"
)
exec haproxy -W -db -f /etc/pgswarm/haproxy.cfg
