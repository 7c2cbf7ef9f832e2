#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A cluster in which one replica is the userspace adversary: sourced after
# cluster_lib.sh by the Byzantine tests. The adversary binds that
# replica's endpoint in its namespace with its keys; no kernel replica
# is configured there.

ADV=${ADV:-$(dirname "$0")/adversary}
ADV_PID=
MON_PID=
BENCH_PID=

adv_cleanup() {
	local p

	for p in $ADV_PID $MON_PID $BENCH_PID; do
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
}

adv_stop() {
	[ -n "$ADV_PID" ] || return 0
	kill "$ADV_PID" 2>/dev/null
	wait "$ADV_PID" 2>/dev/null
	ADV_PID=
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
		--timeout 30000 >"$out" 2>&1 &
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
	local ids=$CORRECT tries=$1 i e d ref ok

	while :; do
		ok=1 ref=
		for i in $ids; do
			e=$(cl_json "$i" last_executed)
			d=$(cl_json "$i" state_digest)
			[ -n "$e" ] && [ -n "$d" ] || { ok=0; break; }
			[ -z "$ref" ] && ref="$e $d"
			[ "$e $d" = "$ref" ] || { ok=0; break; }
		done
		[ "$ok" = 1 ] && break
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || break
		sleep 0.5
	done
	for i in $ids; do
		ktap_print_msg "replica $i: view $(cl_json "$i" view) executed $(cl_json "$i" last_executed) state $(cl_json "$i" state_digest)"
	done
	[ "$ok" = 1 ]
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

# Milliseconds (busybox date has no %N).
now_ms() {
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}
