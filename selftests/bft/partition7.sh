#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# partition.sh with n = 7 (f = 2, Q = 5): a 5|2 split, where the majority
# keeps serving and the two cut off execute nothing, then a 3|4 split,
# where neither side has a quorum.
BFT_N=7 exec "$(dirname "$0")/partition.sh"
