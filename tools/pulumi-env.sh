# shellcheck shell=bash
# The Pulumi environment for `npm run up|destroy`: a local file backend unless
# you chose another, a passphrase for the stack's secrets, and the Pulumi CLI
# (the `pulumi` npm package fetches it on first use). Every failure is one line.
set -Eeuo pipefail
stack=${1:-}
action=${PGSWARM_ACTION:-up}
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "$stack" ]; then
  stacks=()
  for file in Pulumi.*.yaml; do
    name=${file#Pulumi.}
    stacks+=("${name%.yaml}")
  done
  echo "usage: npm run $action -- <stack>   (stacks here: ${stacks[*]})" >&2
  exit 2
fi

# One line on stderr, and stop.
fail() {
  echo "npm run $action -- $stack: $*" >&2
  exit 1
}

if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p .pgswarm/state
  export PULUMI_BACKEND_URL="file://$PWD/.pgswarm/state"
fi
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  if [ "$stack" = dev ]; then
    # dev only: its secrets never leave this machine.
    export PULUMI_CONFIG_PASSPHRASE=""
  else
    fail "set PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) to encrypt the $stack stack's secrets"
  fi
fi

# The CLI, fetched on first use; without a network that fails with a download error.
ensure_pulumi_cli() {
  local output
  if ! output=$(npx --no-install pulumi version 2>&1); then
    fail "could not get the Pulumi CLI (npx pulumi downloads it on first use and said: $(printf '%s' "$output" | tail -n 1)); check the network, or install it from https://www.pulumi.com/docs/install/"
  fi
}

select_stack() {
  local output
  if ! output=$(npx --no-install pulumi stack select --create "$stack" 2>&1); then
    fail "pulumi could not open the stack in $PULUMI_BACKEND_URL: $(printf '%s' "$output" | tail -n 1)"
  fi
}
