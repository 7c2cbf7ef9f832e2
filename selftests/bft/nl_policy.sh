#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Strict policy validation and extack messages: see nl_policy.c.
set -u

. "$(dirname "$0")/lib.sh"

if ! bft_load; then
	ktap_print_header
	ktap_exit_fail_msg "cannot load bft.ko"
fi
exec "$(dirname "$0")/nl_policy"
