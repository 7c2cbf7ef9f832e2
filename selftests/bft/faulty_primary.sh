#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A faulty primary (Aardvark, NSDI'09) against the backups' expectations
# (kmod/engine/expect.c): n=4, replica 0 is bftd-byz (bftd with a test-only
# fault, selftests/byzbftd), replicas 1-3 are bft.ko, under closed-loop
# bftctl bench load. Three clusters in one run, each built afresh:
#
#   fault-free  bftd-byz without a fault; the kernel replicas move the
#               cluster to view 1 first, so kernel replica 1 leads, as it
#               does once a faulty replica 0 is voted out
#   slow        replica 0 sends every PRE-PREPARE 90% of the view-change
#               timeout late
#   selective   replica 0 drops the requests of every client but client 0
#
# Each faulty run reports its throughput as a fraction of the fault-free
# one (a TAP diagnostic, never asserted) and asserts: every request
# completed, the kernel replicas agree on the executed seq and the state
# digest, they are in a view led by a correct replica, at least f+1 = 2 of
# them voted replica 0 out by the expectation rule (counters expect_late,
# expect_rate), and bftd-byz's own count of what it delayed or dropped.
# The fault-free cluster must not change view while idle.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

BYZ=${BYZ:-$(dirname "$0")/bftd-byz}
N=4
KMOD_IDS="1 2 3"
CLIENTS=8
VC_MS=1000
# Below 90% of the timeout less the clients' 100 ms retransmission: the
# default (the timeout itself) would leave the slow primary to the rate
# check, which needs a faster earlier view to compare with.
HB_MS=300
SECS=${BFT_FP_SECS:-6}
BYZ_PID=
BASE_OPS=

cleanup() {
	cl_stop_pids "$BYZ_PID"
	BYZ_PID=
	cl_cleanup
}
trap cleanup EXIT

# cluster MODE: a fresh cluster with bftd-byz as replica 0 in MODE.
cluster() {
	local i

	cleanup
	cl_topology "$N" &&
	cl_config "$N" "$CLIENTS" "BatchSize = 16" "CheckpointInterval = 32" \
		"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS" \
		"ExpectHeartbeatMs = $HB_MS" || return 1
	BFT_BYZ_MODE=$1 ip netns exec "$(cl_ns 0)" "$BYZ" \
		-c "$CL_DIR/cluster.conf" -r 0 -k "$CL_DIR/r0.key" \
		-s "$CL_DIR/st0" 2>"$CL_DIR/byz.log" &
	BYZ_PID=$!
	cl_wait_file "$CL_DIR/st0" || return 1
	for i in $KMOD_IDS; do
		cl_start_replica "$i" || return 1
	done
}

# show: each kernel replica's `show -j` into J[i], one bftctl call each.
declare -A J
show() {
	local i

	for i in $KMOD_IDS; do
		J[$i]=$(cl_b "$i" -j show r)
	done
}

# jv I KEY [SECTION]: a field of J[I].
jv() {
	echo "${J[$1]}" | json_get "$2" "${3:-}"
}

# primary_is P: the kernel replicas are in normal status, led by P.
primary_is() {
	local i

	show
	for i in $KMOD_IDS; do
		[ "$(jv "$i" status)" = normal ] &&
		[ "$(jv "$i" primary)" = "$1" ] || return 1
	done
}

# wait_primary P: primary_is P within 20 s, or say where each replica is.
wait_primary() {
	local i

	slowwait 20 primary_is "$1" && return 0
	show
	for i in $KMOD_IDS; do
		ktap_print_msg "replica $i: view $(jv "$i" view) $(jv "$i" status) primary $(jv "$i" primary), want primary $1"
	done
	return 1
}

# agree: the kernel replicas executed the same seq into the same state
# (polls while they catch up), and print where they are.
agree() {
	local t i ref ok

	for ((t = 0; t < 40; t++)); do
		show
		ok=1 ref=
		for i in $KMOD_IDS; do
			[ -z "$ref" ] && ref="$(jv "$i" last_executed) $(jv "$i" state_digest)"
			[ "$(jv "$i" last_executed) $(jv "$i" state_digest)" = "$ref" ] || ok=0
		done
		[ "$ok" = 1 ] && [ "$ref" != " " ] && break
		sleep 0.5
	done
	for i in $KMOD_IDS; do
		ktap_print_msg "replica $i: view $(jv "$i" view) primary $(jv "$i" primary) $(jv "$i" status), executed $(jv "$i" last_executed), state $(jv "$i" state_digest | cut -c1-16), expect_late $(jv "$i" expect_late counters), expect_rate $(jv "$i" expect_rate counters)"
	done
	[ "$ok" = 1 ]
}

# bench LABEL: SECS of closed-loop load, no errors, ops into CL_OPS.
bench() {
	cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients "$CLIENTS" --ids 0 --duration "$SECS" --mix 1/1 \
		--keys 32 --timeout 30000 >"$CL_DIR/bench.$1" 2>&1 &
	CL_BENCH_PID=$!
	cl_bench_wait "$CL_DIR/bench.$1"
}

fault_free() {
	local i v0=()

	cluster none || return 1
	wait_primary 0 || return 1
	cl_req put ff first >/dev/null || { ktap_print_msg "first request failed"; return 1; }
	# Kernel replica 1 leads, as after a faulty replica 0 is voted out:
	# f+1 = 2 ask, the others follow (a third request would ask for 2).
	for i in 1 2; do
		cl_b "$i" view-change r || { ktap_print_msg "view-change at $i failed"; return 1; }
	done
	wait_primary 1 || return 1
	bench fault-free || return 1
	BASE_OPS=$CL_OPS
	agree || return 1
	for i in $KMOD_IDS; do
		v0[i]=$(jv "$i" view)
	done
	# Idle for two throughput windows and more than the heartbeat.
	sleep 2.5
	show
	for i in $KMOD_IDS; do
		ktap_print_msg "replica $i: view ${v0[i]} -> $(jv "$i" view) while idle"
		[ -n "${v0[i]}" ] && [ "$(jv "$i" view)" = "${v0[i]}" ] || return 1
	done
}

# faulty MODE LABEL WHAT: the run under a faulty replica 0.
faulty() {
	local i c k=0 line

	cluster "$1" || return 1
	wait_primary 0 || return 1
	bench "$2" || return 1
	ktap_print_msg "$2 primary: $CL_OPS ops vs $BASE_OPS fault-free in ${SECS}s"
	echo "# fraction: $(awk -v a="$CL_OPS" -v b="$BASE_OPS" \
		'BEGIN { printf "%.2f", b ? a / b : 0 }')"
	agree || return 1
	for i in $KMOD_IDS; do
		[ "$(jv "$i" view)" -ge 1 ] && [ "$(jv "$i" primary)" != 0 ] ||
			return 1
		c=$(( $(jv "$i" expect_late counters) + $(jv "$i" expect_rate counters) ))
		[ "$c" -ge 1 ] && k=$((k + 1))
	done
	[ "$k" -ge 2 ] || { ktap_print_msg "only $k kernel replicas voted replica 0 out"; return 1; }
	cl_stop_pids "$BYZ_PID"
	BYZ_PID=
	line=$(grep '^bftd-byz: delayed' "$CL_DIR/byz.log")
	ktap_print_msg "$line"
	echo "$line" | grep -Eq "$3"
}

ktap_print_header
ktap_set_plan 4
bft_require "$BFTCTL" ip
[ -x "$BYZ" ] || ktap_exit_fail_msg "no bftd-byz at $BYZ"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"

ktap_test_result "fault-free: load completes, idle cluster keeps its view" fault_free
[ -n "$BASE_OPS" ] || BASE_OPS=0
ktap_test_result "slow primary (PRE-PREPARE at 90% of the VC timeout) voted out" \
	faulty "slow:$((VC_MS * 9 / 10))" slow "delayed [1-9][0-9]* pre-prepares, dropped 0 "
ktap_test_result "selective primary (client 0 only) voted out" \
	faulty selective:0 selective "delayed 0 pre-prepares, dropped [1-9][0-9]* requests"
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
