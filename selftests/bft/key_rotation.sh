#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Live key rotation under load, n=4 (Documentation/admin-guide.rst,
# "Rotating keys"). `bftctl set r rotate-keys` on replica 0 cut off from
# its peers (at once again: refused, every pair of it waits for its
# peer's next datagram); healed, and while bftctl bench runs, on
# replicas 1-3: every pairwise key rotates (to 1, or 2 where a replica
# rotates after its peer's rotation of the pair completed);
# then replica 0 alone rotates again and its peers follow. After each,
# every pair is stable with both ends at the same key id. The switch is
# lossless: no datagram is dropped for its key id. Every request
# completes and all replicas agree on the executed seq and state digest.
# Then replica 3 turns adversary and sends CHECKPOINTs with a valid MAC
# under its old key (id 0): each is dropped as drop_reason_key_id,
# exactly.
#
# The load's clients are ids 0-3; the test's own requests use client 4:
# a client id shared with the load would make the replicas drop that
# load client's next requests as stale (its timestamps are older).
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"
. "$(dirname "$0")/adversary_lib.sh"

N=4
# The switch needs no timeout; a short one only made a replica starved
# on a loaded host time out alone (cl_unstick).
VC_MS=5000
SECS=20
OLD=10
CLIENTS=5
CL_CLIENT=4
CORRECT=$(adv_ids "$N" 3)

trap adv_cleanup EXIT

# key_ids I: "peer:key_id:key_state ..." of replica I.
key_ids() {
	cl_b "$1" -j show r | awk '
		{ l = $0; gsub(/[ ",]/, "", l); split(l, f, ":") }
		f[1] == "peers" { p = 1 }
		p && f[1] == "id" { id = f[2] }
		p && f[1] == "key_id" { k = f[2] }
		p && f[1] == "key_state" { printf "%s:%s:%s ", id, k, f[2] }'
}

# keys_settle SECS MIN0 MIN: every pair is stable, both ends at the same
# key id, pairs of replica 0 at >= MIN0 and the others at >= MIN (a
# replica rotating after its peers made it follow may add one step).
keys_settle() {
	local deadline=$((SECONDS + $1)) min0=$2 min=$3 i j a b m bad
	local -a ids

	while :; do
		for ((i = 0; i < N; i++)); do
			ids[i]=" $(key_ids "$i")"
		done
		bad=
		for ((i = 0; i < N; i++)); do
			for ((j = i + 1; j < N; j++)); do
				a=${ids[i]#* $j:}
				a=${a%% *}
				b=${ids[j]#* $i:}
				b=${b%% *}
				m=$min
				[ "$i" = 0 ] && m=$min0
				if [ "$a" != "$b" ] || [ "${a#*:}" != stable ] ||
				   [ "${a%%:*}" -lt "$m" ]; then
					bad="$bad $i-$j:$a/$b"
				fi
			done
		done
		[ -z "$bad" ] && break
		# A pair completes on its next datagram: keep some traffic.
		cl_req -t 5000 put settle "$SECONDS" >/dev/null 2>&1
		if [ "$SECONDS" -ge "$deadline" ]; then
			ktap_print_msg "pairs not settled:$bad"
			return 1
		fi
		sleep 0.2
	done
	for ((i = 0; i < N; i++)); do
		ktap_print_msg "replica $i peers:${ids[i]}"
	done
}

# Replica 0 cut off, so no peer datagram completes a pair (an idle
# cluster still sends heartbeats): every pair of it still rotates when
# it asks again, which is refused. The pairs complete once healed.
rotate_cut_off() {
	local rc=0

	cl_split 0 "1 2 3" || return 1
	cl_b 0 set r rotate-keys || rc=1
	if cl_b 0 set r rotate-keys 2>"$CL_DIR/busy.err"; then
		ktap_print_msg "a second rotate-keys was accepted during the rotation"
		rc=1
	fi
	cl_heal "$N"
	ktap_print_msg "second rotate-keys: $(cat "$CL_DIR/busy.err")"
	grep -q "rotation of every peer is in progress" "$CL_DIR/busy.err" &&
		return "$rc"
}

rotate_all() {
	local i

	sleep 1
	for ((i = 1; i < N; i++)); do
		cl_b "$i" set r rotate-keys || return 1
	done
	keys_settle 60 1 1
}

# Replica 0 alone: its peers follow once they see it use the next key.
rotate_one() {
	local before

	before=" $(key_ids 0)"
	before=${before#* 1:}
	cl_b 0 set r rotate-keys || return 1
	keys_settle 60 $((${before%%:*} + 1)) 1
}

under_load() {
	local t0 t1 rc

	cl_bench_bg "$CL_DIR/load.json" "$SECS" --clients 4
	t0=$(cl_now_ms)
	rotate_all || { cl_bench_kill; return 1; }
	t1=$(cl_now_ms)
	ktap_print_msg "every key rotated in $((t1 - t0 - 1000)) ms (with the checks)"
	rotate_one || { cl_bench_kill; return 1; }
	ktap_print_msg "replica 0's keys rotated again in $(($(cl_now_ms) - t1)) ms"
	cl_bench_wait "$CL_DIR/load.json"
	rc=$?
	rot_counters
	return "$rc"
}

# Lossless: every replica accepted each key id its peers sent.
no_key_id_drops() {
	[ "$(cl_sum "$N" drop_reason_key_id)" = 0 ]
}

# What the rotation cost each replica: datagrams dropped for their key
# id (none expected), and view changes.
rot_counters() {
	local i

	for ((i = 0; i < N; i++)); do
		ktap_print_msg "replica $i: drop_reason_key_id $(cl_counter "$i" drop_reason_key_id) view_changes $(cl_counter "$i" view_changes)"
	done
}

# put_get TAG: a PUT and a GET with exact values.
put_get() {
	local v

	cl_req -t 20000 put "rot-$1" "v-$1" >/dev/null || return 1
	v=$(cl_req -t 20000 get "rot-$1") || return 1
	[ "$v" = "v-$1" ] || { ktap_print_msg "rot-$1: '$v'"; return 1; }
}

old_key_dropped() {
	adv_snap "$CL_DIR/before" $CORRECT
	adv_replace 3 "$CL_DIR/old.out" old-key -n "$OLD" -t 0,1,2 || return 1
	adv_wait_report "$CL_DIR/old.out" 100 || return 1
	adv_stop
	adv_snap "$CL_DIR/after" $CORRECT
	adv_expect_exact "$CL_DIR/old.out" "$CL_DIR/before" "$CL_DIR/after"
}

adv_test_start 8 "$N" "$CLIENTS" "ViewChangeTimeoutMs = $VC_MS" \
	"CheckpointInterval = 32" "LogSize = 64"
ktap_test_result "rotate-keys again while every pair rotates is refused" \
	rotate_cut_off
ktap_test_result "every key rotates under load, no request fails" under_load
ktap_test_result "no datagram dropped for its key id" no_key_id_drops
ktap_test_result "all replicas converge (seq and state digest)" \
	cl_converge_all 50 "$N"
ktap_test_result "requests still complete with the new keys" put_get new
ktap_test_result "old-key MACs are dropped as key_id, exactly" \
	old_key_dropped
ktap_test_result "the three left still serve" put_get after
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
