#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check's driver. Runs each stage of CHECK_TARGETS as its own make
# invocation and reports its time. Stages named in CHECK_BACKGROUND run in
# a second lane alongside the others: the debug kernel stage is an hour of
# mostly guest time, and run last it alone would decide whether CI fits
# its budget. Its output is prefixed with its name.
#
# Environment: CHECK_TARGETS, CHECK_BACKGROUND, CHECK_PREBUILD (targets
# both lanes read, built once before they start so the lanes never write
# the same file).
set -u

make=${MAKE:-make}
fg=() bg=()
for t in $CHECK_TARGETS; do
	case " ${CHECK_BACKGROUND:-} " in
	*" $t "*) bg+=("$t") ;;
	*) fg+=("$t") ;;
	esac
done

stage() {
	local t=$1 start rc=0

	start=$(date +%s)
	"$make" --no-print-directory "$t" || rc=1
	echo "== $t took $(( $(date +%s) - start ))s"
	return $rc
}

lane() {
	local t rc=0

	for t in "$@"; do
		stage "$t" || rc=1
	done
	return $rc
}

rc=0
pid=
if [ ${#bg[@]} -gt 0 ]; then
	"$make" --no-print-directory ${CHECK_PREBUILD:-} || rc=1
	(
		set -o pipefail
		lane "${bg[@]}" 2>&1 | sed -u "s/^/[${bg[*]}] /"
	) &
	pid=$!
fi
lane "${fg[@]}" || rc=1
if [ -n "$pid" ]; then
	echo "== waiting for ${bg[*]}"
	wait "$pid" || rc=1
fi
exit $rc
