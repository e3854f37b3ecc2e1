#!/bin/bash
# npm run up -- <stack>: check the stack file, the Docker Engine (swarm mode; dev may
# initialise a one-node swarm) and the published ports, get the Pulumi CLI, then
# `pulumi up`. Ends with where the application answers and how to look at the stack.
set -Eeuo pipefail
# shellcheck source=tools/pulumi-env.sh
PGSWARM_ACTION=up . "$(dirname "${BASH_SOURCE[0]}")/pulumi-env.sh" "${1:-}"

preflight() { npx --no-install tsx tools/preflight.ts "$@"; }

# dev only: make this machine's Docker Engine a one-node swarm, after saying what that does.
init_dev_swarm() {
  echo "pgswarm deploys to Docker Swarm. \`docker swarm init\` makes this machine's Docker Engine a one-node swarm manager:"
  echo "your other containers keep running, and \`docker swarm leave --force\` undoes it."
  if [ -t 0 ] && [ -z "${PGSWARM_ASSUME_YES:-}" ]; then
    local answer
    read -r -p "Run docker swarm init now? [Y/n] " answer
    case "$answer" in
      [nN]*) fail "not in swarm mode; run docker swarm init yourself, then npm run up -- dev again" ;;
    esac
  fi
  command -v docker >/dev/null || fail "the docker command is missing; install the Docker CLI, or run docker swarm init where Docker runs"
  local output
  if ! output=$(docker swarm init 2>&1); then
    fail "docker swarm init failed ($(printf '%s' "$output" | head -n 1)); on a machine with several addresses run docker swarm init --advertise-addr <its IP>"
  fi
  echo "This machine is now a one-node swarm."
}

npx --no-install tsx tools/check-config.ts "$stack"

docker_status=0
docker_problem=$(preflight docker "$stack" 2>&1) || docker_status=$?
if [ "$docker_status" = 3 ] && [ "$stack" = dev ]; then
  init_dev_swarm
elif [ "$docker_status" != 0 ]; then
  printf '%s\n' "$docker_problem" >&2
  exit 1
fi
preflight ports "$stack" || exit 1

ensure_pulumi_cli
select_stack
npx --no-install pulumi up --yes --stack "$stack" || fail "pulumi up failed; the messages above say why (npm run up -- $stack again after fixing it)"

echo
echo "The $stack stack is up. The application answers at:"
preflight urls "$stack" | sed 's/^/  /'
echo "Members, roles and lag: npm run status -- $stack"
