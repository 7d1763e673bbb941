#!/usr/bin/env bash
# Removes build-info.env, which build-pre.sh wrote into the build context.
# generated/manifest.json stays: it is the component's output.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rm -f build-info.env
