#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one kernel with the test initramfs under QEMU and judge the run.
#
# Usage: run-vm.sh -k BZIMAGE -i INITRAMFS -n STAGE -o OUTDIR
#		   [-m test|demo|bench] [-T "test ..."] [-t TIMEOUT] [-r RESULTS]
#		   [-P PER_TEST_TIMEOUT]
#
# ttyS0 is the console, shown live and kept in OUTDIR/console.log.
# ttyS1 goes to OUTDIR/verdict.log: the guest writes the KTAP output, the
# kmemleak report and dmesg there, then "BFTVM-DONE rc=N" (see init.sh).
#
# The run fails on a test failure, a missing verdict, a timeout, or any
# kernel splat (Oops, WARNING, BUG, KASAN, UBSAN, lockdep, kmemleak,
# Call Trace, ...) in the kernel log.  In test mode RESULTS/STAGE.res gets
# "PASSED FAILED": the KTAP results (SKIP counted as passed) plus two
# host-side checks, "verdict received" and "kernel log clean".
set -eu

kernel='' initrd='' stage='' outdir='' mode=test tests='' results=''
test_timeout=${BFT_TEST_TIMEOUT:-}
timeout=${BFT_VM_TIMEOUT:-300}
accel=${BFT_QEMU_ACCEL:-tcg}

while getopts k:i:n:o:m:T:t:r:P: opt; do
	case $opt in
	k) kernel=$OPTARG ;;
	i) initrd=$OPTARG ;;
	n) stage=$OPTARG ;;
	o) outdir=$OPTARG ;;
	m) mode=$OPTARG ;;
	T) tests=$OPTARG ;;
	t) timeout=$OPTARG ;;
	r) results=$OPTARG ;;
	P) test_timeout=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$stage" ] ||
   [ -z "$outdir" ]; then
	echo "usage: see $0" >&2
	exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
console=$outdir/console.log
verdict=$outdir/verdict.log
mkdir -p "$outdir"
rm -f "$console" "$verdict"

# Kernel log lines that fail the run: $klog($splat).
. "$here/splat.sh"

append="console=ttyS0,115200 panic=-1 rdinit=/init bftvm_mode=$mode"
[ -n "$tests" ] && append="$append bftvm_tests=$(echo "$tests" | tr ' ' ,)"
[ -n "$test_timeout" ] && append="$append bftvm_test_timeout=$test_timeout"
# Keep the demo readable; splats still reach the dmesg dump checked below.
[ "$mode" = test ] || append="$append quiet"
# Extra words, e.g. NAME=VALUE settings the kernel hands to /init as
# environment (make bench passes BENCH_* this way).
[ -n "${BFT_VM_APPEND:-}" ] && append="$append $BFT_VM_APPEND"

echo "== $stage: booting $(basename "$kernel") ($accel, timeout ${timeout}s)"
start=$(date +%s)
set +e
# -no-reboot turns the guest's "reboot -f" into a QEMU exit.
timeout -k 10 "$timeout" qemu-system-x86_64 \
	-accel "$accel" -cpu max -m 1G -smp 2 \
	-nographic -no-reboot -monitor none -net none \
	-serial stdio -serial "file:$verdict" \
	-kernel "$kernel" -initrd "$initrd" -append "$append" \
	</dev/null 2>&1 | tee "$console"
qemu_rc=${PIPESTATUS[0]}
set -e
elapsed=$(( $(date +%s) - start ))

fail=0 pass=0 skip=0 host_pass=0 host_fail=0
problem() {
	echo "== $stage: FAIL: $*"
	host_fail=$((host_fail + 1))
}

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "== $stage: FAIL: timed out after ${timeout}s"
elif [ "$qemu_rc" -ne 0 ]; then
	echo "== $stage: FAIL: qemu exited with $qemu_rc"
fi

[ -e "$verdict" ] || : >"$verdict"
done_line=$(tr -d '\r' <"$verdict" | grep '^BFTVM-DONE rc=' | tail -n 1)
if [ -z "$done_line" ] || [ "$qemu_rc" -ne 0 ]; then
	problem "no verdict from the guest"
else
	host_pass=$((host_pass + 1))
fi

# Splats on the console, in the guest's dmesg dump, or kmemleak's report.
bad=$( { tr -d '\r' <"$console"
	 tr -d '\r' <"$verdict" | sed -n '/^### dmesg$/,$p'; } |
       grep -aE "$klog($splat)" || true)
leaks=$(tr -d '\r' <"$verdict" |
	sed -n '/^### kmemleak$/,/^### /p' | grep -a 'unreferenced object' ||
	true)
if [ -n "$bad$leaks" ]; then
	problem "kernel log has splats:"
	printf '%s\n' "$bad" "$leaks" | grep -v '^$' | sort -u | head -n 40
else
	host_pass=$((host_pass + 1))
fi

ktap=$(tr -d '\r' <"$verdict" | sed '/^### /,$d; /^BFTVM-DONE/d')
if [ "$mode" = test ]; then
	# Per-test wall times (init.sh), longest first, kept in OUTDIR/times.
	echo "$ktap" | sed -n 's/^# time: \([^ ]*\) \([0-9]*\)s$/\2 \1/p' |
		sort -rn >"$outdir/times"
	if [ -s "$outdir/times" ]; then
		echo "== $stage: test times (s): $(awk '{ printf "%s%s %s",
			sep, $2, $1; sep = ", " }' "$outdir/times")"
	fi
	read -r pass fail skip < <(echo "$ktap" | awk -f "$here/ktap_count.awk")
	pass=$((pass + host_pass))
	fail=$((fail + host_fail))
	if [ -n "$results" ]; then
		mkdir -p "$results"
		echo "$pass $fail" >"$results/$stage.res"
	fi
	echo "== $stage: $pass passed ($skip skipped), $fail failed," \
	     "${elapsed}s"
	[ "$fail" -eq 0 ]
else
	# Demo: the guest's own exit status plus the host checks.
	echo "== $stage: ${done_line:-no verdict}, ${elapsed}s"
	[ "$host_fail" -eq 0 ] && [ "$done_line" = "BFTVM-DONE rc=0" ]
fi
