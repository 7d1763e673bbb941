#!/usr/bin/env bash
# noop.sh times builds and plans that have nothing to do, and prints a
# markdown table:
#
#   1. On a generated repository of 40 images (bench/gen), built once by
#      each side: the no-op, and the build after one file changed, of the
#      sequential docker loop (bench/pai_build.sh without --no-cache:
#      pai_build's way, where every step is a hit of Docker's layer cache)
#      and of `dockyard build` (every image up to date by its input key),
#      alternating, RUNS times each; target: the no-op at least 25 times
#      faster. With a buildx binary (BUILDX, else buildx on PATH, else
#      /var/cache/dockyard/bin/buildx) and a buildkitd (BUILDKIT_HOST, else
#      scripts/buildkitd.sh's socket), also `buildx bake` (pai_build.sh
#      --bake) against `dockyard build --engine buildkit` on that daemon;
#      target: the no-op at least 20 times faster.
#   2. On a generated repository of 1,000 images, built once by dockyard
#      (several minutes): `dockyard plan` with a warm stat cache, every image
#      up to date, RUNS times; target: median under 200 ms; and the no-op
#      `dockyard build` of those 1,000 images; target: under 1 s.
#
#   bash bench/noop.sh
#   RUNS=10 bash bench/noop.sh
#   BIG=0 bash bench/noop.sh           # part 1 only
#   CHECK=1 bash bench/noop.sh         # exit 1 when a target is missed
#
# Settings (environment): IMAGES (40), COMPONENTS (30), HOOKS (0.3, the
# fraction of components with build-pre.sh and build-post.sh), BIG_IMAGES
# (1000), BIG_COMPONENTS (500), SEED (1), RUNS (5), DOCKER (the docker CLI of
# the baseline; by default Debian's /usr/bin/docker, which builds with
# BuildKit through DOCKER_BUILDKIT=1), KEEP=1 keeps the work folder.
#
# Both sides use the same engine and BuildKit. The images carry a prefix of
# this run's own (bench/gen -prefix); the script removes them at exit, and no
# other image. dockyard's store root (the buildkit side's image layout) is
# in the work folder (root: in each generated dockyard.yaml), never the
# user's store. Logs go to stderr, the table to stdout.
set -euo pipefail

images=${IMAGES:-40}
components=${COMPONENTS:-30}
hooks=${HOOKS:-0.3}
big_images=${BIG_IMAGES:-1000}
big_components=${BIG_COMPONENTS:-500}
seed=${SEED:-1}
runs=${RUNS:-5}
big=${BIG:-1}
target_ratio=25
target_plan_ms=200
target_build_ms=1000

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
me=noop.sh
# shellcheck source=bench/lib.sh
source "$here/lib.sh"

timeout 20 docker info >/dev/null 2>&1 || die "no docker engine answers: run bash scripts/setup.sh"
[[ -x /usr/bin/busybox ]] || die "the generated base image needs a static /usr/bin/busybox: run bash scripts/setup.sh"
command -v jq >/dev/null || die "bench/pai_build.sh needs jq (apt-get install jq)"
cli=${DOCKER:-}
if [[ -z $cli ]]; then
	cli=docker
	[[ -x /usr/bin/docker ]] && cli=/usr/bin/docker
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-bench-noop.XXXXXX")
token=dyn$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
finish() {
	local refs
	refs=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^([^/]+/)?$token-" || true)
	if [[ -n $refs ]]; then
		# shellcheck disable=SC2086
		docker image rm $refs >/dev/null || log "could not remove some images of $token"
	fi
	if [[ ${KEEP:-0} == 1 ]]; then
		log "kept $work"
	else
		rm -rf "$work"
	fi
}
trap finish EXIT

log "building dockyard and bench/gen"
(cd "$repo" && go build -o "$work/dockyard" ./cmd/dockyard && go build -o "$work/gen" ./bench/gen)
dockyard=$work/dockyard


# generate DIR IMAGES COMPONENTS: a repository whose images carry the token,
# and whose dockyard.yaml puts the store root (the buildkit engine's layout,
# the embedded engine's store) in the work folder, never the user's.
generate() {
	"$work/gen" -images "$2" -components "$3" -seed "$seed" -hooks "$hooks" -run-work 1000 \
		-prefix "$token-$(basename "$1")-" -o "$1" 2>>"$work/gen.log"
	printf 'root: "%s"\n' "$work/store" >>"$1/dockyard.yaml"
	tail -n 1 "$work/gen.log" | sed 's/^gen: [^:]*: //'
}

load=$(cut -d ' ' -f 1-3 /proc/loadavg)
log "load average $load"

# --- 1. the 40-image builds: no-op and one-file change -------------------------

# Each side gets its own copy of the repository, with image names of its
# own: the baseline's images lack dockyard's input-key label, so sharing
# names would make each side re-tag what the other built, every run.
pai=$work/pai
small=$work/small
generate "$pai" "$images" "$components" >/dev/null
shape=$(generate "$small" "$images" "$components")
log "small: $shape; first builds"
"$dockyard" plan --format json -C "$pai" >"$work/plan.json"
pai_build() { env DOCKER="$cli" DOCKER_BUILDKIT=1 LOG_DIR="$work/pai-logs" bash "$here/pai_build.sh" -p "$work/plan.json" -C "$pai"; }
pai_build >"$work/pai-first.log" 2>&1 || die "the baseline's first build failed: $work/pai-first.log"
(cd "$small" && DOCKER_BUILDKIT=1 "$dockyard" build --progress plain >"$work/first.log" 2>&1) ||
	die "the first build failed: $work/first.log"
dockyard_build() { "$dockyard" build -C "$small" --progress quiet; }
sides=(pai dockyard)
builds=(pai_build dockyard_build)
roots=("$pai" "$small")

# With a buildx binary and a buildkitd, two more sides on that one daemon:
# `buildx bake` (pai_build.sh --bake: copies and hooks, then one bake) and
# `dockyard build --engine buildkit`.
buildx=${BUILDX:-$(command -v buildx || echo /var/cache/dockyard/bin/buildx)}
bk_host=${BUILDKIT_HOST:-unix:///run/buildkit/buildkitd.sock}
if [[ -x $buildx ]] && timeout 10 buildctl --addr "$bk_host" debug workers >/dev/null 2>&1; then
	export BUILDX_CONFIG=$work/buildx
	"$buildx" create --name "$token" --driver remote "$bk_host" >/dev/null
	baked=$work/baked
	bkdy=$work/bkdy
	generate "$baked" "$images" "$components" >/dev/null
	generate "$bkdy" "$images" "$components" >/dev/null
	"$dockyard" plan --format json -C "$baked" >"$work/bake-plan.json"
	bake_build() { env BUILDX="$buildx" LOG_DIR="$work/bake-logs" bash "$here/pai_build.sh" --bake "$token" -p "$work/bake-plan.json" -C "$baked"; }
	buildkit_build() { env BUILDKIT_HOST="$bk_host" "$dockyard" build -C "$bkdy" --engine buildkit --progress quiet; }
	log "bake and buildkit: first builds"
	bake_build >"$work/bake-first.log" 2>&1 || die "the first bake failed: $work/bake-first.log"
	buildkit_build >"$work/bkdy-first.log" 2>&1 || die "the first buildkit build failed: $work/bkdy-first.log"
	sides+=(bake dockyard-buildkit)
	builds+=(bake_build buildkit_build)
	roots+=("$baked" "$bkdy")
else
	log "no buildx ($buildx) or no buildkitd at $bk_host: bake is left out (GOBIN=/var/cache/dockyard/bin go install github.com/docker/buildx/cmd/buildx@v0.38.2; bash scripts/buildkitd.sh)"
fi

# One no-op of each, untimed, so that the page cache holds what all read.
for i in "${!sides[@]}"; do
	${builds[$i]} >>"$work/runs.log" 2>&1 || die "failed: ${builds[$i]}"
done
(cd "$small" && "$dockyard" build --progress quiet --report "$work/report.json" >>"$work/runs.log" 2>&1)
up=$(jq '.totals.upToDate' "$work/report.json")
((up == images)) || die "the no-op dockyard build found $up of $images images up to date"

# The one-file change edits an image's own file in a component that no
# other copies in: every side rebuilds that image and its descendants, and
# reruns that component's hook (whose output sums the files).
changed=$(jq -r '[.images[] | select(.kind == "component" and .component != "base")] as $ims
	| [$ims[].parents[]? | select(.via == "component.dep") | .name] as $copied
	| [$ims[] | select(.name as $n | $copied | index([$n]) | not)][0] | .component' "$work/plan.json")
change_file() { # ROOT RUN: appends a line to the first file of the component
	local f
	f=$(find "$1/src/$changed/files" -type f | sort | head -n 1)
	echo "change $2" >>"$f"
}

declare -A noop_ms change_ms
for r in $(seq "$runs"); do
	for i in "${!sides[@]}"; do
		noop_ms[${sides[$i]}]+=" $(ms "${builds[$i]}")"
	done
	for i in "${!sides[@]}"; do
		change_file "${roots[$i]}" "$r"
		change_ms[${sides[$i]}]+=" $(ms "${builds[$i]}")"
	done
	log "run $r: no-op$(for s in "${sides[@]}"; do printf ' %s %s ms,' "$s" "${noop_ms[$s]##* }"; done) one file$(for s in "${sides[@]}"; do printf ' %s %s ms,' "$s" "${change_ms[$s]##* }"; done)"
done
med() { tr ' ' '\n' | grep . | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
ratio=$(ratio "$(med <<<"${noop_ms[pai]}")" "$(med <<<"${noop_ms[dockyard]}")")
ratio_ok=$(awk -v r="$ratio" -v t="$target_ratio" 'BEGIN { print (r >= t) ? "ok" : "MISSED" }')
label() {
	case $1 in
	pai) echo "pai-style loop: one \`docker build\` after another, copies and hooks, Docker's layer cache" ;;
	dockyard) echo "\`dockyard build\`, Docker engine" ;;
	bake) echo "\`buildx bake\` on buildkitd, after the same copies and hooks" ;;
	dockyard-buildkit) echo "\`dockyard build --engine buildkit\`, the same buildkitd" ;;
	esac
}

cat <<EOF
## Builds of $images images in $components components, built before

| side | no-op, median of $runs | one file changed, median of $runs | no-op runs (ms) | one-file runs (ms) |
|---|---|---|---|---|
EOF
for s in "${sides[@]}"; do
	# shellcheck disable=SC2086
	echo "| $(label "$s") | $(med <<<"${noop_ms[$s]}") ms | $(med <<<"${change_ms[$s]}") ms | $(join ${noop_ms[$s]}) | $(join ${change_ms[$s]}) |"
done
echo "| **no-op ratio**, pai-style / dockyard | **${ratio}** | target ≥ ${target_ratio}: ${ratio_ok} | | |"
if [[ -n ${noop_ms[bake]:-} ]]; then
	bake_ratio=$(ratio "$(med <<<"${noop_ms[bake]}")" "$(med <<<"${noop_ms[dockyard-buildkit]}")")
	echo "| **no-op ratio**, bake / dockyard on buildkitd | **${bake_ratio}** | target ≥ 20 | | |"
fi
cat <<EOF

Repository: $shape. The one-file change appends a line to a file of src/$changed/files.
EOF

# --- 2. the 1,000-image no-op plan ---------------------------------------------

plan_ok=skipped build_ok=skipped
if [[ $big == 1 ]]; then
	large=$work/large
	shape=$(generate "$large" "$big_images" "$big_components")
	log "large: $shape; first build (several minutes)"
	start=$(date +%s)
	(cd "$large" && "$dockyard" build --progress plain >"$work/large-first.log" 2>&1) ||
		die "the first build of the large repository failed: $work/large-first.log"
	log "large: built in $(($(date +%s) - start)) s"
	"$dockyard" plan -C "$large" >/dev/null # warms the stat cache and the page cache
	head=$("$dockyard" plan -C "$large" 2>/dev/null | sed -n 1p)
	plan_ms=() build_ms=()
	for r in $(seq "$runs"); do
		plan_ms+=("$(ms "$dockyard" plan -C "$large" --format json)")
		build_ms+=("$(ms "$dockyard" build -C "$large" --progress quiet)")
		log "run $r: plan ${plan_ms[-1]} ms, build ${build_ms[-1]} ms"
	done
	plan_med=$(printf '%s\n' "${plan_ms[@]}" | median)
	build_med=$(printf '%s\n' "${build_ms[@]}" | median)
	plan_ok=$(awk -v v="$plan_med" -v t="$target_plan_ms" 'BEGIN { print (v < t) ? "ok" : "MISSED" }')
	build_ok=$(awk -v v="$build_med" -v t="$target_build_ms" 'BEGIN { print (v < t) ? "ok" : "MISSED" }')
	cat <<EOF

## No-op plan and build: $big_images images in $big_components components, built before

| no-op | median of $runs | runs | target |
|---|---|---|---|
| \`dockyard plan --format json\`, warm stat cache | ${plan_med} ms | $(join "${plan_ms[@]}") ms | < ${target_plan_ms} ms: ${plan_ok} |
| \`dockyard build\` | ${build_med} ms | $(join "${build_ms[@]}") ms | < ${target_build_ms} ms: ${build_ok} |

Repository: $shape. Plan: $head.
EOF
fi

cat <<EOF

Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Docker engine $(docker version --format '{{.Server.Version}}'), BuildKit for both sides (baseline CLI $cli); load average at the start: $load.
EOF

if [[ ${CHECK:-0} == 1 && ($ratio_ok == MISSED || $plan_ok == MISSED || $build_ok == MISSED) ]]; then
	exit 1
fi
