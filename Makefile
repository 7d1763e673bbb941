# Targets for everyday work; CI runs `bash scripts/test.sh` (make test).
GO ?= go
# The embedded engine's build tags: buildah without the gpgme, btrfs and
# devicemapper C libraries (scripts/test.sh sets the same).
export GOFLAGS := $(strip $(GOFLAGS) -tags=containers_image_openpgp,exclude_graphdriver_btrfs,exclude_graphdriver_devicemapper)

.PHONY: build test repeat unit lint bench bench-plan bench-build

build:
	$(GO) build -o bin/dockyard ./cmd/dockyard

test:
	bash scripts/test.sh

# repeat runs the CI suite N times (make repeat N=10) and reports every test
# that failed in any run.
N ?= 10
repeat:
	bash scripts/repeat.sh $(N)

# unit runs the tests without installing anything; tests needing an engine skip.
unit:
	$(GO) test -race ./...

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...
	test -z "$$(gofmt -l cmd internal bench)"

bench:
	$(GO) test -run '^$$' -bench . ./internal/...

bench-plan:
	bash bench/plan.sh

bench-build:
	bash bench/build.sh
