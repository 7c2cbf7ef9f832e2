#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run host test programs that print KTAP (kselftest_harness.h) and write
# "<passed> <failed>" to RES. Each program's output is shown and kept in
# PROG.log; selftests/vm/ktap_count.awk counts it. A program that exits
# non-zero with no failed test (a sanitizer report at exit, a crash
# between tests) adds one failure.
# Usage: scripts/ktap-run.sh RES PROG...
set -u

res=$1
shift
top=$(dirname "$0")/..
pass=0
fail=0
for t in "$@"; do
	"$t" >"$t.log" 2>&1
	rc=$?
	cat "$t.log"
	read -r p f _ < <(awk -f "$top/selftests/vm/ktap_count.awk" "$t.log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "# $t: exit $rc with no failed test"
		f=1
	fi
	pass=$((pass + p))
	fail=$((fail + f))
done
echo "$pass $fail" >"$res"
echo "# $(basename "$res" .res): $pass passed, $fail failed"
[ "$fail" -eq 0 ]
