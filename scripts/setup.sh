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

log() { printf 'setup: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
	log "must run as root"
	exit 1
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} > 0)); then
	export DEBIAN_FRONTEND=noninteractive
	log "installing ${missing[*]}"
	apt-get update -qq </dev/null >&2
	apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
else
	log "packages present: ${packages[*]}"
fi

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

if engine_answers; then
	log "docker engine answers"
	exit 0
fi
if [[ -n ${DOCKER_HOST:-} ]]; then
	log "DOCKER_HOST=$DOCKER_HOST does not answer; not starting a local dockerd"
	exit 1
fi

log "starting dockerd (log: $dockerd_log)"
nohup dockerd </dev/null >>"$dockerd_log" 2>&1 &
pid=$!
for _ in $(seq 60); do
	if engine_answers; then
		log "docker engine answers (dockerd pid $pid)"
		exit 0
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		log "dockerd exited; last lines of $dockerd_log:"
		tail -n 20 "$dockerd_log" >&2
		exit 1
	fi
	sleep 1
done
log "dockerd did not answer within 60 s; last lines of $dockerd_log:"
tail -n 20 "$dockerd_log" >&2
exit 1
