#!/usr/bin/env bash
# bake.sh times full cold builds of the 40-image repository of bench/gen on
# one buildkitd: `dockyard build --engine buildkit` against `buildx bake`
# (bench/pai_build.sh --bake: the components' copies and hooks, then one
# bake with every parent a named context "target:<image>"), alternating,
# RUNS times each, and prints a markdown table. Each build is of a fresh
# copy with image names of its own, so that neither side finds the other's
# layers nor its own earlier ones (the base's busybox layer excepted).
# Target: dockyard at least as fast as bake.
#
#   bash bench/bake.sh
#   RUNS=5 bash bench/bake.sh
#
# Settings (environment): IMAGES (40), COMPONENTS (30), HOOKS (0.3), SEED (1),
# RUNS (3), BUILDX (default: buildx on PATH, else
# /var/cache/dockyard/bin/buildx; GOBIN=/var/cache/dockyard/bin go install
# github.com/docker/buildx/cmd/buildx@v0.38.2), BUILDKIT_HOST (default:
# scripts/buildkitd.sh's socket). STORE (layout): with layout, bake leaves
# its results in BuildKit's cache and dockyard exports each image into its
# OCI layout; with registry, a docker-registry on 127.0.0.1 (REGISTRY_PORT,
# 5099) gets every image from both sides (bake's output type=image,push=true;
# dockyard's buildkit.store: registry).
set -euo pipefail

images=${IMAGES:-40}
components=${COMPONENTS:-30}
hooks=${HOOKS:-0.3}
seed=${SEED:-1}
runs=${RUNS:-3}
store=${STORE:-layout}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
me=bake.sh
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

buildx=${BUILDX:-$(command -v buildx || echo /var/cache/dockyard/bin/buildx)}
bk_host=${BUILDKIT_HOST:-unix:///run/buildkit/buildkitd.sock}
[[ -x $buildx ]] || die "no buildx at $buildx (GOBIN=/var/cache/dockyard/bin go install github.com/docker/buildx/cmd/buildx@v0.38.2)"
timeout 10 buildctl --addr "$bk_host" debug workers >/dev/null 2>&1 || die "no buildkitd answers at $bk_host: run bash scripts/buildkitd.sh"
command -v jq >/dev/null || die "bench/pai_build.sh needs jq (apt-get install jq)"

work=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-bench-bake.XXXXXX")
token=dyb$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
trap 'rm -rf "$work"' EXIT
push=""
if [[ $store == registry ]]; then
	command -v docker-registry >/dev/null || die "STORE=registry needs docker-registry (apt-get install docker-registry)"
	reg=127.0.0.1:${REGISTRY_PORT:-5099}
	mkdir -p "$work/registry"
	printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: %s\n' "$work/registry" "$reg" >"$work/registry.yml"
	docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
	registry_pid=$!
	trap 'kill "$registry_pid"; rm -rf "$work"' EXIT
	push=$reg/bench/
fi
export BUILDX_CONFIG=$work/buildx
"$buildx" create --name "$token" --driver remote "$bk_host" >/dev/null

log "building dockyard and bench/gen"
(cd "$repo" && go build -o "$work/dockyard" ./cmd/dockyard && go build -o "$work/gen" ./bench/gen)
load=$(cut -d ' ' -f 1-3 /proc/loadavg)
log "load average $load"

fresh() { # NAME: a new copy of the repository with image names of its own
	"$work/gen" -images "$images" -components "$components" -seed "$seed" -hooks "$hooks" -run-work 1000 \
		-prefix "$token-$1-" -o "$work/$1" 2>>"$work/gen.log"
	if [[ -n $push ]]; then
		sed -i "s|^registry:|buildkit: {store: registry}\nregistry:\n  domain: \"$reg\"|" "$work/$1/dockyard.yaml"
	fi
}
bake() {
	"$work/dockyard" plan --format json -C "$work/$1" >"$work/$1.json" 2>/dev/null
	env BUILDX="$buildx" BAKE_PUSH="$push" LOG_DIR="$work/$1-logs" bash "$here/pai_build.sh" --bake "$token" -p "$work/$1.json" -C "$work/$1"
}
dockyard() { env BUILDKIT_HOST="$bk_host" "$work/dockyard" build -C "$work/$1" --engine buildkit --progress quiet; }

bake_ms=() dy_ms=()
for r in $(seq "$runs"); do
	fresh "bake$r"
	fresh "dy$r"
	bake_ms+=("$(ms bake "bake$r")")
	dy_ms+=("$(ms dockyard "dy$r")")
	log "run $r: bake ${bake_ms[-1]} ms, dockyard ${dy_ms[-1]} ms"
done
bake_med=$(printf '%s\n' "${bake_ms[@]}" | median)
dy_med=$(printf '%s\n' "${dy_ms[@]}" | median)
cat <<TABLE
## Full cold builds: $images images on one buildkitd, store $store

| side | median of $runs | runs |
|---|---|---|
| \`buildx bake\`, after the copies and hooks | ${bake_med} ms | $(join "${bake_ms[@]}") ms |
| \`dockyard build --engine buildkit\` | ${dy_med} ms | $(join "${dy_ms[@]}") ms |
| **ratio** (bake / dockyard) | **$(awk -v a="$bake_med" -v b="$dy_med" 'BEGIN { printf "%.2f", a / b }')** | target ≥ 1 |

Machine: $(nproc) cores; load average at the start: $load.
TABLE
