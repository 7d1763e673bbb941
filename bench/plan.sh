#!/usr/bin/env bash
# plan.sh times `dockyard plan` on a generated 1,000-image repository, as a
# whole process (start-up, config, discovery, parsing, ordering, JSON output),
# and prints a markdown table of wall time (best and median) and peak RSS.
#
#   bash bench/plan.sh                 # 1,000 images in 500 components, 10 runs
#   IMAGES=5000 COMPONENTS=2000 RUNS=20 bash bench/plan.sh
#   CHECK=1 bash bench/plan.sh         # exit 1 when a target is missed
#
# Targets (2 cores): median wall time under 300 ms, peak RSS under 100 MB.
# Logs go to stderr, the table to stdout.
set -euo pipefail

images=${IMAGES:-1000}
components=${COMPONENTS:-500}
runs=${RUNS:-10}
target_ms=300
target_mb=100

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'plan.sh: %s\n' "$*" >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-bench-plan.XXXXXX")
trap 'rm -rf "$work"' EXIT

log "building dockyard"
(cd "$repo" && go build -o "$work/dockyard" ./cmd/dockyard)
log "generating $images images in $components components"
(cd "$repo" && go run ./bench/gen -images "$images" -components "$components" -o "$work/repo")

dockyard=$work/dockyard
cmd=("$dockyard" plan --format json -C "$work/repo")

# One run to check the plan and warm the page cache.
"$dockyard" plan -C "$work/repo" >"$work/plan.txt"
found=$(head -n 1 "$work/plan.txt")
log "plan: $found"
"${cmd[@]}" >/dev/null

# Wall time of the whole process, in milliseconds.
times=()
for _ in $(seq "$runs"); do
	start=$(date +%s%N)
	"${cmd[@]}" >/dev/null
	end=$(date +%s%N)
	times+=("$(((end - start) / 1000))")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
best_ms=$(head -n 1 <<<"$sorted" | awk '{ printf "%.1f", $1 / 1000 }')
median_ms=$(awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f", m / 1000 }' <<<"$sorted")

# Peak RSS, from GNU time; install it if missing and allowed.
timebin=/usr/bin/time
if [[ ! -x $timebin ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
	log "installing GNU time (apt-get install -y time)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -qq time </dev/null >&2 ||
		{ apt-get update -qq </dev/null >&2 && apt-get install -y -qq time </dev/null >&2; } || true
fi
rss_mb="n/a"
rss_note=""
if [[ -x $timebin ]] && "$timebin" -v true >/dev/null 2>&1; then
	peak=0
	for _ in $(seq "$runs"); do
		kb=$("$timebin" -v "${cmd[@]}" 2>&1 >/dev/null | awk -F': *' '/Maximum resident set size/ { print $2 }')
		if ((kb > peak)); then peak=$kb; fi
	done
	rss_mb=$(awk -v kb="$peak" 'BEGIN { printf "%.1f", kb / 1024 }')
else
	rss_note="GNU time (/usr/bin/time -v) is not available: peak RSS not measured"
	log "$rss_note"
fi

verdict() { # value target
	if [[ $1 == n/a ]]; then
		echo "not measured"
	elif awk -v v="$1" -v t="$2" 'BEGIN { exit !(v < t) }'; then
		echo "ok"
	else
		echo "MISSED"
	fi
}
time_ok=$(verdict "$median_ms" "$target_ms")
rss_ok=$(verdict "$rss_mb" "$target_mb")

cat <<EOF
## dockyard plan --format json, $images images in $components components

| measure | value | target | result |
|---|---|---|---|
| wall time, best of $runs | ${best_ms} ms | | |
| wall time, median of $runs | ${median_ms} ms | < ${target_ms} ms | ${time_ok} |
| peak RSS, max of $runs | ${rss_mb} MB | < ${target_mb} MB | ${rss_ok} |

Machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(go version | cut -d ' ' -f 3-4). Plan: ${found}.
EOF
[[ -z $rss_note ]] || printf '\nNote: %s.\n' "$rss_note"

if [[ ${CHECK:-0} == 1 && ($time_ok == MISSED || $rss_ok == MISSED) ]]; then
	exit 1
fi
