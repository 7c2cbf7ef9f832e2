#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changing membership as Documentation/admin-guide.rst "Changing
# membership" does it: n=4 bft.ko replicas, one per netns, client 8 is
# the cluster's Admin. Replica 2 is replaced by a new host (its own netns,
# new key and endpoint) in epoch 1, under closed-loop load from clients
# 0..7: setconf creates it there, setconf stages the file on the kept
# hosts, bftctl reconfig switches once. The load's clients keep the old
# file (a client with a stale file still reaches f+1 replicas).
#
# Asserted: every request of the load completes (no timeout, conflict or
# wrong value) and the clients' history is linearizable; the replicas of
# epoch 1 (0, 1, 3 and the new host) agree on the executed seq and state
# digest, report epoch 1 and are still in their view (no view change);
# the old host of replica 2 reports left; a
# replica started again on the old host with the old file is heard by no
# one (its datagrams fail the MAC of the new key). Bad input gives a
# clear error and changes nothing (epoch, staging, nothing pending): a
# file with n = 3, a configuration not staged everywhere, a non-admin
# client, an epoch that goes backwards. Reported, not asserted: the switch
# time and the load's requests/s before, during and after the switch.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/reconf_lib.sh"

N=4
NEW=4			# netns index of replica 2's new host (10.77.0.5)
CLIENTS=9
ADMIN=8
OLD_CONF=
NEW_CONF=

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

# new_conf: replica 2 on the new host (new key, endpoint), Epoch = 1.
new_conf() {
	"$BFTCTL" genkey >"$CL_DIR/r2new.key" || return 1
	awk -v ep="$(cl_endpoint $((NEW + 1)))" \
	    -v pub="$("$BFTCTL" pubkey <"$CL_DIR/r2new.key")" '
		/^\[/ { sec = $0; id = "" }
		sec == "[Cluster]" && /^Name/ { print; print "Epoch = 1"; next }
		sec == "[Replica]" && /^Id = / { id = $3 }
		sec == "[Replica]" && id == 2 && /^Endpoint/ { print "Endpoint = " ep; next }
		sec == "[Replica]" && id == 2 && /^PublicKey/ {
			print "PublicKey = " pub; print "Joined = 1"; next }
		{ print }' "$OLD_CONF" >"$NEW_CONF"
}

setup() {
	cl_topology $((N + 1)) &&
	cl_config "$N" "$CLIENTS" "Admin = $ADMIN" "BatchSize = 16" \
		"CheckpointInterval = 32" "LogSize = 64" \
		"ViewChangeTimeoutMs = $RC_VC_MS" &&
	cl_start "$N" || return 1
	OLD_CONF=$CL_DIR/cluster.conf
	NEW_CONF=$CL_DIR/new.conf
	new_conf || return 1
	cl_req put before 1 >/dev/null || return 1
	[ "$(rc_json 0 epoch)" = 0 ] && [ "$(rc_json 0 staged_epoch)" = 0 ]
}

# reconfig [OPTIONS]: bftctl reconfig as the admin, with the new file.
reconfig() {
	cl_c reconfig -c "$NEW_CONF" -k "$CL_DIR/client.key" "$@"
}

# refused WANT_RC REGEX CMD...: rc_refused on replicas 0 1 2 3, or $IN.
refused() {
	RC_IN=${IN:-0 1 2 3} rc_refused "$@"
}

bad_size() {
	awk '/^\[Replica\]/ { r++ } r == 4 && !/^\[Client\]/ { next }
	     /^\[Client\]/ { r = 5 } { print }' "$NEW_CONF" |
		sed '/^Joined/d' >"$CL_DIR/n3.conf"
	refused 2 ':[0-9]+: 3 replicas: PBFT needs at least 4' \
		cl_c reconfig -c "$CL_DIR/n3.conf" -k "$CL_DIR/client.key" &&
	refused 1 'at least 4' cl_b 0 setconf r "$CL_DIR/n3.conf" replica 0 \
		private-key "$CL_DIR/r0.key"
}

# The new host and replicas 0 and 1 staged; replica 3 did not.
not_staged() {
	local i

	cl_b "$NEW" setconf r "$NEW_CONF" replica 2 \
		private-key "$CL_DIR/r2new.key" || return 1
	for i in 0 1; do
		cl_b "$i" setconf r "$NEW_CONF" replica "$i" \
			private-key "$CL_DIR/r$i.key" || return 1
		[ "$(rc_json "$i" staged_epoch)" = 1 ] || return 1
	done
	[ "$(rc_json "$NEW" epoch)" = 1 ] || return 1
	refused 1 "replica 3 \\($(cl_addr 4):$CL_PORT\\) has not staged epoch 1 \\(reports epoch 0 in force, nothing staged\\)" \
		reconfig -t 2000
}

non_admin() {
	refused 1 "client 0 is not the cluster's admin" reconfig -i 0
}

# Under load: stage on replica 3, reconfig, measure.
replace() {
	cl_b 3 setconf r "$NEW_CONF" replica 3 private-key "$CL_DIR/r3.key" &&
		rc_under_load load "$RC_SECS" "$OLD_CONF" "$NEW_CONF" 1 "$N" 0 1 3 "$NEW"
}

left_is() {
	[ "$(rc_json 2 left)" = "$1" ]
}

old_host_left() {
	slowwait 10 left_is true
	ktap_print_msg "old host of replica 2: $(rc_state 2)"
	left_is true
}

# Replica 2 again on its old host with the old file: every datagram of
# it fails the MAC at the replicas of epoch 1, which installed the new key.
old_host_dropped() {
	rc_dropped_as rx_mac_failed 2 cl_start_replica 2
}

backwards() {
	IN="0 1 3 $NEW" refused 1 'epoch goes backwards' cl_b 0 setconf r \
		"$OLD_CONF" replica 0 private-key "$CL_DIR/r0.key"
}

ktap_print_header
ktap_set_plan 9
bft_require "$BFTCTL" ip awk
[ -x "$LINCHECK" ] || ktap_exit_fail_msg "no lincheck at $LINCHECK"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"

ktap_test_result "n=4 cluster in epoch 0 with an admin" setup
ktap_test_result "a file with n = 3 is refused, nothing changes" bad_size
ktap_test_result "not staged everywhere: reconfig names replica 3, nothing changes" not_staged
ktap_test_result "a non-admin client: refused, nothing changes" non_admin
ktap_test_result "replace replica 2 under load: no failed request, epoch 1 agrees" replace
ktap_test_result "the old host of replica 2 reports left" old_host_left
ktap_test_result "the old host's messages are dropped (MAC of the new key)" old_host_dropped
ktap_test_result "setconf with an epoch that goes backwards: refused" backwards
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
