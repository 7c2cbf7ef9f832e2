#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Silent primary: a healthy cluster of BFT_N replicas (default 4) serves
# load, then replica 0, the primary of view 0, is replaced by the
# adversary, which never sends anything (with BFT_ADV2, replica N-1 also
# turns Byzantine). Backups holding unexecuted requests time out, change
# view, and the new primary serves every request; the correct replicas
# end in view >= 1 with the same state. Reports the time from the
# primary's failure to the first commit and throughput after the view
# change as a fraction of fault-free throughput.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=${BFT_N:-4}
CORRECT=$(adv_ids "$N")
VC_MS=1000
SECS=3

trap adv_cleanup EXIT

# Replica 0 stops; the adversary holds its port and says nothing.
primary_fails() {
	local t0 t1

	CORRECT=$(adv_ids "$N" 0)
	adv_second_start || return 1
	t0=$(cl_now_ms)
	adv_replace 0 "$CL_DIR/adversary.out" silent || return 1
	cl_req -t 30000 put first one >/dev/null || return 1
	t1=$(cl_now_ms)
	ktap_print_msg "primary failure to first commit in the new view: $((t1 - t0)) ms (view-change timeout $VC_MS ms, client retransmit 100 ms)"
}

adv_test_start 10 "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS"

ktap_test_result "fault-free load completes (n=$N)" adv_fault_free "$SECS"
ktap_test_result "fault-free replicas converge" adv_converged 40
ktap_test_result "requests complete once the primary is silent" primary_fails
ktap_test_result "PUT then GET return exact values" adv_put_get "$N"
ktap_test_result "load after the view change completes" \
	adv_load_vs_base "$SECS" after a view change from a silent primary
ktap_test_result "every correct replica changed view (view >= 1)" \
	adv_changed_view 1
ktap_test_result "correct replicas converge (seq and state digest)" \
	adv_converged 40
adv_stop
ktap_test_result "second adversary's drops are exact${ADV2:+ ($ADV2)}" \
	adv_second_check
ktap_test_result "history linearizable" cl_lincheck
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
