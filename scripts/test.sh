#!/usr/bin/env bash
# The whole test suite, as CI runs it: install and start what the tests
# need (scripts/setup.sh), then vet, cross-compile and test with -race.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

echo "== go vet" >&2
go vet ./...
echo "== cross-compile (darwin, windows)" >&2
GOOS=darwin go build -o /dev/null ./cmd/dockyard
GOOS=windows go build -o /dev/null ./cmd/dockyard
echo "== go test -race" >&2
go test -race -count=1 -timeout 40m ./...
