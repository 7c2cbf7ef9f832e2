#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Staging the next configuration epoch over netlink (replica-new with
# admin, epoch and config-digest; replica-set with a staged nest), sent
# through the YNL spec so that malformed nests reach the kernel as they
# are: every bad one is refused with an extack message and changes
# nothing (epoch, staged epoch, peers); a good one stages without
# touching the running peers. Grow and shrink: max-n at creation, the
# staged epoch's n, its added ids and the ids that leave.
set -u

. "$(dirname "$0")/lib.sh"

NS=
YNL_DIR=${YNL_DIR:-/kselftest/ynl}
KEY=$(head -c 32 /dev/urandom | base64)
NEWKEY=$(python3 -c 'import os; print(os.urandom(32).hex())')
D1=$(printf '11%.0s' $(seq 32))
D2=$(printf '22%.0s' $(seq 32))

trap cleanup_all_ns EXIT

ynl() {
	ip netns exec "$NS" python3 "$YNL_DIR/cli.py" \
		--spec "$YNL_DIR/bft.yaml" --no-schema "$@" 2>&1
}

# struct sockaddr_in 127.0.0.1:port, in hex.
sin() {
	printf '0200%04x7f0000010000000000000000' "$1"
}

b() {
	ip netns exec "$NS" "$BFTCTL" "$@"
}

# What staging may change or must leave alone: epochs and the peers.
STATE="'(epoch|staged-epoch|left|admin|endpoint)': [^,}]*"
BEFORE=
state() {
	ynl --do replica-get --json '{"name": "r0"}' | grep -oE "$STATE" |
		tr '\n' ' '
}

# ynl replica-set with @json must fail with extack @msg (the state is
# compared once after all of them: "nothing changes").
refused() {
	local msg=$1 json=$2 out

	out=$(ynl --do replica-set --json "$json")
	ktap_print_msg "$(echo "$out" | grep -m1 -oE "extack: .*" | head -c 200)"
	echo "$out" | grep -q -- "$msg"
}

peer() {
	printf '{"id": %s, "endpoint": "%s", "key": "%s"}' "$1" "$(sin "$2")" "$3"
}

staged() {
	printf '{"name": "r0", "staged": {"epoch": %s, "config": "%s", "peers": {"peer": [%s]}}}' \
		"$1" "$2" "$3"
}

# staged_n NAME EPOCH N PEERS: a staging of another n (no peers: no nest).
staged_n() {
	local peers=

	[ -n "$4" ] && peers=", \"peers\": {\"peer\": [$4]}"
	printf '{"name": "%s", "staged": {"epoch": %s, "config": "%s", "n": %s%s}}' \
		"$1" "$2" "$D2" "$3" "$peers"
}

# new_replica NAME ID N MAX-N PORT: replica-new in epoch 3 (no max-n if "").
new_replica() {
	local max=

	[ -n "$4" ] && max=", \"max-n\": $4"
	ynl --do replica-new --json "{\"name\": \"$1\", \"replica-id\": $2,
		\"n\": $3, \"n-clients\": 8, \"listen\": \"$(sin "$5")\",
		\"admin\": 7, \"epoch\": 3, \"config-digest\": \"$D1\"$max}"
}

has() {
	echo "$out" | grep -q -- "$1"
}

ktap_print_header
ktap_set_plan 24
bft_require "$BFTCTL" ip python3
[ -r "$YNL_DIR/cli.py" ] || ktap_skip_all "no YNL CLI in $YNL_DIR"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup_ns NS || ktap_exit_fail_msg "cannot create a netns"

create() {
	out=$(new_replica r0 0 4 5 7400)
	ktap_print_msg "replica-new: $(echo "$out" | tr '\n' ' ' | head -c 200)"
	for i in 1 2 3; do
		b peer add r0 id "$i" endpoint "127.0.0.1:740$i" \
			key "$KEY" || return 1
	done
}
ktap_test_result "replica-new with admin 7, epoch 3, max-n 5 and a config digest" create

created() {
	out=$(ynl --do replica-get --json '{"name": "r0"}')
	BEFORE=$(echo "$out" | grep -oE "$STATE" | tr '\n' ' ')
	ktap_print_msg "$BEFORE"
	has "'epoch': 3" && has "'staged-epoch': 3" && has "'admin': 7" &&
		has "'left': 0" && has "'reconfig_unstaged'" &&
		has "'max-n': 5" && has "'n': 4[,}]"
}
ktap_test_result "a new host reports its creation epoch as staged, n 4, max-n 5" \
	created

max_default() {
	out=$(new_replica r8 0 4 "" 7408)
	[ "$out" = None ] || return 1
	out=$(ynl --do replica-get --json '{"name": "r8"}')
	has "'max-n': 4" && b replica del r8
}
ktap_test_result "max-n defaults to n" max_default

max_below() {
	out=$(new_replica r8 0 5 4 7408)
	ktap_print_msg "$(echo "$out" | grep -m1 -oE "extack: .*" | head -c 200)"
	has "max-n is below the cluster size n" &&
		! ynl --do replica-get --json '{"name": "r8"}' | grep -q "'name': 'r8'"
}
ktap_test_result "max-n < n refused at creation, no replica made" max_below

admin_range() {
	out=$(ynl --do replica-new --json "{\"name\": \"r9\", \"replica-id\": 0,
		\"n\": 4, \"n-clients\": 8, \"listen\": \"$(sin 7409)\", \"admin\": 8}")
	has "not below the replica's client count"
}
ktap_test_result "admin id >= clients refused" admin_range

refused "current epoch + 1" "$(staged 3 "$D2" "")"
ktap_test_result "staged epoch = current refused" [ $? -eq 0 ]
refused "current epoch + 1" "$(staged 2 "$D2" "")"
ktap_test_result "staged epoch backwards refused" [ $? -eq 0 ]
refused "current epoch + 1" "$(staged 5 "$D2" "")"
ktap_test_result "staged epoch skipping one refused" [ $? -eq 0 ]
refused "below the cluster size" \
	"$(staged 4 "$D2" "$(peer 4 7404 "$NEWKEY")")"
ktap_test_result "staged peer id >= n refused" [ $? -eq 0 ]
refused "more than f" \
	"$(staged 4 "$D2" "$(peer 1 7411 "$NEWKEY"), $(peer 2 7412 "$NEWKEY")")"
ktap_test_result "replace set > f refused" [ $? -eq 0 ]
refused "not its own peer" "$(staged 4 "$D2" "$(peer 0 7410 "$NEWKEY")")"
ktap_test_result "staging this replica's own id refused" [ $? -eq 0 ]
refused "given twice" \
	"$(staged 4 "$D2" "$(peer 2 7412 "$NEWKEY"), $(peer 2 7413 "$NEWKEY")")"
ktap_test_result "a staged id twice refused" [ $? -eq 0 ]
refused "above the replica's max-n" "$(staged_n r0 4 6 "$(peer 4 7404 "$NEWKEY"), $(peer 5 7405 "$NEWKEY")")"
ktap_test_result "staged n 6 > max-n 5 refused" [ $? -eq 0 ]
refused "every id the staged epoch adds" "$(staged_n r0 4 5 "")"
ktap_test_result "staged n 5 without a host for the added id 4 refused" [ $? -eq 0 ]
refused "every id the staged epoch adds" \
	"$(staged_n r0 4 5 "$(peer 1 7411 "$NEWKEY")")"
ktap_test_result "staged n 5 with only a replaced id refused" [ $? -eq 0 ]
refused "size out of range" "$(staged 4 "${D2}22" "")"
ktap_test_result "config digest of 33 bytes refused" [ $? -eq 0 ]
refused "epoch and the config digest" \
	'{"name": "r0", "staged": {"epoch": 4}}'
ktap_test_result "staging without a digest refused" [ $? -eq 0 ]
unchanged() {
	local after

	after=$(state)
	ktap_print_msg "after: $after"
	[ -n "$BEFORE" ] && [ "$BEFORE" = "$after" ]
}
ktap_test_result "nothing changed: epoch, staged epoch, peers" unchanged

endpoints() {
	echo "$1" | grep -oE "'endpoint': [^,}]*" | tr '\n' ' '
}

stage_ok() {
	out=$(ynl --do replica-set --json "$(staged 4 "$D2" \
		"$(peer 2 7412 "$NEWKEY")")")
	ktap_print_msg "replica-set: $(echo "$out" | tr '\n' ' ' | head -c 200)"
	out=$(state)
	ktap_print_msg "$out"
	has "'staged-epoch': 4" && has "'epoch': 3" &&
		[ "$(endpoints "$BEFORE")" = "$(endpoints "$out")" ]
}
ktap_test_result "a good staging: staged epoch 4, running peers unchanged" \
	stage_ok

grow_ok() {
	out=$(ynl --do replica-set --json "$(staged_n r0 4 5 \
		"$(peer 4 7404 "$NEWKEY"), $(peer 1 7411 "$NEWKEY")")")
	ktap_print_msg "replica-set: $(echo "$out" | tr '\n' ' ' | head -c 200)"
	[ "$out" = None ] || return 1
	out=$(ynl --do replica-get --json '{"name": "r0"}')
	ktap_print_msg "$(echo "$out" | grep -oE "$STATE|'(max-)?n': [0-9]+" |
		tr '\n' ' ')"
	# Running n, max-n and peers stay until the switch.
	has "'staged-epoch': 4" && has "'n': 4[,}]" && has "'max-n': 5" &&
		[ "$(endpoints "$BEFORE")" = "$(endpoints "$(state)")" ] ||
		return 1
	out=$(b -j show r0)
	ktap_print_msg "bftctl -j show: $(echo "$out" | grep -oE '"(n|max_n|staged_epoch)": *[0-9]+' | tr '\n' ' ')"
	has '"max_n": *5' && has '"n": *4'
}
ktap_test_result "staging n 5 (id 4 added, id 1 replaced) on n 4, max-n 5" grow_ok

# A shrink, on replicas of n 5: id 4 leaves.
shrink() {
	out=$(new_replica r1 0 5 5 7420)
	[ "$out" = None ] || return 1
	refused "below the cluster size of the staged epoch" \
		"$(staged_n r1 4 4 "$(peer 4 7424 "$NEWKEY")")" || return 1
	out=$(new_replica r2 4 5 5 7430)
	[ "$out" = None ] || return 1
	refused "it leaves and stages no peers" \
		"$(staged_n r2 4 4 "$(peer 1 7431 "$NEWKEY")")" || return 1
	out=$(ynl --do replica-set --json "$(staged_n r2 4 4 "")")
	[ "$out" = None ] || return 1
	out=$(ynl --do replica-get --json '{"name": "r1"}')
	has "'staged-epoch': 3" || return 1
	out=$(ynl --do replica-get --json '{"name": "r2"}')
	has "'staged-epoch': 4" && b replica del r1 && b replica del r2
}
ktap_test_result "shrink 5 -> 4: a staged id >= 4 refused, the leaving id 4 stages no peers" \
	shrink

restage_ok() {
	out=$(ynl --do replica-set --json "$(staged 4 "$D1" "")")
	ktap_print_msg "replica-set: $(echo "$out" | tr '\n' ' ' | head -c 200)"
	[ "$out" = None ]
}
ktap_test_result "staging again replaces the earlier one" restage_ok
ktap_test_result "replica del with a staging" run_logged b replica del r0
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
