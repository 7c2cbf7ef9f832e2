#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A mixed cluster: replicas 0 and 2 are bftd (the userspace daemon),
# 1 and 3 are bft.ko, all from one cluster file, n=4, one replica per
# network namespace. View 0 has a bftd primary with kernel backups; a
# manual view change on the kernel replicas then makes kernel replica 1
# the primary of view 1 with bftd backups. Under closed-loop --mix load in
# both views every answer is f+1 certified and every GET returns what was
# PUT; at the end all four replicas executed the same sequence numbers
# into the same service state.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

BFTD=${BFTD:-$(dirname "$0")/bftd}
N=4
BFTD_IDS="0 2"
KMOD_IDS="1 3"
CLIENTS=8
K=32
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	MIN_OPS=${BFT_MIN_OPS:-300}
else
	MIN_OPS=${BFT_MIN_OPS:-2000}
fi
declare -A BFTD_PID

cleanup() {
	cl_stop_pids "${BFTD_PID[@]}"
	# The daemons' own logs (events, counters) only when something failed.
	if [ "${KTAP_CNT_FAIL:-0}" -gt 0 ] && [ -d "${CL_DIR:-}" ]; then
		tail -n 20 "$CL_DIR"/bftd*.log 2>/dev/null | sed 's/^/# /'
	fi
	cl_cleanup
}
trap cleanup EXIT

is_bftd() {
	case " $BFTD_IDS " in *" $1 "*) return 0 ;; esac
	return 1
}

# st I KEY: a field of bftd replica I's status file.
st() {
	sed -n "s/^$2 //p" "$CL_DIR/st$1" 2>/dev/null
}

# Everything the cross-checks compare, for either kind of replica:
# "view last_executed state_digest".
replica_state() {
	if is_bftd "$1"; then
		kill -USR1 "${BFTD_PID[$1]}" 2>/dev/null
		sleep 0.15
		echo "$(st "$1" view) $(st "$1" last_exec) $(st "$1" state_digest)"
	else
		local j

		j=$(cl_b "$1" -j show r)
		echo "$(echo "$j" | json_get view) $(echo "$j" | json_get last_executed)" \
		     "$(echo "$j" | json_get state_digest)"
	fi
}

start_bftd() {
	local i=$1 t

	ip netns exec "$(cl_ns "$i")" "$BFTD" -c "$CL_DIR/cluster.conf" -r "$i" \
		-k "$CL_DIR/r$i.key" -s "$CL_DIR/st$i" 2>"$CL_DIR/bftd$i.log" &
	BFTD_PID[$i]=$!
	for ((t = 0; t < 100; t++)); do
		[ -s "$CL_DIR/st$i" ] && return 0
		kill -0 "${BFTD_PID[$i]}" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

setup() {
	local i

	cl_topology "$N" &&
	cl_config "$N" "$CLIENTS" "BatchSize = 16" "CheckpointInterval = $K" \
		"LogSize = $((4 * K))" "ViewChangeTimeoutMs = 5000" || return 1
	for i in $BFTD_IDS; do
		start_bftd "$i" || { ktap_print_msg "bftd $i did not start"; return 1; }
	done
	for i in $KMOD_IDS; do
		cl_b "$i" setconf r "$CL_DIR/cluster.conf" replica "$i" \
			private-key "$CL_DIR/r$i.key" || return 1
	done
}

put_get() {
	local i v

	for i in 1 2 3; do
		cl_req put "mkey$i" "mixed-$1-$i" >/dev/null || return 1
	done
	for i in 1 2 3; do
		v=$(cl_req get "mkey$i") || return 1
		[ "$v" = "mixed-$1-$i" ] || { ktap_print_msg "mkey$i: '$v'"; return 1; }
	done
}

# load LABEL: closed-loop --mix load until MIN_OPS completed, no errors.
load() {
	local total=0 out ops bad k

	while [ "$total" -lt "$MIN_OPS" ]; do
		out=$(cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
			--clients "$CLIENTS" --ids 0 --duration 3 --mix 1/1 --keys 32 \
			--timeout 10000) || return 1
		ops=$(echo "$out" | json_get ops)
		bad=0
		for k in timeouts conflicts refused other_errors mismatches; do
			bad=$((bad + $(echo "$out" | json_get "$k")))
		done
		ktap_print_msg "$1: $ops ops, $(echo "$out" | json_get ops_per_sec) ops/s, p50 $(echo "$out" | json_get p50)us, errors $bad"
		[ "$bad" -eq 0 ] && [ "$ops" -gt 0 ] || return 1
		total=$((total + ops))
	done
}

# primary_is P: every replica is in normal status in a view led by P.
primary_is() {
	local i s v

	for ((i = 0; i < N; i++)); do
		if is_bftd "$i"; then
			kill -USR1 "${BFTD_PID[$i]}" 2>/dev/null
			sleep 0.1
			s=$(st "$i" status) v=$(st "$i" primary)
		else
			s=$(cl_json "$i" status) v=$(cl_json "$i" primary)
		fi
		[ "$s" = normal ] && [ "$v" = "$1" ] || return 1
	done
}

wait_primary() {
	local t

	for ((t = 0; t < 60; t++)); do
		primary_is "$1" && return 0
		sleep 0.5
	done
	for ((t = 0; t < N; t++)); do
		ktap_print_msg "replica $t: $(replica_state "$t")"
	done
	return 1
}

# The kernel replicas ask for view 1: f+1 of them make the bftd replicas
# join, and kernel replica 1 leads view 1.
kernel_primary() {
	local i

	for i in $KMOD_IDS; do
		cl_b "$i" view-change r || return 1
	done
	wait_primary 1
}

converged() {
	local i s s0=''

	for ((i = 0; i < N; i++)); do
		s=$(replica_state "$i")
		[ -n "$s0" ] || s0=$s
		[ "$s" = "$s0" ] || return 1
	done
	[ -n "$(echo "$s0" | awk '{ print $3 }')" ]
}

wait_converged() {
	local t i

	for ((t = 0; t < 60; t++)); do
		converged && break
		sleep 0.5
	done
	sleep 0.2
	for ((i = 0; i < N; i++)); do
		ktap_print_msg "replica $i ($(is_bftd "$i" && echo bftd || echo bft.ko)): view/executed/state $(replica_state "$i")"
	done
	converged
}

no_mac_failures() {
	local i v bad=0

	for i in $KMOD_IDS; do
		for c in drop_reason_mac drop_reason_auth rx_mac_failed; do
			v=$(cl_counter "$i" "$c")
			[ "${v:-0}" -eq 0 ] || { ktap_print_msg "replica $i $c: $v"; bad=1; }
		done
	done
	for i in $BFTD_IDS; do
		v=$(st "$i" mac_failed)
		[ "${v:-0}" -eq 0 ] || { ktap_print_msg "bftd $i mac_failed: $v"; bad=1; }
		kill -0 "${BFTD_PID[$i]}" 2>/dev/null || { ktap_print_msg "bftd $i died"; bad=1; }
	done
	return "$bad"
}

ktap_print_header
ktap_set_plan 8
bft_require "$BFTCTL" ip
[ -x "$BFTD" ] || ktap_exit_fail_msg "no bftd at $BFTD"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup || ktap_exit_fail_msg "cannot set up the mixed cluster"

ktap_test_result "mixed: bftd 0 leads view 0" wait_primary 0
ktap_test_result "mixed: PUT then GET, bftd primary" put_get 0
ktap_test_result "mixed: $MIN_OPS mixed requests, bftd primary, kernel backups" load view-0
ktap_test_result "mixed: view change to kernel replica 1" kernel_primary
ktap_test_result "mixed: $MIN_OPS mixed requests, kernel primary, bftd backups" load view-1
ktap_test_result "mixed: all 4 replicas converge (view, seq, state digest)" wait_converged
ktap_test_result "mixed: no MAC failures, both bftd alive" no_mac_failures
ktap_test_result "mixed: no kernel warnings" dmesg_clean
ktap_finished
