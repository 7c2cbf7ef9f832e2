#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# cluster.sh with n = 7 (f = 2, Q = 5).
BFT_N=7 exec "$(dirname "$0")/cluster.sh"
