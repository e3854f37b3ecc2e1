#!/bin/bash
# Fetches another Docker engine for the testbed's nodes, to compare engines on the same
# tests and benches: Debian 13 (trixie)'s docker.io and containerd, unpacked into <dir>
# without installing anything on the host. The host's runc stays in use (trixie's needs
# a newer glibc than the bookworm host has).
#
#   tests/harness/engine.sh <dir>
#   PGSWARM_TESTBED_ENGINE=<dir> npm run testbed:up
set -Eeuo pipefail

target=${1:?usage: $0 <dir>}
SUITE=trixie
PACKAGES=(docker.io containerd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$target"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian $SUITE main" >"$work/sources.list"
apt_options=(
  -o "Dir::Etc::SourceList=$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=1
  -o APT::Sandbox::User=root
)
apt-get "${apt_options[@]}" update -qq
(cd "$work" && apt-get "${apt_options[@]}" download -qq "${PACKAGES[@]}")
for package in "$work"/*.deb; do dpkg-deb -x "$package" "$target"; done
rm -f "$target/usr/sbin/runc" "$target/usr/bin/runc"
"$target/usr/sbin/dockerd" --version
