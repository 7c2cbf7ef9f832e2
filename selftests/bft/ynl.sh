#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The YNL spec (Documentation/netlink/specs/bft.yaml) drives the running
# module through the kernel's own tools/net/ynl/cli.py: a status get, a
# replica dump and get, and an extack error, all decoded by the spec.
set -u

. "$(dirname "$0")/lib.sh"

NS=
YNL_DIR=${YNL_DIR:-/kselftest/ynl}

trap cleanup_all_ns EXIT

ynl() {
	ip netns exec "$NS" python3 "$YNL_DIR/cli.py" \
		--spec "$YNL_DIR/bft.yaml" --no-schema "$@" 2>&1
}

# ktap_test_result word-splits: predicates read $out.
has() {
	echo "$out" | grep -q -- "$1"
}

status_empty() {
	out=$(ynl --do get-status --json '{}')
	ktap_print_msg "get-status: $(echo "$out" | tr '\n' ' ')"
	has "'version': '0.1.0'" && has "'nr-replicas': 0" &&
		has "'proto-version': $("$BFT_STATUS" --wire-version)"
}

status_one() {
	out=$(ynl --do get-status --json '{}')
	has "'nr-replicas': 1"
}

dump_lists() {
	out=$(ynl --dump replica-get)
	ktap_print_msg "dump: $(echo "$out" | head -c 300 | tr '\n' ' ')"
	has "'name': 'ynl0'" && has "'replica-id': 2" && has "'n': 4"
}

get_decodes() {
	out=$(ynl --do replica-get --json '{"name": "ynl0"}')
	has "'last-exec': 0" && has "'quorum': 3" && has "'f': 1" &&
		has "'name': 'tx_preprepare'" && has "'batch-size': 4"
}

ckpt_none() {
	out=$(ynl --dump checkpoint-get --json '{"name": "ynl0"}')
	ktap_print_msg "checkpoint-get: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	has "no stable checkpoint yet" && return 0
	# Kernels before 6.2 drop the extack a dump's .start sets; the errno
	# (ENOENT) still arrives.
	case $(uname -r) in
	[1-5].* | 6.[01].*) has "No such file or directory" ;;
	*) return 1 ;;
	esac
}

extack_shown() {
	out=$(ynl --do replica-get --json '{"name": "nope"}')
	ktap_print_msg "error: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	has "no replica of that name"
}

ktap_print_header
ktap_set_plan 7
bft_require python3 ip "$BFTCTL"
[ -r "$YNL_DIR/cli.py" ] || ktap_exit_fail_msg "no YNL cli.py in $YNL_DIR"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup_ns NS || ktap_exit_fail_msg "cannot create a netns"

ktap_test_result "ynl: get-status decodes" status_empty
ip netns exec "$NS" "$BFTCTL" replica add ynl0 id 2 n 4 \
	listen 127.0.0.1:7410 batch-size 4 >/dev/null ||
	ktap_exit_fail_msg "bftctl replica add failed"
ktap_test_result "ynl: get-status counts the replica" status_one
ktap_test_result "ynl: replica dump" dump_lists
ktap_test_result "ynl: replica get with info, policy and counters" get_decodes
ktap_test_result "ynl: extack message of a refused request" extack_shown
ktap_test_result "ynl: checkpoint-get before any stable checkpoint" ckpt_none
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
