#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Teardown under full traffic: deleting a replica, deleting a replica's
# network namespace, and rmmod, each while clients keep the cluster busy,
# must neither oops, warn, leak nor hang.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
BENCH_PID=

cleanup() {
	[ -n "$BENCH_PID" ] && kill "$BENCH_PID" 2>/dev/null
	wait 2>/dev/null
	cl_cleanup
}
trap cleanup EXIT

# Load in the background for @1 seconds.
traffic() {
	cl_c bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients 8 --ids 0 --duration "$1" --mix 1/1 --timeout 200 \
		>/dev/null 2>&1 &
	BENCH_PID=$!
	sleep 2
}

stop_traffic() {
	kill "$BENCH_PID" 2>/dev/null
	wait "$BENCH_PID" 2>/dev/null
	BENCH_PID=
}

busy() {
	local e

	e=$(cl_json 0 last_executed)
	ktap_print_msg "executed before teardown: $e"
	[ "${e:-0}" -gt 0 ]
}

del_replica() {
	cl_b 1 replica del r && [ "$(cl_b 1 -j show | grep -c '"name"')" = 0 ]
}

del_netns() {
	ip netns del "$(cl_ns 2)"
}

# rmmod must finish promptly even with three busy replicas left.
rmmod_busy() {
	local i

	timeout 30 rmmod bft || return 1
	for i in $(seq 50); do
		bft_loaded || return 0
		sleep 0.1
	done
	return 1
}

ktap_print_header
ktap_set_plan 8
bft_require "$BFTCTL" ip timeout

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 16" "ViewChangeTimeoutMs = 200" ||
	ktap_exit_fail_msg "cannot set up the cluster"

traffic 60
ktap_test_result "cluster busy" busy
ktap_test_result "replica del under traffic" del_replica
ktap_test_result "netns del under traffic" del_netns
ktap_test_result "rmmod under traffic" rmmod_busy
stop_traffic

# Again from scratch, and rmmod with all replicas up.
cl_cleanup
bft_load || ktap_exit_fail_msg "cannot reload bft.ko"
cl_up "$N" 8 "BatchSize = 1" || ktap_exit_fail_msg "cannot set up the cluster again"
traffic 60
ktap_test_result "cluster busy again" busy
ktap_test_result "rmmod with every replica busy" rmmod_busy
stop_traffic
ktap_test_result "reload after rmmod" bft_load
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
