#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The multicast groups: `bftctl log` follows the ordered log (every
# executed batch, in sequence order, with its requests) and `bftctl
# monitor` reports checkpoints as they become stable.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
PUTS=12
PIDS=

cleanup() {
	# shellcheck disable=SC2086 # one word per pid
	[ -n "$PIDS" ] && kill $PIDS 2>/dev/null
	wait 2>/dev/null
	cl_cleanup
}
trap cleanup EXIT

# The log has one line per executed batch: seqs 1..E with no gap, and the
# requests of our client carry increasing timestamps.
log_in_order() {
	local seqs want

	seqs=$(json_get_all log_seq <"$CL_DIR/log.json" | tr '\n' ' ')
	want=$(seq 1 "$(cl_json 1 last_executed)" | tr '\n' ' ')
	ktap_print_msg "log seqs: $seqs"
	[ -n "$seqs" ] && [ "$seqs" = "$want" ]
}

log_has_requests() {
	local n

	n=$(grep -o '"client":0' "$CL_DIR/log.json" | wc -l)
	ktap_print_msg "requests of client 0 in the log: $n"
	[ "$n" -ge "$PUTS" ]
}

stable_events() {
	local n

	n=$(grep -c '"event":"stable-checkpoint"' "$CL_DIR/events.json")
	ktap_print_msg "stable-checkpoint events: $n"
	[ "$n" -ge 2 ]
}

# json_get_all KEY: every value of KEY in one-object-per-line JSON.
json_get_all() {
	sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"
}

ktap_print_header
ktap_set_plan 4
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 2 "BatchSize = 1" "CheckpointInterval = 4" "LogSize = 8" ||
	ktap_exit_fail_msg "cannot set up the cluster"
# Not through a shell function: $! must be bftctl itself, to kill it.
ip netns exec "$(cl_ns 1)" "$BFTCTL" -j log >"$CL_DIR/log.json" 2>&1 </dev/null &
PIDS="$PIDS $!"
ip netns exec "$(cl_ns 1)" "$BFTCTL" -j monitor >"$CL_DIR/events.json" 2>&1 </dev/null &
PIDS="$PIDS $!"
sleep 1

for ((i = 0; i < PUTS; i++)); do
	cl_req put "k$i" "v$i" >/dev/null || ktap_exit_fail_msg "put k$i failed"
done
cl_wait_converged "$N" 40 >/dev/null
sleep 1

ktap_test_result "log: every executed sequence number, in order" log_in_order
ktap_test_result "log: carries the client's requests" log_has_requests
ktap_test_result "monitor: stable checkpoint events" stable_events
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
