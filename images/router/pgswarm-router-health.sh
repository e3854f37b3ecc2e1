#!/bin/bash
# Liveness of the router itself (not of the database): HAProxy answers its monitor URI.
set -euo pipefail
curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:8404/healthz
