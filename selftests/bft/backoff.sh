#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# View-change timeout backoff. n = 7 (f = 2): replicas 0 and 1, the
# primaries of views 0 and 1, are silent adversaries. A client's request
# makes the five correct replicas time out in view 0 (base timeout T),
# then again in view 1, and view 2 (primary 2) is installed. The view-
# change timeout shown by `bftctl show` (vc_timeout_ms) must be T in view
# 0, T x ViewChangeBackoff while view 1 is tried, T x backoff^2 capped at
# ViewChangeTimeoutMaxMs once view 2 is armed, and back at T after the
# first request executes in view 2.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

ADV=${ADV:-$(dirname "$0")/adversary}
N=7
CORRECT="2 3 4 5 6"
# View 1 is tried for T ms, and each correct replica must be sampled in
# it: on the debug kernel (KASAN, lockdep under TCG) a sample takes
# seconds, so T is longer there.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	T=20000
	MAX=120000
else
	T=5000
	MAX=30000
fi
B=3
# The client gives up between the first view change (after T) and the
# second (T later): nothing is pending once view 2 is installed.
GIVE_UP=$((T + T / 2))
ADV_PIDS=
REQ_PID=
SAMPLERS=

cleanup() {
	local p

	for p in $ADV_PIDS $REQ_PID $SAMPLERS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	cl_cleanup
}
trap cleanup EXIT

# Two adversaries (adversary_lib.sh's adv_start holds one).
silent_start() {
	local id

	for id in 0 1; do
		ip netns exec "$(cl_ns "$id")" "$ADV" -c "$CL_DIR/cluster.conf" \
			-r "$id" -k "$CL_DIR/r$id.key" silent \
			>"$CL_DIR/adv$id.out" 2>&1 &
		ADV_PIDS="$ADV_PIDS $!"
	done
}

setup() {
	local i

	cl_topology "$N" &&
	cl_config "$N" 4 "BatchSize = 1" "ViewChangeTimeoutMs = $T" \
		"ViewChangeTimeoutMaxMs = $MAX" "ViewChangeBackoff = $B" ||
		return 1
	for i in $CORRECT; do
		cl_b "$i" setconf r "$CL_DIR/cluster.conf" replica "$i" \
			private-key "$CL_DIR/r$i.key" || return 1
	done
	silent_start
}

# all_show VIEW STATUS TIMEOUT TRIES: every correct replica is in VIEW
# with STATUS and shows vc_timeout_ms TIMEOUT.
all_show() {
	local view=$1 st=$2 to=$3 tries=$4 i ok out

	while :; do
		ok=1
		for i in $CORRECT; do
			out=$(cl_b "$i" -j show r)
			[ "$(json_get view <<<"$out")" = "$view" ] &&
			[ "$(json_get status <<<"$out")" = "$st" ] &&
			[ "$(json_get vc_timeout_ms <<<"$out")" = "$to" ] ||
				{ ok=0; break; }
		done
		[ "$ok" = 1 ] && break
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || break
		sleep 0.1
	done
	for i in $CORRECT; do
		out=$(cl_b "$i" -j show r)
		ktap_print_msg "replica $i: view $(json_get view <<<"$out") $(json_get status <<<"$out"), vc_timeout_ms $(json_get vc_timeout_ms <<<"$out") (want view $view $st $to)"
	done
	[ "$ok" = 1 ]
}

base_timeout() {
	all_show 0 normal "$T" 50
}

# sample I: replica I's view, status and vc_timeout_ms, as fast as
# bftctl goes, into samples.I (one poller per replica: view 1 lasts only
# T ms and five sequential polls can miss it under TCG).
sample() {
	local out

	while :; do
		out=$(cl_b "$1" -j show r)
		echo "$(json_get view <<<"$out") $(json_get status <<<"$out") $(json_get vc_timeout_ms <<<"$out")"
		sleep 0.05
	done >"$CL_DIR/samples.$1" 2>/dev/null
}

# One request that the silent primaries never order: the correct
# replicas time out in view 0, try view 1 for T ms (every one of them
# must show T x B meanwhile) and install view 2. The client gives up
# before that, so nothing is pending in view 2 (NEW-VIEW forgets old
# requests) and view 2's backed-off timeout stays visible.
changes() {
	local i ok=1

	for i in $CORRECT; do
		sample "$i" &
		SAMPLERS="$SAMPLERS $!"
	done
	T0=$(cl_now_ms)
	cl_req -t "$GIVE_UP" put k1 v1 >/dev/null 2>&1 &
	REQ_PID=$!
	all_show 2 normal "$(want2)" 80 || ok=0
	ktap_print_msg "view 2 installed $(($(cl_now_ms) - T0)) ms after the request (T = $T ms, client gave up after $GIVE_UP ms)"
	wait "$REQ_PID" && { ktap_print_msg "the request completed"; ok=0; }
	REQ_PID=
	for i in $SAMPLERS; do
		kill "$i" 2>/dev/null
		wait "$i" 2>/dev/null
	done
	SAMPLERS=
	for i in $CORRECT; do
		ktap_print_msg "replica $i: samples (view status vc_timeout_ms): $(uniq "$CL_DIR/samples.$i" | tr '\n' ',')"
		grep -q "^1 view-change $((T * B))\$" "$CL_DIR/samples.$i" || ok=0
	done
	[ "$ok" = 1 ]
}

want2() {
	local w=$((T * B * B))

	[ "$w" -gt "$MAX" ] && w=$MAX
	echo "$w"
}

# The stale request is not re-proposed: no progress, no reset yet.
still_backed_off() {
	sleep 1
	all_show 2 normal "$(want2)" 1
}

progress_resets() {
	local t0 t1 v

	t0=$(cl_now_ms)
	cl_req -t 60000 put k2 v2 >/dev/null || return 1
	t1=$(cl_now_ms)
	ktap_print_msg "first commit in view 2: $((t1 - t0)) ms"
	all_show 2 normal "$T" 60 || return 1
	v=$(cl_req -t 30000 get k2) && [ "$v" = v2 ]
}

converged() {
	local i

	for i in $CORRECT; do
		ktap_print_msg "replica $i: view changes $(cl_counter "$i" view_changes), new views $(cl_counter "$i" new_views)"
	done
	cl_converged_ids 60 $CORRECT
}

ktap_print_header
ktap_set_plan 6
bft_require "$BFTCTL" ip "$ADV"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup || ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "view 0: vc_timeout_ms is the base $T" base_timeout
ktap_test_result "view 1 tried with vc_timeout_ms $T x $B, view 2 installed with $T x $B^2 capped at $MAX" changes
ktap_test_result "no progress in view 2 yet: the backoff stays" still_backed_off
ktap_test_result "a request executes in view 2 and vc_timeout_ms is back at $T" progress_resets
ktap_test_result "correct replicas converge (seq and state digest)" converged
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
