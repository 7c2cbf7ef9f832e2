#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# restart.sh, the primary phase only.
BFT_RESTART=primary exec "$(dirname "$0")/restart.sh"
