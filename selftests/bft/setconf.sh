#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bftctl setconf is all or nothing and makes the kernel match the file:
# a file with a key that cannot be derived, a client id the replica cannot
# hold or a changed fixed policy applies nothing at all, and a client
# removed from the file loses its key on the next run.
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
ktap_set_plan 11
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup_ns NS || ktap_exit_fail_msg "cannot create a netns"
umask 077
for k in r0 r1 r2 r3 c0 c1 c2; do
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
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
