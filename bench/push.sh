#!/usr/bin/env bash
# push.sh times shipping a generated 40-image repository, built once with
# dockyard through the Docker engine:
#   - `dockyard push` into a fresh local registry (Debian's docker-registry)
#     against pai's push (push_center.py): one `docker push` after another,
#     in build order, into another fresh registry;
#   - `dockyard save` against `docker save` of the same references, plain
#     and gzip-compressed (`docker save | gzip`), with the archives' sizes.
# The two sides alternate, RUNS times each, and the script prints a markdown
# table of medians and ratios.
#
#   bash bench/push.sh                  # 40 images in 30 components, 3 runs
#   RUNS=5 PAYLOAD_KB=4096 bash bench/push.sh
#
# Settings (environment): IMAGES (40), COMPONENTS (30), SEED (1), PAYLOAD_KB
# (1024: each image gets a layer of this much random data, so that pushes
# move real bytes), RUNS (3), JOBS (dockyard push -j; empty: its default),
# DOCKYARD (a dockyard binary instead of building ./cmd/dockyard), KEEP=1
# keeps the work folder.
#
# Fairness: both pushes read the same images from the same engine and push
# every image's one registry reference (pai's namespace/name:tag), each into
# a registry of its own that starts empty. The script removes only the
# images and registries it made. Logs go to stderr, the table to stdout.
set -euo pipefail

images=${IMAGES:-40}
components=${COMPONENTS:-30}
seed=${SEED:-1}
payload_kb=${PAYLOAD_KB:-1024}
runs=${RUNS:-3}
jobs=${JOBS:-}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log() { printf 'push.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

timeout 20 docker info >/dev/null 2>&1 || die "no docker engine answers: run bash scripts/setup.sh"
[[ -x /usr/bin/busybox ]] || die "the generated base image needs a static /usr/bin/busybox: run bash scripts/setup.sh"
command -v docker-registry >/dev/null || die "docker-registry is not installed: apt-get install docker-registry"

work=$(mktemp -d "${TMPDIR:-/tmp}/dockyard-bench-push.XXXXXX")
token=dyp$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
registry_pid=""

stop_registry() {
	if [[ -n $registry_pid ]]; then
		kill "$registry_pid" 2>/dev/null || true
		wait "$registry_pid" 2>/dev/null || true
		registry_pid=""
	fi
}
finish() {
	stop_registry
	local refs
	refs=$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^([^/]+/)*$token-" || true)
	# shellcheck disable=SC2086
	[[ -z $refs ]] || docker image rm $refs >/dev/null || log "could not remove some images of $token"
	if [[ ${KEEP:-0} == 1 ]]; then log "kept $work"; else rm -rf "$work"; fi
}
trap finish EXIT

# start_registry NAME: start an empty registry on a free port; sets $addr.
start_registry() {
	local dir=$work/registry-$1
	local port
	while :; do
		port=$((20000 + RANDOM % 20000))
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || break
	done
	addr=127.0.0.1:$port
	mkdir -p "$dir/storage"
	printf 'version: 0.1\nlog: {level: warn}\nstorage:\n  filesystem: {rootdirectory: %s}\nhttp:\n  addr: %s\n' "$dir/storage" "$addr" >"$dir/config.yml"
	docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
	registry_pid=$!
	for _ in $(seq 200); do
		(exec 3<>"/dev/tcp/${addr%:*}/${addr#*:}") 2>/dev/null && return 0
		sleep 0.05
	done
	die "registry $1 did not start; see $dir/log"
}

if [[ -n ${DOCKYARD:-} ]]; then
	dockyard=$(command -v "$DOCKYARD") || die "DOCKYARD=$DOCKYARD: not found"
else
	log "building dockyard"
	(cd "$repo" && go build -o "$work/dockyard" ./cmd/dockyard)
	dockyard=$work/dockyard
fi

log "generating $images images in $components components, each with ${payload_kb} KiB of its own"
(cd "$repo" && go run ./bench/gen -images "$images" -components "$components" -seed "$seed" -prefix "$token-" -o "$work/repo") 2>>"$work/gen.log"
find "$work/repo/src" -name '*.dockerfile' | while read -r f; do
	printf 'RUN head -c %d /dev/urandom > /payload\n' $((payload_kb * 1024)) >>"$f"
done
printf 'version: 1\nregistry: {domain: "${BENCH_REGISTRY}", namespace: bench, tag: dev}\n' >"$work/repo/dockyard.yaml"
# The images are built under a registry that is never used; push names the
# registry of each run.
export BENCH_REGISTRY=127.0.0.1:1

log "building the images once"
"$dockyard" build -C "$work/repo" --progress quiet >"$work/build.txt" 2>"$work/build.log" ||
	die "the build failed; see $work/build.log"
mapfile -t names < <("$dockyard" plan -C "$work/repo" 2>/dev/null | awk '/^ *[0-9]+\. / { print $2 }')
[[ ${#names[@]} -eq $images ]] || die "planned ${#names[@]} images, want $images"

ms() { echo $(($(date +%s%N) / 1000000)); }

# time_dockyard_push: push every image into a fresh registry; prints ms.
time_dockyard_push() {
	start_registry dockyard
	local t0 t1
	t0=$(ms)
	BENCH_REGISTRY=$addr "$dockyard" push -C "$work/repo" ${jobs:+-j "$jobs"} >"$work/push.txt" 2>>"$work/push.log"
	t1=$(ms)
	[[ $(wc -l <"$work/push.txt") -eq $images ]] || die "dockyard pushed $(wc -l <"$work/push.txt") references, want $images"
	stop_registry
	echo $((t1 - t0))
}

# time_docker_push: pai's push: tag, then one docker push after another in
# build order, into a fresh registry; prints ms (tagging not counted).
time_docker_push() {
	start_registry docker
	local n t0 t1
	for n in "${names[@]}"; do docker tag "$n" "$addr/bench/$n:dev"; done
	t0=$(ms)
	for n in "${names[@]}"; do docker push -q "$addr/bench/$n:dev" >>"$work/docker-push.log"; done
	t1=$(ms)
	for n in "${names[@]}"; do docker image rm "$addr/bench/$n:dev" >/dev/null; done
	stop_registry
	echo $((t1 - t0))
}

# The references both saves write: every image's, as the engine has them.
mapfile -t refs < <(for n in "${names[@]}"; do echo "$n"; echo "127.0.0.1:1/bench/$n:dev"; done)

time_cmd() { # OUT_FILE CMD...: run CMD, print ms and the size of OUT_FILE in MB
	local out=$1 t0 t1 size
	shift
	rm -f "$out"
	t0=$(ms)
	"$@" >/dev/null 2>>"$work/save.log"
	t1=$(ms)
	size=$(stat -c %s "$out")
	rm -f "$out"
	echo "$((t1 - t0)) $(awk -v b="$size" 'BEGIN { printf "%.1f", b / 1048576 }')"
}

median() { sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m / 1000 }'; }

declare -a dy_push dk_push dy_save dk_save dy_gz dk_gz
for r in $(seq "$runs"); do
	log "run $r of $runs: push"
	if ((r % 2)); then
		dy_push+=("$(time_dockyard_push)"); dk_push+=("$(time_docker_push)")
	else
		dk_push+=("$(time_docker_push)"); dy_push+=("$(time_dockyard_push)")
	fi
	log "run $r of $runs: push ${dy_push[-1]} ms (dockyard), ${dk_push[-1]} ms (docker push)"
	log "run $r of $runs: save"
	read -r t dy_size < <(time_cmd "$work/dy.tar" "$dockyard" save -C "$work/repo" -o "$work/dy.tar")
	dy_save+=("$t")
	read -r t dk_size < <(time_cmd "$work/dk.tar" docker save -o "$work/dk.tar" "${refs[@]}")
	dk_save+=("$t")
	read -r t dy_gz_size < <(time_cmd "$work/dy.tar.gz" "$dockyard" save -C "$work/repo" -o "$work/dy.tar.gz")
	dy_gz+=("$t")
	read -r t dk_gz_size < <(time_cmd "$work/dk.tar.gz" sh -c 'docker save "$@" | gzip > "$0"' "$work/dk.tar.gz" "${refs[@]}")
	dk_gz+=("$t")
	log "run $r of $runs: save ${dy_save[-1]}/${dk_save[-1]} ms (tar), ${dy_gz[-1]}/${dk_gz[-1]} ms (tar.gz), dockyard/docker"
done

m() { printf '%s\n' "$@" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
p_dy=$(m "${dy_push[@]}") p_dk=$(m "${dk_push[@]}")
s_dy=$(m "${dy_save[@]}") s_dk=$(m "${dk_save[@]}")
g_dy=$(m "${dy_gz[@]}") g_dk=$(m "${dk_gz[@]}")

cat <<EOF
## Shipping $images images ($components components, ${payload_kb} KiB of random data each), median of $runs

| task | dockyard | baseline | baseline is | speed-up |
|---|---|---|---|---|
| push into an empty local registry | ${p_dy} s | ${p_dk} s | \`docker push\` of each image in build order (pai) | $(ratio "$p_dk" "$p_dy")x |
| save, ${#refs[@]} references, tar | ${s_dy} s, ${dy_size} MB | ${s_dk} s, ${dk_size} MB | \`docker save -o\` | $(ratio "$s_dk" "$s_dy")x |
| save, tar.gz | ${g_dy} s, ${dy_gz_size} MB | ${g_dk} s, ${dk_gz_size} MB | \`docker save \| gzip\` | $(ratio "$g_dk" "$g_dy")x |

Machine: $(nproc) cores, Docker engine $(docker version --format '{{.Server.Version}}'), docker-registry $(docker-registry --version 2>/dev/null | awk '{ print $NF }'). dockyard push -j ${jobs:-4 (default)}.
EOF
