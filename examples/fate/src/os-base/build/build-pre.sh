#!/usr/bin/env bash
# Copies a static busybox into rootfs/bin/busybox of this component's build
# context: os-base is FROM scratch, so busybox is its only program.
# build-post.sh removes exactly what this script creates.
#
# dockyard runs it with the component folder as working directory; cd there
# anyway so that it can be run by hand too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

busybox=${BUSYBOX:-/usr/bin/busybox}
fail() {
	echo "os-base: $*" >&2
	echo "os-base: install Debian's busybox-static (apt-get install busybox-static)," >&2
	echo "os-base: or point BUSYBOX at another statically linked busybox" >&2
	exit 1
}

[[ -f $busybox && -x $busybox ]] || fail "no busybox at $busybox"
# A dynamically linked busybox (Debian's busybox package) would not run in
# an image that has no C library: ldd lists libraries ("=>") only for those.
if command -v ldd >/dev/null && ldd "$busybox" 2>/dev/null | grep -q '=>'; then
	fail "$busybox is dynamically linked; the image has no C library"
fi

mkdir -p rootfs/bin
cp "$busybox" rootfs/bin/busybox
chmod 0755 rootfs/bin/busybox
echo "os-base: copied $busybox into rootfs/bin/busybox"
