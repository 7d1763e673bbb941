#!/usr/bin/env bash
# buildkitd.sh prepares a Debian 12 machine (as root) for the buildkit
# engine's tests: it builds buildkitd and buildctl from the Go module proxy
# (once; the build is cached outside the repository), starts a buildkitd
# with the OCI worker and Debian's runc unless one answers, registers QEMU
# for arm64 programs, and fetches an arm64 busybox for multi-platform
# tests. It is idempotent, non-interactive, and stops nothing.
set -euo pipefail

version=v0.33.1
cache=${DOCKYARD_CACHE:-/var/cache/dockyard}
bindir=$cache/buildkit-$version/bin
state=/var/lib/dockyard-buildkitd
sock=/run/buildkit/buildkitd.sock
log=/var/log/dockyard-buildkitd.log
packages=(runc qemu-user-static binfmt-support)

log_prefix=buildkitd
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root
install_missing "${packages[@]}"

# buildkit's go.mod has exclude directives, so "go install ...@version" is
# refused: a small module of our own requires it and builds its commands.
if [[ ! -x $bindir/buildkitd || ! -x $bindir/buildctl ]]; then
	log "building buildkitd and buildctl $version (once; cached in $bindir)"
	src=$cache/buildkit-$version/src
	mkdir -p "$src" "$bindir"
	cat >"$src/go.mod" <<-EOF
		module dockyard.local/buildkitd

		go 1.24
	EOF
	cat >"$src/tools.go" <<-'EOF'
		//go:build tools

		package tools

		import (
			_ "github.com/moby/buildkit/cmd/buildctl"
			_ "github.com/moby/buildkit/cmd/buildkitd"
		)
	EOF
	(
		cd "$src"
		export GOFLAGS=-mod=mod CGO_ENABLED=0
		go get "github.com/moby/buildkit@$version" >&2
		go mod tidy -e >&2
		go build -o "$bindir/buildkitd" github.com/moby/buildkit/cmd/buildkitd
		go build -o "$bindir/buildctl" github.com/moby/buildkit/cmd/buildctl
	)
fi
ln -sf "$bindir/buildkitd" /usr/local/bin/buildkitd
ln -sf "$bindir/buildctl" /usr/local/bin/buildctl

# QEMU for arm64: without systemd, the handler is registered by hand.
binfmt=/proc/sys/fs/binfmt_misc
if [[ ! -e $binfmt/register ]]; then
	mount -t binfmt_misc binfmt_misc "$binfmt" || log "cannot mount $binfmt: no arm64 emulation"
fi
if [[ -e $binfmt/register && ! -e $binfmt/qemu-aarch64 ]]; then
	grep -v '^#' /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register" || log "cannot register qemu-aarch64"
fi
[[ -e $binfmt/qemu-aarch64 ]] && log "qemu-aarch64 registered"

# An arm64 busybox, for the tests' two-platform base image.
arm64=$cache/busybox-arm64
if [[ ! -x $arm64/busybox ]]; then
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		apt-get update -qq </dev/null >&2
	fi
	tmp=$(mktemp -d)
	(cd "$tmp" && apt-get download -qq -o APT::Sandbox::User=root busybox-static:arm64 </dev/null >&2 && dpkg-deb -x busybox-static_*_arm64.deb x)
	mkdir -p "$arm64"
	cp "$tmp/x/bin/busybox" "$arm64/busybox"
	rm -rf "$tmp"
fi
log "arm64 busybox: $arm64/busybox"

answers() { timeout 10 buildctl --addr "unix://$sock" debug workers >/dev/null 2>&1; }

if answers; then
	log "buildkitd answers at unix://$sock"
	exit 0
fi
mkdir -p "$state" "$(dirname "$sock")"
# Registries on the loopback address speak plain HTTP in the tests.
cat >"$state/buildkitd.toml" <<-EOF
	[worker.oci]
	  enabled = true
	  binary = "/usr/sbin/runc"
	[worker.containerd]
	  enabled = false
	[registry."127.0.0.1:5000"]
	  http = true
	[registry."localhost:5000"]
	  http = true
EOF
start_daemon buildkitd "$log" "buildkitd answers at unix://$sock" answers \
	buildkitd --config "$state/buildkitd.toml" --root "$state/root" --addr "unix://$sock"
