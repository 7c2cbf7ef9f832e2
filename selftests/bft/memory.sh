#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checkpoints bound memory. With CheckpointInterval K = 16, LogSize
# L = 32 and one request per batch, a 4-replica cluster executes at least
# 50 x K sequence numbers. Every replica's stable checkpoint keeps up
# (the last multiple of K once idle, so within L of last_executed), each
# replica took exactly one checkpoint per K executed (unless a state
# transfer skipped some) and sent it to every peer, and kernel memory
# (Slab + VmallocUsed, after dropping reclaimable caches) grows by less
# than a small bound between 10 x K and 50 x K: the engine allocates its
# log, vote and batch tables once at configuration, sized by L, so 40 x K
# more requests must not cost memory per request.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
K=16
L=32
CLIENTS=4
CL_CLIENT=7
# A retained log would cost at least a pre-prepare, 2f PREPAREs and 2f+1
# COMMITs (~100 bytes each) per sequence number and replica: 40 x K x 4 x
# ~600 B = ~1.5 MB. Allow a quarter of that for unrelated kernel noise.
BOUND_KB=384
# On the debug kernel KASAN's quarantine keeps freed slab objects (up to
# 1/32 of RAM) and kmemleak adds metadata per object, so Slab there grows
# with traffic, not with live objects (seen: +524 kB). Leaks are
# kmemleak's to find on that kernel; the bound only catches gross growth.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	BOUND_KB=4096
fi

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

# Kernel memory in kB: Slab + VmallocUsed after dropping reclaimable
# slab caches (dentries, inodes of the many bftctl runs).
kmem_kb() {
	sync
	echo 2 >/proc/sys/vm/drop_caches
	awk '/^(Slab|VmallocUsed):/ { s += $2 } END { print s }' /proc/meminfo
}

# load_to SEQ: closed-loop load until replica 0 executed SEQ, then idle
# and converged.
load_to() {
	local target=$1 e

	while :; do
		e=$(cl_json 0 last_executed)
		[ "${e:-0}" -ge "$target" ] && break
		cl_bench_bg "$CL_DIR/load.json" 1 --clients "$CLIENTS" &&
		cl_bench_wait "$CL_DIR/load.json" || return 1
	done
	cl_converged_ids 120 0 1 2 3
}

stable_keeps_up() {
	local i e s want

	for ((i = 0; i < N; i++)); do
		for _ in $(seq 60); do
			e=$(cl_json "$i" last_executed)
			s=$(cl_json "$i" stable_checkpoint)
			want=$((e / K * K))
			[ "$s" = "$want" ] && break
			sleep 0.5
		done
		ktap_print_msg "replica $i: executed $e, stable checkpoint $s (want $want, L = $L)"
		[ "$s" = "$want" ] && [ $((e - s)) -lt "$L" ] || return 1
	done
}

# One checkpoint per K executed, plus the genesis checkpoint at seq 0
# (never sent); each other one sent to the N-1 peers, plus any it re-sent
# to a peer that asked for retransmission (within retx_sent). A replica
# that caught up by state transfer skipped the ones it did not execute.
checkpoint_counts() {
	local i e ck tx st xf rt want bad=0

	e=$(cl_json 0 last_executed)
	want=$((e / K + 1))
	for ((i = 0; i < N; i++)); do
		ck=$(cl_counter "$i" checkpoints)
		tx=$(cl_counter "$i" tx_checkpoint)
		st=$(cl_counter "$i" stable_checkpoints)
		xf=$(cl_counter "$i" state_transfers)
		rt=$(cl_counter "$i" retx_sent)
		ktap_print_msg "replica $i: checkpoints $ck (floor($e / $K) + genesis = $want), sent $tx, became stable $st, state transfers $xf, retransmitted $rt"
		[ "$tx" -ge $(((N - 1) * (ck - 1))) ] &&
		[ "$tx" -le $(((N - 1) * (ck - 1) + rt)) ] || bad=1
		[ "$st" -ge 1 ] && [ "$st" -lt "$want" ] || bad=1
		if [ "$xf" -eq 0 ]; then
			[ "$ck" -eq "$want" ] || bad=1
		else
			[ "$ck" -le "$want" ] || bad=1
		fi
	done
	return "$bad"
}

at_10k() {
	load_to $((10 * K)) || return 1
	KB10=$(kmem_kb)
	E10=$(cl_json 0 last_executed)
	ktap_print_msg "executed $E10: Slab + VmallocUsed $KB10 kB"
}

at_50k() {
	load_to $((50 * K)) || return 1
	KB50=$(kmem_kb)
	E50=$(cl_json 0 last_executed)
	ktap_print_msg "executed $E50: Slab + VmallocUsed $KB50 kB"
}

bounded() {
	local d=$((KB50 - KB10))

	ktap_print_msg "kernel memory from seq $E10 to $E50: $d kB (bound $BOUND_KB kB; $(grep -E '^(Slab|SUnreclaim|VmallocUsed):' /proc/meminfo | tr -s ' ' | tr '\n' ' '))"
	[ "$d" -lt "$BOUND_KB" ]
}

ktap_print_header
ktap_set_plan 8
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 1" "CheckpointInterval = $K" "LogSize = $L" \
	"ViewChangeTimeoutMs = 2000" ||
	ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "values PUT first" cl_put_keys mem 4
ktap_test_result "load to $((10 * K)) sequence numbers" at_10k
ktap_test_result "load to $((50 * K)) sequence numbers" at_50k
ktap_test_result "stable checkpoint = last multiple of K, within L" stable_keeps_up
ktap_test_result "one checkpoint per K executed, sent to every peer" checkpoint_counts
ktap_test_result "kernel memory growth from 10 x K to 50 x K below $BOUND_KB kB" bounded
ktap_test_result "values PUT first are read back" cl_check_keys mem 4
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
