#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the bftd host tests and benchmarks: keys, config files,
# starting and stopping bftd replicas on loopback, reading status files.
# Needs BFTD, BFTCTL and WORK in the environment.

PIDS=()		# by replica id: pid of a running bftd, or empty
N=0
PORT_BASE=0

# A run of $1 consecutive UDP ports on 127.0.0.1 that nothing listens on.
free_ports() {
	local n=$1 base p busy tries=0 used
	used=$(ss -Hulnt 2>/dev/null | awk '{print $5}' | sed 's/.*://' | sort -u)
	while [ $tries -lt 50 ]; do
		base=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		busy=0
		for ((p = base; p < base + n; p++)); do
			grep -qx "$p" <<<"$used" && busy=1 && break
		done
		[ $busy -eq 0 ] && echo $base && return 0
		tries=$((tries + 1))
	done
	return 1
}

# gen_keys N: replica keys r0..r(N-1), client keys c (shared) and other.
gen_keys() {
	local i
	for ((i = 0; i < $1; i++)); do
		[ -e "$WORK/r$i.key" ] && continue
		"$BFTCTL" genkey >"$WORK/r$i.key" || return 1
	done
	for k in c other; do
		[ -e "$WORK/$k.key" ] || "$BFTCTL" genkey >"$WORK/$k.key" || return 1
	done
}

pub() {
	"$BFTCTL" pubkey <"$WORK/$1.key"
}

# write_conf FILE N PORT_BASE CLIENTS [POLICY LINE...]: clients 0..CLIENTS-1
# use key c; client 100 uses key "other".
write_conf() {
	local file=$1 n=$2 base=$3 clients=$4 i
	shift 4
	{
		echo "[Cluster]"
		echo "Name = bftd-test"
		for l in "$@"; do echo "$l"; done
		for ((i = 0; i < n; i++)); do
			printf '[Replica]\nId = %d\nEndpoint = 127.0.0.1:%d\nPublicKey = %s\n' \
				$i $((base + i)) "$(pub r$i)"
		done
		for ((i = 0; i < clients; i++)); do
			printf '[Client]\nId = %d\nPublicKey = %s\n' $i "$(pub c)"
		done
		printf '[Client]\nId = 100\nPublicKey = %s\n' "$(pub other)"
	} >"$file"
}

# start_replica CONF ID [BFTD ARGS...]
start_replica() {
	local conf=$1 id=$2
	shift 2
	rm -f "$WORK/st$id"
	"$BFTD" -c "$conf" -r "$id" -k "$WORK/r$id.key" -s "$WORK/st$id" "$@" \
		2>>"$WORK/log$id" &
	PIDS[$id]=$!
}

# wait_status ID...: until each replica has written its status file.
wait_status() {
	local id deadline=$((SECONDS + 10))
	for id in "$@"; do
		while [ ! -s "$WORK/st$id" ]; do
			[ $SECONDS -ge $deadline ] && return 1
			kill -0 "${PIDS[$id]}" 2>/dev/null || return 1
			sleep 0.05
		done
	done
}

# start_cluster CONF N [BFTD ARGS...]
start_cluster() {
	local conf=$1 n=$2 i
	shift 2
	N=$n
	for ((i = 0; i < n; i++)); do
		: >"$WORK/log$i"
		start_replica "$conf" $i "$@"
	done
	wait_status $(seq 0 $((n - 1)))
}

# stop_replica ID [SIGNAL]: stop and reap; returns bftd's exit status.
stop_replica() {
	local id=$1 sig=${2:-TERM} pid=${PIDS[$1]:-} rc
	[ -n "$pid" ] || return 0
	kill -s "$sig" "$pid" 2>/dev/null
	wait "$pid"
	rc=$?
	PIDS[$id]=
	return $rc
}

# stop_all [SIGNAL]: every replica still running (default SIGKILL).
stop_all() {
	local i
	for i in "${!PIDS[@]}"; do
		[ -n "${PIDS[$i]}" ] && stop_replica "$i" "${1:-KILL}"
	done
	PIDS=()
}

# st ID KEY: one field of a replica's status file.
st() {
	sed -n "s/^$2 //p" "$WORK/st$1" 2>/dev/null
}

# converged ID...: the replicas agree on view, last_exec and the state
# digest; prints the common "view last_exec digest" (else fails).
converged() {
	local id first='' cur
	for id in "$@"; do
		cur="$(st $id view) $(st $id last_exec) $(st $id state_digest)"
		[ -z "$first" ] && first=$cur
		[ "$cur" = "$first" ] || return 1
	done
	echo "$first"
}

# wait_converged SECS ID...
wait_converged() {
	local secs=$1 deadline
	shift
	deadline=$((SECONDS + secs))
	while ! converged "$@" >/dev/null; do
		[ $SECONDS -ge $deadline ] && return 1
		sleep 0.1
	done
}

# json_num FIELD: a number from bftctl -j output on stdin.
json_num() {
	tr -d ' \n' | sed -n "s/.*\"$1\":\([0-9.eE+-]*\).*/\1/p"
}
