#!/usr/bin/env bash
# engines.sh builds the same generated repository with the two engines side
# by side: `dockyard build --engine docker` (the Docker engine, BuildKit)
# and `dockyard build --engine embedded` (buildah in dockyard's process
# tree, chroot isolation, its own store), alternating them, and prints a
# markdown table of medians: wall time, and CPU seconds the machine spent
# (engine and client alike) during the build.
#
#   bash bench/engines.sh                  # 40 images in 30 components, 3 runs each
#   RUNS=5 RUN_WORK=0 bash bench/engines.sh
#
# Settings (environment): IMAGES (40), COMPONENTS (30), SEED (1), HOOKS
# (0.3), RUN_WORK (200000: each image's RUN counts to this in busybox sh,
# about a third of a second of one core; 0 leaves the RUN out), RUNS (3),
# JOBS (dockyard's -j; empty: its default). KEEP=1 keeps the work folder.
#
# Fairness: both build cold (--no-cache) the same files, each build a
# freshly generated repository whose image names carry a prefix of their
# own (bench/gen -prefix), so nothing of an earlier build is reused. The
# embedded store lives in the work folder and is kept across runs, as a
# machine's would be. The script removes the docker images it made (by
# their prefix), and the work folder, at exit. It needs root (the embedded
# engine) and a Docker engine. Logs go to stderr, the table to stdout.
set -euo pipefail

images=${IMAGES:-40}
components=${COMPONENTS:-30}
seed=${SEED:-1}
hooks=${HOOKS:-0.3}
run_work=${RUN_WORK:-200000}
runs=${RUNS:-3}
jobs=${JOBS:-}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'engines.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "the embedded engine needs root"
timeout 20 docker info >/dev/null 2>&1 || die "no docker engine answers: run bash scripts/setup.sh"
[[ -x /usr/bin/busybox ]] || die "the generated base image needs a static /usr/bin/busybox: run bash scripts/setup.sh"

work=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-bench-engines.XXXXXX")
token=dye$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
finish() {
	local refs
	refs=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^([^/]+/)?$token-" || true)
	# shellcheck disable=SC2086
	[[ -z $refs ]] || docker image rm $refs >/dev/null || log "could not remove some images of $token"
	if [[ ${KEEP:-0} == 1 ]]; then
		log "kept $work"
	else
		umount -R "$work/store/storage/overlay" 2>/dev/null || true
		rm -rf "$work"
	fi
}
trap finish EXIT
trap 'exit 130' INT TERM

log "building dockyard and bench/gen"
(cd "$repo" && make -s build >/dev/null && cp bin/dockyard "$work/dockyard" && go build -o "$work/gen" ./bench/gen)

# busy: CPU seconds the whole machine has been busy so far.
clk=$(getconf CLK_TCK)
busy() { awk -v clk="$clk" '/^cpu / { printf "%.2f\n", ($2 + $3 + $4 + $7 + $8) / clk; exit }' /proc/stat; }

# one ENGINE RUN: build a fresh repository with ENGINE; appends "secs cpu"
# to $work/ENGINE.times.
one() {
	local eng=$1 n=$2 dir=$work/$1-$2
	"$work/gen" -images "$images" -components "$components" -seed "$seed" -hooks "$hooks" \
		-run-work "$run_work" -prefix "$token-$eng$n-" -o "$dir" 2>>"$work/gen.log"
	local start cpu0 secs cpu
	cpu0=$(busy)
	start=$(date +%s.%N)
	"$work/dockyard" build -C "$dir" --engine "$eng" --root "$work/store" --no-cache --progress quiet \
		${jobs:+-j "$jobs"} >"$work/$eng-$n.out" 2>"$work/$eng-$n.err" ||
		die "the $eng build failed: $(tail -n 20 "$work/$eng-$n.err")"
	secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')
	cpu=$(awk -v a="$cpu0" -v b="$(busy)" 'BEGIN { printf "%.1f", b - a }')
	[[ $(grep -c ' built ' "$work/$eng-$n.out") -eq $images ]] || die "the $eng build did not build $images images"
	log "$eng, run $n: ${secs}s, ${cpu} CPU seconds"
	echo "$secs $cpu" >>"$work/$eng.times"
}

for n in $(seq "$runs"); do
	if ((n % 2)); then one docker "$n"; one embedded "$n"; else one embedded "$n"; one docker "$n"; fi
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "| engine | wall time, median of $runs | CPU seconds, median | runs |"
echo "|---|---|---|---|"
for eng in docker embedded; do
	w=$(cut -d' ' -f1 "$work/$eng.times" | median)
	c=$(cut -d' ' -f2 "$work/$eng.times" | median)
	all=$(cut -d' ' -f1 "$work/$eng.times" | paste -sd, -)
	echo "| $eng | ${w} s | ${c} | ${all} |"
done
echo
echo "$images images in $components components (bench/gen seed $seed, hooks $hooks, run-work $run_work), $(nproc) cores," \
	"Docker engine $(docker version --format '{{.Server.Version}}'), dockyard -j ${jobs:-default}"
