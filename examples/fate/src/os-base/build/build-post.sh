#!/usr/bin/env bash
# Removes what build-pre.sh created, and nothing else: rootfs/bin/busybox,
# and rootfs/bin only when that leaves it empty.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

rm -f rootfs/bin/busybox
rmdir rootfs/bin 2>/dev/null || true
