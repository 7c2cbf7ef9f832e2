#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The operator's view change (bftctl view-change, n=4, no adversary). A
# replica asked to change view sends VIEW-CHANGE(v+1) at once; the others
# join only once f+1 replicas want a higher view (viewchange.c
# maybe_join), and the new primary needs Q VIEW-CHANGEs. So:
#  A. on f+1 replicas (1 and 2) of a healthy cluster, the view advances
#     by exactly one everywhere and the new primary is 1;
#  B. on one replica alone (3), nothing happens to the others: they stay
#     in view 1 and serve load, while 3 waits in view 2 (view-change);
#  C. on one more (0): with 3's, f+1 replicas ask, so 1 and 2 join and
#     everyone meets in view 2 with exactly one NEW-VIEW each, and all
#     converge.
# bftctl view-change means "view + 1" on the replica it runs on: run on
# a replica that already joined the change (on f+1 VIEW-CHANGEs), it
# takes that replica one view further, alone.
# Each phase checks the view_changes and new_views counters exactly and
# runs load; view-change times are reported.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
CORRECT=$(adv_ids "$N")
SECS=3
VC_MS=1000
VC_WAIT_MS=40000
PHASE=0

trap adv_cleanup EXIT

# vc_ask IDS: bftctl view-change on each; a new counter snapshot first.
vc_ask() {
	local i

	PHASE=$((PHASE + 1))
	adv_snap "$CL_DIR/p$PHASE.before" $CORRECT
	VC_T0=$(cl_now_ms)
	for i in "$@"; do
		cl_b "$i" view-change r || return 1
	done
}

# vc_wait VIEW STATUS IDS...: each of IDS reaches VIEW in STATUS within
# VC_WAIT_MS (bftctl itself is slow under TCG: a deadline, not a count).
vc_wait() {
	local view=$1 status=$2 i end=$(($(cl_now_ms) + VC_WAIT_MS))

	shift 2
	for i in "$@"; do
		until [ "$(cl_json "$i" view)" = "$view" ] &&
		      [ "$(cl_json "$i" status)" = "$status" ]; do
			[ "$(cl_now_ms)" -lt "$end" ] || {
				ktap_print_msg "replica $i: view $(cl_json "$i" view) status $(cl_json "$i" status), want $view $status"
				return 1
			}
			sleep 0.2
		done
	done
}

# vc_exact "ID:VIEW:STATUS:+VC:+NV"...: state and counter deltas since
# vc_ask, exactly.
vc_exact() {
	local spec i view status dvc dnv b a bad=0 got

	adv_snap "$CL_DIR/p$PHASE.after" $CORRECT
	for spec in "$@"; do
		IFS=: read -r i view status dvc dnv <<<"$spec"
		got=$(cl_json "$i" view):$(cl_json "$i" status)
		for name in view_changes new_views; do
			b=$(json_get "$name" counters <"$CL_DIR/p$PHASE.before/$i.json")
			a=$(json_get "$name" counters <"$CL_DIR/p$PHASE.after/$i.json")
			got="$got:+$((a - b))"
		done
		ktap_print_msg "replica $i: view:status:+view_changes:+new_views $got (want $view:$status:+$dvc:+$dnv), primary $(cl_json "$i" primary)"
		[ "$got" = "$view:$status:+$dvc:+$dnv" ] || bad=1
	done
	[ "$bad" = 0 ]
}

phase_a() {
	vc_ask 1 2 || return 1
	vc_wait 1 normal 0 1 2 3 || return 1
	ktap_print_msg "view change 0 -> 1 on f+1 = 2 requests: $(($(cl_now_ms) - VC_T0)) ms"
	vc_exact 0:1:normal:1:1 1:1:normal:1:1 2:1:normal:1:1 3:1:normal:1:1 &&
		[ "$(cl_json 0 primary)" = 1 ]
}

phase_b() {
	vc_ask 3 || return 1
	vc_wait 2 view-change 3 || return 1
	# The others have it (f+1 rule): give them time to (wrongly) join.
	sleep 1
	vc_exact 0:1:normal:0:0 1:1:normal:0:0 2:1:normal:0:0 \
		3:2:view-change:1:0
}

phase_c() {
	vc_ask 0 || return 1
	vc_wait 2 normal 0 1 2 3 || return 1
	ktap_print_msg "view change 1 -> 2 on a request to 0 (3 waiting there): $(($(cl_now_ms) - VC_T0)) ms"
	vc_exact 0:2:normal:1:1 1:2:normal:1:1 2:2:normal:1:1 3:2:normal:0:1 &&
		[ "$(cl_json 3 primary)" = 2 ]
}

adv_test_start 11 "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS"

ktap_test_result "load completes in view 0" adv_fault_free "$SECS"
ktap_test_result "view-change on f+1 replicas: view 0 -> 1 everywhere, primary 1" \
	phase_a
ktap_test_result "load completes in view 1" adv_load_vs_base "$SECS" in view 1
ktap_test_result "replicas converge in view 1" adv_converged 40
ktap_test_result "view-change on one replica alone moves only that one" \
	phase_b
ktap_test_result "load completes with one replica waiting alone" \
	adv_load_vs_base "$SECS" with replica 3 alone in view 2
ktap_test_result "view-change on one more (f+1 in all): view 1 -> 2 everywhere, primary 2" \
	phase_c
ktap_test_result "load completes in view 2" adv_load_vs_base "$SECS" in view 2
ktap_test_result "replicas converge in view 2 (replica 3 caught up)" \
	adv_converged 60
ktap_test_result "still exactly one view change per replica since phase C" \
	vc_exact 0:2:normal:1:1 1:2:normal:1:1 2:2:normal:1:1 3:2:normal:0:1
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
