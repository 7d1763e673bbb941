#!/usr/bin/env bash
# repeat.sh N runs the whole test suite (scripts/test.sh, what CI runs) N
# times in a row, whatever each run gives, and then reports every test that
# failed in any run, with the runs it failed in, and each run's duration.
# It exits 1 if any run failed. Each run's output is kept in its own file
# under $REPEAT_DIR (a new temporary directory by default).
set -uo pipefail
cd "$(dirname "$0")/.."

log() { printf 'repeat: %s\n' "$*" >&2; }

n=${1:-}
if [[ ! $n =~ ^[1-9][0-9]*$ ]]; then
	log "usage: scripts/repeat.sh N (the number of runs)"
	exit 2
fi
dir=${REPEAT_DIR:-$(mktemp -d /tmp/dockyard-repeat.XXXXXX)}
mkdir -p "$dir"
log "$n runs; their output goes to $dir"

declare -A failed_in=() # test or package -> the runs it failed in
durations=()
bad_runs=0
for i in $(seq "$n"); do
	out=$dir/run-$i.log
	start=$SECONDS
	bash scripts/test.sh >"$out" 2>&1
	code=$?
	secs=$((SECONDS - start))
	durations+=("$secs")
	# A failed test prints "--- FAIL: Name (...)", at any depth; a package
	# that failed without one (a build error, a panic, the timeout) only
	# "FAIL<tab>package".
	mapfile -t tests < <(grep -aoE -- '--- FAIL: [^ ]+' "$out" | sed 's/^--- FAIL: //' | sort -u)
	mapfile -t pkgs < <(grep -aE $'^FAIL\t[^ ]+' "$out" | cut -f2 | cut -d' ' -f1 | sort -u)
	for name in "${tests[@]}" "${pkgs[@]}"; do
		[[ -n $name ]] && failed_in[$name]+=" $i"
	done
	if ((code != 0)); then
		bad_runs=$((bad_runs + 1))
		if ((${#tests[@]} + ${#pkgs[@]} == 0)); then
			failed_in["(scripts/test.sh before the tests: see run-$i.log)"]+=" $i"
		fi
	fi
	log "run $i/$n: exit $code in ${secs}s$( ((code != 0)) && printf ', failed: %s' "${tests[*]} ${pkgs[*]}")"
done

total=0
for s in "${durations[@]}"; do total=$((total + s)); done
echo "runs: $n, failed: $bad_runs"
echo "durations (s): ${durations[*]}; mean $((total / n)), total $total"
if ((${#failed_in[@]} == 0)); then
	echo "no test failed"
	exit 0
fi
echo "failed tests (and the runs they failed in):"
while IFS= read -r name; do
	echo "  $name:${failed_in[$name]}"
done < <(printf '%s\n' "${!failed_in[@]}" | sort)
echo "logs: $dir"
exit 1
