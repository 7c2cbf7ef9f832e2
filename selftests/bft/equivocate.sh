#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Equivocating primary: after a fault-free phase, replica 0 (primary of
# view 0) is replaced by the adversary, which sends PRE-PREPARE (0, n, X)
# to replicas 1 and 2 and (0, n, Y) to replica 3 (and to 1), both
# correctly MACed over genuine client requests. No two correct replicas
# may execute different batches; replica 1 holds both and reports the
# evidence on the netlink group and in its counters; the cluster changes
# view and serves every request. Throughput is reported as a fraction of
# the fault-free phase's.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
CORRECT="0 1 2 3"
VC_MS=1000
SECS=3

trap adv_cleanup EXIT

# Replica 0 is replaced by the equivocator, which continues the sequence.
first_commit() {
	local t0 t1 seq

	CORRECT="1 2 3"
	seq=$(($(cl_json 1 last_executed) + 1))
	cl_b 0 replica del r || return 1
	adv_start 0 "$CL_DIR/adversary.out" equivocate --seq "$seq"
	sleep 0.3
	t0=$(now_ms)
	cl_req -t 30000 put first one >/dev/null || return 1
	t1=$(now_ms)
	ktap_print_msg "equivocating primary: first commit after $((t1 - t0)) ms"
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

ktap_print_header
ktap_set_plan 9
bft_require "$BFTCTL" ip "$ADV"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" "LogSize = 64" \
	"ViewChangeTimeoutMs = $VC_MS" ||
	ktap_exit_fail_msg "cannot set up the cluster"
ip netns exec "$(cl_ns 1)" "$BFTCTL" monitor events >"$CL_DIR/monitor.out" 2>&1 &
MON_PID=$!
sleep 0.5

ktap_test_result "fault-free load completes" adv_fault_free "$SECS"
ktap_test_result "fault-free replicas converge" adv_converged 40
ktap_test_result "requests complete with an equivocating primary" first_commit
ktap_test_result "PUT then GET return exact values" put_get
ktap_test_result "load with an equivocating primary completes" \
	adv_load_vs_base "$SECS" with an equivocating primary
ktap_test_result "correct replicas converge (no divergence)" adv_converged 40
ktap_test_result "evidence counter > 0 on a correct replica" evidence_counter
ktap_test_result "bftctl monitor reports evidence naming replica 0" evidence_event
adv_stop
ktap_print_msg "$(grep '^adversary:' "$CL_DIR/adversary.out")"
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
