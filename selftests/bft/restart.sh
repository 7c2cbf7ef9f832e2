#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Crash and restart under load, in a 4-replica cluster:
#  a) a backup: `replica del`, then re-created empty with the same
#     configuration and keys;
#  b) the primary of view 0: the others change view; it comes back in
#     view 0, joins the view the others are in (its view change, then
#     their NEW-VIEW) and rejoins as a backup;
#  c) a host crash: the replica's whole network namespace is deleted with
#     the replica in it (the pernet exit path: since every replica shares
#     the guest's one kernel, this is our equivalent of rmmod on one host)
#     and re-created.
# Clients keep running throughout and every request completes. The
# restarted replica catches up by state transfer to the stable checkpoint
# (its state_transfers counter, XFER events), executes along with the
# others again, and every replica ends with the same state; values PUT
# before each crash are read back. Reports each catch-up time: from
# re-creation until the replica has executed what the others had when it
# came back, and until it is level with them.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
K=16
CLIENTS=4
CL_CLIENT=7
MON_PID=
CATCH_PID=
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	LOAD=45
else
	LOAD=15
fi

cleanup() {
	[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null
	[ -n "$CATCH_PID" ] && kill "$CATCH_PID" 2>/dev/null
	cl_bench_kill
	cl_cleanup
}
trap cleanup EXIT

# crash ID HOW (del | netns) LIVE: stop replica ID under load.
crash() {
	local id=$1 how=$2 live=$3

	cl_put_keys "pre$id$how" 4 || return 1
	cl_bench_bg "$CL_DIR/$id$how.json" "$LOAD" --clients "$CLIENTS"
	cl_wait_exec_ge "$live" $(($(cl_exec "$live") + 4)) 150 || return 1
	if [ "$how" = netns ]; then
		# Host-side veth first: netns teardown frees it asynchronously
		# and the same name is needed again at once.
		ip link del "$CL-v$id" &&
		ip netns del "$(cl_ns "$id")" || return 1
	else
		cl_b "$id" replica del r || return 1
	fi
	ktap_print_msg "replica $id down ($how) at executed $(cl_exec "$live") (replica $live)"
}

# The others keep serving: two checkpoint intervals more.
survivors_serve() {
	local live=$1 e

	e=$(cl_exec "$live")
	cl_wait_exec_ge "$live" $((e + 2 * K)) 300 || return 1
	ktap_print_msg "replica $live executed $e -> $(cl_exec "$live") while one replica was down (view $(cl_json "$live" view))"
}

# restart ID HOW LIVE: re-create it, time its catch-up under load.
restart() {
	local id=$1 how=$2 live=$3 t0 t1 t2 target e x

	if [ "$how" = netns ]; then
		cl_link "$(cl_ns "$id")" "$(cl_addr $((id + 1)))" "$CL-v$id" ||
			return 1
	fi
	ip netns exec "$(cl_ns "$id")" "$BFTCTL" monitor \
		>"$CL_DIR/mon$id$how" 2>&1 &
	MON_PID=$!
	# More load (clients 4 and 5) for the whole catch-up: a restarted
	# replica learns the stable checkpoint from new CHECKPOINTs, and the
	# phase's load may end first on a slow host.
	cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--ids 4 --clients 2 --duration 20 --mix 1/1 --keys 32 \
		--timeout 30000 --history "$CL_DIR/catch$id$how.json.hist" \
		>"$CL_DIR/catch$id$how.json" 2>&1 &
	CATCH_PID=$!
	t0=$(cl_now_ms)
	cl_start_replica "$id" || return 1
	target=$(cl_exec "$live")
	cl_wait_exec_ge "$id" "$target" 600 || return 1
	t1=$(cl_now_ms)
	# Level: executed what the others had a moment before.
	for x in $(seq 300); do
		e=$(cl_exec "$live")
		[ "$(cl_exec "$id")" -ge "$e" ] && break
		sleep 0.2
	done
	t2=$(cl_now_ms)
	x=$(cl_counter "$id" state_transfers)
	ktap_print_msg "replica $id ($how): caught up to $target in $((t1 - t0)) ms, level with replica $live in $((t2 - t0)) ms; state transfers $x, batch fetches $(cl_counter "$id" batch_fetches), view $(cl_json "$id" view) primary $(cl_json "$id" primary)"
	kill "$MON_PID" 2>/dev/null
	wait "$MON_PID" 2>/dev/null
	MON_PID=
	ktap_print_msg "replica $id events: $(grep -c state-transfer "$CL_DIR/mon$id$how") xfer, e.g. $(grep -m1 state-transfer-done "$CL_DIR/mon$id$how")"
	[ "${x:-0}" -ge 1 ] && grep -q state-transfer-done "$CL_DIR/mon$id$how"
}

# It takes part again: once the crash-phase load has ended (every request
# completed), a fresh load runs and the replica executes along with the
# others; then all converge and the values PUT before the crash are there.
takes_part() {
	local id=$1 live=$2 how=$3 e l x

	cl_bench_wait "$CL_DIR/$id$how.json" || return 1
	# The catch-up load too (cl_bench_wait checks its counts).
	CL_BENCH_PID=$CATCH_PID
	CATCH_PID=
	cl_bench_wait "$CL_DIR/catch$id$how.json" || return 1
	e=$(cl_exec "$id")
	l=$(cl_exec "$live")
	x=$(cl_counter "$id" state_transfers)
	cl_bench_bg "$CL_DIR/$id$how.2.json" 4 --clients "$CLIENTS" &&
	cl_bench_wait "$CL_DIR/$id$how.2.json" || return 1
	cl_converge_all 30 "$N" || return 1
	ktap_print_msg "replica $id executed $e -> $(cl_exec "$id") under new load (replica $live $l -> $(cl_exec "$live")); state transfers meanwhile $(($(cl_counter "$id" state_transfers) - x))"
	[ "$(cl_exec "$id")" -gt "$e" ] &&
	cl_check_keys "pre$id$how" 4
}

phase() {
	local id=$1 how=$2 live=$3 what=$4

	ktap_test_result "$what: crash under load" crash "$id" "$how" "$live"
	ktap_test_result "$what: the others keep serving" survivors_serve "$live"
	ktap_test_result "$what: re-created, catches up by state transfer" \
		restart "$id" "$how" "$live"
	ktap_test_result "$what: takes part again, all requests complete, replicas converge, values kept" \
		takes_part "$id" "$live" "$how"
}

rejoined_backup() {
	local i v

	v=$(cl_json 1 view)
	for ((i = 0; i < N; i++)); do
		ktap_print_msg "replica $i: view $(cl_json "$i" view) primary $(cl_json "$i" primary) $(cl_json "$i" status), view changes $(cl_counter "$i" view_changes)"
		[ "$(cl_json "$i" view)" = "$v" ] || return 1
	done
	[ "$v" -ge 1 ] && [ "$(cl_json 0 primary)" != 0 ] &&
	[ "$(cl_json 0 status)" = normal ]
}

# BFT_RESTART selects the phases (restart_backup.sh, restart_primary.sh
# and restart_netns.sh run one each, to stay within the per-test budget
# on a busy host); default all three.
PHASES=${BFT_RESTART:-backup primary netns}
plan=2
for p in $PHASES; do
	case $p in
	backup|netns) plan=$((plan + 4)) ;;
	primary) plan=$((plan + 5)) ;;
	esac
done

ktap_print_header
ktap_set_plan "$plan"
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 8 "BatchSize = 16" "CheckpointInterval = $K" \
	"LogSize = $((4 * K))" "ViewChangeTimeoutMs = 2000" \
	"ViewChangeTimeoutMaxMs = 8000" ||
	ktap_exit_fail_msg "cannot set up the cluster"

for p in $PHASES; do
	case $p in
	backup)
		phase 2 del 0 "backup 2"
		;;
	primary)
		phase 0 del 1 "primary 0"
		ktap_test_result "primary 0: a view change happened, it rejoined as a backup" \
			rejoined_backup
		;;
	netns)
		phase 3 netns 1 "replica 3 netns (host crash)"
		;;
	esac
done
ktap_test_result "history linearizable" cl_lincheck
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
