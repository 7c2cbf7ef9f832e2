#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Growing and shrinking the cluster as Documentation/admin-guide.rst
# "Changing membership" does it, under closed-loop load: bft.ko replicas,
# one per netns, MaxReplicas = 7, client 8 the Admin. Epoch 1 grows n=4
# to n=7 (replicas 4, 5 and 6 on new hosts, created from the new file,
# the others staged by setconf), epoch 2 shrinks back to n=4. During each
# change the load's clients name both files (OLD:NEW), so they
# authenticate for every replica of either epoch and wait for f+1 of the
# larger one.
#
# Asserted: every request of the load completes (no timeout, conflict or
# wrong value) and the clients' history is linearizable; after each
# switch every replica of the new epoch reports it with the new n, f and
# quorum, they agree on the executed seq and state digest and none
# changed views (new hosts join without a view change); replicas 4
# to 6 report left after the shrink; a removed replica's messages are
# dropped by reason (drop_reason_sender), and so are a member's messages
# of an older epoch (drop_reason_epoch). Bad input gives a clear
# error and changes nothing: a file with another MaxReplicas, one whose
# replicas exceed its MaxReplicas, a grow not staged on one new host.
# Reported, not asserted: the switch time and the load's requests/s
# before, during and after each change.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/reconf_lib.sh"

N=4
MAX=7
CLIENTS=9
ADMIN=8
C0=
C1=
C2=

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

# grow_conf: epoch 1, replicas 4..6 on hosts 5..7 with new keys.
grow_conf() {
	local i

	sed 's/^Name = .*/&\nEpoch = 1/' "$C0" |
		awk '/^\[Client\]/ && !done { exit } { print }' >"$C1" || return 1
	for ((i = N; i < MAX; i++)); do
		"$BFTCTL" genkey >"$CL_DIR/r$i.key" || return 1
		printf '[Replica]\nId = %d\nEndpoint = %s\nPublicKey = %s\nJoined = 1\n' \
			"$i" "$(cl_endpoint $((i + 1)))" \
			"$("$BFTCTL" pubkey <"$CL_DIR/r$i.key")" >>"$C1"
	done
	awk '/^\[Client\]/ { c = 1 } c' "$C0" >>"$C1"
}

# shrink_conf: epoch 2, replicas 0..3 of the grown file.
shrink_conf() {
	awk -v n="$N" '
		function flush() { if (keep) printf "%s", blk; blk = "" }
		/^\[/ { flush(); keep = 1; sec = $0 }
		sec == "[Replica]" && /^Id = / && $3 >= n { keep = 0 }
		{ blk = blk $0 "\n" }
		END { flush() }' "$C1" | sed 's/^Epoch = 1$/Epoch = 2/' >"$C2"
}

setup() {
	cl_topology "$MAX" &&
	cl_config "$N" "$CLIENTS" "Admin = $ADMIN" "MaxReplicas = $MAX" \
		"BatchSize = 16" "CheckpointInterval = 32" "LogSize = 64" \
		"ViewChangeTimeoutMs = $RC_VC_MS" &&
	cl_start "$N" || return 1
	C0=$CL_DIR/cluster.conf
	C1=$CL_DIR/grow.conf
	C2=$CL_DIR/shrink.conf
	grow_conf && shrink_conf || return 1
	cl_req put before 1 >/dev/null || return 1
	[ "$(rc_json 0 max_n)" = "$MAX" ] && [ "$(rc_json 0 n)" = "$N" ]
}

# setconf_on NS ID FILE
setconf_on() {
	cl_b "$1" setconf r "$3" replica "$2" private-key "$CL_DIR/r$2.key"
}

bad_input() {
	# shellcheck disable=SC2034 # read by rc_refused
	RC_IN="0 1 2 3"
	sed 's/^MaxReplicas = .*/MaxReplicas = 8/' "$C1" >"$CL_DIR/max8.conf"
	rc_refused 1 'MaxReplicas' setconf_on 0 0 "$CL_DIR/max8.conf" || return 1
	# Replica 7 with MaxReplicas 7: the parser names the line.
	sed 's/^MaxReplicas = .*/MaxReplicas = 6/' "$C1" >"$CL_DIR/max6.conf"
	rc_refused 1 'max6.conf:[0-9]+: .*MaxReplicas' \
		setconf_on 0 0 "$CL_DIR/max6.conf"
}

# New hosts 4 and 5 and the old replicas staged; new host 6 did not.
not_staged() {
	local i

	# shellcheck disable=SC2034
	RC_IN="0 1 2 3 4 5"
	for i in 4 5; do
		setconf_on "$i" "$i" "$C1" || return 1
		[ "$(rc_json "$i" epoch)" = 1 ] || return 1
	done
	for ((i = 0; i < N; i++)); do
		setconf_on "$i" "$i" "$C1" || return 1
		[ "$(rc_json "$i" staged_epoch)" = 1 ] || return 1
	done
	rc_refused 1 "replica 6 \\($(cl_addr 7):$CL_PORT\\) " \
		cl_c reconfig -c "$C1" -k "$CL_DIR/client.key" -t 2000
}

grow() {
	setconf_on 6 6 "$C1" || return 1
	# The new file first: reconfig reads the new configuration from it.
	rc_under_load grow "$RC_SECS" "$C1:$C0" "$C1:$C0" 1 "$MAX" 0 1 2 3 4 5 6 || return 1
	[ "$(rc_json 0 f)" = 2 ] && [ "$(rc_json 0 quorum)" = 5 ] ||
		{ ktap_print_msg "replica 0: f $(rc_json 0 f) quorum $(rc_json 0 quorum)"; return 1; }
}

shrink() {
	local i

	for ((i = 0; i < N; i++)); do
		setconf_on "$i" "$i" "$C2" || return 1
	done
	rc_under_load shrink "$RC_SECS" "$C2:$C1" "$C2:$C1" 2 "$N" 0 1 2 3 || return 1
	[ "$(rc_json 0 f)" = 1 ] && [ "$(rc_json 0 quorum)" = 3 ]
}

left_all() {
	local i

	for ((i = N; i < MAX; i++)); do
		[ "$(rc_json "$i" left)" = true ] || return 1
	done
}

leavers_left() {
	slowwait 10 left_all
	ktap_print_msg "replicas 4-6: $(rc_state 4 5 6)"
	left_all
}

# Replica 5 again on its host with the epoch-1 file (n = 7): replica 0,
# now n = 4, drops whatever it sends as from no replica of the epoch.
leaver_dropped() {
	rc_dropped_as drop_reason_sender 5 setconf_on 5 5 "$C1"
}

# Replica 3, a member of epoch 2, again on its host with the epoch-0
# file: same id and keys, but replica 0 drops its epoch-0 messages. (The
# previous epoch's would be answered: a laggard's FETCH and VIEW-CHANGE
# of epoch 1 still get help, engine.rst "Changing membership".)
old_epoch_dropped() {
	rc_dropped_as drop_reason_epoch 3 setconf_on 3 3 "$C0"
}

ktap_print_header
ktap_set_plan 9
bft_require "$BFTCTL" ip awk
[ -x "$LINCHECK" ] || ktap_exit_fail_msg "no lincheck at $LINCHECK"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"

ktap_test_result "n=4, MaxReplicas=7 cluster in epoch 0 with an admin" setup
ktap_test_result "MaxReplicas other than the replica's, or below n': refused, nothing changes" bad_input
ktap_test_result "grow not staged on new host 6: reconfig names it, nothing changes" not_staged
ktap_test_result "grow n=4 to n=7 under load: no failed request, epoch 1 agrees" grow
ktap_test_result "shrink n=7 to n=4 under load: no failed request, epoch 2 agrees" shrink
ktap_test_result "replicas 4, 5 and 6 report left" leavers_left
ktap_test_result "a removed replica's messages are dropped (drop_reason_sender)" leaver_dropped
ktap_test_result "epoch 0 messages of a member are dropped (drop_reason_epoch)" old_epoch_dropped
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
