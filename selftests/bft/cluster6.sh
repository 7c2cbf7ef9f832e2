#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster.sh over IPv6: replicas bind and talk on fd77::/64, clients too.
# A shorter load than the IPv4 run: the paths past the socket are shared.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	ops=500
else
	ops=2000
fi
CL_V6=1 BFT_MIN_OPS=${BFT_MIN_OPS:-$ops} exec "$(dirname "$0")/cluster.sh"
