#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Partitions of a 4-replica cluster (blackhole routes between replica
# namespaces; the bridge stays up).
#
# 1|3: replica 3 is cut off from the others under load. The majority
#      (Q = 3) keeps serving every request; a client that reaches only
#      replica 3 gets no answer and replica 3 executes nothing while
#      isolated. After healing it catches up (state transfer to the
#      stable checkpoint) and every replica ends with the same state.
# 2|2: neither side has a quorum: no replica executes anything and a
#      client times out. After healing the views meet again, requests
#      complete and every replica converges.
# Values PUT before each partition are read back after it.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
K=16
CLIENTS=4
CL_CLIENT=7
ISO=3

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

# cl_req from the minority client namespace, which reaches replica $ISO
# only.
minority_req() {
	ip netns exec "$CL-m" "$BFTCTL" req -c "$CL_DIR/cluster.conf" -i 6 \
		-k "$CL_DIR/client.key" "$@"
}

exec_of() {
	cl_json "$1" last_executed
}

# wait_exec_ge I SEQ TRIES: replica I has executed SEQ.
wait_exec_ge() {
	local e tries=$3

	while :; do
		e=$(exec_of "$1")
		[ "${e:-0}" -ge "$2" ] && return 0
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.5
	done
}

# wait_still I: replica I's last_executed stopped moving (anything in
# flight when the cut happened has been processed); sets STILL.
wait_still() {
	local prev=-1 e tries=40

	while :; do
		e=$(exec_of "$1")
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
	for ((i = 0; i < N; i++)); do
		[ "$i" = "$ISO" ] && continue
		ip -n "$CL-m" route add blackhole "$(cl_addr $((i + 1)))" &&
		ip -n "$(cl_ns "$i")" route add blackhole "$(cl_addr 201)" ||
			return 1
	done
}

# 1|3 under load.
isolate_one() {
	local e0

	cl_bench_bg "$CL_DIR/iso.json" 25 --clients "$CLIENTS"
	wait_exec_ge 0 $(($(exec_of 0) + 4)) 60 || return 1
	cl_split "$ISO" "0 1 2" || return 1
	wait_still "$ISO" || return 1
	e0=$(exec_of 0)
	ISO_EXEC=$STILL
	ktap_print_msg "replica $ISO isolated at executed $ISO_EXEC (replica 0 at $e0)"
	# The majority keeps executing: three checkpoint intervals more.
	wait_exec_ge 0 $((e0 + 3 * K)) 120 || return 1
	ktap_print_msg "majority executed $e0 -> $(exec_of 0) while replica $ISO was cut off"
}

minority_stalls() {
	local e

	if minority_req -t 3000 put minority-key lost >/dev/null 2>&1; then
		ktap_print_msg "a client reaching only replica $ISO got an answer"
		return 1
	fi
	e=$(exec_of "$ISO")
	ktap_print_msg "replica $ISO: executed $e (at isolation $ISO_EXEC), view $(cl_json "$ISO" view) $(cl_json "$ISO" status)"
	[ "$e" = "$ISO_EXEC" ]
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
	x=$(cl_counter "$ISO" state_transfers)
	ktap_print_msg "replica $ISO: state transfers $x, view changes $(cl_counter "$ISO" view_changes)"
}

# 2|2: nobody has a quorum.
split_even() {
	local i before=() e

	cl_split "0 1" "2 3" || return 1
	for ((i = 0; i < N; i++)); do
		wait_still "$i" || return 1
		before[i]=$STILL
	done
	if cl_req -t 4000 put split-key lost >/dev/null 2>&1; then
		ktap_print_msg "a request completed without a quorum"
		return 1
	fi
	for ((i = 0; i < N; i++)); do
		e=$(exec_of "$i")
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
	ktap_print_msg "first commit $((t1 - t0)) ms after healing the 2|2 split"
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
ktap_set_plan 11
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 16" "CheckpointInterval = $K" \
	"LogSize = $((4 * K))" "ViewChangeTimeoutMs = 1000" \
	"ViewChangeTimeoutMaxMs = 4000" ||
	ktap_exit_fail_msg "cannot set up the cluster"
minority_ns || ktap_exit_fail_msg "cannot set up the minority client"

ktap_test_result "values PUT before the 1|3 partition" cl_put_keys one 6
ktap_test_result "1|3: the majority keeps executing" isolate_one
ktap_test_result "1|3: the isolated replica executes nothing, its client gets no answer" minority_stalls
ktap_test_result "1|3: every request of the majority's clients completes" heal_one
ktap_test_result "1|3: after healing every replica converges" catch_up
ktap_test_result "values PUT before the 2|2 partition" cl_put_keys two 6
ktap_test_result "2|2: no replica executes anything, the client times out" split_even
ktap_test_result "2|2: after healing requests complete and replicas converge" heal_even
ktap_test_result "values PUT before the partitions are read back" kept
ktap_test_result "GET after healing returns the value PUT" healed_get
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
