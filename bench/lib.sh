# lib.sh holds what the bench scripts share; they source it after setting
# me (their name, for messages) and, before calling ms, work (their work
# folder, where ms logs).

log() { printf '%s: %s\n' "$me" "$*" >&2; }
die() { log "$*"; exit 1; }

# ms CMD...: runs CMD quietly and prints its wall time in milliseconds.
ms() {
	local start end
	start=$(date +%s%N)
	"$@" >>"$work/runs.log" 2>&1 || die "failed: $* (log: $work/runs.log, KEEP=1 keeps it)"
	end=$(date +%s%N)
	echo $(((end - start) / 1000000))
}

# median: the median of the integers on stdin, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%d", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# join A B C: "A, B, C".
join() { local IFS=,; echo "$*" | sed 's/,/, /g'; }
