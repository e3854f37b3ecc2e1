#!/bin/bash
# The e2e testbed: a Docker Swarm of five nodes on one machine. Each node is a
# network namespace with its own dockerd, linked by a bridge: pgm is the manager
# and carries no data member (apps, routers, a witness may run there), pgw1..pgw3
# are the workers that carry the data members, pgw4 is a spare worker, drained (Swarm places nothing there) until a
# test moves a member's slot onto it. The host's own dockerd only builds the
# images, which are then loaded into every node. `up` first tears down whatever
# it finds. testbed.json says which node is what.
#
#   testbed.sh up      tear down, then build the swarm and the images
#   testbed.sh down    remove the nodes, their data and the link
#   testbed.sh images  rebuild the images and load them on the running nodes
#   testbed.sh stop-engine|start-engine <node>   stop (SIGTERM) or start a node's dockerd
#   testbed.sh env     print the variables the e2e tests read
#
# The nodes run the host's dockerd, or, with PGSWARM_TESTBED_ENGINE=<dir> at `up`, the
# dockerd and containerd under <dir>/usr (see engine.sh); `up` records the choice for
# start-engine.
set -Eeuo pipefail

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Node names, addresses and paths: one file, read by the TypeScript harness and the e2e environment too.
LAYOUT=$ROOT_DIR/tests/harness/testbed.json
layout() {
  node -e '
    const value = process.argv[2].split(".").reduce((at, key) => at[key], require(process.argv[1]));
    console.log(Array.isArray(value) ? value.join(" ") : typeof value === "object" ? Object.keys(value).join(" ") : value);
  ' "$LAYOUT" "$1"
}
if ! command -v node >/dev/null; then
  echo "testbed.sh: needs node on PATH (it reads $LAYOUT); as root, use the node that runs npm" >&2
  exit 1
fi
node_names=$(layout nodes)
manager_names=$(layout managers)
read -ra NODES <<< "$node_names"
read -ra MANAGERS <<< "$manager_names"
SPARE=$(layout spare)
MANAGER=$(layout manager)
BRIDGE=pgswarm0
HOST_ADDR=$(layout hostAddress)
STATE_DIR=${PGSWARM_TESTBED_DIR:-$(layout stateDir)}
RUN_DIR=$(layout runDir)
LOG_DIR=$STATE_DIR/logs
ENGINE_FILE=$STATE_DIR/engine
BASE_IMAGE=debian:trixie-slim
IMAGES=(pgswarm/postgres:17 pgswarm/router:3.0 pgswarm/demo-app:latest pgswarm/exporter:0.17)

node_addr() { layout "nodes.$1"; }
node_sock() { echo "unix://$RUN_DIR/$1.sock"; }
on_node() {
  local node=$1
  shift
  docker -H "$(node_sock "$node")" "$@"
}

phase_started=0
phase() {
  phase_started=$(date +%s%N)
  echo "== testbed: $*"
}
phase_done() {
  local ms=$((($(date +%s%N) - phase_started) / 1000000))
  printf '   took %d.%01d s\n' $((ms / 1000)) $((ms % 1000 / 100))
}

require() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "testbed: missing ${missing[*]} (the CI script installs them: see .ci/run)" >&2
    exit 1
  fi
}

# The host dockerd builds images; start it when nothing answers.
ensure_host_docker() {
  if docker info >/dev/null 2>&1; then return 0; fi
  mkdir -p "$LOG_DIR"
  echo "   starting the host dockerd (image builder)"
  (dockerd >"$LOG_DIR/dockerd-host.log" 2>&1 &)
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "testbed: the host dockerd did not start; see $LOG_DIR/dockerd-host.log" >&2
  tail -20 "$LOG_DIR/dockerd-host.log" >&2 || true
  exit 1
}

stop_node() {
  local node=$1 pidfile="$RUN_DIR/$1.pid" pid
  if [ -S "$RUN_DIR/$node.sock" ]; then
    on_node "$node" swarm leave --force >/dev/null 2>&1 || true
    # Containers first, so their mounts are gone before dockerd exits.
    on_node "$node" ps -aq 2>/dev/null | xargs -r docker -H "$(node_sock "$node")" rm -f >/dev/null 2>&1 || true
  fi
  if [ -f "$pidfile" ] && pid=$(cat "$pidfile") && kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  # Anything still mounted below the node's directories (overlay layers, shm, netns files).
  grep -E " ($STATE_DIR/$node|$RUN_DIR/$node)" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  ip netns del "$node" 2>/dev/null || true
  ip link del "$node-h" 2>/dev/null || true
  rm -rf "${STATE_DIR:?}/$node" "${RUN_DIR:?}/$node" "$RUN_DIR/$node.sock" "$pidfile"
}

down() {
  phase "tearing down what is there"
  for node in "${NODES[@]}"; do stop_node "$node"; done
  ip link del "$BRIDGE" 2>/dev/null || true
  iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
  phase_done
}

make_link() {
  ip link add "$BRIDGE" type bridge
  ip addr add "$HOST_ADDR/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # The host dockerd's FORWARD policy is DROP; traffic between our nodes is ours.
  iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
}

start_node() {
  local node=$1 addr
  addr=$(node_addr "$node")
  ip netns add "$node"
  ip link add "$node-h" type veth peer name "$node-n"
  ip link set "$node-h" master "$BRIDGE" up
  ip link set "$node-n" netns "$node"
  ip -n "$node" addr add "$addr/24" dev "$node-n"
  ip -n "$node" link set "$node-n" up
  ip -n "$node" link set lo up
  ip -n "$node" route add default via "$HOST_ADDR"
  mkdir -p "$STATE_DIR/$node" "$RUN_DIR/$node" "$LOG_DIR"
  # No registry is reachable: a resolver that refuses at once makes each task's
  # image pull fail fast (it then uses the loaded image) instead of timing out.
  printf 'nameserver 127.0.0.1\n' >"$STATE_DIR/$node/resolv.conf"
  launch_dockerd "$node"
}

# The node's dockerd, in its network namespace. nsenter keeps the host's /sys (ip netns
# exec would remount it and hide the cgroups); the private mount namespace only swaps
# resolv.conf for this node. DOCKER_MIN_API_VERSION lets an engine from 29 on still serve
# the host's older docker CLI (29 refuses API versions below 1.44 by default).
launch_dockerd() {
  local node=$1 engine search=""
  engine=$(cat "$ENGINE_FILE" 2>/dev/null || true)
  [ -n "$engine" ] && search="$engine/usr/sbin:$engine/usr/bin:"
  nsenter --net="/var/run/netns/$node" unshare --uts --mount sh -c "hostname $node; \
    mount --bind $STATE_DIR/$node/resolv.conf /etc/resolv.conf; export PATH=$search\$PATH DOCKER_MIN_API_VERSION=1.24; exec dockerd \
      --data-root $STATE_DIR/$node/docker --exec-root $RUN_DIR/$node \
      --pidfile $RUN_DIR/$node.pid -H $(node_sock "$node") \
      --storage-driver overlay2" >>"$LOG_DIR/dockerd-$node.log" 2>&1 &
}

# Fault injection: stop a node's Docker engine as a package upgrade or an operator does
# (SIGTERM: it stops its containers with their stop signal), and start it again.
stop_engine() {
  local node=$1 pid
  pid=$(cat "$RUN_DIR/$node.pid")
  kill -TERM "$pid"
  for _ in $(seq 1 240); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
  echo "testbed: dockerd on $node did not stop within 60 s" >&2
  exit 1
}

start_engine() {
  local node=$1
  remove_stale_vxlan "$node"
  launch_dockerd "$node"
  wait_node "$node"
}

# A dockerd stopped while an overlay network was in use can leave the network's vxlan
# device in the node's namespace; the restarted engine then fails every task on that
# network ("error creating vxlan interface: file exists") until the device goes.
remove_stale_vxlan() {
  local node=$1 device
  for device in $(ip -n "$node" -o link show type vxlan | awk -F': ' '{print $2}' | cut -d@ -f1); do
    echo "testbed: removing $device, a vxlan device the stopped engine left on $node" >&2
    ip -n "$node" link delete "$device" || true
  done
}

record_engine() {
  local engine=${PGSWARM_TESTBED_ENGINE:-}
  if [ -n "$engine" ] && [ ! -x "$engine/usr/sbin/dockerd" ]; then
    echo "testbed: PGSWARM_TESTBED_ENGINE=$engine has no usr/sbin/dockerd (tests/harness/engine.sh fetches one)" >&2
    exit 1
  fi
  printf '%s\n' "$engine" >"$ENGINE_FILE"
  echo "   engine: $(PATH=${engine:+$engine/usr/sbin:}$PATH dockerd --version)"
}

wait_node() {
  local node=$1
  for _ in $(seq 1 120); do
    on_node "$node" info >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "testbed: dockerd on $node did not start; see $LOG_DIR/dockerd-$node.log" >&2
  tail -20 "$LOG_DIR/dockerd-$node.log" >&2 || true
  exit 1
}

# The managers (testbed.json) keep the control plane off the data nodes, as production
# swarms do: a cut-off manager that carries a member deposes the raft leader when it
# heals (Swarm's raft has no pre-vote), and Swarm then marks every node down and
# replaces healthy tasks. The rest join as workers.
form_swarm() {
  local manager_token worker_token
  on_node "$MANAGER" swarm init --advertise-addr "$(node_addr "$MANAGER")" >/dev/null
  manager_token=$(on_node "$MANAGER" swarm join-token -q manager)
  worker_token=$(on_node "$MANAGER" swarm join-token -q worker)
  for node in "${NODES[@]}"; do
    [ "$node" = "$MANAGER" ] && continue
    local token=$worker_token
    if [[ " ${MANAGERS[*]} " == *" $node "* ]]; then token=$manager_token; fi
    on_node "$node" swarm join --token "$token" --advertise-addr "$(node_addr "$node")" "$(node_addr "$MANAGER"):2377" >/dev/null
  done
  on_node "$MANAGER" node update --availability drain "$SPARE" >/dev/null
  on_node "$MANAGER" node ls
}

ensure_base_image() {
  if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    echo "   $BASE_IMAGE already present"
    return 0
  fi
  local rootfs
  rootfs=$(mktemp -d /tmp/pgswarm-rootfs.XXXXXX)
  debootstrap --variant=minbase trixie "$rootfs" >"$LOG_DIR/debootstrap.log" 2>&1 || {
    tail -20 "$LOG_DIR/debootstrap.log" >&2
    exit 1
  }
  tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
}

# The postgres image builds from the repository root (its agent shares components/contract.ts).
build_context() {
  case "$1" in
    postgres) echo "$ROOT_DIR" ;;
    *) echo "$ROOT_DIR/images/$1" ;;
  esac
}

build_images() {
  local dir
  for image in "${IMAGES[@]}"; do
    dir=${image#pgswarm/}
    dir=${dir%%:*}
    docker build -q -t "$image" -f "$ROOT_DIR/images/$dir/Dockerfile" "$(build_context "$dir")" >/dev/null 2>>"$LOG_DIR/build.log" || {
      echo "testbed: building $image failed; see $LOG_DIR/build.log" >&2
      tail -30 "$LOG_DIR/build.log" >&2
      exit 1
    }
  done
  docker image ls --format '   {{.Repository}}:{{.Tag}} {{.Size}}' | grep pgswarm/
}

distribute_images() {
  local archive=$STATE_DIR/images.tar
  docker save -o "$archive" "${IMAGES[@]}"
  local loads=()
  for node in "${NODES[@]}"; do
    on_node "$node" load -q -i "$archive" >/dev/null &
    loads+=($!)
  done
  # Only the loads: the nodes' dockerds are background jobs of this shell too.
  for pid in "${loads[@]}"; do wait "$pid"; done
  rm -f "$archive"
}

print_env() {
  echo "PGSWARM_TESTBED_MANAGER=$(node_sock "$MANAGER")"
  echo "PGSWARM_TESTBED_NODES=$(IFS=,; echo "${NODES[*]}")"
  for node in "${NODES[@]}"; do
    echo "PGSWARM_TESTBED_${node^^}=$(node_sock "$node") $(node_addr "$node")"
  done
}

up() {
  require docker dockerd ip nsenter unshare iptables debootstrap
  local started
  started=$(date +%s)
  down
  phase "host dockerd (image builder)"
  ensure_host_docker
  phase_done
  phase "base image $BASE_IMAGE"
  mkdir -p "$LOG_DIR"
  ensure_base_image
  phase_done
  phase "building images"
  build_images
  phase_done
  phase "starting ${#NODES[@]} nodes (${NODES[*]})"
  mkdir -p "$RUN_DIR"
  record_engine
  make_link
  for node in "${NODES[@]}"; do start_node "$node"; done
  for node in "${NODES[@]}"; do wait_node "$node"; done
  phase_done
  phase "forming the swarm"
  form_swarm
  phase_done
  phase "loading images on every node"
  distribute_images
  phase_done
  echo "== testbed ready in $(($(date +%s) - started)) s"
  print_env
}

images() {
  require docker
  phase "building images"
  build_images
  phase_done
  phase "loading images on every node"
  distribute_images
  phase_done
}

case "${1:-}" in
  up) up ;;
  images) images ;;
  stop-engine) stop_engine "${2:?node}" ;;
  start-engine) start_engine "${2:?node}" ;;
  down) down ;;
  env) print_env ;;
  *)
    echo "usage: $0 up|down|images|env|stop-engine <node>|start-engine <node>" >&2
    exit 2
    ;;
esac
