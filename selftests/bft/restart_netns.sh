#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# restart.sh, the netns phase only.
BFT_RESTART=netns exec "$(dirname "$0")/restart.sh"
