#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, inside the guest: load bft.ko and drive it from two network
# namespaces.  Each step is echoed before it runs; any failure ends the
# demo with a non-zero status, which the host reports.
set -eu

step() {
	echo
	echo "+ $*"
	"$@"
}

cleanup() {
	ip netns del demo-a 2>/dev/null || true
	ip netns del demo-b 2>/dev/null || true
}
trap cleanup EXIT

echo "=== bft demo on $(uname -r) ==="
step modprobe bft
step grep -E '^bft ' /proc/modules
step bftctl version
step ip netns add demo-a
step ip netns add demo-b
step ip netns exec demo-a bftctl show
step ip netns exec demo-b bftctl show
step ip netns exec demo-b bftctl -j show
cleanup
step rmmod bft
echo
echo "=== demo done ==="
