#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest provides what the cluster tests build on: veth between
# namespaces, a bridge, netem, and an accelerated sha256 behind
# hmac(sha256).  A failure here points at the harness, not at bft.
set -u

. "$(dirname "$0")/lib.sh"

NS=bft-env-$$

cleanup() {
	for i in 0 1 2; do
		ip netns del "$NS-$i" 2>/dev/null
	done
	ip link del "$NS-br" 2>/dev/null
	return 0
}
trap cleanup EXIT

# Three namespaces on one bridge in the init netns: 10.99.0.{1,2,3}/24.
make_lan() {
	local i

	ip link add "$NS-br" type bridge || return 1
	ip link set "$NS-br" up || return 1
	for i in 0 1 2; do
		ip netns add "$NS-$i" &&
		ip link add "veth$i" netns "$NS-$i" type veth \
			peer name "$NS-p$i" &&
		ip link set "$NS-p$i" master "$NS-br" up &&
		ip -n "$NS-$i" addr add "10.99.0.$((i + 1))/24" dev "veth$i" &&
		ip -n "$NS-$i" link set "veth$i" up &&
		ip -n "$NS-$i" link set lo up || return 1
	done
}

ping_all() {
	local i

	for i in 1 2; do
		ip netns exec "$NS-0" ping -c 1 -W 5 "10.99.0.$((i + 1))" \
			>/dev/null || return 1
	done
}

# netem's 200ms must show in the round trip.
netem_delays() {
	local rtt

	tc -n "$NS-1" qdisc add dev veth1 root netem delay 200ms || return 1
	rtt=$(ip netns exec "$NS-0" ping -c 1 -W 5 10.99.0.2 |
	      sed -n 's/.*time=\([0-9]*\).*/\1/p')
	ktap_print_msg "rtt with netem: ${rtt:-none} ms"
	[ -n "$rtt" ] && [ "$rtt" -ge 200 ]
}

# The kernel's choice for sha256 must not be the generic C one.
sha256_accelerated() {
	local drv

	drv=$(awk '/^name/ { n = $3 } /^driver/ && n == "sha256" { print $3 }' \
		/proc/crypto | tr '\n' ' ')
	ktap_print_msg "sha256 drivers: $drv"
	drv=${drv//sha256-generic/}
	[ -n "${drv// /}" ]
}

ktap_print_header
ktap_set_plan 4
bft_require ip tc ping

ktap_test_result "veth pairs on a bridge across 3 netns" make_lan
ktap_test_result "ping over the bridge" ping_all
ktap_test_result "netem delay applies" netem_delays
ktap_test_result "sha256 has an accelerated driver" sha256_accelerated
ktap_finished
