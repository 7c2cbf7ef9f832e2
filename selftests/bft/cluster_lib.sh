#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cluster of bft replicas, one per network namespace, on a bridge;
# sourced by the cluster tests. Replica i lives in $CL-r$i at
# 10.77.0.(i+1):7400 (fd77::(i+1) with CL_V6=1); clients run in $CL-c
# at 10.77.0.200 (fd77::c8).

CL=${CL:-bftc$$}
CL_DIR=${CL_DIR:-/tmp/$CL}
CL_PORT=7400
CL_V6=${CL_V6:-}

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
	for ns in $(ip netns list | awk -v p="$CL-" 'index($1, p) == 1 { print $1 }'); do
		ip netns del "$ns"
	done
	ip link del "$CL-br" 2>/dev/null
	rm -rf "$CL_DIR"
	return 0
}

cl_link() {
	local ns=$1 addr=$2 dev=$3

	ip netns add "$ns" &&
	ip link add "$dev" type veth peer name eth0 netns "$ns" &&
	ip link set "$dev" master "$CL-br" up &&
	if [ -n "$CL_V6" ]; then
		# No duplicate address detection: bind at once.
		ip -n "$ns" addr add "$addr/64" dev eth0 nodad
	else
		ip -n "$ns" addr add "$addr/24" dev eth0
	fi &&
	ip -n "$ns" link set eth0 up &&
	ip -n "$ns" link set lo up
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

# cl_start N: setconf on every replica.
cl_start() {
	local n=$1 i

	for ((i = 0; i < n; i++)); do
		cl_b "$i" setconf r "$CL_DIR/cluster.conf" replica "$i" \
			private-key "$CL_DIR/r$i.key" || return 1
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
