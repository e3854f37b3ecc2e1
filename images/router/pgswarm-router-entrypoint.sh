#!/bin/bash
# Runs HAProxy in the foreground with the configuration pgswarm rendered.
set -Eeuo pipefail
exec haproxy -W -db -f /etc/pgswarm/haproxy.cfg
