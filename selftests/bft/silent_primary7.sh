#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# silent_primary.sh with n = 7 (f = 2, Q = 5) and two Byzantine replicas
# at once: the silent primary and a forger (replica 6).
BFT_N=7 BFT_ADV2=forge exec "$(dirname "$0")/silent_primary.sh"
