#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bftctl without bft.ko: show fails (exit 1) with an error that names the
# missing module, rather than a bare errno; version still prints bftctl's
# version (exit 0) and says the module is not loaded.
set -u

. "$(dirname "$0")/lib.sh"

ktap_print_header
ktap_set_plan 4
bft_require "$BFTCTL" rmmod

bft_unload || ktap_exit_fail_msg "cannot unload a loaded bft module"

trap bft_autoload_restore EXIT
bft_autoload_off

# ktap_test_result word-splits its arguments: read $out as a global.
says_not_loaded() {
	echo "$out" | grep -qi "bft.*module.*not loaded"
}

for cmd in show version; do
	out=$("$BFTCTL" "$cmd" 2>&1)
	rc=$?
	want=1
	[ "$cmd" = version ] && want=0
	ktap_print_msg "bftctl $cmd: rc=$rc: $out"
	ktap_test_result "bftctl $cmd exits $want without the module" [ "$rc" -eq "$want" ]
	ktap_test_result "bftctl $cmd says the bft module is not loaded" \
		says_not_loaded
done
bft_loaded && ktap_print_msg "bft.ko got loaded behind our back"
ktap_finished
