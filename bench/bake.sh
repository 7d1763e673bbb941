#!/usr/bin/env bash
# bake.sh times full cold builds of the 40-image repository of bench/gen on
# one buildkitd: `dockyard build --engine buildkit` against `buildx bake`
# (bench/pai_build.sh --bake: the components' copies and hooks, then one
# bake with every parent a named context "target:<image>"), alternating,
# RUNS times each, and prints a markdown table. Each build is of a fresh
# copy with image names of its own, so that neither side finds the other's
# layers nor its own earlier ones (the base's busybox layer excepted).
# Target: dockyard at least as fast as bake, both sides producing every
# image.
#
#   bash bench/bake.sh
#   RUNS=5 STORE=registry bash bench/bake.sh
#
# What each side does with the images, by STORE:
#   layout (the default): both write every image to the local disk as an
#     OCI image layout. bake: each target's output is
#     type=oci,tar=false,dest=WORK/<run>-oci/<image>, one layout folder per
#     image (so each holds its parents' layers again). dockyard: its store,
#     one OCI layout under WORK/<run>-store/buildkit (--root), each blob once.
#   registry: both push every image to a docker-registry on 127.0.0.1
#     (REGISTRY_PORT, 5099).
#     bake: output type=image,push=true with the registry's refs as tags.
#     dockyard: buildkit.store: registry (its layout holds index entries
#     only, under WORK/<run>-store).
#   cache: NOT A FAIR COMPARISON, bake produces no image: its results stay
#     in BuildKit's cache, no output at all, while dockyard exports as with
#     layout. Kept to show what the export costs.
# dockyard never touches the user's stores: each run has a store root of
# its own in the work folder, removed at exit. After each run the script
# checks that both sides made all the images (layout: every bake folder and
# dockyard's index name them; registry: the registry has every tag).
#
# Settings (environment): IMAGES (40), COMPONENTS (30), HOOKS (0.3), SEED (1),
# RUNS (3), STORE (layout), JOBS (dockyard's -j; empty: its default), BUILDX
# (default: buildx on PATH, else /var/cache/dockyard/bin/buildx;
# GOBIN=/var/cache/dockyard/bin go install
# github.com/docker/buildx/cmd/buildx@v0.38.2), BUILDKIT_HOST (default:
# scripts/buildkitd.sh's socket), KEEP=1 keeps the work folder.
set -euo pipefail

images=${IMAGES:-40}
components=${COMPONENTS:-30}
hooks=${HOOKS:-0.3}
seed=${SEED:-1}
runs=${RUNS:-3}
store=${STORE:-layout}
jobs=${JOBS:-}
case $store in layout | registry | cache) ;; *) echo "bake.sh: STORE is layout, registry or cache, not $store" >&2; exit 2 ;; esac

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
cleanup() { if [[ ${KEEP:-0} == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
push=""
if [[ $store == registry ]]; then
	command -v docker-registry >/dev/null || die "STORE=registry needs docker-registry (apt-get install docker-registry)"
	reg=127.0.0.1:${REGISTRY_PORT:-5099}
	mkdir -p "$work/registry"
	printf 'version: 0.1\nlog: {level: error}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: %s\n' "$work/registry" "$reg" >"$work/registry.yml"
	docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
	registry_pid=$!
	trap 'kill "$registry_pid"; cleanup' EXIT
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
oci=""
[[ $store == layout ]] && oci=yes
bake() {
	"$work/dockyard" plan --format json -C "$work/$1" --root "$work/$1-store" >"$work/$1.json" 2>/dev/null
	env BUILDX="$buildx" BAKE_PUSH="$push" BAKE_OCI="${oci:+$work/$1-oci}" LOG_DIR="$work/$1-logs" \
		bash "$here/pai_build.sh" --bake "$token" -p "$work/$1.json" -C "$work/$1"
}
# Each run gets a store root of its own: a cold layout, and never the
# user's store (/var/lib/dockyard or the XDG one).
dockyard() {
	env BUILDKIT_HOST="$bk_host" "$work/dockyard" build -C "$work/$1" --root "$work/$1-store" \
		--engine buildkit --progress quiet ${jobs:+-j "$jobs"}
}

# made RUN: checks that both sides of run RUN made every image.
made() {
	local b d
	case $store in
	layout)
		b=$(for f in "$work/bake$1-oci"/*/index.json; do jq -r '.manifests[0].digest' "$f"; done | grep -c sha256)
		d=$(jq '[.manifests[].annotations["io.containerd.image.name"] // empty | select(startswith("bench/"))] | length' "$work/dy$1-store/buildkit/index.json") ;;
	registry)
		b=$(curl -fsS "http://$reg/v2/_catalog?n=1000" | jq --arg p "bench/$token-bake$1-" '[.repositories[] | select(startswith($p))] | length')
		d=$(curl -fsS "http://$reg/v2/_catalog?n=1000" | jq --arg p "bench/$token-dy$1-" '[.repositories[] | select(startswith($p))] | length') ;;
	cache) return 0 ;;
	esac
	((b == images && d == images)) || die "run $1: bake made $b images, dockyard $d, of $images"
}

bake_ms=() dy_ms=()
for r in $(seq "$runs"); do
	fresh "bake$r"
	fresh "dy$r"
	if ((r % 2)); then # alternate which side goes first
		bake_ms+=("$(ms bake "bake$r")")
		dy_ms+=("$(ms dockyard "dy$r")")
	else
		dy_ms+=("$(ms dockyard "dy$r")")
		bake_ms+=("$(ms bake "bake$r")")
	fi
	made "$r"
	log "run $r: bake ${bake_ms[-1]} ms, dockyard ${dy_ms[-1]} ms; load $(cut -d ' ' -f 1 /proc/loadavg)"
done
case $store in
layout) bake_label="\`buildx bake\`, each image to an OCI layout folder" dy_label="\`dockyard build --engine buildkit\`, its OCI layout" ;;
registry) bake_label="\`buildx bake\`, pushing every image" dy_label="\`dockyard build --engine buildkit\`, \`store: registry\`" ;;
cache) bake_label="\`buildx bake\`, NO output (cache only: not a fair comparison)" dy_label="\`dockyard build --engine buildkit\`, its OCI layout" ;;
esac
bake_med=$(printf '%s\n' "${bake_ms[@]}" | median)
dy_med=$(printf '%s\n' "${dy_ms[@]}" | median)
cat <<TABLE
## Full cold builds: $images images on one buildkitd, store $store

| side | median of $runs | runs |
|---|---|---|
| $bake_label | ${bake_med} ms | $(join "${bake_ms[@]}") ms |
| $dy_label${jobs:+, -j $jobs} | ${dy_med} ms | $(join "${dy_ms[@]}") ms |
| **ratio** (bake / dockyard) | **$(awk -v a="$bake_med" -v b="$dy_med" 'BEGIN { printf "%.2f", a / b }')** | target ≥ 1 |

Machine: $(nproc) cores; load average at the start: $load, at the end: $(cut -d ' ' -f 1-3 /proc/loadavg).
TABLE
