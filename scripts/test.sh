#!/usr/bin/env bash
# The whole test suite, as CI runs it: install and start what the tests
# need (scripts/setup.sh), then vet, cross-compile and test with -race.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/buildkitd.sh

# The embedded engine's build tags: buildah without the gpgme, btrfs and
# devicemapper C libraries (the Makefile sets the same).
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=containers_image_openpgp,exclude_graphdriver_btrfs,exclude_graphdriver_devicemapper"

echo "== go vet" >&2
go vet ./...
echo "== cross-compile (darwin, windows: without the embedded engine)" >&2
GOOS=darwin go build ./...
GOOS=windows go build ./...
echo "== go test -race" >&2
go test -race -count=1 -timeout 40m ./...
