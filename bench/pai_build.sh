#!/usr/bin/env bash
# pai_build.sh builds a components-layout repository the way OpenPAI's
# build/pai_build.py does: one component after another, and per component
#
#   1. copy each component named in build/component.dep, whole, into
#      src/<c>/dependency/<dep> (pai: shutil.copytree, replacing a copy);
#   2. chmod u+x and run build/build-pre.sh, if there is one;
#   3. `docker build -t <image> -f <dockerfile> src/<c>` for each image, one
#      after another;
#   4. chmod u+x and run build/build-post.sh, if there is one;
#
# and at the end, also after a failure, remove every dependency/ and
# generated/ folder it made (pai: clean_temp_folder in a finally block).
# It is the baseline of bench/build.sh.
#
#   bash bench/pai_build.sh [--no-cache] -p PLAN.json -C REPO
#
# The order is that of PLAN.json, the output of `dockyard plan --format json -C
# REPO`: components in the order their first image appears (a topological
# order of the components, which pai's Kahn sort also yields), their images in
# plan order. Each image gets the refs the plan lists (its bare name and the
# registry ref, as dockyard tags them) and dockyard's labels, so both builds
# make the same images. Hooks run from the repository root, as pai_build.py
# (which chdirs there) runs them.
#
# Environment: DOCKER, the docker CLI to use (default: docker); the builder is
# the CLI's, so set DOCKER_BUILDKIT=1 or =0 to choose. Each docker build's
# output goes to LOG_DIR (default: REPO/.pai-build/logs).
#
# With --bake BUILDER, it is the way a team moving to `docker buildx bake`
# builds the same repository: the copies and pre-build hooks of every
# component first, in the same order, then one `buildx bake` of every image
# on the buildx builder BUILDER (each FROM or COPY --from of a project image
# a named context "target:<image>", the refs as tags, the result left in
# BuildKit's cache), then the post-build hooks. BUILDX is the buildx binary
# (default: buildx). With BAKE_PUSH=PREFIX, each image is pushed instead to
# its refs that start with PREFIX (registry/namespace/), the others dropped.
set -euo pipefail

usage="usage: pai_build.sh [--no-cache] [--bake BUILDER] -p PLAN.json -C REPO"
no_cache=()
plan=""
repo=""
bake=""
while (($# > 0)); do
	case $1 in
	--no-cache) no_cache=(--no-cache) ;;
	--bake) bake=$2; shift ;;
	-p) plan=$2; shift ;;
	-C) repo=$2; shift ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
	shift
done
if [[ -z $plan || -z $repo ]]; then
	echo "$usage" >&2
	exit 2
fi
docker=${DOCKER:-docker}
repo=$(cd "$repo" && pwd)
plan=$(cd "$(dirname "$plan")" && pwd)/$(basename "$plan")
log_dir=${LOG_DIR:-$repo/.pai-build/logs}
mkdir -p "$log_dir"
cd "$repo" # pai_build.py chdirs to the repository root first

log() { printf '%s - pai_build - INFO - %s\n' "$(date '+%F %T')" "$*"; }
fail() { printf '%s - pai_build - ERROR - %s\n' "$(date '+%F %T')" "$*" >&2; exit 1; }

# Components in order of first appearance, with their images in plan order;
# every parent of an image must come from an earlier component or earlier in
# the same one, or building component by component would be wrong.
mapfile -t components < <(jq -r '[.images[] | select(.kind == "component") | .component] | reduce .[] as $c ([]; if index([$c]) then . else . + [$c] end) | .[]' "$plan")
check=$(jq -r '
	[.images[] | select(.kind == "component")] as $ims
	| ($ims | map(.component) | reduce .[] as $c ([]; if index([$c]) then . else . + [$c] end)) as $order
	| ($ims | map({(.name): .component}) | add) as $comp
	| $ims[] | . as $im
	| .parents[] | .name as $p
	| select(($order | index([$comp[$p]])) > ($order | index([$im.component])))
	| "\($im.name) (component \($im.component)) needs \($p) of a later component"' "$plan")
[[ -z $check ]] || fail "the plan cannot be built component by component: $check"
((${#components[@]} > 0)) || fail "$plan has no component images"

made=() # dependency/ and generated/ folders this run may have made
cleanup() {
	for d in "${made[@]}"; do rm -rf "$d"; done
}
trap cleanup EXIT

run() { # command...: pai's check_call; a failure ends the build
	"$@" || fail "Executing command failed: $*"
}

# pre C: copies the component's dependencies in and runs its pre-build hook.
pre() {
	local dir=src/$1 dep
	if [[ -e $dir/dependency || -e $dir/generated ]]; then
		fail "$dir/dependency or $dir/generated exists; pai_build.sh would remove it: clean up first"
	fi
	made+=("$dir/dependency" "$dir/generated")
	if [[ -f $dir/build/component.dep ]]; then
		while read -r dep _; do
			[[ -z $dep || $dep == \#* ]] && continue
			[[ -d src/$dep ]] || fail "Invalid dependency found: $dep in $dir/build/component.dep"
			mkdir -p "$dir/dependency"
			rm -rf "${dir:?}/dependency/$dep"
			run cp -a "src/$dep" "$dir/dependency/$dep"
		done <"$dir/build/component.dep"
	fi
	if [[ -f $dir/build/build-pre.sh ]]; then
		run chmod u+x "$dir/build/build-pre.sh"
		run "$dir/build/build-pre.sh"
	fi
}

# post C: runs the component's post-build hook.
post() {
	local dir=src/$1
	if [[ -f $dir/build/build-post.sh ]]; then
		run chmod u+x "$dir/build/build-post.sh"
		run "$dir/build/build-post.sh"
	fi
}

# images C: builds the component's images one after another.
images() {
	local c=$1 name dockerfile context refs args
	while IFS=$'\t' read -r name dockerfile context refs; do
		args=("${no_cache[@]}")
		for ref in $refs; do args+=(-t "$ref"); done
		args+=(--label "dev.dockyard.image=$name" --label "dev.dockyard.dockerfile=$dockerfile" --label "dev.dockyard.component=$c")
		log "Build image $name"
		if ! "$docker" build "${args[@]}" -f "$dockerfile" "$context" >"$log_dir/$name.log" 2>&1; then
			tail -n 20 "$log_dir/$name.log" >&2
			fail "Executing command failed: $docker build ${args[*]} -f $dockerfile $context"
		fi
	done < <(jq -r --arg c "$c" '.images[] | select(.kind == "component" and .component == $c) | [.name, .dockerfile, .context, (.refs | join(" "))] | @tsv' "$plan")
}

# bake_all: one buildx bake of every image of the plan.
bake_all() {
	local file=$log_dir/docker-bake.json
	jq --arg push "${BAKE_PUSH:-}" --arg oci "${BAKE_OCI:-}" '{
		group: {default: {targets: [.images[].name]}},
		target: (.images | map(.name as $n | {key: $n, value: ({
			context: .context,
			dockerfile: (.context as $c | .dockerfile | ltrimstr("\($c)/")),
			tags: (if $push == "" then .refs else [.refs[] | select(startswith($push))] end),
			labels: {"dev.dockyard.image": $n},
			contexts: ([.parents[]? | select(.ref) | {key: .ref, value: "target:\(.name)"}] | from_entries)
		} + (if $push != "" then {output: ["type=image,push=true"]}
			elif $oci != "" then {output: ["type=oci,tar=false,dest=\($oci)/\($n)"]}
			else {} end))}) | from_entries)
	}' "$plan" >"$file"
	local allow=()
	if [[ -n ${BAKE_OCI:-} ]]; then
		mkdir -p "$BAKE_OCI" # buildx asks for write access to the nearest folder that exists
		allow=(--allow "fs.write=$BAKE_OCI")
	fi
	log "Bake all images"
	if ! "${BUILDX:-buildx}" --builder "$bake" bake "${no_cache[@]}" "${allow[@]}" --progress plain -f "$file" >"$log_dir/bake.log" 2>&1; then
		tail -n 20 "$log_dir/bake.log" >&2
		fail "Executing command failed: buildx bake -f $file"
	fi
}

started=$(date +%s%N)
log "Build all components: ${components[*]}"
if [[ -n $bake ]]; then
	for c in "${components[@]}"; do pre "$c"; done
	bake_all
	for c in "${components[@]}"; do post "$c"; done
else
	for c in "${components[@]}"; do
		log "Starting to build component $c"
		pre "$c"
		images "$c"
		post "$c"
	done
fi
log "Pai build costs $(( ($(date +%s%N) - started) / 1000000 )) ms"
