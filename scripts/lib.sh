# lib.sh holds what the machine-setup scripts share. Source it after
# setting log_prefix, the name their messages start with.

log() { printf '%s: %s\n' "$log_prefix" "$*" >&2; }

# need_root exits unless the script runs as root.
need_root() {
	if [[ $(id -u) -ne 0 ]]; then
		log "must run as root"
		exit 1
	fi
}

# install_missing [--say-present] PACKAGE...: installs, non-interactively,
# the Debian packages not installed yet; with --say-present, says so when
# all are.
install_missing() {
	local say=false p missing=()
	if [[ ${1:-} == --say-present ]]; then
		say=true
		shift
	fi
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	if ((${#missing[@]} > 0)); then
		log "installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >&2
	elif $say; then
		log "packages present: $*"
	fi
}

# start_daemon NAME LOG READY CHECK COMMAND...: starts COMMAND in the
# background, its output appended to LOG, and waits up to 60 s for the
# function CHECK to succeed. Exits 0 saying READY once it does; exits 1
# with LOG's last lines when the daemon ends or stays silent.
start_daemon() {
	local name=$1 logfile=$2 ready=$3 check=$4 pid
	shift 4
	log "starting $name (log: $logfile)"
	nohup "$@" </dev/null >>"$logfile" 2>&1 &
	pid=$!
	for _ in $(seq 60); do
		if "$check"; then
			log "$ready ($name pid $pid)"
			exit 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			log "$name exited; last lines of $logfile:"
			tail -n 20 "$logfile" >&2
			exit 1
		fi
		sleep 1
	done
	log "$name did not answer within 60 s; last lines of $logfile:"
	tail -n 20 "$logfile" >&2
	exit 1
}
