#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Structure-aware wire fuzzing from an insider (issue 11): replica 3 is
# the adversary in mode "mutate". For a fixed budget it takes valid
# datagrams of every kind (the cluster's own traffic re-sent as its own,
# and ones built with the kernel's encoders), gives each one to three
# boundary defects (fields set to 0, 1, the current view or seq and its
# neighbours, h + L, 2^31, 2^32 - 1, 2^32, 2^63, 2^64 - 1; lengths and
# counts that lie; bodies cut or padded; another kind's body), MACs it
# correctly as replica 3 and sends it at a bounded rate to replicas 0-2
# while correct clients run. Pass: every request of the clients
# completes, their history is linearizable, exact PUT/GET afterwards,
# the correct replicas converge, kernel memory (Slab + VmallocUsed)
# stays bounded, and no kernel report.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
ADV_ID=3
CORRECT="0 1 2"
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	SECS=20 RATE=300
else
	SECS=25 RATE=1500
fi
# Growth allowed over the fuzzing budget: a leak of one small object per
# datagram (SECS x RATE x 3 of them) would exceed it.
MEM_KB=${BFT_FUZZ_MEM_KB:-32768}

trap adv_cleanup EXIT

kmem_kb() {
	awk '/^Slab:|^VmallocUsed:/ { s += $2 } END { print s }' /proc/meminfo
}

fuzz() {
	adv_replace "$ADV_ID" "$CL_DIR/mutate.out" mutate -d "$SECS" \
		-R "$RATE" -t "$(echo $CORRECT | tr ' ' ,)" || return 1
	sleep 1
	adv_bench_start "$CL_DIR/fuzz.json" $((SECS - 3))
	adv_bench_ok "$CL_DIR/fuzz.json"
}

fuzz_report() {
	adv_wait_report "$CL_DIR/mutate.out" 100 || return 1
	ktap_print_msg "$(grep '^mutate:' "$CL_DIR/mutate.out")"
	adv_stop
	# At least one of each kind a replica sends, besides REQUEST/REPLY.
	grep -Eq 'sent by kind:.* 2:[1-9].* 3:[1-9].* 4:[1-9].* 6:[1-9].* 7:[1-9].* 8:[1-9].* 9:[1-9].* 10:[1-9].* 11:[1-9]' \
		"$CL_DIR/mutate.out"
}

drops() {
	local i

	for i in $CORRECT; do
		ktap_print_msg "replica $i: view $(cl_json "$i" view), executed $(cl_json "$i" last_executed), view changes $(cl_counter "$i" view_changes), drops: $(cl_b "$i" -j show r | grep -Eo '"drop_reason_[a-z_]+": *[1-9][0-9]*' | tr -d '"' | sed 's/drop_reason_//' | tr '\n' ' ')"
	done
}

mem_bounded() {
	local after=$(kmem_kb)

	ktap_print_msg "kernel Slab + VmallocUsed: $MEM0 kB before, $after kB after ($((after - MEM0)) kB, limit $MEM_KB kB)"
	[ $((after - MEM0)) -lt "$MEM_KB" ]
}

adv_test_start 8 "$N" 4 "BatchSize = 16" "CheckpointInterval = 32" \
	"LogSize = 64" "ViewChangeTimeoutMs = 2000"

cl_req -t 20000 put first one >/dev/null
MEM0=$(kmem_kb)
ktap_test_result "correct clients complete every request while replica 3 fuzzes" fuzz
ktap_test_result "the fuzzer sent every kind of replica message" fuzz_report
drops
ktap_test_result "client history linearizable" cl_lincheck
ktap_test_result "exact PUT/GET afterwards" adv_put_get fuzz
ktap_test_result "correct replicas converge (seq and state digest)" \
	adv_converged 60
ktap_test_result "kernel memory bounded" mem_bounded
ktap_test_result "every correct replica still serves" adv_put_get again
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
