#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A Byzantine client (n=4, all replicas correct): the adversary holds
# client 4's key and, for SECS seconds, sends the same (client 4, ts)
# as PUT byz=A-ts to replicas 0 and 1 and as PUT byz=B-ts to 2 and 3,
# over and over, plus one request whose authenticator is valid at the
# primary only (every backup drops it, drop_reason_auth, exactly; the
# primary may propose it, no backup can vouch for it, and a view change
# follows). One only: a second one, sent while the client still guesses
# the old primary, reaches a replica that relays it to the new primary,
# one more auth drop the adversary cannot know of. Correct
# clients (bench, ids 0-3) run at the same time and must complete every
# request; all replicas end with the same executed sequence number and
# state digest, and GET byz returns one of the byzantine client's values
# (the read-only path needs Q matching replies, so Q replicas hold it).
# Throughput under the attack is reported against the fault-free run.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
BYZ=4
CORRECT=$(adv_ids "$N")
VC_MS=1000
TRICKS=1
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	SECS=4 RATE=100
else
	SECS=6 RATE=400
fi

trap adv_cleanup EXIT

attack() {
	adv_snap "$CL_DIR/before" $CORRECT
	ip netns exec "$CL-c" "$ADV" -c "$CL_DIR/cluster.conf" -i "$BYZ" \
		-k "$CL_DIR/client.key" -d "$SECS" -R "$RATE" -T "$TRICKS" \
		byz-client >"$CL_DIR/byz.out" 2>&1 &
	ADV_PIDS="$ADV_PIDS $!"
	adv_load_vs_base "$SECS" with a byzantine client
}

byz_report() {
	adv_wait_report "$CL_DIR/byz.out" 100 || return 1
	ktap_print_msg "$(grep '^byz-client' "$CL_DIR/byz.out")"
	grep -q " $TRICKS primary-only" "$CL_DIR/byz.out"
}

# Q replicas agree on byz's value, and it is one the client sent.
byz_value() {
	local v

	v=$(CL_CLIENT=0 cl_req -t 20000 --ro get byz) || return 1
	ktap_print_msg "GET byz (read-only, Q matching): '$v'"
	echo "$v" | grep -Eq '^[ABP]-[0-9]+$'
}

tricks_dropped() {
	adv_stop
	adv_snap "$CL_DIR/after" $CORRECT
	adv_expect_exact "$CL_DIR/byz.out" "$CL_DIR/before" "$CL_DIR/after"
}

views() {
	local i

	for i in $CORRECT; do
		ktap_print_msg "replica $i: view $(cl_json "$i" view), view changes $(cl_counter "$i" view_changes), drop busy $(cl_counter "$i" drop_reason_busy) stale $(cl_counter "$i" drop_reason_stale) duplicate $(cl_counter "$i" drop_reason_duplicate)"
	done
}

adv_test_start 8 "$N" 5 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS"

ktap_test_result "fault-free load completes" adv_fault_free "$SECS"
ktap_test_result "correct clients' load completes under a byzantine client" \
	attack
ktap_test_result "the byzantine client sent its conflicting pairs and tricks" \
	byz_report
ktap_test_result "all replicas converge (seq and state digest)" \
	adv_converged 60
ktap_test_result "GET byz: one of the byzantine client's values, Q agree" \
	byz_value
ktap_test_result "all replicas still converge after the read" adv_converged 20
ktap_test_result "backups drop the primary-only request (auth, exact)" \
	tricks_dropped
views
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
