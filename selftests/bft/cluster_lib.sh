#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cluster of bft replicas, one per network namespace, on a bridge;
# sourced by the cluster tests. Replica i lives in $CL-r$i at
# 10.77.0.(i+1):7400 (fd77::(i+1) with CL_V6=1); clients run in $CL-c
# at 10.77.0.200 (fd77::c8).

# setup_ns, cleanup_ns, slowwait: the kernel's net selftest library, next
# to this directory in the guest (lib.sh has it; demo.sh and the bench
# source only this file).
# shellcheck source=/dev/null
declare -F setup_ns >/dev/null || . "${BASH_SOURCE[0]%/*}/../net/lib.sh"

CL=${CL:-bftc$$}
CL_DIR=${CL_DIR:-/tmp/$CL}
CL_PORT=7400
CL_V6=${CL_V6:-}
# Per-request timeout of the background load (cl_bench_bg) and of
# requests queued behind it: under faults one may need view changes.
CL_LOAD_TIMEOUT_MS=30000

# cl_addr HOST: the address of host number HOST (1.., 200 for clients).
cl_addr() {
	if [ -n "$CL_V6" ]; then
		printf 'fd77::%x\n' "$1"
	else
		echo "10.77.0.$1"
	fi
}

# cl_endpoint HOST: ADDR:PORT as the cluster file writes it.
cl_endpoint() {
	if [ -n "$CL_V6" ]; then
		echo "[$(cl_addr "$1")]:$CL_PORT"
	else
		echo "$(cl_addr "$1"):$CL_PORT"
	fi
}

cl_ns() {
	echo "$CL-r$1"
}

# bftctl in replica i's namespace.
cl_b() {
	local i=$1

	shift
	ip netns exec "$(cl_ns "$i")" "$BFTCTL" "$@"
}

# bftctl in the client namespace.
cl_c() {
	ip netns exec "$CL-c" "$BFTCTL" "$@"
}

cl_cleanup() {
	local ns dev

	# Netns teardown frees veth peers asynchronously: delete them first.
	for dev in $(ip -o link show | awk -F': ' -v p="$CL-" \
		     'index($2, p) == 1 { sub(/@.*/, "", $2); print $2 }'); do
		ip link del "$dev" 2>/dev/null
	done
	# shellcheck disable=SC2046
	cleanup_ns $(ip netns list | awk -v p="$CL-" 'index($1, p) == 1 { print $1 }')
	ip link del "$CL-br" 2>/dev/null
	rm -rf "$CL_DIR"
	return 0
}

cl_link() {
	local ns=$1 addr=$2 dev=$3

	setup_ns ns &&
	ip link add "$dev" type veth peer name eth0 netns "$ns" &&
	ip link set "$dev" master "$CL-br" up &&
	if [ -n "$CL_V6" ]; then
		# No duplicate address detection: bind at once.
		ip -n "$ns" addr add "$addr/64" dev eth0 nodad
	else
		ip -n "$ns" addr add "$addr/24" dev eth0
	fi &&
	ip -n "$ns" link set eth0 up
}

# cl_topology N: bridge, N replica namespaces and the client namespace.
cl_topology() {
	local n=$1 i

	ip link add "$CL-br" type bridge || return 1
	ip link set "$CL-br" up || return 1
	for ((i = 0; i < n; i++)); do
		cl_link "$(cl_ns "$i")" "$(cl_addr $((i + 1)))" "$CL-v$i" || return 1
	done
	cl_link "$CL-c" "$(cl_addr 200)" "$CL-vc"
}

# cl_config N CLIENTS [KEY=VALUE policy lines...]: keys and the config.
cl_config() {
	local n=$1 clients=$2 i

	shift 2
	mkdir -p "$CL_DIR" || return 1
	"$BFTCTL" genkey >"$CL_DIR/client.key" || return 1
	"$BFTCTL" pubkey <"$CL_DIR/client.key" >"$CL_DIR/client.pub" || return 1
	{
		echo "[Cluster]"
		echo "Name = $CL"
		for kv in "$@"; do
			echo "$kv"
		done
	} >"$CL_DIR/cluster.conf"
	for ((i = 0; i < n; i++)); do
		"$BFTCTL" genkey >"$CL_DIR/r$i.key" || return 1
		printf '[Replica]\nId = %d\nEndpoint = %s\nPublicKey = %s\n' \
			"$i" "$(cl_endpoint $((i + 1)))" \
			"$("$BFTCTL" pubkey <"$CL_DIR/r$i.key")" >>"$CL_DIR/cluster.conf"
	done
	for ((i = 0; i < clients; i++)); do
		printf '[Client]\nId = %d\nPublicKey = %s\n' "$i" \
			"$(cat "$CL_DIR/client.pub")" >>"$CL_DIR/cluster.conf"
	done
}

# cl_start_replica I: setconf replica I (again, after it was deleted).
cl_start_replica() {
	cl_b "$1" setconf r "$CL_DIR/cluster.conf" replica "$1" \
		private-key "$CL_DIR/r$1.key"
}

# cl_start N: setconf on every replica.
cl_start() {
	local n=$1 i

	for ((i = 0; i < n; i++)); do
		cl_start_replica "$i" || return 1
	done
}

# cl_up N CLIENTS [policy...]: everything above.
cl_up() {
	local n=$1

	cl_topology "$n" && cl_config "$@" && cl_start "$n"
}

cl_req() {
	cl_c req -c "$CL_DIR/cluster.conf" -i "${CL_CLIENT:-0}" \
		-k "$CL_DIR/client.key" "$@"
}

# Prints the value of the first "KEY": in JSON on stdin, optionally only
# inside the object named SECTION (json-c prints one member per line).
json_get() {
	awk -v k="$1" -v sec="${2:-}" '
		sec != "" && match($0, "^ *\"" sec "\":") { in_sec = 1; next }
		sec != "" && in_sec && /^ *}/ { in_sec = 0 }
		(sec == "" || in_sec) && match($0, "^ *\"" k "\":") {
			v = substr($0, RLENGTH + 1); gsub(/[",]/, "", v); print v; exit
		}'
}

# cl_json I KEY: a top-level field of replica I's `show -j` entry.
cl_json() {
	cl_b "$1" -j show r | json_get "$2"
}

# cl_counter I NAME: a replica-wide counter of replica I.
cl_counter() {
	cl_b "$1" -j show r | json_get "$2" counters
}

# cl_sum N NAME: a counter summed over replicas 0..N-1.
cl_sum() {
	local n=$1 name=$2 i s=0 v

	for ((i = 0; i < n; i++)); do
		v=$(cl_counter "$i" "$name")
		s=$((s + ${v:-0}))
	done
	echo "$s"
}

# cl_converged N: every replica has the same last executed sequence number
# and the same service state digest; prints them.
cl_converged() {
	local n=$1 i e d e0 d0

	e0=$(cl_json 0 last_executed)
	d0=$(cl_json 0 state_digest)
	for ((i = 0; i < n; i++)); do
		e=$(cl_json "$i" last_executed)
		d=$(cl_json "$i" state_digest)
		ktap_print_msg "replica $i: executed $e state $d"
		[ -n "$e" ] && [ "$e" = "$e0" ] && [ -n "$d" ] && [ "$d" = "$d0" ] ||
			return 1
	done
}

# cl_wait_converged N TRIES: replicas catch up asynchronously.
cl_wait_converged() {
	local n=$1 tries=$2

	while ! cl_converged "$n" >/dev/null; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { cl_converged "$n"; return 1; }
		sleep 0.5
	done
	cl_converged "$n"
}

# --- Fault injection (netem, partition, restart tests) ---

CL_BENCH_PID=

# cl_netem_all N ARGS...: the same netem qdisc on the egress of every
# replica's and the client's eth0. Every datagram leaves through exactly
# one of them, so each crosses the fault once whatever its path.
cl_netem_all() {
	local n=$1 i

	shift
	for ((i = 0; i < n; i++)); do
		tc -n "$(cl_ns "$i")" qdisc replace dev eth0 root netem "$@" ||
			return 1
	done
	tc -n "$CL-c" qdisc replace dev eth0 root netem "$@"
}

cl_netem_clear() {
	local n=$1 i

	for ((i = 0; i < n; i++)); do
		tc -n "$(cl_ns "$i")" qdisc del dev eth0 root 2>/dev/null
	done
	tc -n "$CL-c" qdisc del dev eth0 root 2>/dev/null
	return 0
}

# cl_split "A..." "B...": replicas of group A and of group B exchange
# nothing (blackhole routes both ways); clients still reach everyone.
# Routes, not a downed link, so a client can still talk to each side.
cl_split() {
	local a b

	for a in $1; do
		for b in $2; do
			ip -n "$(cl_ns "$a")" route add blackhole \
				"$(cl_addr $((b + 1)))" || return 1
			ip -n "$(cl_ns "$b")" route add blackhole \
				"$(cl_addr $((a + 1)))" || return 1
		done
	done
}

# cl_heal N: remove every blackhole route cl_split added.
cl_heal() {
	local n=$1 i r

	for ((i = 0; i < n; i++)); do
		ip -n "$(cl_ns "$i")" route show type blackhole |
		while read -r _ r _; do
			ip -n "$(cl_ns "$i")" route del blackhole "$r"
		done
	done
	return 0
}

# cl_bench_bg OUT SECS [bench options...]: closed-loop load (GETs checked
# against PUTs) in the background, JSON into OUT.
cl_bench_bg() {
	local out=$1 secs=$2

	shift 2
	cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--ids 0 --duration "$secs" --mix 1/1 --keys 32 \
		--timeout "$CL_LOAD_TIMEOUT_MS" --history "$out.hist" "$@" >"$out" 2>&1 &
	CL_BENCH_PID=$!
}

# cl_lincheck: the clients' histories of this test (every bench run
# writes $CL_DIR/*.hist) form one linearizable history: all share the
# guest's CLOCK_MONOTONIC, so they are checked together
# (selftests/lin/lincheck, the simulator's checker).
cl_lincheck() {
	local out rc

	set -- "$CL_DIR"/*.hist
	[ -e "$1" ] || { ktap_print_msg "no client history recorded"; return 1; }
	out=$("$LINCHECK" "$@" 2>&1)
	rc=$?
	[ "$rc" -eq 0 ] || echo "$out" | tail -n 40 | sed 's/^/# /'
	ktap_print_msg "$(echo "$out" | tail -n 1) ($# files)"
	return "$rc"
}

# cl_bench_wait OUT: the background load ended, every request completed
# and no GET returned a wrong value; sets CL_OPS and CL_OPS_PER_SEC.
cl_bench_wait() {
	local out=$1 k v bad=0 why=

	[ -n "$CL_BENCH_PID" ] || return 1
	wait "$CL_BENCH_PID" || { CL_BENCH_PID=; sed 's/^/# /' "$out"; return 1; }
	CL_BENCH_PID=
	for k in timeouts conflicts refused other_errors mismatches; do
		v=$(json_get "$k" <"$out")
		bad=$((bad + v))
		[ "$v" = 0 ] || why="$why $k $v"
	done
	[ -z "$why" ] || ktap_print_msg "bench errors:$why"
	CL_OPS=$(json_get ops <"$out")
	CL_OPS_PER_SEC=$(json_get ops_per_sec <"$out" | cut -d. -f1)
	ktap_print_msg "bench: $CL_OPS ops, $CL_OPS_PER_SEC ops/s, p50 $(json_get p50 <"$out")us, p99 $(json_get p99 <"$out")us, errors $bad"
	[ "${CL_OPS:-0}" -gt 0 ] && [ "$bad" -eq 0 ]
}

# cl_stop_pids PID...: stop background processes and reap them.
cl_stop_pids() {
	local p

	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

cl_bench_kill() {
	[ -n "$CL_BENCH_PID" ] || return 0
	cl_stop_pids "$CL_BENCH_PID"
	CL_BENCH_PID=
}

# cl_converged_ids TRIES IDS...: replicas IDS agree on the last executed
# seq and the state digest (polls; prints each replica's view on return).
cl_converged_ids() {
	local tries=$1 i e d ref ok

	shift
	while :; do
		ok=1 ref=
		for i in "$@"; do
			e=$(cl_json "$i" last_executed)
			d=$(cl_json "$i" state_digest)
			[ -n "$e" ] && [ -n "$d" ] || { ok=0; break; }
			[ -z "$ref" ] && ref="$e $d"
			[ "$e $d" = "$ref" ] || { ok=0; break; }
		done
		[ "$ok" = 1 ] && break
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || break
		sleep 0.5
	done
	for i in "$@"; do
		ktap_print_msg "replica $i: view $(cl_json "$i" view) $(cl_json "$i" status) executed $(cl_json "$i" last_executed) stable $(cl_json "$i" stable_checkpoint) state $(cl_json "$i" state_digest | cut -c1-16)"
	done
	[ "$ok" = 1 ]
}

# cl_wait_file FILE: a daemon wrote FILE (its status) within 10 s.
cl_wait_file() {
	slowwait 10 test -s "$1"
}

# cl_exec I: replica I's last executed sequence number.
cl_exec() {
	cl_json "$1" last_executed
}

# cl_wait_exec_ge I SEQ TRIES [INTERVAL]: replica I has executed SEQ
# (polls every INTERVAL seconds, 0.2 by default).
cl_wait_exec_ge() {
	local e tries=$3

	while :; do
		e=$(cl_exec "$1")
		[ "${e:-0}" -ge "$2" ] && return 0
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep "${4:-0.2}"
	done
}

# Milliseconds since the epoch (busybox date has no %N).
cl_now_ms() {
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}

# cl_put_keys TAG COUNT / cl_check_keys TAG COUNT: write COUNT keys, later
# read them back exactly (nothing committed is lost). Client $CL_CLIENT
# (tests using background load give it an id the load does not use).
cl_put_keys() {
	local i

	for ((i = 0; i < $2; i++)); do
		cl_req -t 60000 put "$1-$i" "$1-value-$i" >/dev/null || return 1
	done
}

cl_check_keys() {
	local i v

	for ((i = 0; i < $2; i++)); do
		v=$(cl_req -t 60000 get "$1-$i") || return 1
		[ "$v" = "$1-value-$i" ] ||
			{ ktap_print_msg "$1-$i: '$v'"; return 1; }
	done
}

# cl_unstick N: a replica that timed out alone (cut off by a partition, or
# its retransmission requests lost too) started a view change that the
# others, making progress, never join; a VIEW-CHANGE cannot be taken back,
# so it stays in status view-change, executing only what state transfers
# bring at stable checkpoints, and an idle cluster never levels it (PBFT:
# it rejoins at the next view change). When such a lone
# replica exists, print it and ask the replicas in normal status to change
# view (bftctl view-change) so that it rejoins; sets CL_UNSTUCK to the
# number of lone replicas found. Callers report it: it is an engine
# limitation, not something the test hides.
cl_unstick() {
	local n=$1 i lone= normal=

	CL_UNSTUCK=0
	for ((i = 0; i < n; i++)); do
		if [ "$(cl_json "$i" status)" = view-change ]; then
			lone="$lone $i"
		else
			normal="$normal $i"
		fi
	done
	[ -n "$lone" ] && [ -n "$normal" ] || return 0
	set -- $normal
	for i in $lone; do
		CL_UNSTUCK=$((CL_UNSTUCK + 1))
		ktap_print_msg "replica $i stuck alone in view change to view $(cl_json "$i" view), executed $(cl_json "$i" last_executed), stable $(cl_json "$i" stable_checkpoint); replica $1 is in view $(cl_json "$1" view), normal: asking the replicas in normal status to change view"
	done
	for i in $normal; do
		cl_b "$i" view-change r || return 1
	done
}

# cl_converge_all TRIES N: converge, with cl_unstick if the replicas do
# not level within TRIES polls on their own.
cl_converge_all() {
	local tries=$1 n=$2 ids

	ids=$(seq 0 $((n - 1)))
	# shellcheck disable=SC2086
	cl_converged_ids "$tries" $ids >/dev/null && { cl_converged_ids 1 $ids; return; }
	cl_unstick "$n" || return 1
	# shellcheck disable=SC2086
	cl_converged_ids "$tries" $ids
}
