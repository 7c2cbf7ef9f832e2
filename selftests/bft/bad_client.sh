#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A faulty client flooding bad authenticators (Aardvark's MAC attack),
# n=4, all replicas correct. The adversary is client 4; each round it
# learns the view from a read-only GET and sends (to the primary only) a
# request whose authenticator entry is valid at the primary and noise at
# every backup, and (to every replica) a request in the name of client
# 0, a correct bench client, whose authenticator is noise everywhere.
# The primary orders the first MAC-attack request, no backup can vouch
# for it, its batch stalls until a view change, and every backup strikes
# client 4 (clients_throttled): its requests are dropped as throttled
# (drop_reason_throttled) while the window lasts, so the attack costs
# one view change per doubling window. The forged requests in client 0's
# name land exactly in drop_reason_auth at every replica and strike
# nobody. Correct clients (bench, ids 0-3) complete every request; the
# throughput under attack is reported as a fraction of the fault-free
# run; all replicas end with the same sequence number and state digest.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
BAD=4
CORRECT=$(adv_ids "$N")
VC_MS=1000
SECS=15
RATE=2000

trap adv_cleanup EXIT

attack() {
	adv_snap "$CL_DIR/before" $CORRECT
	ip netns exec "$CL-c" "$ADV" -c "$CL_DIR/cluster.conf" -i "$BAD" \
		-k "$CL_DIR/client.key" -d "$SECS" -R "$RATE" -I 0 \
		bad-client >"$CL_DIR/bad.out" 2>&1 &
	ADV_PIDS="$ADV_PIDS $!"
	adv_load_vs_base "$SECS" with a bad-authenticator client || return 1
	ktap_print_msg "fraction: $(awk -v a="$(json_get ops_per_sec <"$CL_DIR/now.json")" \
		-v b="$(json_get ops_per_sec <"$CL_DIR/base.json")" \
		'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
}

bad_report() {
	adv_wait_report "$CL_DIR/bad.out" 100 || return 1
	ktap_print_msg "$(grep '^bad-client' "$CL_DIR/bad.out")"
	grep -Eq ' [1-9][0-9]* primary-only requests, [1-9][0-9]* all-bad' \
		"$CL_DIR/bad.out"
}

# The forged requests in client 0's name: exactly drop_reason_auth.
forged_exact() {
	adv_stop
	adv_snap "$CL_DIR/after" $CORRECT
	adv_expect_exact "$CL_DIR/bad.out" "$CL_DIR/before" "$CL_DIR/after"
}

delta() {
	local i=$1 name=$2 b a

	b=$(json_get "$name" counters <"$CL_DIR/before/$i.json")
	a=$(json_get "$name" counters <"$CL_DIR/after/$i.json")
	echo $((a - b))
}

# Every ordered MAC-attack request struck each of the N-1 backups once;
# then the throttled client's requests were dropped.
throttled() {
	local i s=0 d=0 v

	for i in $CORRECT; do
		v=$(delta "$i" clients_throttled)
		s=$((s + v))
		d=$((d + $(delta "$i" drop_reason_throttled)))
		ktap_print_msg "replica $i: view $(cl_json "$i" view), view changes +$(delta "$i" view_changes), clients_throttled +$v, drop_reason_throttled +$(delta "$i" drop_reason_throttled), drop_reason_busy +$(delta "$i" drop_reason_busy)"
	done
	ktap_print_msg "strikes $s, throttled drops $d"
	[ "$s" -gt 0 ] && [ $((s % (N - 1))) -eq 0 ] && [ "$d" -gt 0 ]
}

adv_test_start 7 "$N" 5 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS"

ktap_test_result "fault-free load completes" adv_fault_free "$SECS"
ktap_test_result "correct clients' load completes under a bad-auth flood" \
	attack
ktap_test_result "the bad client sent MAC-attack and forged requests" \
	bad_report
ktap_test_result "all replicas converge (seq and state digest)" \
	adv_converged 60
ktap_test_result "forged requests in client 0's name: auth drops, exact" \
	forged_exact
ktap_test_result "the MAC-attack client was struck by the backups and throttled" \
	throttled
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
