#!/usr/bin/env bash
# The whole test suite, as CI runs it: install and start what the tests
# need (scripts/setup.sh, scripts/buildkitd.sh), then lint (vet, staticcheck,
# gofmt), cross-compile and test with -race.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
bash scripts/buildkitd.sh

# The embedded engine's build tags: buildah without the gpgme, btrfs and
# devicemapper C libraries (the Makefile sets the same).
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=containers_image_openpgp,exclude_graphdriver_btrfs,exclude_graphdriver_devicemapper"

echo "== lint: go vet, staticcheck, gofmt (make lint)" >&2
go vet ./...
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
unformatted=$(gofmt -l cmd internal bench)
if [[ -n $unformatted ]]; then
	echo "not gofmt-formatted: $unformatted" >&2
	exit 1
fi
echo "== cross-compile (darwin, windows: without the embedded engine)" >&2
GOOS=darwin go build ./...
GOOS=windows go build ./...
echo "== go test -race" >&2
go test -race -count=1 -timeout 40m ./...
