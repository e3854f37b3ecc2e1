# shellcheck shell=bash
# The Pulumi environment for `npm run up|destroy`: a local file backend unless
# you chose another, and a passphrase for the stack's secrets.
set -Eeuo pipefail
stack=${1:?usage: npm run up|destroy -- <stack>}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p .pgswarm/state
  export PULUMI_BACKEND_URL="file://$PWD/.pgswarm/state"
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  if [ "$stack" = dev ]; then
    # dev only: its secrets never leave this machine.
    export PULUMI_CONFIG_PASSPHRASE=""
  else
    echo "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to encrypt the $stack stack's secrets" >&2
    exit 1
  fi
fi
npx pulumi stack select --create "$stack" >/dev/null
