#!/usr/bin/env bash
# setup.sh prepares a fresh Debian 12 machine (as root) for dockyard's tests:
# it installs the Debian packages they use and starts dockerd if no Docker
# engine answers. It is idempotent, non-interactive, and stops nothing.
set -euo pipefail

# chromium: the HTML plan is checked in a headless browser.
# gcc: the embedded engine's storage library uses cgo. The -dev packages let
# a plain "go build" without the Makefile's build tags compile buildah too.
packages=(docker.io docker-registry busybox-static apache2-utils gcc libc6-dev make chromium
	libgpgme-dev libbtrfs-dev libdevmapper-dev)
dockerd_log=/var/log/dockyard-dockerd.log

log_prefix=setup
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_root
install_missing --say-present "${packages[@]}"

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if engine_answers; then
	log "docker engine answers"
	exit 0
fi
if [[ -n ${DOCKER_HOST:-} ]]; then
	log "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local dockerd"
	exit 1
fi
start_daemon dockerd "$dockerd_log" "docker engine answers" engine_answers dockerd
