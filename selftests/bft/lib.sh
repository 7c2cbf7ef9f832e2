#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the bft selftests; sourced, never run.

# shellcheck source=/dev/null
. "$(dirname "$0")/../kselftest/ktap_helpers.sh"
# setup_ns, cleanup_ns, slowwait, ... (from linux-source, as the runner)
# shellcheck source=/dev/null
. "$(dirname "$0")/../net/lib.sh"

BFTCTL=${BFTCTL:-bftctl}
BFT_STATUS=${BFT_STATUS:-$(dirname "$0")/bft_status}
LINCHECK=${LINCHECK:-$(dirname "$0")/lincheck}
# Kernel log patterns that fail a test wherever they appear.
BFT_DMESG_BAD='Oops|WARNING:|BUG:|KASAN|UBSAN|circular locking|recursive locking'
BFT_DMESG_BAD="$BFT_DMESG_BAD|lockdep is turned off|Call Trace|unreferenced object"
BFT_DMESG_BAD="$BFT_DMESG_BAD|general protection"

bft_loaded() {
	[ -d /sys/module/bft ]
}

# Load bft.ko: $BFT_KO if set, else modprobe (resolves its dependencies).
bft_load() {
	bft_loaded && return 0
	if [ -n "${BFT_KO:-}" ]; then
		insmod "$BFT_KO"
	else
		modprobe bft
	fi
}

bft_unload() {
	bft_loaded || return 0
	rmmod bft
}

# The genl alias (net-pf-16-proto-16-family-bft) makes the kernel modprobe
# bft.ko on a family lookup; tests that need it absent turn that off.
# The caller restores it with bft_autoload_restore (e.g. in an EXIT trap).
bft_autoload_off() {
	BFT_SAVED_MODPROBE=$(cat /proc/sys/kernel/modprobe)
	echo /bin/false >/proc/sys/kernel/modprobe
}

bft_autoload_restore() {
	[ -n "${BFT_SAVED_MODPROBE:-}" ] &&
		echo "$BFT_SAVED_MODPROBE" >/proc/sys/kernel/modprobe
	return 0
}

# Run a command with its output as KTAP diagnostics; keep its status.
run_logged() {
	"$@" 2>&1 | sed 's/^/# /'
	return "${PIPESTATUS[0]}"
}

# dmesg_mark, then dmesg_clean: no bad pattern among the lines logged since.
dmesg_mark() {
	BFT_DMESG_MARK=$(dmesg | wc -l)
}

dmesg_clean() {
	local new

	new=$(dmesg | tail -n +"$((BFT_DMESG_MARK + 1))")
	if echo "$new" | grep -Eq "$BFT_DMESG_BAD"; then
		echo "$new" | while IFS= read -r line; do
			echo "# dmesg: $line"
		done
		return 1
	fi
	return 0
}

# Fail the whole test (plan included) when a prerequisite is missing.
bft_require() {
	local cmd

	for cmd in "$@"; do
		command -v "$cmd" >/dev/null ||
			ktap_exit_fail_msg "required command $cmd not found"
	done
}
