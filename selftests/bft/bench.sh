#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark smoke test: bftctl bench against 4 kernel replicas with 0-byte
# requests at batch sizes 1 and 64 (a fresh cluster for each: the batch
# caps size the log, so they are fixed at creation).
# It reports ops/s and latency percentiles and asserts only that every
# request completed without error: speed is for `make bench`, not tests.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
CLIENTS=${BFT_BENCH_CLIENTS:-16}
SECS=${BFT_BENCH_SECS:-3}

trap cl_cleanup EXIT

# run_bench BATCH: one bench run; fails on any error or zero throughput.
run_bench() {
	local out bad=0 k

	cl_up "$N" "$CLIENTS" "BatchSize = $1" "Window = 4" || return 1
	out=$(cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients "$CLIENTS" --ids 0 --duration "$SECS" --op-size 0) ||
		return 1
	for k in timeouts conflicts refused other_errors mismatches; do
		bad=$((bad + $(echo "$out" | json_get "$k")))
	done
	ktap_print_msg "n=$N batch $1, $CLIENTS clients, 0-byte ops: $(echo "$out" | json_get ops_per_sec) ops/s, p50 $(echo "$out" | json_get p50) us, p99 $(echo "$out" | json_get p99) us, errors $bad"
	[ "$bad" -eq 0 ] && [ "$(echo "$out" | json_get ops)" -gt 0 ] &&
		cl_wait_converged "$N" 40 >/dev/null
	local rc=$?

	cl_cleanup
	return "$rc"
}

ktap_print_header
ktap_set_plan 3
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
ktap_test_result "bench, batch 1, replicas converge" run_bench 1
ktap_test_result "bench, batch 64, replicas converge" run_bench 64
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
