#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The "bft" family is per network namespace: it answers in each netns on
# its own, with that namespace's cookie, and namespaces can come and go
# while the module is loaded.
set -u

. "$(dirname "$0")/lib.sh"

NS_A=
NS_B=
trap cleanup_all_ns EXIT

# The netns cookie as seen by the independent client / by bftctl.
cookie() {
	ip netns exec "$1" "$BFT_STATUS" | sed -n 's/^netns_cookie=//p'
}

bftctl_cookie() {
	ip netns exec "$1" "$BFTCTL" -j show |
		sed -n 's/.*"netns_cookie": *\([0-9]*\).*/\1/p'
}

is_version_json() {
	case $1 in
	"{"*'"module"'*) return 0 ;;
	esac
	return 1
}

# ktap_test_result word-splits its arguments: predicates read globals.
version_json_ok() {
	is_version_json "$json_a" && is_version_json "$json_b"
}

cookies_distinct() {
	[ -n "$c_a" ] && [ -n "$c_b" ] && [ -n "$c_init" ] &&
	[ "$c_a" != "$c_b" ] && [ "$c_a" != "$c_init" ] &&
	[ "$c_b" != "$c_init" ] && [ "$c_a" != 0 ] && [ "$c_b" != 0 ]
}

cookies_agree() {
	local a b

	a=$(bftctl_cookie "$NS_A")
	b=$(bftctl_cookie "$NS_B")
	ktap_print_msg "bftctl -j show cookies: A=$a B=$b"
	[ "$a" = "$c_a" ] && [ "$b" = "$c_b" ]
}

ktap_print_header
ktap_set_plan 8
bft_require "$BFTCTL" ip modprobe rmmod

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
setup_ns NS_A NS_B || ktap_exit_fail_msg "cannot create network namespaces"

for ns in "$NS_A" "$NS_B"; do
	ktap_test_result "bftctl show in netns ${ns%-*}" \
		run_logged ip netns exec "$ns" "$BFTCTL" show
done

json_a=$(ip netns exec "$NS_A" "$BFTCTL" -j version)
json_b=$(ip netns exec "$NS_B" "$BFTCTL" -j version)
ktap_print_msg "A: $json_a"
ktap_print_msg "B: $json_b"
ktap_test_result "bftctl -j version in both" version_json_ok

c_init=$("$BFT_STATUS" | sed -n 's/^netns_cookie=//p')
c_a=$(cookie "$NS_A")
c_b=$(cookie "$NS_B")
ktap_print_msg "cookies: init=$c_init A=$c_a B=$c_b"
ktap_test_result "each netns reports its own cookie" cookies_distinct
ktap_test_result "bftctl -j show reports the same cookies" cookies_agree

# A namespace deleted under a loaded module: the rest keeps working.
ip netns del "$NS_A"
ktap_test_result "family still answers in netns B after A is gone" \
	run_logged ip netns exec "$NS_B" "$BFTCTL" show

# And the module can go while a namespace still exists.
ktap_test_result "rmmod with a live extra netns" bft_unload
ip netns del "$NS_B"
ktap_test_result "kernel log clean" dmesg_clean
ktap_finished
