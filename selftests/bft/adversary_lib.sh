#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cluster in which one replica is the userspace adversary: sourced after
# cluster_lib.sh by the Byzantine tests. The adversary binds that
# replica's endpoint in its namespace with its keys; no kernel replica
# is configured there.

ADV=${ADV:-$(dirname "$0")/adversary}
ADV_PID=
ADV_PIDS=
MON_PID=
BENCH_PID=

adv_cleanup() {
	local p

	for p in $ADV_PIDS $MON_PID $BENCH_PID; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	cl_cleanup
}

# adv_up N ADV_ID CLIENTS [policy...]: topology, config, and kernel
# replicas everywhere but ADV_ID.
adv_up() {
	local n=$1 adv=$2 i

	shift 2
	cl_topology "$n" && cl_config "$n" "$@" || return 1
	for ((i = 0; i < n; i++)); do
		[ "$i" = "$adv" ] && continue
		cl_b "$i" setconf r "$CL_DIR/cluster.conf" replica "$i" \
			private-key "$CL_DIR/r$i.key" || return 1
	done
}

# adv_start ID OUT MODE [options...]: the adversary in replica ID's netns.
adv_start() {
	local id=$1 out=$2 mode=$3

	shift 3
	ip netns exec "$(cl_ns "$id")" "$ADV" -c "$CL_DIR/cluster.conf" \
		-r "$id" -k "$CL_DIR/r$id.key" "$@" "$mode" >"$out" 2>&1 &
	ADV_PID=$!
	ADV_PIDS="$ADV_PIDS $ADV_PID"
}

# adv_stop: every adversary this test started; each prints its report.
adv_stop() {
	local p

	for p in $ADV_PIDS; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	ADV_PID=''
	ADV_PIDS=''
}

# adv_ids N [SKIP...]: replica ids 0..N-1 without SKIP.
adv_ids() {
	local n=$1 i s out=

	shift
	for ((i = 0; i < n; i++)); do
		for s in "$@"; do
			[ "$i" = "$s" ] && continue 2
		done
		out="$out $i"
	done
	echo $out
}

# adv_test_start PLAN N CLIENTS [policy...]: the KTAP header, the module
# and a cluster of N kernel replicas, or the test ends here.
adv_test_start() {
	local plan=$1

	shift
	ktap_print_header
	ktap_set_plan "$plan"
	bft_require "$BFTCTL" ip "$ADV"
	dmesg_mark
	bft_load || ktap_exit_fail_msg "cannot load bft.ko"
	cl_up "$@" || ktap_exit_fail_msg "cannot set up the cluster"
}

# adv_replace ID OUT MODE [options...]: kernel replica ID leaves, the
# adversary takes its port and keys.
adv_replace() {
	local id=$1

	shift
	cl_b "$id" replica del r || return 1
	adv_start "$id" "$@"
}

# adv_put_get TAG: five PUTs then GETs return exact values, and the key
# "first" holds "one".
adv_put_get() {
	local i v

	for i in 1 2 3 4 5; do
		cl_req -t 20000 put "key$i" "value-$i-$1" >/dev/null || return 1
	done
	for i in 1 2 3 4 5; do
		v=$(cl_req -t 20000 get "key$i") || return 1
		[ "$v" = "value-$i-$1" ] || { ktap_print_msg "key$i: '$v'"; return 1; }
	done
	v=$(cl_req -t 20000 get first) && [ "$v" = one ]
}

# adv_changed_view MIN: every correct replica is in view >= MIN and
# counted a view change.
adv_changed_view() {
	local i v c

	for i in $CORRECT; do
		v=$(cl_json "$i" view)
		c=$(cl_counter "$i" view_changes)
		ktap_print_msg "replica $i: view $v, view changes $c, primary $(cl_json "$i" primary)"
		[ "${v:-0}" -ge "$1" ] && [ "${c:-0}" -gt 0 ] || return 1
	done
}

# adv_wait_report OUT TRIES: the adversary has finished its attack.
adv_wait_report() {
	local tries=$2

	until grep -q '^adversary:' "$1" 2>/dev/null; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.2
	done
	ktap_print_msg "$(grep '^adversary:' "$1")"
}

# Closed-loop load in the background: bench JSON into OUT.
adv_bench_start() {
	local out=$1 secs=$2

	cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients 4 --ids 0 --duration "$secs" --mix 1/1 --keys 32 \
		--timeout 30000 --history "$out.hist" >"$out" 2>&1 &
	BENCH_PID=$!
}

# adv_bench_ok OUT: the background load ended and every request completed.
adv_bench_ok() {
	local out=$1 k bad=0

	wait "$BENCH_PID" || { BENCH_PID=; cat "$out" | sed 's/^/# /'; return 1; }
	BENCH_PID=
	for k in timeouts conflicts refused other_errors mismatches; do
		bad=$((bad + $(json_get "$k" <"$out")))
	done
	ktap_print_msg "bench: $(json_get ops <"$out") ops, $(json_get ops_per_sec <"$out") ops/s, errors $bad"
	[ "$(json_get ops <"$out")" -gt 0 ] && [ "$bad" -eq 0 ]
}

# adv_ops_per_sec OUT: integer ops/s of a bench run.
adv_ops_per_sec() {
	json_get ops_per_sec <"$1" | cut -d. -f1
}

# adv_fault_free SECS: load on the healthy cluster; sets ADV_BASE (ops/s).
adv_fault_free() {
	adv_bench_start "$CL_DIR/base.json" "$1"
	adv_bench_ok "$CL_DIR/base.json" || return 1
	ADV_BASE=$(adv_ops_per_sec "$CL_DIR/base.json")
}

# adv_load_vs_base SECS WHAT: load now, reported as a fraction of ADV_BASE.
adv_load_vs_base() {
	local secs=$1 now

	shift
	adv_bench_start "$CL_DIR/now.json" "$secs"
	adv_bench_ok "$CL_DIR/now.json" || return 1
	now=$(adv_ops_per_sec "$CL_DIR/now.json")
	ktap_print_msg "throughput $*: $now ops/s, fault-free $ADV_BASE ops/s ($((100 * now / (ADV_BASE > 0 ? ADV_BASE : 1)))%)"
}

# adv_converged TRIES: the correct replicas ($CORRECT; ktap_test_result
# splits arguments) agree on the last executed seq and the state digest.
adv_converged() {
	# shellcheck disable=SC2086 # one word per id
	cl_converged_ids "$1" $CORRECT
}

# adv_snap DIR: every correct replica's counters, for deltas.
adv_snap() {
	local dir=$1 i

	shift
	mkdir -p "$dir"
	for i in "$@"; do
		cl_b "$i" -j show r >"$dir/$i.json"
	done
}

# adv_expect_exact OUT BEFORE AFTER: each "expect ID NAME COUNT" line the
# adversary printed equals replica ID's counter NAME from BEFORE to AFTER.
adv_expect_exact() {
	local out=$1 before=$2 after=$3 id name want b a bad=0 n=0

	while read -r _ id name want; do
		b=$(json_get "$name" counters <"$before/$id.json")
		a=$(json_get "$name" counters <"$after/$id.json")
		n=$((n + 1))
		if [ "$((a - b))" -ne "$want" ]; then
			ktap_print_msg "replica $id $name: +$((a - b)), sent $want"
			bad=1
		fi
	done < <(grep '^expect ' "$out")
	ktap_print_msg "$n drop counters account exactly for what was sent"
	[ "$n" -gt 0 ] && [ "$bad" = 0 ]
}

# A second Byzantine replica (n >= 7: f >= 2), set by the n=7 variants:
# BFT_ADV2=MODE replaces replica N-1 by another adversary aimed at the
# correct replicas, and its drops are checked exactly at the end.
ADV2=${BFT_ADV2:-}

# adv_second_start: replica N-1 turns Byzantine ($ADV2), if asked; drops
# it from CORRECT.
adv_second_start() {
	local id=$((N - 1)) c

	[ -n "$ADV2" ] || return 0
	CORRECT=$(for c in $CORRECT; do [ "$c" != "$id" ] && echo "$c"; done)
	CORRECT=$(echo $CORRECT)
	adv_snap "$CL_DIR/adv2.before" $CORRECT
	adv_replace "$id" "$CL_DIR/adv2.out" "$ADV2" -n 20 \
		-t "$(echo $CORRECT | tr ' ' ,)"
	ktap_print_msg "replica $id is a second adversary ($ADV2)"
}

# adv_second_check: after adv_stop, the second adversary's datagrams
# landed exactly in the drop counters it named.
adv_second_check() {
	[ -n "$ADV2" ] || return 0
	ktap_print_msg "$(grep '^adversary:' "$CL_DIR/adv2.out")"
	adv_snap "$CL_DIR/adv2.after" $CORRECT
	adv_expect_exact "$CL_DIR/adv2.out" "$CL_DIR/adv2.before" \
		"$CL_DIR/adv2.after"
}
