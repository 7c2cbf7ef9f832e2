#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bftctl setconf is all or nothing and makes the kernel match the file:
# a file with a key that cannot be derived, a client id the replica cannot
# hold or a changed fixed policy applies nothing at all, and a client
# removed from the file loses its key on the next run. A file of the next
# epoch with another n (grow, shrink) is staged within the replica's
# max-n (MaxReplicas), with its added ids, or on a host that leaves.
set -u

. "$(dirname "$0")/lib.sh"

NS=
DIR=$(mktemp -d /tmp/bft-setconf.XXXXXX)
ZERO=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=

cleanup() {
	cleanup_all_ns
	rm -rf "$DIR"
	return 0
}
trap cleanup EXIT

b() {
	ip netns exec "$NS" "$BFTCTL" "$@"
}

# conf FILE [policy line] CLIENT...: CLIENT is a key name or "zero".
conf() {
	local f=$1 pol=$2 i c id=0

	shift 2
	{
		printf '[Cluster]\nName = sc\n%s\n' "$pol"
		for i in 0 1 2 3; do
			printf '[Replica]\nId = %d\nEndpoint = 127.0.0.1:750%d\nPublicKey = %s\n' \
				"$i" "$i" "$("$BFTCTL" pubkey <"$DIR/r$i.key")"
		done
		for c in "$@"; do
			if [ "$c" = zero ]; then
				printf '[Client]\nId = %d\nPublicKey = %s\n' "$id" "$ZERO"
			else
				printf '[Client]\nId = %d\nPublicKey = %s\n' "$id" \
					"$("$BFTCTL" pubkey <"$DIR/$c.key")"
			fi
			id=$((id + 1))
		done
	} >"$DIR/$f"
}

# nconf FILE N EPOCH 'CLUSTER LINES' JOINED_IDS: replicas 0..N-1 (keys rI),
# client 0; the ids in JOINED_IDS have Joined = EPOCH.
nconf() {
	local f=$1 n=$2 e=$3 cl=$4 joined=" $5 " i

	{
		printf '[Cluster]\nName = sc\nEpoch = %s\nAdmin = 0\n%s\n' "$e" "$cl"
		for i in $(seq 0 $((n - 1))); do
			printf '[Replica]\nId = %d\nEndpoint = 127.0.0.1:75%02d\nPublicKey = %s\n' \
				"$i" "$i" "$("$BFTCTL" pubkey <"$DIR/r$i.key")"
			case "$joined" in
			*" $i "*) printf 'Joined = %s\n' "$e" ;;
			esac
		done
		printf '[Client]\nId = 0\nPublicKey = %s\n' \
			"$("$BFTCTL" pubkey <"$DIR/c0.key")"
	} >"$DIR/$f"
}

# setconf NAME FILE [listen ADDR:PORT]
setconf() {
	b setconf "$1" "$DIR/$2" replica 0 private-key "$DIR/r0.key" "${@:3}"
}

# What setconf controls, as bftctl show prints it (no counters, no state).
state() {
	b show "$1" 2>&1 | grep -E '^  (policy|peer [0-9]+:|client keys)'
}

# refused NAME FILE MSG: setconf fails with MSG and changes nothing.
refused() {
	local before after out rc

	before=$(state "$1")
	out=$(setconf "$1" "$2" 2>&1)
	rc=$?
	after=$(state "$1")
	ktap_print_msg "setconf $2: rc=$rc: $(echo "$out" | tr '\n' ' ')"
	[ "$before" = "$after" ] || {
		ktap_print_msg "changed: before: $(echo "$before" | tr '\n' ' ')"
		ktap_print_msg "changed: after: $(echo "$after" | tr '\n' ' ')"
		return 1
	}
	[ "$rc" -ne 0 ] && echo "$out" | grep -q "$3"
}

client_gone() {
	local out

	out=$(b client del r0 id "$1" 2>&1)
	ktap_print_msg "client del r0 id $1: $out"
	echo "$out" | grep -q "no such client"
}

ktap_print_header
ktap_set_plan 19
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup_ns NS || ktap_exit_fail_msg "cannot create a netns"
umask 077
for k in r0 r1 r2 r3 r4 r5 r6 r7 c0 c1 c2; do
	"$BFTCTL" genkey >"$DIR/$k.key" || ktap_exit_fail_msg "genkey failed"
done

conf good.conf 'ViewChangeTimeoutMs = 1000' c0 c1 c2
conf zero.conf 'ViewChangeTimeoutMs = 2000' c0 zero c2 c1
conf drop1.conf 'ViewChangeTimeoutMs = 1500' c0 c1
conf many.conf 'ViewChangeTimeoutMs = 2000' c0 c1 c2 c0
conf fixed.conf 'CheckpointInterval = 32' c0 c1 c2

ktap_test_result "setconf creates the replica" run_logged setconf r0 good.conf
installed() {
	state r0 | sed 's/^/# /'
	[ "$(state r0 | grep -c "^  peer")" = 3 ] &&
		state r0 | grep -q '^  client keys: 0 1 2$'
}
ktap_test_result "three peers and client keys 0 1 2" installed
# ktap_test_result splits its arguments: compare in a function.
unchanged() {
	[ "$BEFORE" = "$(state r0)" ]
}
BEFORE=$(state r0)
ktap_test_result "a second run of the same file succeeds" run_logged setconf r0 good.conf
ktap_test_result "and changes nothing" unchanged

refused r0 zero.conf "cannot derive a key with the PublicKey of client 1"
ktap_test_result "an all-zero client key applies nothing (policy, peers, clients)" [ $? -eq 0 ]

fresh_refused() {
	local out

	out=$(setconf r1 zero.conf listen 127.0.0.1:7600 2>&1)
	ktap_print_msg "setconf r1 zero.conf: $out"
	! b show r1 >/dev/null 2>&1
}
ktap_test_result "an all-zero key creates no replica" fresh_refused

refused r0 many.conf "client 3 does not fit"
ktap_test_result "a client id beyond the replica's count applies nothing" [ $? -eq 0 ]

refused r0 fixed.conf "CheckpointInterval is fixed"
ktap_test_result "a changed fixed policy applies nothing" [ $? -eq 0 ]

ktap_test_result "a file without client 2 applies" run_logged setconf r0 drop1.conf
ktap_test_result "client 2 is removed from the kernel" client_gone 2

# Grow and shrink. rg: replica 0 of 4, MaxReplicas 7; rs: replica 4 of 5.
nconf g0.conf 4 0 'MaxReplicas = 7' ''
nconf g1.conf 5 1 'MaxReplicas = 7' '4'
nconf g1_old.conf 5 1 'MaxReplicas = 7' ''
nconf g1_max5.conf 5 1 'MaxReplicas = 6' '4'
nconf g1_big.conf 8 1 'MaxReplicas = 8' '4 5 6 7'
nconf g1_2x.conf 7 1 'MaxReplicas = 7' '2 3 4 5 6'
nconf s0.conf 5 0 '' ''
nconf s1.conf 4 1 'MaxReplicas = 5' ''
gsetconf() {
	b setconf rg "$DIR/$1" replica 0 private-key "$DIR/r0.key" listen 127.0.0.1:7610
}
created_max() {
	local out

	gsetconf g0.conf || return 1
	out=$(b -j show rg)
	ktap_print_msg "$(echo "$out" | tr -d ' \n' | grep -oE '"(n|max_n|epoch)":[0-9]+' | tr '\n' ' ')"
	echo "$out" | tr -d ' \n' | grep -q '"n":4,"max_n":7,'
}
ktap_test_result "setconf creates a replica with max-n = MaxReplicas (7)" created_max
# grefused FILE MSG: staging FILE on rg fails with MSG, nothing changes.
grefused() {
	local before out rc

	before=$(b show rg 2>&1 | grep -E '^  (epoch|peer [0-9]+:)')
	out=$(gsetconf "$1" 2>&1)
	rc=$?
	ktap_print_msg "setconf $1: rc=$rc: $(echo "$out" | tr '\n' ' ')"
	[ "$before" = "$(b show rg 2>&1 | grep -E '^  (epoch|peer [0-9]+:)')" ] &&
		[ "$rc" -ne 0 ] && echo "$out" | grep -q -- "$2" &&
		echo "$out" | grep -q "nothing applied"
}
grefused g1_big.conf "epoch 1 has n = 8, above the 7 replicas replica rg was created for"
ktap_test_result "n above the replica's max-n refused, nothing changes" [ $? -eq 0 ]
grefused g1_max5.conf "MaxReplicas = 6 differs from replica rg's max-n 7"
ktap_test_result "a different MaxReplicas refused, nothing changes" [ $? -eq 0 ]
grefused g1_old.conf "replica 4 is added in epoch 1 (n 4 -> 5) but has Joined = 0"
ktap_test_result "an added id without Joined = Epoch refused" [ $? -eq 0 ]
grefused g1_2x.conf "2 replicas replaced (Joined = 1 below n = 4), more than f = 1 of the epoch in force"
ktap_test_result "more than f replaced ids in a grow refused" [ $? -eq 0 ]
grow_staged() {
	local out

	out=$(gsetconf g1.conf 2>&1) || { ktap_print_msg "$out"; return 1; }
	ktap_print_msg "$out"
	echo "$out" | grep -q "staged epoch 1 of .* on replica rg: n 4 -> 5, 0 replaced replicas, 1 added" &&
		b show rg | grep -q '^  epoch 0 .*, staged 1'
}
ktap_test_result "a grow 4 -> 5 within max-n is staged" grow_staged
ssetconf() {
	b setconf rs "$DIR/$1" replica 4 private-key "$DIR/r4.key" listen 127.0.0.1:7620
}
shrink_staged() {
	local out

	ssetconf s0.conf || return 1
	out=$(ssetconf s1.conf 2>&1) || { ktap_print_msg "$out"; return 1; }
	ktap_print_msg "$out"
	echo "$out" | grep -q "on replica rs: n 5 -> 4, replica 4 leaves" &&
		b show rs | grep -q '^  epoch 0 .*, staged 1'
}
ktap_test_result "a host not in the next epoch's file stages it (it leaves)" shrink_staged
leave_refused() {
	local out

	out=$(b setconf rx "$DIR/s1.conf" replica 4 private-key "$DIR/r4.key" 2>&1)
	ktap_print_msg "$out"
	echo "$out" | grep -q "replica 4 is not in .* (n=4) and replica rx does not exist" &&
		! b show rx >/dev/null 2>&1
}
ktap_test_result "an id above the file's n creates no replica" leave_refused
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
