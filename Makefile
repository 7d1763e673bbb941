# Targets for everyday work; CI runs `bash scripts/test.sh` (make test).
GO ?= go

.PHONY: build test unit lint bench bench-plan

build:
	$(GO) build -o bin/dockyard ./cmd/dockyard

test:
	bash scripts/test.sh

# unit runs the tests without installing anything; tests needing an engine skip.
unit:
	$(GO) test -race ./...

lint:
	$(GO) vet ./...
	test -z "$$(gofmt -l cmd internal bench)"

bench:
	$(GO) test -run '^$$' -bench . ./internal/...

bench-plan:
	bash bench/plan.sh
