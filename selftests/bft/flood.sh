#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flood: the adversary (backup 3) sends forged PREPAREs to every correct
# replica as fast as its socket takes them, each costing the receiver a
# full HMAC before the drop. Clients must still complete every request
# and the correct replicas converge; throughput during the flood, as a
# fraction of throughput without it, is reported (not asserted: TCG).
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
ADV_ID=3
CORRECT="0 1 2"
SECS=4

trap adv_cleanup EXIT

ops_per_sec() {
	json_get ops_per_sec <"$1" | cut -d. -f1
}

baseline() {
	adv_start "$ADV_ID" "$CL_DIR/silent.out" silent
	adv_bench_start "$CL_DIR/base.json" "$SECS"
	adv_bench_ok "$CL_DIR/base.json" || return 1
	adv_stop
	BASE=$(ops_per_sec "$CL_DIR/base.json")
}

flooded() {
	local mac0 mac1

	mac0=$(cl_sum 3 drop_reason_mac)
	adv_start "$ADV_ID" "$CL_DIR/flood.out" flood --duration $((SECS + 2))
	sleep 0.5
	adv_bench_start "$CL_DIR/flood.json" "$SECS"
	adv_bench_ok "$CL_DIR/flood.json" || return 1
	adv_wait_report "$CL_DIR/flood.out" 50
	adv_stop
	FLOOD=$(ops_per_sec "$CL_DIR/flood.json")
	mac1=$(cl_sum 3 drop_reason_mac)
	ktap_print_msg "forged datagrams dropped for bad MACs: $((mac1 - mac0))"
	ktap_print_msg "throughput: $BASE ops/s without flood, $FLOOD ops/s during flood ($((100 * FLOOD / (BASE > 0 ? BASE : 1)))%)"
	[ $((mac1 - mac0)) -gt 0 ]
}

ktap_print_header
ktap_set_plan 4
bft_require "$BFTCTL" ip "$ADV"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
adv_up "$N" "$ADV_ID" 4 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = 2000" ||
	ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "load without flood completes" baseline
ktap_test_result "load during flood completes" flooded
ktap_test_result "correct replicas converge (seq and state digest)" \
	adv_converged 40
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
