#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster.sh with n = 7 (f = 2, Q = 5).
# A third of n=4's load: n=7 costs each request about twice the messages,
# and the identities checked do not depend on how many ran.
BFT_N=7 BFT_MIN_OPS=${BFT_MIN_OPS:-3500} exec "$(dirname "$0")/cluster.sh"
