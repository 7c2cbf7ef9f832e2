#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host integration test: bftd replicas (ASan/UBSan build) on loopback
# serving clients through libbftclient (bftctl req, bftctl bench, kvcheck).
# n=4: exact KV round trips, a mixed multi-client load, exact agreement of
# every replica on last_exec and the state digest, a crashed primary
# (view change), a restarted replica catching up, a timeout beyond f
# faults, and clean ASan shutdowns. Then the same core with n=7, and
# bench's event-driven clients against a cluster of their own, and a
# replaced replica (staged on SIGHUP, bftctl reconfig).
#
# Env: BFTD BFTCTL KVCHECK LINCHECK WORK [RES]. Writes "<passed> <failed>" to RES.
set -u

: "${BFTD:?}" "${BFTCTL:?}" "${KVCHECK:?}" "${LINCHECK:?}" "${WORK:?}"
RES=${RES:-/dev/null}
LIMIT=${BFTD_TEST_SECS:-160}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}

pass=0
fail=0
num=0

ok() {
	num=$((num + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $num $2"
	else
		fail=$((fail + 1))
		echo "not ok $num $2"
	fi
}

check() {
	local desc=$1
	shift
	"$@" >/dev/null 2>&1
	ok $? "$desc"
}

finish() {
	stop_all
	echo "$pass $fail" >"$RES"
	echo "# host-bftd: $pass passed, $fail failed (${SECONDS}s)"
}
trap 'finish; exit 1' INT TERM
# The whole test is bounded: a hang fails instead of blocking make.
(
	trap 'kill $s 2>/dev/null; exit 0' TERM
	sleep "$LIMIT" &
	s=$!
	wait $s
	kill -TERM $$ 2>/dev/null
) &
watchdog=$!

rm -rf "$WORK"
mkdir -p "$WORK"
chmod 700 "$WORK"
echo "TAP version 13"

gen_keys 7 || { echo "not ok 1 generate keys"; echo "0 1" >"$RES"; exit 1; }
C=$WORK/c.key
REQ=("$BFTCTL" req -t 5000)

# Replicas of run $1 whose logs show a sanitizer report.
san_clean() {
	! grep -lE 'Sanitizer|runtime error|LEAK' "$WORK"/log* 2>/dev/null
}

# ---- library against fake replicas ----
base=$(free_ports 4)
write_conf "$WORK/mock.conf" 4 "$base" 4
out=$("$KVCHECK" mock "$WORK/mock.conf" "$C" 1 "$WORK"/r{0,1,2,3}.key 2>&1)
rc=$?
while read -r l; do
	case $l in
	"ok "*) ok 0 "${l#ok [0-9]* }" ;;
	"not ok "*) ok 1 "${l#not ok [0-9]* }" ;;
	esac
done <<<"$out"
# A crash or a sanitizer report (a leak) after the last test line.
ok $rc "kvcheck mock exits 0 (no sanitizer report)"

# ---- n = 4 ----
base=$(free_ports 4)
CONF=$WORK/n4.conf
write_conf "$CONF" 4 "$base" 16 "ViewChangeTimeoutMs = 300" \
	"CheckpointInterval = 16" "LogSize = 32"
KV_ARGS=(--max-value-len 512 --max-keys 256)
start_cluster "$CONF" 4 "${KV_ARGS[@]}"
ok $? "n=4: 4 bftd replicas up on 127.0.0.1:$base-$((base + 3))"

out=$("${REQ[@]}" -c "$CONF" -i 0 -k "$C" put greeting "hello world")
ok $? "bftctl req put greeting (got '$out')"
[ "$out" = "ok (created)" ]
ok $? "put reports the key created"
out=$("${REQ[@]}" -c "$CONF" -i 1 -k "$C" get greeting)
[ "$out" = "hello world" ]
ok $? "bftctl req get greeting == 'hello world' (got '$out')"
out=$("${REQ[@]}" -c "$CONF" -i 1 -k "$C" --ro get greeting)
[ "$out" = "hello world" ]
ok $? "bftctl req --ro get greeting == 'hello world'"
out=$("$BFTCTL" -j req -t 5000 -c "$CONF" -i 2 -k "$C" cas greeting "hello world" bye)
grep -q '"ok":true' <<<"$(tr -d ' \n' <<<"$out")"
ok $? "bftctl -j req cas greeting: ok"
out=$("${REQ[@]}" -c "$CONF" -i 2 -k "$C" get greeting)
[ "$out" = "bye" ]
ok $? "get after cas == 'bye'"
"${REQ[@]}" -c "$CONF" -i 2 -k "$C" get missing >/dev/null 2>"$WORK/err"
rc=$?
[ $rc -eq 1 ] && grep -q "not found" "$WORK/err"
ok $? "get of a missing key: exit 1, 'not found' (rc $rc)"
"${REQ[@]}" -c "$CONF" -i 0 -k "$WORK/other.key" get greeting 2>"$WORK/err"
rc=$?
[ $rc -eq 2 ] && grep -q "not the private key of client 0" "$WORK/err"
ok $? "wrong client key: exit 2 with a clear message (rc $rc)"
"$BFTCTL" req -c "$CONF" -i 0 get greeting 2>/dev/null
ok $(($? != 2)) "req without -k: usage error, exit 2"
"$BFTCTL" req -c "$CONF" -i 0 -k "$C" frob x 2>/dev/null
ok $(($? != 2)) "req with an unknown operation: exit 2"
"$BFTD" -c "$CONF" -r 9 -k "$WORK/r0.key" 2>"$WORK/err"
rc=$?
[ $rc -ne 0 ] && grep -q "replica 9 is not in" "$WORK/err"
ok $? "bftd -r 9 on a 4-replica config fails clearly"
"$BFTD" -c "$CONF" -r 1 -k "$WORK/r0.key" 2>"$WORK/err"
rc=$?
[ $rc -ne 0 ] && grep -q "not the private key of replica 1" "$WORK/err"
ok $? "bftd with another replica's key fails clearly"

out=$("$KVCHECK" live "$CONF" "$C" 3 512 2>&1)
rc=$?
while read -r l; do
	case $l in
	"ok "*) ok 0 "kvcheck: ${l#ok [0-9]* }" ;;
	"not ok "*) ok 1 "kvcheck: ${l#not ok [0-9]* }" ;;
	esac
done <<<"$out"
ok $rc "kvcheck live exits 0 (no sanitizer report)"

# Several clients, mixed PUT/GET over their own keys, values checked.
rm -f "$WORK/bench.hist"
out=$("$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 4 --ids 4 \
	--duration 2 --mix 60/40 --op-size 64 --timeout 3000 \
	--history "$WORK/bench.hist")
rc=$?
ops=$(json_num ops <<<"$out")
mism=$(json_num mismatches <<<"$out")
errs=$(( $(json_num timeouts <<<"$out") + $(json_num conflicts <<<"$out") ))
[ $rc -eq 0 ] && [ "${ops:-0}" -ge 300 ] && [ "$mism" = 0 ] && [ "$errs" = 0 ]
ok $? "bench: 4 clients, mixed put/get: ${ops:-0} ops, ${mism:-?} wrong values, ${errs:-?} timeouts+conflicts"
out=$("$LINCHECK" "$WORK/bench.hist")
ok $? "bench history linearizable ($(tail -n 1 <<<"$out"))"
out=$("$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 2 --ids 8 \
	--duration 1 --readonly --mix 0/1 --keys 4)
rc=$?
ops=$(json_num ops <<<"$out")
[ $rc -eq 0 ] && [ "${ops:-0}" -ge 100 ] && [ "$(json_num conflicts <<<"$out")" = 0 ]
ok $? "bench: read-only GETs (all n replies agree): ${ops:-0} ops"

wait_converged 10 0 1 2 3
ok $? "n=4: all replicas agree exactly: view/last_exec/state digest $(converged 0 1 2 3)"
le=$(st 0 last_exec)
[ "${le:-0}" -ge 1000 ]
ok $? "n=4: last_exec $le covers the ordered requests (>= 1000)"
for i in 0 1 2 3; do
	[ "$(st $i requests_executed)" = "$(st 0 requests_executed)" ] &&
		[ "$(st $i mac_failed)" = 0 ] && [ "$(st $i rx_drops)" = 0 ]
	ok $? "replica $i: same requests executed ($(st $i requests_executed)), MAC failures $(st $i mac_failed), receive drops $(st $i rx_drops)"
done
kill -USR1 "${PIDS[1]}"
sleep 0.3
grep -q "^  preprepare " "$WORK/log1"
ok $? "SIGUSR1 prints the counters"
# A 3-byte datagram: dropped on receive and reported by reason name.
printf 'bft' >"/dev/udp/127.0.0.1/$((base + 1))"
sleep 0.3
kill -USR1 "${PIDS[1]}"
sleep 0.3
grep -q "^  drop reason short: receive 1 engine 0$" "$WORK/log1" &&
	[ "$(st 1 rx_drop_short)" = 1 ]
ok $? "a short datagram is counted by name: rx_drop_short $(st 1 rx_drop_short)"

# Live key rotation (SIGUSR2, as bftctl set NAME rotate-keys) on replica
# 1 alone, under load: its peers follow (engine/keyrot.h), every pair of
# replica 1 completes at key id 1, the other pairs stay at 0, no request
# fails, and the replicas still agree.
keys_of() {
	local i=$1 j out=

	for j in 0 1 2 3; do
		[ "$j" = "$i" ] && continue
		out="$out$j:$(st "$i" "key_$j")$(st "$i" "key_next_$j" | sed 's/^/+/') "
	done
	echo "$out"
}
"$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 2 --ids 4 --duration 3 \
	--mix 50/50 --op-size 32 --timeout 5000 >"$WORK/rot.json" &
bench_pid=$!
sleep 0.5
kill -USR2 "${PIDS[1]}"
wait "$bench_pid"
rc=$?
errs=$(( $(json_num timeouts <"$WORK/rot.json") + $(json_num conflicts <"$WORK/rot.json") ))
[ $rc -eq 0 ] && [ "$errs" = 0 ] && [ "$(json_num ops <"$WORK/rot.json")" -gt 0 ]
ok $? "rotation under load: $(json_num ops <"$WORK/rot.json") ops, $errs timeouts+conflicts"
"${REQ[@]}" -c "$CONF" -i 0 -k "$C" put rotated yes >/dev/null
sleep 0.3
[ "$(keys_of 0)$(keys_of 2)$(keys_of 3)" = "1:1 2:0 3:0 0:0 1:1 3:0 0:0 1:1 2:0 " ] &&
	[ "$(keys_of 1)" = "0:1 2:1 3:1 " ]
ok $? "replica 1's pairs rotated to key 1, the others stay at 0: $(keys_of 0)| $(keys_of 1)| $(keys_of 2)| $(keys_of 3)"
wait_converged 10 0 1 2 3
ok $? "after the rotation all replicas agree: $(converged 0 1 2 3)"

# Crash the primary: a view change, then service continues with n-1.
stop_replica 0 TERM
rc=$?
ok $rc "replica 0 (primary) stopped by SIGTERM, exit $rc"
out=$("${REQ[@]}" -c "$CONF" -i 0 -k "$C" put after-crash yes)
ok $? "put after the primary crashed completes ($out)"
out=$("${REQ[@]}" -c "$CONF" -i 1 -k "$C" get after-crash)
[ "$out" = "yes" ]
ok $? "get after-crash == 'yes'"
out=$("$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 3 --ids 4 \
	--duration 1 --mix 50/50 --op-size 32 --timeout 3000)
ops=$(json_num ops <<<"$out")
[ "${ops:-0}" -ge 50 ] && [ "$(json_num mismatches <<<"$out")" = 0 ]
ok $? "bench with one replica down: ${ops:-0} ops, $(json_num mismatches <<<"$out") wrong values"
wait_converged 10 1 2 3
ok $? "survivors agree: $(converged 1 2 3)"
[ "$(st 1 view)" -ge 1 ] && [ "$(st 1 view_changes)" -ge 1 ]
ok $? "survivors moved to view $(st 1 view)"

# Restart replica 0 empty: it catches up by state transfer.
start_replica "$CONF" 0 "${KV_ARGS[@]}"
wait_status 0
"$BFTCTL" bench -c "$CONF" -k "$C" --clients 2 --ids 4 --duration 1 \
	--mix 1/0 --keys 8 >/dev/null
"${REQ[@]}" -c "$CONF" -i 0 -k "$C" put final 1 >/dev/null
wait_converged 15 0 1 2 3
ok $? "restarted replica 0 caught up: $(converged 0 1 2 3) (transfers $(st 0 state_transfers))"

# Beyond f faults requests must time out, not return unsafe results.
stop_replica 3 TERM
ok $? "replica 3 stopped"
stop_replica 2 TERM
ok $? "replica 2 stopped"
"$BFTCTL" req -t 700 -c "$CONF" -i 0 -k "$C" put lost x 2>"$WORK/err"
rc=$?
[ $rc -eq 3 ] && grep -q "timed out" "$WORK/err"
ok $? "with 2 of 4 down: timeout, exit 3 (rc $rc)"
stop_replica 1 TERM
ok $? "replica 1 stopped"
stop_replica 0 TERM
ok $? "replica 0 stopped"
bad=$(san_clean)
ok $? "n=4: no ASan/UBSan/leak reports ${bad}"

# ---- n = 7 (f = 2) ----
mkdir -p "$WORK/n4"
mv "$WORK"/log* "$WORK"/st* "$WORK/n4/"
base=$(free_ports 7)
CONF=$WORK/n7.conf
write_conf "$CONF" 7 "$base" 16 "ViewChangeTimeoutMs = 300"
start_cluster "$CONF" 7
ok $? "n=7: 7 bftd replicas up"
out=$("${REQ[@]}" -c "$CONF" -i 0 -k "$C" put seven 7) &&
	[ "$("${REQ[@]}" -c "$CONF" -i 1 -k "$C" --ro get seven)" = 7 ]
ok $? "n=7: put/get round trip"
out=$("$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 4 --ids 4 \
	--duration 1.5 --mix 50/50 --op-size 64 --timeout 3000)
ops=$(json_num ops <<<"$out")
[ "${ops:-0}" -ge 200 ] && [ "$(json_num mismatches <<<"$out")" = 0 ] &&
	[ "$(json_num conflicts <<<"$out")" = 0 ]
ok $? "n=7: bench 4 clients mixed: ${ops:-0} ops, values exact"
wait_converged 10 0 1 2 3 4 5 6
ok $? "n=7: all 7 agree: $(converged 0 1 2 3 4 5 6)"
stop_replica 0 TERM
stop_replica 4 TERM
out=$("${REQ[@]}" -c "$CONF" -i 2 -k "$C" put f2 down) &&
	[ "$("${REQ[@]}" -c "$CONF" -i 2 -k "$C" get f2)" = down ]
ok $? "n=7: primary and one backup down (f=2): requests complete"
wait_converged 10 1 2 3 5 6
ok $? "n=7: 5 survivors agree: $(converged 1 2 3 5 6)"
rc=0
for i in 1 2 3 5 6; do
	stop_replica $i TERM || rc=1
done
ok $rc "n=7: replicas exit cleanly on SIGTERM"
bad=$(san_clean)
ok $? "n=7: no ASan/UBSan/leak reports ${bad}"

# ---- the event-driven client, n = 4 ----
# A long view-change timeout: a loaded host must not trigger view changes,
# so that every replica executes each request exactly once.
mkdir -p "$WORK/n7"
mv "$WORK"/log* "$WORK"/st* "$WORK/n7/"
base=$(free_ports 4)
CONF=$WORK/async.conf
write_conf "$CONF" 4 "$base" 96 "ViewChangeTimeoutMs = 5000"
start_cluster "$CONF" 4
ok $? "async: 4 bftd replicas up"

# executed ID: replica ID's requests_executed once all replicas agree.
executed() {
	wait_converged 10 0 1 2 3 && sleep 0.3 && st "$1" requests_executed
}

# The event-driven client: 64 logical clients (ids 16..79) in one
# thread; every completed request executed exactly once.
ex0=$(executed 0)
out=$("$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 64 --ids 16 \
	--duration 1.5 --timeout 5000)
rc=$?
ops=$(json_num ops <<<"$out")
ex1=$(executed 0)
[ $rc -eq 0 ] && [ "$(json_num tasks <<<"$out")" = 1 ] &&
	[ "$(json_num threads <<<"$out")" = 1 ] && [ "${ops:-0}" -gt 0 ] &&
	[ "$(json_num completed <<<"$out")" = "$ops" ] &&
	[ "$(json_num submitted <<<"$out")" = "$ops" ]
ok $? "bench --clients 64: one thread ($(json_num tasks <<<"$out") task), ${ops:-0} ops, all completed ok"
[ -n "$ex0" ] && [ $((ex1 - ex0)) = "${ops:-x}" ] &&
	[ "$(st 3 requests_executed)" = "$ex1" ]
ok $? "bench --clients 64: replicas executed exactly the completed ops ($((ex1 - ex0)) = ${ops:-?})"
# Open loop at 200 ops/s for 1.5 s: exactly 300 requests fall due; each
# is sent (or still waits for a free client at the end: the backlog) and
# every one sent completes and executes once. Timing is not asserted.
out=$("$BFTCTL" -j bench -c "$CONF" -k "$C" --clients 32 --ids 16 \
	--threads 2 --rate 200 --duration 1.5 --timeout 5000)
rc=$?
ops=$(json_num ops <<<"$out")
sub=$(json_num submitted <<<"$out")
ble=$(json_num backlog_end <<<"$out")
ex2=$(executed 0)
[ $rc -eq 0 ] && [ "$(json_num offered <<<"$out")" = 300 ] &&
	[ $((sub + ble)) = 300 ] && [ "${ops:-x}" = "$sub" ] &&
	[ "$(json_num completed <<<"$out")" = "$sub" ] &&
	[ $((ex2 - ex1)) = "$sub" ] && [ "$(st 3 requests_executed)" = "$ex2" ]
ok $? "bench --rate 200 --duration 1.5: offered $(json_num offered <<<"$out"), submitted $sub = completed $(json_num completed <<<"$out") = ok ${ops:-?} = executed $((ex2 - ex1)), backlog at end $ble"

[ "$(st 0 view_changes)" = 0 ]
ok $? "async: no view changes ($(st 0 view_changes)), so each request executed once"
rc=0
for i in 0 1 2 3; do
	stop_replica $i TERM || rc=1
done
ok $rc "async: replicas exit cleanly on SIGTERM"
bad=$(san_clean)
ok $? "async: no ASan/UBSan/leak reports ${bad}"

# ---- replace replica 2 by a new host: staging on SIGHUP, bftctl reconfig ----
# Admin is client 5 (key c). The file is edited in place (Epoch 1, id 2
# with key r6, a new endpoint and Joined = 1) and replicas 0, 1, 3 read it
# again on SIGHUP; the new host of 2 starts from it in epoch 1.
mkdir -p "$WORK/async"
mv "$WORK"/log* "$WORK"/st* "$WORK/async/"
base=$(free_ports 5)
CONF=$WORK/member.conf
write_conf "$CONF" 4 "$base" 8 "ViewChangeTimeoutMs = 300" \
	"CheckpointInterval = 8" "LogSize = 16" "Admin = 5"
start_cluster "$CONF" 4
ok $? "member: 4 bftd replicas up in epoch $(st 0 epoch), staged $(st 0 staged_epoch)"
"${REQ[@]}" -c "$CONF" -i 0 -k "$C" put before 1 >/dev/null
ok $? "member: a put in epoch 0"
"$BFTCTL" reconfig -t 2000 -c "$CONF" -k "$C" -i 5 >"$WORK/out" 2>&1
rc=$?
[ $rc -ne 0 ] && [ "$(st 0 epoch)" = 0 ]
ok $? "member: reconfig to the running file refused, nothing changes (rc $rc: $(head -c 120 "$WORK/out"))"
cp "$CONF" "$WORK/member0.conf"
sed -e "s|^Endpoint = 127.0.0.1:$((base + 2))\$|Endpoint = 127.0.0.1:$((base + 4))|" \
	-e "s|^PublicKey = $(pub r2)\$|PublicKey = $(pub r6)\nJoined = 1|" \
	-e "s|^\[Cluster\]\$|[Cluster]\nEpoch = 1|" "$WORK/member0.conf" >"$CONF"
for i in 0 1 3; do
	kill -HUP "${PIDS[$i]}"
done
"$BFTD" -c "$CONF" -r 2 -k "$WORK/r6.key" -s "$WORK/st6" 2>>"$WORK/log6" &
PIDS[6]=$!
staged_all() {
	local i deadline=$((SECONDS + 10))
	for i in 0 1 3 6; do
		while [ "$(st $i staged_epoch)" != 1 ]; do
			[ $SECONDS -ge $deadline ] && return 1
			sleep 0.05
		done
	done
}
staged_all
ok $? "member: SIGHUP staged epoch 1 on 0 1 3, the new host reports it"
out=$("$BFTCTL" reconfig -t 5000 -c "$CONF" -k "$C" -i 5 2>&1)
ok $? "member: bftctl reconfig to epoch 1 ($(echo "$out" | tr '\n' ' ' | head -c 160))"
"${REQ[@]}" -c "$CONF" -i 1 -k "$C" put after 2 >/dev/null &&
	[ "$("${REQ[@]}" -c "$CONF" -i 1 -k "$C" get before)" = 1 ]
ok $? "member: epoch 1 serves, the state of epoch 0 is there"
wait_converged 15 0 1 3 6
ok $? "member: 0 1 3 and the new host of 2 agree: $(converged 0 1 3 6)"
[ "$(st 0 epoch)" = 1 ] && [ "$(st 1 epoch)" = 1 ] &&
	[ "$(st 3 epoch)" = 1 ] && [ "$(st 6 epoch)" = 1 ] &&
	[ "$(st 0 reconfig_installed)" = 1 ] &&
	[ "$(st 3 reconfig_installed)" = 1 ] &&
	[ "$(st 1 reconfig_unstaged)" = 0 ]
ok $? "member: epoch 1 everywhere, staged peers installed (installed $(st 0 reconfig_installed), unstaged $(st 0 reconfig_unstaged))"
[ "$(st 2 left)" = 1 ]
ok $? "member: the old host of 2 reports left ($(st 2 left))"
rc=0
for i in 0 1 2 3 6; do
	stop_replica $i TERM || rc=1
done
ok $rc "member: replicas exit cleanly on SIGTERM"
bad=$(san_clean)
ok $? "member: no ASan/UBSan/leak reports ${bad}"

# ---- grow 4 -> 5, then shrink 5 -> 4: SIGHUP staging, bftctl reconfig ----
# MaxReplicas = 5. Epoch 1 adds id 4 (key r4, Joined = 1), a new host
# started from the new file; epoch 2 drops it again: replica 4 stages the
# file it is not in and leaves at the switch. reconfig of the shrink
# names both files (NEW:OLD): the 5 replicas in force take only requests
# authenticated for all 5.
mkdir -p "$WORK/member"
mv "$WORK"/log* "$WORK"/st* "$WORK/member/"
base=$(free_ports 5)
CONF=$WORK/resize.conf
pol=("ViewChangeTimeoutMs = 300" "CheckpointInterval = 8" "LogSize = 16"
	"Admin = 5" "MaxReplicas = 5")
write_conf "$WORK/resize0.conf" 4 "$base" 8 "${pol[@]}"
write_conf "$WORK/resize1.conf" 5 "$base" 8 "${pol[@]}" "Epoch = 1"
sed -i "s|^PublicKey = $(pub r4)\$|&\nJoined = 1|" "$WORK/resize1.conf"
write_conf "$WORK/resize2.conf" 4 "$base" 8 "${pol[@]}" "Epoch = 2"
cp "$WORK/resize0.conf" "$CONF"
start_cluster "$CONF" 4
ok $? "resize: 4 bftd replicas up, MaxReplicas 5"
"${REQ[@]}" -c "$CONF" -i 0 -k "$C" put r0 a >/dev/null
ok $? "resize: a put in epoch 0"
# The file's n in reconfig -j (the first "n"; each replica's follows).
top_n() {
	tr -d ' \n' | sed -n 's/^{"epoch":[0-9]*,"n":\([0-9]*\),.*/\1/p'
}
# staged_on EPOCH ID...: each reports EPOCH staged within 10 s.
staged_on() {
	local e=$1 i deadline=$((SECONDS + 10))
	shift
	for i in "$@"; do
		while [ "$(st $i staged_epoch)" != "$e" ]; do
			[ $SECONDS -ge $deadline ] && return 1
			sleep 0.05
		done
	done
}
# in_epoch EPOCH N ID...: each is in EPOCH with n = N.
in_epoch() {
	local e=$1 n=$2 i
	shift 2
	for i in "$@"; do
		[ "$(st $i epoch)" = "$e" ] && [ "$(st $i n)" = "$n" ] || return 1
	done
}
cp "$WORK/resize1.conf" "$CONF"
for i in 0 1 2 3; do
	kill -HUP "${PIDS[$i]}"
done
: >"$WORK/log4"
start_replica "$CONF" 4
staged_on 1 0 1 2 3 4
ok $? "resize: SIGHUP staged the grow on 0-3, new host 4 reports epoch $(st 4 epoch)"
out=$("$BFTCTL" -j reconfig -t 5000 -c "$CONF" -k "$C" -i 5 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(json_num n_old <<<"$out")" = 4 ] &&
	[ "$(top_n <<<"$out")" = 5 ] && [ "$(json_num replace <<<"$out")" = 0 ]
ok $? "resize: bftctl reconfig grows n 4 -> 5 (rc $rc, n_old $(json_num n_old <<<"$out"), replace $(json_num replace <<<"$out"), $(json_num switch_ms <<<"$out") ms)"
"${REQ[@]}" -c "$CONF" -i 1 -k "$C" put r1 b >/dev/null &&
	[ "$("${REQ[@]}" -c "$CONF" -i 1 -k "$C" get r0)" = a ]
ok $? "resize: n=5 serves, the state of epoch 0 is there"
wait_converged 15 0 1 2 3 4
ok $? "resize: all 5 agree on seq and digest: $(converged 0 1 2 3 4)"
in_epoch 1 5 0 1 2 3 4 && [ "$(st 0 reconfig_installed)" = 1 ] &&
	[ "$(st 3 reconfig_installed)" = 1 ] && [ "$(st 1 reconfig_unstaged)" = 0 ]
ok $? "resize: epoch 1 with n = 5 everywhere, the added peer installed (installed $(st 0 reconfig_installed), unstaged $(st 0 reconfig_unstaged))"

cp "$WORK/resize2.conf" "$CONF"
for i in 0 1 2 3 4; do
	kill -HUP "${PIDS[$i]}"
done
staged_on 2 0 1 2 3 4
ok $? "resize: SIGHUP staged the shrink on 0-3 and on 4, which leaves"
"$BFTCTL" reconfig -t 2000 -c "$CONF" -k "$C" -i 5 >"$WORK/out" 2>&1
rc=$?
[ $rc = 1 ] && grep -q "name the file in force too, -c $CONF:OLD.conf" "$WORK/out" &&
	in_epoch 1 5 0 1 2 3 4
ok $? "resize: reconfig of the shrink with the new file alone: no replica hears it, a hint, nothing changes (rc $rc)"
out=$("$BFTCTL" -j reconfig -t 5000 -c "$CONF:$WORK/resize1.conf" -k "$C" -i 5 2>&1)
rc=$?
[ $rc = 0 ] && [ "$(json_num n_old <<<"$out")" = 5 ] &&
	[ "$(top_n <<<"$out")" = 4 ]
ok $? "resize: bftctl reconfig shrinks n 5 -> 4 (rc $rc, $(json_num switch_ms <<<"$out") ms)"
"${REQ[@]}" -c "$CONF" -i 2 -k "$C" put r2 c >/dev/null &&
	[ "$("${REQ[@]}" -c "$CONF" -i 2 -k "$C" get r1)" = b ]
ok $? "resize: n=4 serves again, the state of epoch 1 is there"
wait_converged 15 0 1 2 3
ok $? "resize: 0-3 agree on seq and digest: $(converged 0 1 2 3)"
in_epoch 2 4 0 1 2 3 && [ "$(st 0 reconfig_installed)" = 2 ] &&
	[ "$(st 2 reconfig_unstaged)" = 0 ] && [ "$(st 4 left)" = 1 ]
ok $? "resize: epoch 2 with n = 4 on 0-3, replica 4 left ($(st 4 left))"
rc=0
for i in 0 1 2 3 4; do
	stop_replica $i TERM || rc=1
done
ok $rc "resize: replicas exit cleanly on SIGTERM"
bad=$(san_clean)
ok $? "resize: no ASan/UBSan/leak reports ${bad}"

kill "$watchdog" 2>/dev/null
wait "$watchdog" 2>/dev/null
finish
[ "$fail" -eq 0 ]
