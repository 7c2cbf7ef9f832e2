#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Silent primary: replica 0, the primary of view 0, is the adversary and
# never sends anything. Backups holding unexecuted requests time out,
# change view, and the new primary serves every request; the correct
# replicas end in view >= 1 with the same state.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
CORRECT="1 2 3"
VC_MS=1000

trap adv_cleanup EXIT

# The first request waits for the view change: how long it takes.
first_commit() {
	local t0 t1

	t0=$(now_ms)
	cl_req -t 30000 put first one >/dev/null || return 1
	t1=$(now_ms)
	ktap_print_msg "primary silent from the start: first commit after $((t1 - t0)) ms (view-change timeout $VC_MS ms)"
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

load() {
	adv_bench_start "$CL_DIR/bench.json" 3
	adv_bench_ok "$CL_DIR/bench.json"
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
ktap_set_plan 6
bft_require "$BFTCTL" ip "$ADV"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
adv_up "$N" 0 4 "BatchSize = 16" "CheckpointInterval = 32" "LogSize = 64" \
	"ViewChangeTimeoutMs = $VC_MS" ||
	ktap_exit_fail_msg "cannot set up the cluster"
adv_start 0 "$CL_DIR/adversary.out" silent

ktap_test_result "requests complete with a silent primary" first_commit
ktap_test_result "PUT then GET return exact values" put_get
ktap_test_result "load from 4 clients completes without errors" load
ktap_test_result "every correct replica changed view (view >= 1)" new_view
ktap_test_result "correct replicas converge (seq and state digest)" \
	adv_converged 40
adv_stop
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
