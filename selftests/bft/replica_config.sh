#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Replica configuration over netlink: valid requests take effect, and
# every invalid one is refused with an extack message while leaving the
# configuration exactly as it was.
set -u

. "$(dirname "$0")/lib.sh"

NS=
KEY=$(head -c 32 /dev/urandom | base64)
SHORT=$(head -c 16 /dev/urandom | base64)

trap cleanup_all_ns EXIT

b() {
	ip netns exec "$NS" "$BFTCTL" "$@"
}

# The configuration as bftctl shows it, without counters or state.
conf() {
	b -j show | grep -E '"(name|id|n|clients|listen|endpoint|key_id|batch-size|batch-bytes|batch-delay-ms|window|checkpoint-interval|log-size|vc-timeout-ms|vc-timeout-max-ms|vc-backoff)"' |
		tr -d ' \n'
}

# Runs bftctl expecting failure with the kernel's extack matching @msg
# (bftctl prints it as "kernel says: ..."), and the configuration unchanged.
refused() {
	local msg=$1 before after out

	shift
	before=$(conf)
	out=$(b "$@" 2>&1)
	local rc=$?
	after=$(conf)
	ktap_print_msg "bftctl $*: rc=$rc: $(echo "$out" | tr '\n' ' ')"
	[ "$rc" -ne 0 ] || return 1
	echo "$out" | grep -q "kernel says: .*$msg" || return 1
	[ "$before" = "$after" ]
}

has_peers() {
	local want=$1

	[ "$(b -j show r0 | grep -c '"endpoint"')" = "$want" ]
}

ktap_print_header
ktap_set_plan 25
bft_require "$BFTCTL" ip

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup_ns NS || ktap_exit_fail_msg "cannot create a netns"

ktap_test_result "replica add" \
	run_logged b replica add r0 id 0 n 4 listen 127.0.0.1:7400 clients 4
ktap_test_result "a second replica on another port" \
	run_logged b replica add r1 id 1 n 4 listen 127.0.0.1:7401 \
	batch-size 8 window 2
for i in 1 2 3; do
	ktap_test_result "peer $i add" \
		run_logged b peer add r0 id "$i" endpoint "127.0.0.1:740$i" key "$KEY"
done
ktap_test_result "client add" run_logged b client add r0 id 2 key "$KEY"
ktap_test_result "three peers shown" has_peers 3

refused "already exists" replica add r0 id 0 n 4 listen 127.0.0.1:7402
ktap_test_result "duplicate replica name refused" [ $? -eq 0 ]
refused "below the cluster size" replica add r9 id 4 n 4 listen 127.0.0.1:7409
ktap_test_result "replica id >= n refused" [ $? -eq 0 ]
refused "listen address" replica add r9 id 0 n 4
ktap_test_result "missing listen address refused" [ $? -eq 0 ]
refused "bind" replica add r9 id 0 n 4 listen 127.0.0.1:7400
ktap_test_result "port in use refused" [ $? -eq 0 ]
refused "invalid policy" replica add r9 id 0 n 4 listen 127.0.0.1:7409 \
	checkpoint-interval 16 log-size 24
ktap_test_result "L not a multiple of K refused" [ $? -eq 0 ]
refused "peer exists" peer add r0 id 1 endpoint 127.0.0.1:7401 key "$KEY"
ktap_test_result "duplicate peer id refused" [ $? -eq 0 ]
refused "not its own peer" peer add r0 id 0 endpoint 127.0.0.1:7401 key "$KEY"
ktap_test_result "self as peer refused" [ $? -eq 0 ]
short_key_refused() {
	local out

	out=$(b peer add r0 id 2 endpoint 127.0.0.1:7402 key "$SHORT" replace 2>&1)
	ktap_print_msg "short key: $out"
	echo "$out" | grep -q "32-byte key"
}
ktap_test_result "wrong key length refused by bftctl" short_key_refused
refused "no such peer" peer del r1 id 3
ktap_test_result "deleting an unknown peer refused" [ $? -eq 0 ]
refused "no replica of that name" peer add nope id 1 endpoint 127.0.0.1:7401 key "$KEY"
ktap_test_result "unknown replica refused" [ $? -eq 0 ]
refused "not below the replica's client count" client add r0 id 4 key "$KEY"
ktap_test_result "client id out of range refused" [ $? -eq 0 ]
refused "address family" peer add r0 id 3 endpoint '[::1]:7403' key "$KEY" replace
ktap_test_result "peer family mismatch refused" [ $? -eq 0 ]

ktap_test_result "key rotation with replace" \
	run_logged b peer add r0 id 1 endpoint 127.0.0.1:7401 key "$KEY" replace
# A peer key with an explicit id (key rotation): shown as its key_id.
peer_key_id() {
	run_logged b peer add r0 id 1 endpoint 127.0.0.1:7401 key "$KEY" \
		key-id 1 replace &&
	b -j show r0 | grep -q '"key_id":1' &&
	run_logged b peer add r0 id 1 endpoint 127.0.0.1:7401 key "$KEY" \
		key-id 0 replace
}
ktap_test_result "a peer key with key-id 1 is installed as id 1" peer_key_id
refused "client keys are not rotated live" client add r0 id 2 key "$KEY" key-id 7 replace
ktap_test_result "a client key_id other than 0 refused" [ $? -eq 0 ]
ktap_test_result "peer del" run_logged b peer del r0 id 3
ktap_test_result "replica del" run_logged b replica del r1
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
