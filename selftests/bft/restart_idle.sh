#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A replica restarted on an idle cluster (issue 10, finding 7). n=4:
# replica 0, the primary of view 0, is deleted; the others change view
# (to 1 or 2) and execute a few more requests, so that their last executed sequence
# number is past their stable checkpoint. Then, with no client traffic
# at all, replica 0 is re-created empty. It must
#  - never report itself "normal" in view 0 (the primary of a view the
#    others left): it says "joining" until it learns their view;
#  - be level with them (view, last executed, state digest) within a few
#    probe rounds, from its own FETCH(STABLE)/FETCH(LOG) probes only.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
K=8
# Probe rounds start 200 ms after creation, at doubling gaps: ten seconds
# leave room for a slow guest, and a replica that waits for traffic never
# gets there.
LEVEL_MS=10000
CL_CLIENT=5

trap cl_cleanup EXIT

# Replicas 1..3 in one view past 0, normal, executed past their stable
# checkpoint. (bftctl view-change means "view + 1" where it runs: a
# replica that already joined view 1 on the others' evidence goes on to
# view 2.)
moved_on() {
	local i out s v v1 e h

	cl_put_keys a 3 || return 1
	cl_b 0 replica del r || return 1
	for i in 1 2 3; do
		cl_b "$i" view-change r || return 1
	done
	cl_put_keys b $((K + 3)) || return 1
	v1=$(cl_json 1 view)
	for i in 1 2 3; do
		out=$(cl_b "$i" -j show r)
		s=$(json_get status <<<"$out")
		v=$(json_get view <<<"$out")
		e=$(json_get last_executed <<<"$out")
		h=$(json_get stable_checkpoint <<<"$out")
		ktap_print_msg "replica $i: view $v $s, executed $e, stable $h"
		[ "$s" = normal ] && [ "$v" = "$v1" ] && [ "$v" -ge 1 ] &&
			[ "$e" -gt "$h" ] || return 1
	done
}

# Re-created with no traffic: level within LEVEL_MS, never "normal" in
# view 0 on the way.
level_idle() {
	local t0 now out s v e d e1 d1 v1 seen='' bad=0

	e1=$(cl_exec 1)
	d1=$(cl_json 1 state_digest)
	v1=$(cl_json 1 view)
	t0=$(cl_now_ms)
	cl_start_replica 0 || return 1
	while :; do
		now=$(cl_now_ms)
		out=$(cl_b 0 -j show r)
		s=$(json_get status <<<"$out")
		v=$(json_get view <<<"$out")
		e=$(json_get last_executed <<<"$out")
		d=$(json_get state_digest <<<"$out")
		case " $seen " in
		*" $s/$v "*) ;;
		*) seen="$seen $s/$v"
		   ktap_print_msg "+$((now - t0)) ms: replica 0 $s in view $v, executed $e" ;;
		esac
		[ "$s" = normal ] && [ "$v" = 0 ] && bad=1
		[ "$s" = normal ] && [ "$v" = "$v1" ] && [ "$e" = "$e1" ] &&
			[ "$d" = "$d1" ] && break
		[ $((now - t0)) -lt "$LEVEL_MS" ] || {
			ktap_print_msg "not level after $LEVEL_MS ms: view $v $s executed $e (want $v1 normal $e1)"
			return 1
		}
		sleep 0.05
	done
	ktap_print_msg "replica 0 level after $((now - t0)) ms with no client traffic: view $v, executed $e, state transfers $(cl_counter 0 state_transfers), view changes $(cl_counter 0 view_changes)"
	[ "$bad" = 0 ] || ktap_print_msg "replica 0 said normal in view 0"
	[ "$bad" = 0 ] && [ "$(cl_exec 1)" = "$e1" ]
}

ktap_print_header
ktap_set_plan 4
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 1" "CheckpointInterval = $K" \
	"LogSize = $((4 * K))" "ViewChangeTimeoutMs = 2000" ||
	ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "the others move to view 1 past a stable checkpoint" moved_on
ktap_test_result "restarted on an idle cluster: level, never normal in view 0" \
	level_idle
ktap_test_result "values written before the restart read back" \
	cl_check_keys b $((K + 3))
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
