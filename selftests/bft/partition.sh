#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Partitions of an n-replica cluster (BFT_N, default 4; blackhole routes
# between replica namespaces, the bridge stays up).
#
# f|n-f: the last f replicas are cut off from the others under load. The
#      majority (Q) keeps serving every request; a client that reaches
#      only the minority gets no answer and the minority executes nothing
#      while isolated. After healing it catches up (state transfer to the
#      stable checkpoint) and every replica ends with the same state.
# even: n/2 | n - n/2, neither side has a quorum: no replica executes
#      anything and a client times out. After healing the views meet
#      again, requests complete and every replica converges.
# Values PUT before each partition are read back after it.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=${BFT_N:-4}
F=$(((N - 1) / 3))
K=16
CLIENTS=4
CL_CLIENT=7
ISO=$(seq $((N - F)) $((N - 1)) | tr '\n' ' ')
MAJ=$(seq 0 $((N - F - 1)) | tr '\n' ' ')
EVEN_A=$(seq 0 $((N / 2 - 1)) | tr '\n' ' ')
EVEN_B=$(seq $((N / 2)) $((N - 1)) | tr '\n' ' ')
LABEL="n=$N"
# The load under the f|n-f split must outlast waiting for the cut-off
# replicas to settle and the majority's two checkpoint intervals.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	ISO_SECS=90
else
	ISO_SECS=25
fi

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

# cl_req from the minority client namespace, which reaches the replicas
# in $ISO only.
minority_req() {
	ip netns exec "$CL-m" "$BFTCTL" req -c "$CL_DIR/cluster.conf" -i 6 \
		-k "$CL_DIR/client.key" "$@"
}



# wait_still I: replica I's last_executed stopped moving (anything in
# flight when the cut happened has been processed); sets STILL.
wait_still() {
	local prev=-1 e tries=40

	while :; do
		e=$(cl_exec "$1")
		[ "$e" = "$prev" ] && break
		prev=$e
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 1
	done
	STILL=$e
}

minority_ns() {
	local i

	cl_link "$CL-m" "$(cl_addr 201)" "$CL-vm" || return 1
	for i in $MAJ; do
		ip -n "$CL-m" route add blackhole "$(cl_addr $((i + 1)))" &&
		ip -n "$(cl_ns "$i")" route add blackhole "$(cl_addr 201)" ||
			return 1
	done
}

# f|n-f under load.
isolate_one() {
	local e0 i

	cl_bench_bg "$CL_DIR/iso.json" "$ISO_SECS" --clients "$CLIENTS"
	cl_wait_exec_ge 0 $(($(cl_exec 0) + 4)) 60 0.5 || return 1
	cl_split "$ISO" "$MAJ" || return 1
	for i in $ISO; do
		wait_still "$i" || return 1
		ISO_EXEC[i]=$STILL
		ktap_print_msg "replica $i isolated at executed $STILL"
	done
	e0=$(cl_exec 0)
	# The majority keeps executing: two checkpoint intervals more.
	cl_wait_exec_ge 0 $((e0 + 2 * K)) 240 0.5 || return 1
	ktap_print_msg "majority executed $e0 -> $(cl_exec 0) while replicas $ISO were cut off"
}

minority_stalls() {
	local e i

	if minority_req -t 3000 put minority-key lost >/dev/null 2>&1; then
		ktap_print_msg "a client reaching only replicas $ISO got an answer"
		return 1
	fi
	for i in $ISO; do
		e=$(cl_exec "$i")
		ktap_print_msg "replica $i: executed $e (at isolation ${ISO_EXEC[i]}), view $(cl_json "$i" view) $(cl_json "$i" status)"
		[ "$e" = "${ISO_EXEC[i]}" ] || return 1
	done
}

heal_one() {
	cl_heal "$N" &&
	cl_bench_wait "$CL_DIR/iso.json"
}

# Load after healing: the isolated replica learns the stable checkpoint
# from new CHECKPOINTs and fetches the state.
catch_up() {
	local x

	cl_bench_bg "$CL_DIR/after.json" 4 --clients "$CLIENTS" &&
	cl_bench_wait "$CL_DIR/after.json" || return 1
	cl_converge_all 30 "$N" || return 1
	for x in $ISO; do
		ktap_print_msg "replica $x: state transfers $(cl_counter "$x" state_transfers), view changes $(cl_counter "$x" view_changes)"
	done
}

# 2|2: nobody has a quorum.
split_even() {
	local i before=() e

	cl_split "$EVEN_A" "$EVEN_B" || return 1
	for ((i = 0; i < N; i++)); do
		wait_still "$i" || return 1
		before[i]=$STILL
	done
	if cl_req -t 4000 put split-key lost >/dev/null 2>&1; then
		ktap_print_msg "a request completed without a quorum"
		return 1
	fi
	for ((i = 0; i < N; i++)); do
		e=$(cl_exec "$i")
		ktap_print_msg "replica $i: executed $e (at split ${before[i]}), view $(cl_json "$i" view) $(cl_json "$i" status)"
		[ "$e" = "${before[i]}" ] || return 1
	done
}

heal_even() {
	local t0 t1

	cl_heal "$N" || return 1
	t0=$(cl_now_ms)
	cl_req -t 60000 put healed yes >/dev/null || return 1
	t1=$(cl_now_ms)
	ktap_print_msg "first commit $((t1 - t0)) ms after healing the even split"
	cl_bench_bg "$CL_DIR/after2.json" 4 --clients "$CLIENTS" &&
	cl_bench_wait "$CL_DIR/after2.json" || return 1
	cl_converge_all 30 "$N"
}

healed_get() {
	[ "$(cl_req -t 30000 get healed)" = yes ]
}

kept() {
	cl_check_keys one 6 && cl_check_keys two 6
}

ktap_print_header
ktap_set_plan 12
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 16" "CheckpointInterval = $K" \
	"LogSize = $((4 * K))" "ViewChangeTimeoutMs = $((N > 4 ? 2000 : 1000))" \
	"ViewChangeTimeoutMaxMs = 8000" ||
	ktap_exit_fail_msg "cannot set up the cluster"
minority_ns || ktap_exit_fail_msg "cannot set up the minority client"

ktap_test_result "$LABEL: values PUT before the minority partition" cl_put_keys one 6
ktap_test_result "$LABEL: minority $ISO cut off: the majority keeps executing" isolate_one
ktap_test_result "$LABEL: the minority executes nothing, its client gets no answer" minority_stalls
ktap_test_result "$LABEL: every request of the majority's clients completes" heal_one
ktap_test_result "$LABEL: after healing every replica converges" catch_up
ktap_test_result "$LABEL: values PUT before the even partition" cl_put_keys two 6
ktap_test_result "$LABEL: $EVEN_A| $EVEN_B: no replica executes anything, the client times out" split_even
ktap_test_result "$LABEL: after healing requests complete and replicas converge" heal_even
ktap_test_result "$LABEL: values PUT before the partitions are read back" kept
ktap_test_result "$LABEL: GET after healing returns the value PUT" healed_get
ktap_test_result "$LABEL: history linearizable" cl_lincheck
ktap_test_result "$LABEL: no kernel warnings" dmesg_clean
ktap_finished
