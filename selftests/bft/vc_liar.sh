#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A liar in view change (n=4): replica 1, the primary of view 1, is the
# adversary (vc-liar). Load runs in view 0 (primary 0 is correct), then
# the operator asks replica 0 for a view change. On the first
# VIEW-CHANGE it sees, the liar sends, for views 1 and 2: a malformed
# VIEW-CHANGE (vc_format), one whose prepared entries name digests nobody
# pre-prepared (at the sequence numbers the others did prepare and at the
# top of the window) and a checkpoint nobody took, then a different one
# for the same view (conflict, evidence), and a NEW-VIEW for view 2 whose
# primary it is not (not_primary). As primary of view 1 it then sends
# three NEW-VIEWs naming the correct replicas' VIEW-CHANGEs whose O or
# checkpoint does not recompute (nv_invalid, evidence). Replicas 2 and 3
# join view 1 on f+1 VIEW-CHANGEs (0's and the liar's; a bftctl
# view-change on them as well would push them on to view 2). The correct
# replicas must count each of those exactly, give up on view 1, install
# view 2 (primary 2) with the liar's claims out-voted, serve load and
# agree on their state.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
LIAR=1
CORRECT=$(adv_ids "$N" "$LIAR")
SECS=3
# The liar's NEW-VIEWs go out GRACE ms after the last correct
# VIEW-CHANGE reached it, well inside the view-change timeout.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	VC_MS=4000 GRACE=1000
else
	VC_MS=2000 GRACE=300
fi

trap adv_cleanup EXIT

# The view every correct replica settled in, or nothing.
settled_view() {
	local i v s ref=

	for i in $CORRECT; do
		v=$(cl_json "$i" view)
		s=$(cl_json "$i" status)
		[ "$s" = normal ] || return 1
		[ -z "$ref" ] && ref=$v
		[ "$v" = "$ref" ] || return 1
	done
	echo "$ref"
}

view_change() {
	local i t0 t1 tries=200 v

	adv_snap "$CL_DIR/before" $CORRECT
	t0=$(cl_now_ms)
	cl_b 0 view-change r || return 1
	until v=$(settled_view) && [ "$v" -ge 2 ]; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || { ktap_print_msg "no view settled"; return 1; }
		sleep 0.2
	done
	t1=$(cl_now_ms)
	ktap_print_msg "view change 0 -> $v past the lying primary of view 1: $((t1 - t0)) ms (timeout $VC_MS ms)"
}

# Exactly two view changes (to 1, then 2), one NEW-VIEW installed, and
# the primary of view 2.
exact_views() {
	local i bad=0 dvc dnv

	adv_snap "$CL_DIR/mid" $CORRECT
	for i in $CORRECT; do
		dvc=$(($(json_get view_changes counters <"$CL_DIR/mid/$i.json") -
		       $(json_get view_changes counters <"$CL_DIR/before/$i.json")))
		dnv=$(($(json_get new_views counters <"$CL_DIR/mid/$i.json") -
		       $(json_get new_views counters <"$CL_DIR/before/$i.json")))
		ktap_print_msg "replica $i: view $(cl_json "$i" view) primary $(cl_json "$i" primary) view_changes +$dvc new_views +$dnv evidence $(cl_counter "$i" evidence)"
		[ "$(cl_json "$i" view)" = 2 ] && [ "$(cl_json "$i" primary)" = 2 ] &&
			[ "$dvc" = 2 ] && [ "$dnv" = 1 ] || bad=1
	done
	[ "$bad" = 0 ]
}

lies_counted() {
	adv_stop
	ktap_print_msg "$(grep '^adversary:' "$CL_DIR/adversary.out")"
	adv_snap "$CL_DIR/after" $CORRECT
	grep -q 'views 2 new-views 3 ' "$CL_DIR/adversary.out" || return 1
	adv_expect_exact "$CL_DIR/adversary.out" "$CL_DIR/before" "$CL_DIR/after"
}

evidence() {
	local i b a s=0

	for i in $CORRECT; do
		b=$(json_get evidence counters <"$CL_DIR/before/$i.json")
		a=$(json_get evidence counters <"$CL_DIR/after/$i.json")
		ktap_print_msg "replica $i: evidence +$((a - b))"
		[ "$((a - b))" -gt 0 ] || return 1
	done
}

adv_test_start 9 "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS"
cl_b "$LIAR" replica del r || ktap_exit_fail_msg "cannot remove replica $LIAR"
adv_start "$LIAR" "$CL_DIR/adversary.out" vc-liar --grace-ms "$GRACE"

ktap_test_result "load completes in view 0 (liar as silent backup)" \
	adv_fault_free "$SECS"
ktap_test_result "correct replicas converge before the view change" \
	adv_converged 40
ktap_test_result "view change past the liar settles in view >= 2" view_change
ktap_test_result "exactly 2 view changes, 1 new view, primary 2, on each" \
	exact_views
ktap_test_result "load completes in the new view" \
	adv_load_vs_base "$SECS" in view 2 after the liar
ktap_test_result "correct replicas converge (no divergence)" adv_converged 40
ktap_test_result "every lie counted exactly (vc_format conflict not_primary nv_invalid)" \
	lies_counted
ktap_test_result "evidence recorded on every correct replica" evidence
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
