#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Equivocating primary: after a fault-free phase in a cluster of BFT_N
# replicas (default 4), replica 0 (primary of view 0) is replaced by the
# adversary, which sends PRE-PREPARE (0, n, X) to the first half of the
# backups and (0, n, Y) to the rest (and to the first), both correctly
# MACed over genuine client requests. With BFT_ADV2, replica N-1 is a
# second Byzantine replica at the same time. No two correct replicas may
# execute different batches; replica 1 holds both and reports the
# evidence on the netlink group and in its counters; the cluster changes
# view and serves every request. Throughput is reported as a fraction of
# the fault-free phase's.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=${BFT_N:-4}
CORRECT=$(adv_ids "$N")
VC_MS=1000
SECS=3

trap adv_cleanup EXIT

# Replica 0 is replaced by the equivocator, which continues the sequence.
first_commit() {
	local t0 t1 seq

	CORRECT=$(adv_ids "$N" 0)
	adv_second_start || return 1
	seq=$(($(cl_json 1 last_executed) + 1))
	adv_replace 0 "$CL_DIR/adversary.out" equivocate --seq "$seq" ||
		return 1
	sleep 0.3
	t0=$(cl_now_ms)
	cl_req -t 30000 put first one >/dev/null || return 1
	t1=$(cl_now_ms)
	ktap_print_msg "equivocating primary: first commit after $((t1 - t0)) ms"
}

evidence_counter() {
	local i e s=0

	for i in $CORRECT; do
		e=$(cl_counter "$i" evidence)
		ktap_print_msg "replica $i: evidence $e, drop_reason_conflict $(cl_counter "$i" drop_reason_conflict), view $(cl_json "$i" view)"
		s=$((s + ${e:-0}))
	done
	[ "$s" -gt 0 ]
}

# bftctl monitor on replica 1 printed an evidence event naming replica 0.
evidence_event() {
	local line

	line=$(grep '"event": *"evidence"' "$CL_DIR/monitor.out" | head -n1)
	ktap_print_msg "monitor: ${line:-nothing}"
	echo "$line" | grep -Eq '"replica": *0[ ,}]'
}

adv_test_start 11 "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = $VC_MS"
ip netns exec "$(cl_ns 1)" "$BFTCTL" monitor events >"$CL_DIR/monitor.out" 2>&1 &
MON_PID=$!
sleep 0.5

ktap_test_result "fault-free load completes (n=$N)" adv_fault_free "$SECS"
ktap_test_result "fault-free replicas converge" adv_converged 40
ktap_test_result "requests complete with an equivocating primary" first_commit
ktap_test_result "PUT then GET return exact values" adv_put_get "$N"
ktap_test_result "load with an equivocating primary completes" \
	adv_load_vs_base "$SECS" with an equivocating primary
ktap_test_result "correct replicas converge (no divergence)" adv_converged 40
ktap_test_result "evidence counter > 0 on a correct replica" evidence_counter
ktap_test_result "bftctl monitor reports evidence naming replica 0" evidence_event
adv_stop
ktap_print_msg "$(grep '^adversary:' "$CL_DIR/adversary.out")"
ktap_test_result "second adversary's drops are exact${ADV2:+ ($ADV2)}" \
	adv_second_check
ktap_test_result "history linearizable" cl_lincheck
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
