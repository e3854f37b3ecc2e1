#!/bin/bash
# The operator's client inside the cluster: `pgswarm-ctl status` and `pgswarm-ctl switchover [pgnodeN]`.
set -Eeuo pipefail
exec node /usr/local/lib/pgswarm/images/postgres/agent/main.js ctl "$@"
