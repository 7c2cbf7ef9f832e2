#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Membership changes of a cluster_lib.sh cluster (reconfig.sh, resize.sh):
# the replicas' epoch state for "nothing changed" checks, and bftctl
# reconfig under closed-loop load with its switch time and throughput.
# Replica names are "r"; the admin's key is $CL_DIR/client.key.

# Seconds of load per change (BFT_RECONF_SECS): the debug kernel (KASAN,
# lockdep) needs the switch paths, not the load. Its view-change timeout
# (RC_VC_MS) is 4x: there a new host's state transfer, which epoch 1
# waits for, can outlast 1 s. With 1 s, a lone replica's timer fired and
# it sat in its view change while the others went on (so seq differed
# at the end), and a CI rehearsal saw views stall the 7-replica epoch
# for 18 s.
# shellcheck disable=SC2034 # used by the tests that source this
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	RC_SECS=${BFT_RECONF_SECS:-6}
	RC_VC_MS=4000
else
	RC_SECS=${BFT_RECONF_SECS:-12}
	RC_VC_MS=1000
fi

# rc_json NS KEY [SECTION]: a field of `show -j` in replica netns NS.
rc_json() {
	cl_b "$1" -j show r | json_get "$2" "${3:-}"
}

# rc_state NS...: epoch/staged/pending/left/n of each, one line (one
# bftctl call per replica).
rc_state() {
	local i j

	for i in "$@"; do
		j=$(cl_b "$i" -j show r 2>/dev/null)
		printf '%s:%s/%s/%s/%s/%s ' "$i" "$(echo "$j" | json_get epoch)" \
			"$(echo "$j" | json_get staged_epoch)" \
			"$(echo "$j" | json_get reconf_at)" \
			"$(echo "$j" | json_get left)" "$(echo "$j" | json_get n)"
	done
}

# rc_refused WANT_RC REGEX CMD...: CMD fails with WANT_RC and REGEX on
# stderr, and no replica in $RC_IN (netns list) changed its rc_state.
rc_refused() {
	local rc=$1 re=$2 before after out got

	shift 2
	# shellcheck disable=SC2086 # a list of netns
	before=$(rc_state $RC_IN)
	out=$("$@" 2>&1 >/dev/null)
	got=$?
	# shellcheck disable=SC2086
	after=$(rc_state $RC_IN)
	ktap_print_msg "rc $got: $(echo "$out" | head -n 4 | tr '\n' ' ')"
	[ "$before" = "$after" ] ||
		{ ktap_print_msg "changed: $before -> $after"; return 1; }
	[ "$got" = "$rc" ] && echo "$out" | grep -Eq -- "$re"
}

# CLOCK_MONOTONIC in ms, the clock of the bench histories.
rc_mono_ms() {
	awk '{ printf "%d", $1 * 1000 }' /proc/uptime
}

# rc_throughput FROM TO HIST: requests/s completed in [FROM, TO) ms.
rc_throughput() {
	awk -v a="$1" -v b="$2" '$3 != "-" { t = $3 / 1e6; if (t >= a && t < b) k++ }
		END { printf "%.0f", (b > a ? k * 1000 / (b - a) : 0) }' "$3"
}

# rc_dip FROM TO HIST: the slowest 250 ms of [FROM, TO), in requests/s.
rc_dip() {
	awk -v a="$1" -v b="$2" '$3 != "-" { t = $3 / 1e6
			if (t >= a && t < b) c[int((t - a) / 250)]++ }
		END { n = int((b - a) / 250); m = -1
			for (i = 0; i < n; i++) if (m < 0 || c[i] + 0 < m) { m = c[i] + 0; w = i }
			printf "%d requests/s in the 250 ms from +%d ms", m * 4, w * 250 }' "$3"
}

# rc_same_view VIEW IDS...: every replica in IDS is still in VIEW. Not
# asserted on the debug kernel, where even RC_VC_MS is no bound on a
# new host's transfer.
rc_same_view() {
	local v=$1 i j k moved=

	shift
	[ -n "${BFT_DEBUG_KERNEL:-}" ] && return 0
	for i in "$@"; do
		j=$(rc_json "$i" view)
		[ "$j" = "$v" ] && continue
		ktap_print_msg "replica $i changed view: $v -> $j"
		moved=1
	done
	[ -z "$moved" ] && return 0
	# What moved them: the suspicion, transfer and retransmission counters.
	for i in "$@"; do
		j=$(cl_b "$i" -j show r)
		ktap_print_msg "replica $i: $(for k in view_changes expect_late expect_rate state_transfers xfer_failures retx_requests; do
			printf '%s %s ' "$k" "$(echo "$j" | json_get "$k" counters)"; done)"
	done
	return 1
}

# rc_under_load NAME SECS LOAD_CONF CONF EPOCH N IDS...: closed-loop load
# from clients 0..7 for SECS (client file LOAD_CONF), `bftctl reconfig -c
# CONF` a third of the way in; then no request failed, the history is
# linearizable, every replica in IDS reports EPOCH with n N and they
# agree on seq and digest, and none changed views: nothing is faulty, so
# new hosts must join without one (a view whose primary is a host still
# fetching the state stalls every client). Prints the switch time and
# requests/s.
rc_under_load() {
	local name=$1 secs=$2 load=$3 conf=$4 ep=$5 n=$6 hist t0 t1 t_end out k i rc v

	shift 6
	hist=$CL_DIR/$name.hist
	v=$(rc_json 0 view)
	cl_bench_bg "$CL_DIR/$name" "$secs" --clients 8 -c "$load"
	t0=$(rc_mono_ms)
	sleep $((secs / 3))
	t1=$(rc_mono_ms)
	# The RECONFIG is one more request behind the load.
	out=$(cl_c -j reconfig -c "$conf" -k "$CL_DIR/client.key" \
		-t "$CL_LOAD_TIMEOUT_MS" 2>&1)
	rc=$?
	t_end=$(rc_mono_ms)
	cl_bench_wait "$CL_DIR/$name" || return 1
	[ "$rc" = 0 ] || { echo "$out" | sed 's/^/# /'; return 1; }
	k=$(echo "$out" | json_get switch_ms)
	ktap_print_msg "$name: bftctl reconfig took $((t_end - t1)) ms in all (staged check $(echo "$out" | json_get staged_check_ms) ms), $k ms from RECONFIG to epoch $ep at every replica"
	ktap_print_msg "$name requests/s: before $(rc_throughput "$t0" "$t1" "$hist"), during $(rc_throughput "$t1" "$t_end" "$hist"), after $(rc_throughput "$t_end" $((t0 + secs * 1000)) "$hist")"
	ktap_print_msg "$name slowest: $(rc_dip $((t1 - 1000)) $((t_end + 1000)) "$hist") (from 1 s before bftctl reconfig to 1 s after)"
	cl_lincheck || return 1
	for i in "$@"; do
		[ "$(rc_json "$i" epoch)" = "$ep" ] && [ "$(rc_json "$i" n)" = "$n" ] ||
			{ ktap_print_msg "netns $i: $(rc_state "$i")"; return 1; }
	done
	cl_converged_ids 60 "$@" && rc_same_view "$v" "$@"
}

# rc_counter_above NAME VALUE: replica 0's counter NAME exceeds VALUE.
rc_counter_above() {
	[ "$(cl_counter 0 "$1")" -gt "$2" ]
}

# rc_dropped_as COUNTER NS CMD...: after CMD (which re-creates a replica
# in netns NS from some file), replica 0's COUNTER rises within 30 s; the
# replica in NS is deleted again.
rc_dropped_as() {
	local counter=$1 ns=$2 before after

	shift 2
	before=$(cl_counter 0 "$counter")
	cl_b "$ns" replica del r && "$@" || return 1
	slowwait 30 rc_counter_above "$counter" "${before:-0}"
	after=$(cl_counter 0 "$counter")
	ktap_print_msg "replica 0 $counter: $before -> $after"
	cl_b "$ns" replica del r
	[ "${after:-0}" -gt "${before:-0}" ]
}
