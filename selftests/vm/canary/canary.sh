#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of `make check-harness`: load bft_canary so that it warns
# and leaks.  The test itself passes; the host must still fail the run.
set -u

. "$(dirname "$0")/../kselftest/ktap_helpers.sh"

ktap_print_header
ktap_set_plan 2
ktap_test_result "insmod bft_canary warn=1 leak=1" \
	insmod "$(dirname "$0")/bft_canary.ko" warn=1 leak=1
ktap_test_result "rmmod bft_canary" rmmod bft_canary
ktap_finished
