#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload bft.ko repeatedly: /sys/module/bft must follow every
# step, the genl family must come and go with it, and the kernel log must
# stay clean.
set -u

. "$(dirname "$0")/lib.sh"

LOOPS=${BFT_LOAD_LOOPS:-20}

ktap_print_header
ktap_set_plan 5
bft_require "$BFTCTL" modprobe rmmod

bft_unload || ktap_exit_fail_msg "cannot unload a loaded bft module"
# Otherwise the family lookup after rmmod would load the module again.
trap bft_autoload_restore EXIT
bft_autoload_off
dmesg_mark

load_fail=0 present_fail=0 gone_fail=0 family_fail=0
for i in $(seq "$LOOPS"); do
	if ! bft_load; then
		ktap_print_msg "load $i failed"
		load_fail=$((load_fail + 1))
		continue
	fi
	bft_loaded || present_fail=$((present_fail + 1))
	"$BFT_STATUS" >/dev/null || family_fail=$((family_fail + 1))
	if ! rmmod bft; then
		ktap_print_msg "unload $i failed"
		load_fail=$((load_fail + 1))
	fi
	if bft_loaded; then
		gone_fail=$((gone_fail + 1))
	elif "$BFT_STATUS" >/dev/null 2>&1; then
		ktap_print_msg "family still answers after unload $i"
		family_fail=$((family_fail + 1))
	fi
done

ktap_test_result "insmod/rmmod $LOOPS times" [ "$load_fail" -eq 0 ]
ktap_test_result "/sys/module/bft present after each load" \
	[ "$present_fail" -eq 0 ]
ktap_test_result "/sys/module/bft gone after each unload" \
	[ "$gone_fail" -eq 0 ]
ktap_test_result "genl family follows the module" [ "$family_fail" -eq 0 ]
ktap_test_result "kernel log clean" dmesg_clean
ktap_finished
