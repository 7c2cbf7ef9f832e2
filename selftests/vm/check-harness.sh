#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-test of the VM harness: boot a guest whose only test loads
# bft_canary, which WARN()s and leaks, and check that the host fails the
# run for it although every KTAP result passes.  On the debug kernel the
# leak must also come out of kmemleak.
#
# Usage: check-harness.sh BUILD [KERNEL...]	(KERNEL: 6.12 (default), debug)
# Writes BUILD/results/harness.res: one result per expectation.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=$1
shift
kernels=${*:-6.12}
pass=0 fail=0

expect() {
	local what=$1

	shift
	if "$@"; then
		echo "ok: $what"
		pass=$((pass + 1))
	else
		echo "not ok: $what"
		fail=$((fail + 1))
	fi
}

for k in $kernels; do
	case $k in
	debug)	kdir=$("$here/debug-kernel.sh") ;;
	*)	krel=$(printf '%s\n' /boot/vmlinuz-"$k".*-cloud-amd64 |
		       sort -V | tail -n 1)
		kdir=/lib/modules/${krel#/boot/vmlinuz-}/build ;;
	esac
	stage=harness-$k
	dir=$build/vm/$stage
	tests=$dir/tests
	rm -rf "$dir"
	mkdir -p "$tests/obj"

	# Build the canary out of tree, in the output directory.
	cp "$here/canary/canary.c" "$here/canary/Kbuild" "$tests/obj/"
	make -s -C "$kdir" M="$tests/obj" modules
	cp "$tests/obj/bft_canary.ko" "$here/canary/canary.sh" \
	   "$here/canary/kselftest-list.txt" "$tests/"
	rm -rf "$tests/obj"

	rc=0
	"$here/stage.sh" -n -d "$tests" -r "$dir/results" "$stage" "$k" \
		"$build" >"$dir/run.log" 2>&1 || rc=$?
	grep -a '^== ' "$dir/run.log" || true

	expect "$k: KTAP and verdict pass, only the log check fails" \
		grep -q "^3 1$" "$dir/results/$stage.res"
	expect "$k: the host fails the run" [ "$rc" -ne 0 ]
	expect "$k: the WARNING is reported" \
		grep -aq 'kernel log has splats' "$dir/run.log"
	expect "$k: the WARNING is the canary's" \
		grep -aq 'bft_canary: deliberate warning' "$dir/console.log"
	if [ "$k" = debug ]; then
		expect "$k: kmemleak reports the leak" \
			grep -aq 'unreferenced object' "$dir/verdict.log"
	fi
done

mkdir -p "$build/results"
echo "$pass $fail" >"$build/results/harness.res"
echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
