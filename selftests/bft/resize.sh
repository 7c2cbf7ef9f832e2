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
# quorum and they agree on the executed seq and state digest; replicas 4
# to 6 report left after the shrink, and a removed replica's messages
# are dropped by reason (drop_reason_sender). Bad input gives a clear error and changes
# nothing: n' above MaxReplicas, a file with another MaxReplicas, a grow
# not staged on one new host. Reported, not asserted: the switch time
# and the load's requests/s before, during and after each change.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
MAX=7
CLIENTS=9
ADMIN=8
# The debug kernel (KASAN, lockdep) needs the switch paths, not the load.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	SECS=${BFT_RESIZE_SECS:-6}
else
	SECS=${BFT_RESIZE_SECS:-12}
fi
C0=
C1=
C2=

cleanup() {
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

ns_json() {
	cl_b "$1" -j show r | json_get "$2" "${3:-}"
}

# state NS...: epoch/staged/pending/left/n of each, for "nothing changed".
state() {
	local i j

	for i in "$@"; do
		j=$(cl_b "$i" -j show r 2>/dev/null)
		printf '%s:%s/%s/%s/%s/%s ' "$i" "$(echo "$j" | json_get epoch)" \
			"$(echo "$j" | json_get staged_epoch)" \
			"$(echo "$j" | json_get reconf_at)" \
			"$(echo "$j" | json_get left)" "$(echo "$j" | json_get n)"
	done
}

# refused WANT_RC REGEX CMD...: CMD fails with WANT_RC and REGEX on
# stderr, and no replica in $IN changed.
refused() {
	local rc=$1 re=$2 before after out got

	shift 2
	# shellcheck disable=SC2086 # a list of netns
	before=$(state $IN)
	out=$("$@" 2>&1 >/dev/null)
	got=$?
	# shellcheck disable=SC2086
	after=$(state $IN)
	ktap_print_msg "rc $got: $(echo "$out" | head -n 3 | tr '\n' ' ')"
	[ "$before" = "$after" ] ||
		{ ktap_print_msg "changed: $before -> $after"; return 1; }
	[ "$got" = "$rc" ] && echo "$out" | grep -Eq -- "$re"
}

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
		"ViewChangeTimeoutMs = 1000" &&
	cl_start "$N" || return 1
	C0=$CL_DIR/cluster.conf
	C1=$CL_DIR/grow.conf
	C2=$CL_DIR/shrink.conf
	grow_conf && shrink_conf || return 1
	cl_req put before 1 >/dev/null || return 1
	[ "$(ns_json 0 max_n)" = "$MAX" ] && [ "$(ns_json 0 n)" = "$N" ]
}

# setconf_on NS ID FILE
setconf_on() {
	cl_b "$1" setconf r "$3" replica "$2" private-key "$CL_DIR/r$2.key"
}

bad_input() {
	IN="0 1 2 3"
	sed 's/^MaxReplicas = .*/MaxReplicas = 8/' "$C1" >"$CL_DIR/max8.conf"
	refused 1 'MaxReplicas' setconf_on 0 0 "$CL_DIR/max8.conf" || return 1
	# Replica 7 with MaxReplicas 7: the parser names the line.
	sed 's/^MaxReplicas = .*/MaxReplicas = 6/' "$C1" >"$CL_DIR/max6.conf"
	refused 1 'max6.conf:[0-9]+: .*MaxReplicas' \
		setconf_on 0 0 "$CL_DIR/max6.conf"
}

# New hosts 4 and 5 and the old replicas staged; new host 6 did not.
not_staged() {
	local i

	IN="0 1 2 3 4 5"
	for i in 4 5; do
		setconf_on "$i" "$i" "$C1" || return 1
		[ "$(ns_json "$i" epoch)" = 1 ] || return 1
	done
	for ((i = 0; i < N; i++)); do
		setconf_on "$i" "$i" "$C1" || return 1
		[ "$(ns_json "$i" staged_epoch)" = 1 ] || return 1
	done
	refused 1 "replica 6 \\($(cl_addr 7):$CL_PORT\\) " \
		cl_c reconfig -c "$C1" -k "$CL_DIR/client.key" -t 2000
}

throughput() {
	awk -v a="$1" -v b="$2" '$3 != "-" { t = $3 / 1e6; if (t >= a && t < b) k++ }
		END { printf "%.0f", (b > a ? k * 1000 / (b - a) : 0) }' "$3"
}

dip() {
	awk -v a="$1" -v b="$2" '$3 != "-" { t = $3 / 1e6
			if (t >= a && t < b) c[int((t - a) / 250)]++ }
		END { n = int((b - a) / 250); m = -1
			for (i = 0; i < n; i++) if (m < 0 || c[i] + 0 < m) { m = c[i] + 0; w = i }
			printf "%d requests/s in the 250 ms from +%d ms", m * 4, w * 250 }' "$3"
}

mono_ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

# change NAME NEW:OLD EPOCH N IDS...: bftctl reconfig under load (the
# load's clients name both files too), then every replica in IDS is in
# EPOCH with n N and they agree.
change() {
	local name=$1 cconf=$2 ep=$3 n=$4 t0 t1 t_end out k i rc

	shift 4
	cl_bench_bg "$CL_DIR/$name" "$SECS" --clients 8 -c "$cconf"
	t0=$(mono_ms)
	sleep $((SECS / 3))
	t1=$(mono_ms)
	out=$(cl_c -j reconfig -c "$cconf" -k "$CL_DIR/client.key" 2>&1)
	rc=$?
	t_end=$(mono_ms)
	cl_bench_wait "$CL_DIR/$name" || return 1
	[ "$rc" = 0 ] || { echo "$out" | sed 's/^/# /'; return 1; }
	k=$(echo "$out" | json_get switch_ms)
	ktap_print_msg "$name: bftctl reconfig took $((t_end - t1)) ms in all, $k ms from RECONFIG to epoch $ep at every replica"
	ktap_print_msg "$name requests/s: before $(throughput "$t0" "$t1" "$CL_DIR/$name.hist"), during $(throughput "$t1" "$t_end" "$CL_DIR/$name.hist"), after $(throughput "$t_end" $((t0 + SECS * 1000)) "$CL_DIR/$name.hist")"
	ktap_print_msg "$name slowest: $(dip $((t1 - 1000)) $((t_end + 1000)) "$CL_DIR/$name.hist") (from 1 s before bftctl reconfig to 1 s after)"
	cl_lincheck || return 1
	for i in "$@"; do
		[ "$(ns_json "$i" epoch)" = "$ep" ] && [ "$(ns_json "$i" n)" = "$n" ] ||
			{ ktap_print_msg "netns $i: $(state "$i")"; return 1; }
	done
	cl_converged_ids 60 "$@"
}

grow() {
	setconf_on 6 6 "$C1" || return 1
	# The new file first: reconfig reads the new configuration from it.
	change grow "$C1:$C0" 1 "$MAX" 0 1 2 3 4 5 6 || return 1
	[ "$(ns_json 0 f)" = 2 ] && [ "$(ns_json 0 quorum)" = 5 ] ||
		{ ktap_print_msg "replica 0: f $(ns_json 0 f) quorum $(ns_json 0 quorum)"; return 1; }
}

shrink() {
	local i

	for ((i = 0; i < N; i++)); do
		setconf_on "$i" "$i" "$C2" || return 1
	done
	change shrink "$C2:$C1" 2 "$N" 0 1 2 3 || return 1
	[ "$(ns_json 0 f)" = 1 ] && [ "$(ns_json 0 quorum)" = 3 ]
}

left_all() {
	local i

	for ((i = N; i < MAX; i++)); do
		[ "$(ns_json "$i" left)" = true ] || return 1
	done
}

leavers_left() {
	slowwait 10 left_all
	ktap_print_msg "replicas 4-6: $(state 4 5 6)"
	left_all
}

sender_drops_above() {
	[ "$(cl_counter 0 drop_reason_sender)" -gt "$1" ]
}

# Replica 5 again on its host with the epoch-1 file (n = 7): replica 0,
# now n = 4, drops whatever it sends as from no replica of the epoch.
leaver_dropped() {
	local before after

	before=$(cl_counter 0 drop_reason_sender)
	cl_b 5 replica del r && setconf_on 5 5 "$C1" || return 1
	slowwait 10 sender_drops_above "${before:-0}"
	after=$(cl_counter 0 drop_reason_sender)
	ktap_print_msg "replica 0 drop_reason_sender: $before -> $after"
	cl_b 5 replica del r
	[ "${after:-0}" -gt "${before:-0}" ]
}

ktap_print_header
ktap_set_plan 8
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
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
