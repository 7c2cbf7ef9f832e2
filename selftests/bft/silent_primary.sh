#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Silent primary: a healthy 4-replica cluster serves load, then replica 0,
# the primary of view 0, is replaced by the adversary, which never sends
# anything. Backups holding unexecuted requests time out, change view,
# and the new primary serves every request; the correct replicas end in
# view >= 1 with the same state. Reports the time from the primary's
# failure to the first commit and throughput after the view change as a
# fraction of fault-free throughput.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
CORRECT="0 1 2 3"
VC_MS=1000
SECS=3

trap adv_cleanup EXIT

# Replica 0 stops; the adversary holds its port and says nothing.
primary_fails() {
	local t0 t1

	CORRECT="1 2 3"
	cl_b 0 replica del r || return 1
	t0=$(now_ms)
	adv_start 0 "$CL_DIR/adversary.out" silent
	cl_req -t 30000 put first one >/dev/null || return 1
	t1=$(now_ms)
	ktap_print_msg "primary failure to first commit in the new view: $((t1 - t0)) ms (view-change timeout $VC_MS ms, client retransmit 100 ms)"
}

put_get() {
	local i v

	for i in 1 2 3 4 5; do
		cl_req -t 20000 put "key$i" "value-$i" >/dev/null || return 1
	done
	for i in 1 2 3 4 5; do
		v=$(cl_req -t 20000 get "key$i") || return 1
		[ "$v" = "value-$i" ] || { ktap_print_msg "key$i: '$v'"; return 1; }
	done
	v=$(cl_req -t 20000 get first) && [ "$v" = one ]
}

new_view() {
	local i v c

	for i in $CORRECT; do
		v=$(cl_json "$i" view)
		c=$(cl_counter "$i" view_changes)
		ktap_print_msg "replica $i: view $v, view changes $c, primary $(cl_json "$i" primary)"
		[ "${v:-0}" -ge 1 ] && [ "${c:-0}" -gt 0 ] || return 1
	done
}

ktap_print_header
ktap_set_plan 8
bft_require "$BFTCTL" ip "$ADV"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" "LogSize = 64" \
	"ViewChangeTimeoutMs = $VC_MS" ||
	ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "fault-free load completes" adv_fault_free "$SECS"
ktap_test_result "fault-free replicas converge" adv_converged 40
ktap_test_result "requests complete once the primary is silent" primary_fails
ktap_test_result "PUT then GET return exact values" put_get
ktap_test_result "load after the view change completes" \
	adv_load_vs_base "$SECS" after a view change from a silent primary
ktap_test_result "every correct replica changed view (view >= 1)" new_view
ktap_test_result "correct replicas converge (seq and state digest)" \
	adv_converged 40
adv_stop
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
