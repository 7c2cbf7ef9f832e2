#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark smoke test: bftctl bench against 4 kernel replicas with 0-byte
# requests at batch sizes 1 and 64 (a fresh cluster for each: the batch
# caps size the log, so they are fixed at creation), then briefly against
# the other two systems `make bench` measures: the unreplicated bft-echo
# baseline and 4 bftd replicas, on the same topology.
# It reports ops/s and latency percentiles and asserts only that every
# request completed without error: speed is for `make bench`, not tests.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
# The debug kernel (KASAN, lockdep under TCG) is several times slower:
# a lighter load still runs every path.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	CLIENTS=${BFT_BENCH_CLIENTS:-4}
	SECS=${BFT_BENCH_SECS:-1}
	TRIES=120
else
	CLIENTS=${BFT_BENCH_CLIENTS:-16}
	SECS=${BFT_BENCH_SECS:-2}
	TRIES=120
fi
BIN=$(dirname "$0")
PIDS=()

stop_daemons() {
	cl_stop_pids "${PIDS[@]}"
	PIDS=()
}
trap 'stop_daemons; cl_cleanup' EXIT

# bench_errors OUT LABEL: prints the result line; fails on any error.
bench_errors() {
	local bad=0 k

	for k in timeouts conflicts refused other_errors mismatches; do
		bad=$((bad + $(echo "$1" | json_get "$k")))
	done
	ktap_print_msg "$2: $(echo "$1" | json_get ops_per_sec) ops/s, p50 $(echo "$1" | json_get p50) us, p99 $(echo "$1" | json_get p99) us, errors $bad"
	[ "$bad" -eq 0 ] && [ "$(echo "$1" | json_get ops)" -gt 0 ]
}

# run_daemons echo|bftd: the baseline server, or 4 bftd replicas.
run_daemons() {
	local i out rc=1

	cl_topology "$N" && cl_config "$N" "$CLIENTS" "BatchSize = 16" || return 1
	if [ "$1" = echo ]; then
		ip netns exec "$(cl_ns 0)" "$BIN/bft-echo" -c "$CL_DIR/cluster.conf" \
			-k "$CL_DIR/r0.key" -k "$CL_DIR/r1.key" -s "$CL_DIR/st0" &
		PIDS+=($!)
		cl_wait_file "$CL_DIR/st0" || { stop_daemons; cl_cleanup; return 1; }
	else
		for ((i = 0; i < N; i++)); do
			ip netns exec "$(cl_ns "$i")" "$BIN/bftd" -c "$CL_DIR/cluster.conf" \
				-r "$i" -k "$CL_DIR/r$i.key" -s "$CL_DIR/st$i" &
			PIDS+=($!)
		done
		for ((i = 0; i < N; i++)); do
			cl_wait_file "$CL_DIR/st$i" || { stop_daemons; cl_cleanup; return 1; }
		done
	fi
	out=$(cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients 4 --ids 0 --duration "$SECS" --op-size 1024) &&
		bench_errors "$out" "$1, 4 clients, 1024-byte ops" && rc=0
	stop_daemons
	cl_cleanup
	return "$rc"
}

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
		cl_wait_converged "$N" "$TRIES" >/dev/null
	local rc=$?

	cl_cleanup
	return "$rc"
}

ktap_print_header
ktap_set_plan 5
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
ktap_test_result "bench, batch 1, replicas converge" run_bench 1
ktap_test_result "bench, batch 64, replicas converge" run_bench 64
ktap_test_result "bench, unreplicated bft-echo baseline" run_daemons echo
ktap_test_result "bench, 4 bftd replicas" run_daemons bftd
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
