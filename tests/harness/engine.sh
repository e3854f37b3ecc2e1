#!/bin/bash
# Fetches another Docker engine for the testbed's nodes, to compare engines on the same
# tests and benches, into <dir>, without installing anything on the host:
#  - Debian 13 (trixie)'s docker.io and containerd. The host's runc stays in use
#    (trixie's needs a newer glibc than the bookworm host has).
#  - Given checkouts of moby/moby and opencontainers/runc, also dockerd, docker-proxy and
#    runc built from them, on trixie's containerd: an engine with a fix no release has yet.
#    Built with the Go their go.mod files ask for (Debian sid's package) and bookworm's
#    libseccomp, both unpacked into a scratch folder. Engines from 29 on need a runc
#    newer than the host's 1.1 (they ask for a time namespace).
#
#   tests/harness/engine.sh <dir> [<moby-checkout> <runc-checkout>]
#   PGSWARM_TESTBED_ENGINE=<dir> npm run testbed:up
set -Eeuo pipefail

target=${1:?usage: $0 <dir> [<moby-checkout> <runc-checkout>]}
moby=${2:-}
runc=${3:-}
if [ -n "$moby" ] && [ -z "$runc" ]; then
  echo "engine.sh: a moby checkout needs a runc checkout too" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$target"

# unpack <suite> <into> <package>...: Debian packages of <suite>, downloaded with apt lists
# of their own (the host's apt state is not touched) and unpacked into <into>.
unpack() {
  local suite=$1 into=$2 lists="$work/apt-$1"
  shift 2
  mkdir -p "$lists/lists/partial" "$lists/cache/archives/partial" "$lists/debs" "$into"
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $suite main" >"$lists/sources.list"
  local apt_options=(
    -o "Dir::Etc::SourceList=$lists/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$lists/lists" -o "Dir::Cache=$lists/cache" -o Debug::NoLocking=1
    -o APT::Sandbox::User=root
  )
  apt-get "${apt_options[@]}" update -qq
  (cd "$lists/debs" && apt-get "${apt_options[@]}" download -qq "$@")
  for package in "$lists/debs"/*.deb; do dpkg-deb -x "$package" "$into"; done
  rm -f "$lists/debs"/*.deb
}

# go_minor <checkout>: the Go release (1.N) its go.mod asks for at least.
go_minor() {
  awk '$1 == "go" { split($2, v, "."); print v[1] "." v[2]; exit }' "$1/go.mod"
}

# build <checkout> <output> <go build arguments>...: with $GO_VERSION, unpacked once.
build() {
  local checkout=$1 output=$2 goroot="$work/go/usr/lib/go-$GO_VERSION"
  shift 2
  [ -x "$goroot/bin/go" ] || unpack sid "$work/go" "golang-$GO_VERSION-go" "golang-$GO_VERSION-src"
  (
    cd "$checkout"
    export GOROOT="$goroot" GOTOOLCHAIN=local GOFLAGS=-mod=vendor
    export GOPATH="$work/gopath" GOCACHE="$work/gocache" PATH="$goroot/bin:$PATH"
    go build -trimpath -o "$output" "$@"
  )
}

unpack trixie "$target" docker.io containerd
rm -f "$target/usr/sbin/runc" "$target/usr/bin/runc"

if [ -n "$moby" ]; then
  # The newer of the two go.mod minimums builds both (sid keeps only the newest Go releases).
  GO_VERSION=$(printf '%s\n' "$(go_minor "$moby")" "$(go_minor "$runc")" | sort -V | tail -1)
  version="source-$(git -C "$moby" rev-parse --short HEAD)"
  CGO_ENABLED=0 build "$moby" "$target/usr/sbin/dockerd" \
    -tags "exclude_graphdriver_btrfs exclude_graphdriver_devicemapper netgo osusergo static_build" \
    -ldflags "-X github.com/moby/moby/v2/dockerversion.Version=$version" ./cmd/dockerd
  CGO_ENABLED=0 build "$moby" "$target/usr/sbin/docker-proxy" ./cmd/docker-proxy
  # runc's seccomp support links the host's libseccomp (bookworm's headers, same version).
  unpack bookworm "$work/seccomp" libseccomp-dev libseccomp2
  PKG_CONFIG_SYSROOT_DIR="$work/seccomp" PKG_CONFIG_PATH="$work/seccomp/usr/lib/x86_64-linux-gnu/pkgconfig" \
    CGO_ENABLED=1 build "$runc" "$target/usr/sbin/runc" -tags seccomp .
  "$target/usr/sbin/runc" --version | sed -n 1p
fi
"$target/usr/sbin/dockerd" --version
