#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A lossy network: netem loss, duplication, delay with jitter and
# reordering on every replica's and the client's link while closed-loop
# clients run. Losses are repaired by the engine's retransmission
# (FETCH(LOG), which must engage: retx_requests and retx_sent rise), client
# retransmission, batch fetch and state transfer. Every request must still
# complete with the right value, the replicas must converge, and what was
# committed before the fault is read back after it. Reports throughput
# under netem against fault-free throughput in the same run, and the
# clients' retransmissions: a lost ordering message holds every later slot
# (in-order execution, pipeline window) until it is re-sent, longer than
# the clients' first retransmission timeout.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
CLIENTS=4
CL_CLIENT=7
NETEM="loss 5% duplicate 5% delay 2ms 1ms reorder 25% 50%"
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	SECS=6
else
	SECS=10
fi
BASE=0
REPAIR="view_changes retx_requests retx_sent batch_fetches state_transfers replies_resent"

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

fault_free() {
	cl_bench_bg "$CL_DIR/base.json" 5 --clients "$CLIENTS" &&
	cl_bench_wait "$CL_DIR/base.json" || return 1
	BASE=$CL_OPS_PER_SEC
}

netem_on() {
	cl_netem_all "$N" $NETEM &&
	ktap_print_msg "netem on every link: $NETEM" &&
	tc -n "$(cl_ns 0)" qdisc show dev eth0 | grep -q netem
}

# Counter totals before the fault, for deltas.
snap() {
	local c

	for c in $REPAIR; do
		eval "S_$c=$(cl_sum "$N" "$c")"
	done
}

lossy_load() {
	local c d

	snap
	cl_bench_bg "$CL_DIR/netem.json" "$SECS" --clients "$CLIENTS" &&
	cl_bench_wait "$CL_DIR/netem.json" || return 1
	ktap_print_msg "throughput under netem: $CL_OPS_PER_SEC ops/s, fault-free $BASE ops/s ($((100 * CL_OPS_PER_SEC / (BASE > 0 ? BASE : 1)))%)"
	ktap_print_msg "clients under netem: $CL_OPS ops, $(json_get retransmits <"$CL_DIR/netem.json") retransmissions, $(json_get ro_fallbacks <"$CL_DIR/netem.json") read-only GETs ordered after no Q matching replies"
	for c in $REPAIR; do
		eval "d=\$((\$(cl_sum $N $c) - S_$c))"
		eval "D_$c=$d"
		ktap_print_msg "repair under netem: $c +$d"
	done
	ktap_print_msg "netem drops at replica 0: $(tc -s -n "$(cl_ns 0)" qdisc show dev eth0 | grep -o 'dropped [0-9]*')"
	[ "$D_retx_requests" -gt 0 ] && [ "$D_retx_sent" -gt 0 ]
}

# Replicas that lost a COMMIT catch up at the next stable checkpoint
# (state transfer): keep some load running after the fault so one comes.
settle() {
	cl_netem_clear "$N"
	cl_bench_bg "$CL_DIR/after.json" 3 --clients "$CLIENTS" &&
	cl_bench_wait "$CL_DIR/after.json"
}

kept() {
	cl_check_keys before 8 && cl_check_keys during 4
}

ktap_print_header
ktap_set_plan 10
bft_require "$BFTCTL" ip tc

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 16" "CheckpointInterval = 16" "LogSize = 64" \
	"ViewChangeTimeoutMs = 1000" "ViewChangeTimeoutMaxMs = 8000" ||
	ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "values PUT before the fault" cl_put_keys before 8
ktap_test_result "fault-free load completes" fault_free
ktap_test_result "netem on every replica and client link" netem_on
ktap_test_result "every request completes under loss, duplication, reordering" lossy_load
ktap_test_result "PUT then GET under netem" cl_put_keys during 4
ktap_test_result "load completes after the network heals" settle
ktap_test_result "all replicas converge (seq and state digest)" \
	cl_converge_all 30 "$N"
ktap_test_result "values PUT before and during the fault are read back" kept
ktap_test_result "history linearizable" cl_lincheck
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
