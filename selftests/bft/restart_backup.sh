#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# restart.sh, the backup phase only.
BFT_RESTART=backup exec "$(dirname "$0")/restart.sh"
