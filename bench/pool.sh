#!/usr/bin/env bash
# pool.sh times a cold build of a generated repository whose RUN steps
# wait (sleep) rather than compute, on a pool of one buildkitd worker
# against a pool of three, each worker with the same max_builds, the two
# alternating, and prints a markdown table of medians, their ratio, how
# many builds each worker took, and the machine's load average.
#
#   bash bench/pool.sh                      # 200 images, RUN sleep 2, max_builds 2, 1 run each
#   RUNS=3 SLEEP=1 MAX_BUILDS=4 bash bench/pool.sh
#
# Settings (environment): IMAGES (200), COMPONENTS (100), SLEEP (2: seconds
# each image's RUN waits), MAX_BUILDS (2), RUNS (1), DOCKYARD (a dockyard
# binary to time instead of building ./cmd/dockyard). KEEP=1 keeps the work
# folder with every log.
#
# The three workers are buildkitd processes of this script on unix sockets
# of its work folder (own --root each, OCI worker, Debian's runc): on one
# machine they share its cores, so only the waiting scales with the
# workers; on three machines each would bring its own cores too. Every
# build is of a freshly generated repository in a new folder whose image
# names carry a prefix of their own, with --no-cache, into a new image
# layout, so nothing of an earlier build is reused. -j is 3 x MAX_BUILDS on
# both sides: the pool, not the scheduler, limits the builds at once.
set -euo pipefail

images=${IMAGES:-200}
components=${COMPONENTS:-100}
sleep_s=${SLEEP:-2}
max=${MAX_BUILDS:-2}
runs=${RUNS:-1}

die() { echo "pool.sh: $*" >&2; exit 1; }
log() { echo "pool.sh: $*" >&2; }

command -v buildkitd >/dev/null || die "no buildkitd: run bash scripts/buildkitd.sh"
command -v buildctl >/dev/null || die "no buildctl: run bash scripts/buildkitd.sh"
[[ -x /usr/bin/busybox ]] || die "the generated base image needs a static /usr/bin/busybox: run bash scripts/setup.sh"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d /tmp/dockyard-pool-bench.XXXXXX)
pids=()
cleanup() {
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	grep -o " $work/[^ ]*" /proc/mounts | xargs -r umount -l 2>/dev/null || true
	if [[ ${KEEP:-0} == 1 ]]; then
		log "kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT

if [[ -n ${DOCKYARD:-} ]]; then
	dockyard=$(command -v "$DOCKYARD") || die "DOCKYARD=$DOCKYARD: not found"
	(cd "$repo" && go build -o "$work/gen" ./bench/gen)
else
	log "building dockyard and bench/gen"
	(cd "$repo" && go build -o "$work/dockyard" ./cmd/dockyard && go build -o "$work/gen" ./bench/gen)
	dockyard=$work/dockyard
fi

cat > "$work/bk.toml" <<'TOML'
[worker.oci]
  enabled = true
  snapshotter = "native"
[worker.containerd]
  enabled = false
TOML
for w in a b c; do
	buildkitd --config "$work/bk.toml" --root "$work/bk-$w" --addr "unix://$work/$w.sock" \
		--otel-socket-path "$work/$w.otel" >"$work/bk-$w.log" 2>&1 &
	pids+=($!)
done
for w in a b c; do
	for i in $(seq 120); do
		buildctl --addr "unix://$work/$w.sock" debug workers >/dev/null 2>&1 && break
		[[ $i == 120 ]] && die "buildkitd $w does not answer (see $work/bk-$w.log)"
		sleep 0.5
	done
done

# build SIDE RUN: one cold build on the pool of SIDE (one or three
# workers); prints its seconds and its builds per worker.
build() {
	local side=$1 run=$2 dir=$work/$1-$2
	local prefix=p16b-pool-$side-$run-
	"$work/gen" -images "$images" -components "$components" -run-sleep "$sleep_s" \
		-prefix "$prefix" -o "$dir/repo" 2>>"$work/gen.log"
	{
		echo "engine: buildkit"
		echo "workers:"
		local ws=a
		[[ $side == three ]] && ws="a b c"
		for w in $ws; do
			echo "  - {address: \"unix://$work/$w.sock\", max_builds: $max}"
		done
	} >>"$dir/repo/dockyard.yaml"
	local start end
	start=$(date +%s.%N)
	XDG_CACHE_HOME=$work/cache "$dockyard" -C "$dir/repo" build --root "$dir/store" --no-cache \
		-j $((3 * max)) --progress plain --report "$dir/report.json" >"$dir/out.log" 2>&1 ||
		die "the $side-worker build failed: see $dir/out.log"
	end=$(date +%s.%N)
	printf "%.1f\n" "$(echo "$end - $start" | bc)"
	grep -o '"worker": "unix://[^"]*"' "$dir/report.json" | sed 's|.*/||; s|"||' | sort | uniq -c |
		awk '{printf "%s%s %s", sep, $2, $1; sep=", "}' >"$dir/spread"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
one=() three=()
for run in $(seq "$runs"); do
	order="one three"
	((run % 2 == 0)) && order="three one"
	for side in $order; do
		log "run $run: $side worker(s)"
		secs=$(build "$side" "$run")
		log "run $run: $side worker(s): ${secs}s ($(cat "$work/$side-$run/spread"))"
		if [[ $side == one ]]; then one+=("$secs"); else three+=("$secs"); fi
	done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
m1=$(median "${one[@]}")
m3=$(median "${three[@]}")
shape=$(tail -n 1 "$work/gen.log" | sed 's/^gen: [^:]*: //')
cat <<TABLE

Repository: $shape; each RUN sleeps ${sleep_s}s; max_builds $max per worker; -j $((3 * max)); $runs run(s) each.
Load average (1, 5, 15 min) before: $load_before; after: $load_after; $(nproc) cores.

| pool | median (s) | runs (s) | builds per worker (last run) |
|---|---|---|---|
| 1 worker | $(printf '%.1f' "$m1") | ${one[*]} | $(cat "$work/one-$runs/spread") |
| 3 workers | $(printf '%.1f' "$m3") | ${three[*]} | $(cat "$work/three-$runs/spread") |

3 workers are $(echo "scale=2; $m1 / $m3" | bc) times faster.
TABLE
