#!/usr/bin/env bash
# build.sh times a full, cold build of a generated repository with
# `dockyard build` against the way pai_build.py builds (bench/pai_build.sh:
# one `docker build` after another in topological order, component by
# component, hooks included), alternating the two, and prints a markdown
# table of medians and their ratio. Then it times `dockyard build -j N` for
# each N of SWEEP, with the machine's CPU use during each build.
#
#   bash bench/build.sh                    # 40 images in 30 components, 3 runs each
#   RUNS=5 SWEEP="1 2 4" bash bench/build.sh
#   SWEEP= bash bench/build.sh             # the comparison only
#   COMPARE=0 bash bench/build.sh          # the -j sweep only
#   CHECK=1 bash bench/build.sh            # exit 1 when dockyard is not 1.6 times faster
#
# Settings (environment): IMAGES (40), COMPONENTS (30), SEED (1), HOOKS (0.3,
# the fraction of components with build-pre.sh and build-post.sh), RUN_WORK
# (1200000: each image's RUN counts to this in busybox sh, about 2 s of one
# core), RUNS (3), JOBS (dockyard's -j in the comparison; empty: dockyard's
# default), SWEEP ("1 2 3 4"), QUIET_WAIT (300: seconds to wait for an idle
# machine before each build), QUIET_MAX (15), NOISE_MAX (10: build again when
# other work took more per cent of the CPU), ATTEMPTS (3), BUILDER (buildkit or classic, for both sides),
# DOCKER (the docker CLI for the baseline; by default the first one found
# that can build with BUILDER), DOCKYARD (a dockyard binary to time instead of
# building ./cmd/dockyard). KEEP=1 keeps the work folder with every log.
#
# Fairness: both sides build the same generated files through the same
# engine with the same builder, with --no-cache, and every build gets a
# freshly generated repository in a new folder whose image names carry a
# prefix of their own (bench/gen -prefix), so no layer, context or tag of an
# earlier build is reused. The baseline's order is dockyard's plan. The
# script removes the images it made (by their prefix) after each build and
# at exit, and no other image.
#
# Logs go to stderr, the table to stdout.
set -euo pipefail

images=${IMAGES:-40}
components=${COMPONENTS:-30}
seed=${SEED:-1}
hooks=${HOOKS:-0.3}
run_work=${RUN_WORK:-1200000}
runs=${RUNS:-3}
jobs=${JOBS:-}
sweep=${SWEEP-1 2 3 4}
builder=${BUILDER:-buildkit}
target=1.6

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
log() { printf 'build.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

case $builder in
buildkit) buildkit=1 ;;
classic) buildkit=0 ;;
*) die "BUILDER=$builder: want buildkit or classic" ;;
esac

# --- the engine, the docker CLI of the baseline, and tools ------------------

timeout 20 docker info >/dev/null 2>&1 || die "no docker engine answers: run bash scripts/setup.sh"
[[ -x /usr/bin/busybox ]] || die "the generated base image needs a static /usr/bin/busybox: run bash scripts/setup.sh"
if ! command -v jq >/dev/null; then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		log "installing jq (apt-get install -y jq)"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -qq jq </dev/null >&2 ||
			{ apt-get update -qq </dev/null >&2 && apt-get install -y -qq jq </dev/null >&2; }
	fi
	command -v jq >/dev/null || die "bench/pai_build.sh needs jq"
fi

# can_build CLI: whether CLI's `docker build` works with the chosen builder.
# BuildKit needs a CLI older than 23.0 (BuildKit built in) or buildx.
can_build() {
	[[ -x $(command -v "$1") ]] || return 1
	((buildkit == 1)) || return 0
	"$1" buildx version >/dev/null 2>&1 && return 0
	local v
	v=$("$1" version --format '{{.Client.Version}}' 2>/dev/null) || return 1
	((${v%%.*} < 23))
}
cli=""
if [[ -n ${DOCKER:-} ]]; then
	can_build "$DOCKER" || die "DOCKER=$DOCKER cannot run docker build with $builder"
	cli=$DOCKER
else
	for c in $(type -ap docker) /usr/bin/docker; do
		if can_build "$c"; then cli=$c; break; fi
	done
	[[ -n $cli ]] || die "no docker CLI here builds with $builder: install buildx, or Debian's docker.io (/usr/bin/docker), or use BUILDER=classic"
fi
engine_version=$(docker version --format '{{.Server.Version}}')
cli_version=$("$cli" version --format '{{.Client.Version}}')

# --- the work folder; the images this run makes carry $token ---------------

work=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-bench-build.XXXXXX")
token=dyb$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')

# remove_images PREFIX: remove every image tag whose name starts with
# PREFIX, with or without a registry namespace. PREFIX always holds $token.
remove_images() {
	local refs
	refs=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^([^/]+/)?$1" || true)
	if [[ -n $refs ]]; then
		# shellcheck disable=SC2086
		docker image rm $refs >/dev/null || log "could not remove some images of $1"
	fi
}
finish() {
	remove_images "$token-"
	if [[ ${KEEP:-0} == 1 ]]; then
		log "kept $work"
	else
		rm -rf "$work"
	fi
}
trap finish EXIT
trap 'exit 130' INT TERM

if [[ -n ${DOCKYARD:-} ]]; then
	dockyard=$(command -v "$DOCKYARD") || die "DOCKYARD=$DOCKYARD: not found"
	log "building bench/gen; dockyard is $dockyard"
	(cd "$repo" && go build -o "$work/gen" ./bench/gen)
else
	log "building dockyard and bench/gen"
	(cd "$repo" && go build -o "$work/dockyard" ./cmd/dockyard && go build -o "$work/gen" ./bench/gen)
	dockyard=$work/dockyard
fi

# busy_pct SECONDS: per cent of the machine's CPU busy over the next SECONDS.
busy_pct() {
	local a b
	a=$(head -n 1 /proc/stat)
	sleep "$1"
	b=$(head -n 1 /proc/stat)
	awk -v a="$a" -v b="$b" 'BEGIN { n = split(a, x, " "); split(b, y, " "); t = 0
		for (i = 2; i <= 9 && i <= n; i++) t += y[i] - x[i]
		idle = y[5] - x[5] + y[6] - x[6]; printf "%.0f\n", (t > 0) ? 100 * (t - idle) / t : 0 }'
}

# wait_quiet: on a shared machine, wait (QUIET_WAIT seconds at most) until
# other work leaves the CPU nearly idle (under QUIET_MAX per cent over 3 s),
# so that every build starts on an idle machine.
quiet_wait=${QUIET_WAIT:-300}
quiet_max=${QUIET_MAX:-15}
wait_quiet() {
	local waited=0 b
	while b=$(busy_pct 3) && ((b >= quiet_max)); do
		waited=$((waited + 3))
		if ((waited >= quiet_wait)); then
			log "the machine is still ${b}% busy after ${waited}s; going on"
			return
		fi
	done
	((waited == 0)) || log "waited ${waited}s for the machine to quieten"
}

# machine_cpu: busy and total seconds of CPU of the whole machine so far.
clk=$(getconf CLK_TCK)
machine_cpu() {
	awk -v clk="$clk" '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i; printf "%.2f %.2f\n", (t - $5 - $6) / clk, t / clk; exit }' /proc/stat
}

# engine_cpu: seconds of CPU the engine has used so far: dockerd and
# containerd with their reaped children (BuildKit's runc, and through it the
# RUN steps' processes), plus the containers of the docker cgroup outside
# docker/buildkit (the classic builder's, under containerd-shim).
# The engine's processes are those running when the script starts.
cg=/sys/fs/cgroup/cpuacct/docker
engine_pids=$(pidof dockerd containerd || true)
engine_cpu() {
	local ticks=0 p t ns=0
	for p in $engine_pids; do
		t=$(awk '{ print $14 + $15 + $16 + $17 }' "/proc/$p/stat" 2>/dev/null) || continue
		ticks=$((ticks + ${t:-0}))
	done
	if [[ -r $cg/cpuacct.usage ]]; then
		ns=$(<"$cg/cpuacct.usage")
		[[ -r $cg/buildkit/cpuacct.usage ]] && ns=$((ns - $(<"$cg/buildkit/cpuacct.usage")))
	fi
	awk -v t="$ticks" -v clk="$clk" -v ns="$ns" 'BEGIN { printf "%.2f\n", t / clk + ns / 1e9 }'
}

# client_cpu FILE: seconds of CPU of this script's reaped children when
# `times >FILE` ran (in this shell: a subshell would count its own).
client_cpu() {
	awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, m, /[ms]/); s += m[1] * 60 + m[2] }; printf "%.2f\n", s }' "$1"
}

# one SIDE LABEL [J]: generate a fresh repository, build it cold with SIDE
# (pai or dockyard, with -j J if given), check the images, remove them; sets
# secs (wall time), cpu (per cent of the machine's CPU time that was busy),
# own (the build's CPU: engine and client, per cent of the machine's) and
# others (the rest of the busy per cent: other work on the machine).
one() {
	local side=$1 label=$2 j=${3:-}
	local prefix=$token-$label-
	local dir=$work/$label
	"$work/gen" -images "$images" -components "$components" -seed "$seed" -hooks "$hooks" \
		-run-work "$run_work" -prefix "$prefix" -o "$dir/repo" 2>>"$work/gen.log"
	"$dockyard" plan --format json -C "$dir/repo" >"$dir/plan.json"
	wait_quiet
	local b0 t0 b1 t1 e0 e1 c0 c1 start end rc=0
	read -r b0 t0 < <(machine_cpu)
	e0=$(engine_cpu)
	times >"$dir/times0"
	start=$(date +%s%N)
	case $side in
	pai)
		DOCKER=$cli DOCKER_BUILDKIT=$buildkit LOG_DIR=$dir/logs \
			bash "$here/pai_build.sh" --no-cache -p "$dir/plan.json" -C "$dir/repo" >"$dir/build.log" 2>&1 || rc=$?
		;;
	dockyard)
		(cd "$dir/repo" && DOCKER_BUILDKIT=$buildkit "$dockyard" build --no-cache --progress plain \
			--report "$dir/report.json" ${j:+-j "$j"} >"$dir/build.log" 2>&1) || rc=$?
		;;
	esac
	end=$(date +%s%N)
	times >"$dir/times1"
	e1=$(engine_cpu)
	read -r b1 t1 < <(machine_cpu)
	if ((rc != 0)); then
		tail -n 30 "$dir/build.log" >&2
		die "$side build $label failed (exit $rc); log: $dir/build.log (KEEP=1 keeps it)"
	fi
	# Both sides must leave the same tags: bare name and registry ref of
	# every image.
	local tags
	tags=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^([^/]+/)?$prefix" | sed "s|$prefix||" | sort)
	if [[ -z ${expected_tags:-} ]]; then
		expected_tags=$tags
		(($(wc -l <<<"$tags") == 2 * images)) || die "$label made $(wc -l <<<"$tags") tags, want $((2 * images))"
	elif [[ $tags != "$expected_tags" ]]; then
		die "$label made other tags than the first build: $(diff <(echo "$expected_tags") <(echo "$tags") | head -5)"
	fi
	remove_images "$prefix"
	[[ ${KEEP:-0} == 1 ]] || rm -rf "$dir/repo"
	secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
	c0=$(client_cpu "$dir/times0")
	c1=$(client_cpu "$dir/times1")
	read -r cpu own others < <(awk -v b="$b1" -v b0="$b0" -v t="$t1" -v t0="$t0" -v e="$e1" -v e0="$e0" -v c="$c1" -v c0="$c0" 'BEGIN {
		busy = b - b0; all = t - t0; mine = (e - e0) + (c - c0)
		if (all <= 0) { print 0, 0, 0; exit }
		if (mine > busy) mine = busy
		printf "%.0f %.0f %.0f\n", 100 * busy / all, 100 * mine / all, 100 * (busy - mine) / all
	}')
}

# sample SIDE LABEL [J]: one build, done again (ATTEMPTS times at most) while
# other work on the machine took more than NOISE_MAX per cent of its CPU;
# the attempt with the least other work counts.
attempts=${ATTEMPTS:-3}
noise_max=${NOISE_MAX:-10}
sample() {
	local a label best=""
	for a in $(seq "$attempts"); do
		label=$2
		((a == 1)) || label=$2-a$a
		one "$1" "$label" "${3:-}"
		if [[ -z $best ]] || ((others < ${best##* })); then
			best="$secs $cpu $own $others"
		fi
		((others > noise_max)) || break
		((a == attempts)) || log "$label: other work took ${others}% of the CPU during the build (${secs}s); building again"
	done
	read -r secs cpu own others <<<"$best"
	if ((others > noise_max)); then
		log "$2: kept the attempt with the least other work: ${secs}s, others' ${others}%"
		noisy+=("$2 (${others}%)")
	fi
}
noisy=()

median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
join() { local IFS=,; echo "$*" | sed 's/,/, /g'; }

log "engine $engine_version, baseline CLI $cli ($cli_version), builder $builder; load average $(cut -d ' ' -f 1-3 /proc/loadavg)"
log "repository: $images images in $components components, RUN counts to $run_work, hooks in about $hooks of the components"

# --- how much parallel CPU work the machine gives ---------------------------

# Two of the RUN steps' loops at once against one alone: on 2 real cores
# both finish in the time of one (2.0 cores' worth); on shared or
# hyperthreaded ones, later. No parallel build can beat that figure.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
count() { /usr/bin/busybox sh -c "i=0; while [ \$i -lt $1 ]; do i=\$((i+1)); done"; }
one_ms=999999 two_ms=999999
for _ in 1 2 3; do # the best of three: other work only slows a loop down
	wait_quiet
	t=$(now_ms); count 1000000; d=$(($(now_ms) - t)); ((d < one_ms)) && one_ms=$d
	t=$(now_ms); count 1000000 & count 1000000; wait; d=$(($(now_ms) - t)); ((d < two_ms)) && two_ms=$d
done
scaling=$(awk -v a="$one_ms" -v b="$two_ms" 'BEGIN { printf "%.2f", 2 * a / b }')
log "one CPU loop alone ${one_ms} ms, two at once ${two_ms} ms: ${scaling} cores' worth of parallel CPU"

# --- the comparison, alternating which side goes first -----------------------

pai_s=() pai_own=() pai_others=() dy_s=() dy_own=() dy_others=()
compare=${COMPARE:-1}
for r in $(seq "$runs"); do
	((compare == 1)) || break
	order=(pai dockyard)
	((r % 2 == 1)) || order=(dockyard pai)
	for side in "${order[@]}"; do
		sample "$side" "${side:0:1}$r" "$jobs"
		log "run $r: $side ${secs}s; CPU busy ${cpu}%: the build's ${own}%, others' ${others}%"
		if [[ $side == pai ]]; then
			pai_s+=("$secs") pai_own+=("$own") pai_others+=("$others")
		else
			dy_s+=("$secs") dy_own+=("$own") dy_others+=("$others")
		fi
	done
done
if ((compare == 1)); then
	pai_med=$(printf '%s\n' "${pai_s[@]}" | median)
	dy_med=$(printf '%s\n' "${dy_s[@]}" | median)
	ratio=$(awk -v a="$pai_med" -v b="$dy_med" 'BEGIN { printf "%.2f", a / b }')
	verdict=$(awk -v r="$ratio" -v t="$target" 'BEGIN { print (r >= t) ? "ok" : "MISSED" }')
	log "pai-style median ${pai_med}s, dockyard median ${dy_med}s: ratio $ratio"
fi

# --- the -j sweep, each round in a rotated order ------------------------------

declare -A sweep_s sweep_own sweep_others
read -r -a js <<<"$sweep"
for r in $(seq "$runs"); do
	((${#js[@]} > 0)) || break
	n=${#js[@]}
	for k in $(seq 0 $((n - 1))); do
		j=${js[$(((k + r - 1) % n))]}
		sample dockyard "j$j-$r" "$j"
		log "sweep round $r: -j $j ${secs}s; CPU busy ${cpu}%: the build's ${own}%, others' ${others}%"
		sweep_s[$j]+="$secs "
		sweep_own[$j]+="$own "
		sweep_others[$j]+="$others "
	done
done

# --- the table -------------------------------------------------------------------

shape=$(tail -n 1 "$work/gen.log" | sed 's/^gen: [^:]*: //')
ncpu=$(nproc)
((compare == 1)) && cat <<EOF
## dockyard build against pai_build, $images images in $components components, cold

| build | median of $runs | runs | build's CPU, % of the machine | others' CPU, % of the machine |
|---|---|---|---|---|
| pai-style: one \`docker build\` after another, hooks included | ${pai_med} s | $(join "${pai_s[@]}") s | $(join "${pai_own[@]}") | $(join "${pai_others[@]}") |
| \`dockyard build\`${jobs:+ -j $jobs} | ${dy_med} s | $(join "${dy_s[@]}") s | $(join "${dy_own[@]}") | $(join "${dy_others[@]}") |
| **ratio** (pai-style / dockyard) | **${ratio}** | target ≥ ${target} | ${verdict} | |
EOF
if ((${#js[@]} > 0)); then
	cat <<EOF

| \`dockyard build -j N\` | median of $runs | runs | build's CPU, % of the machine: median (runs) | others' CPU (runs) |
|---|---|---|---|---|
EOF
	for j in "${js[@]}"; do
		read -r -a v <<<"${sweep_s[$j]}"
		read -r -a o <<<"${sweep_own[$j]}"
		read -r -a x <<<"${sweep_others[$j]}"
		printf '| -j %s | %s s | %s s | %s (%s) | %s |\n' "$j" "$(printf '%s\n' "${v[@]}" | median)" "$(join "${v[@]}")" \
			"$(printf '%s\n' "${o[@]}" | median | cut -d . -f 1)" "$(join "${o[@]}")" "$(join "${x[@]}")"
	done
fi
cat <<EOF

Machine: $ncpu cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), Docker engine $engine_version; builder: $builder for both sides (baseline CLI $cli_version); --no-cache for both.
Repository: $shape; each RUN counts to $run_work in busybox sh; hooks in about $hooks of the components.
Parallel CPU: one RUN-style loop alone ${one_ms} ms, two at once ${two_ms} ms, so the machine gives ${scaling} cores' worth of parallel CPU work.
CPU: the build's is the engine's (dockerd and containerd with their children, RUN steps included: other builds through the same engine count here too) and the client's; others' is the rest of the machine's busy time (other work on a shared machine), both in per cent of all $ncpu cores over the build's wall time. A build during which others' took more than ${noise_max}% was done again, up to ${attempts} times.
EOF
((${#noisy[@]} == 0)) || printf '\nKept although other work took more than %s%% of the CPU: %s.\n' "$noise_max" "$(join "${noisy[@]}")"

if [[ ${CHECK:-0} == 1 && ${verdict:-} == MISSED ]]; then
	exit 1
fi
