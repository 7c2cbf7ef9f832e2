#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM.  The console (ttyS0) shows everything; the
# verdict goes to ttyS1, which the host maps to a file, so kernel messages
# never interleave with it:
#   KTAP output of the run, "### dmesg" + the kernel log,
#   then "BFTVM-DONE rc=N" as the very last line.
# Kernel command line: bftvm_mode=test|demo|bench|agent, bftvm_tests=a,b (default all),
# bftvm_test_timeout=SECONDS (default: selftests/bft/settings).

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /run/netns
# No udev: the links scripts expect (the kselftest runner logs to
# /dev/stdout).
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
hostname -F /etc/hostname
ip link set lo up

mode="test"
tests=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	bftvm_mode=*) mode=${arg#*=} ;;
	bftvm_tests=*) tests=$(echo "${arg#*=}" | tr ',' ' ') ;;
	# Per-test timeout of the kselftest runner, for slow (debug) kernels.
	bftvm_test_timeout=*) export kselftest_override_timeout="${arg#*=}" ;;
	esac
done

verdict=/dev/ttyS1
stty -F $verdict raw -echo 2>/dev/null

read -r preload </etc/bft-preload
for m in $preload; do
	modprobe "$m" || echo "init: cannot load $m"
done

kmemleak=/sys/kernel/debug/kmemleak
# Tests may scale their load down on the (much slower) debug kernel.
if [ -e $kmemleak ]; then
	export BFT_DEBUG_KERNEL=1
fi
# Report only what the tests leak: scan once, then forget boot's suspects.
if [ -w $kmemleak ]; then
	echo scan >$kmemleak
	echo clear >$kmemleak
fi

# Test names (netns) or file names (netns.sh) of selftests/bft.
run_tests() {
	list=''
	cd /kselftest/bft || return 1
	if [ -z "$tests" ]; then
		list=$(cat kselftest-list.txt)
	else
		for t in $tests; do
			for f in "$t" "$t.sh"; do
				[ -e "$f" ] && break
			done
			list="$list $f"
		done
	fi
	# shellcheck disable=SC2086 # one word per test
	BASE_DIR=/kselftest bash -c \
		'. /kselftest/kselftest/runner.sh; run_many "$@"' runner $list
}

# After each test program's result, "# time: NAME Ns", its wall time in
# the guest: a KTAP diagnostic line, which the host counts nothing in but
# shows (run-vm.sh), so the stage budgets can be read off any run.
ktap_times() {
	t0='' name=''
	while IFS= read -r line; do
		printf '%s\n' "$line"
		case $line in
		"# selftests: "*)
			read -r t0 _ </proc/uptime
			name=${line##* } ;;
		"ok "*|"not ok "*)
			[ -n "$t0" ] || continue
			read -r t1 _ </proc/uptime
			echo "# time: $name $(( ${t1%.*} - ${t0%.*} ))s"
			t0='' ;;
		esac
	done
}

read -r up _ </proc/uptime
echo "init: mode=$mode, kernel $(uname -r), booted in ${up}s"
echo 1 >/tmp/rc
case $mode in
test)
	run_tests 2>&1 | ktap_times | tee /tmp/ktap.log
	# The host counts results; this is only the guest's own opinion.
	if grep -q '^ok' /tmp/ktap.log && ! grep -q '^not ok' /tmp/ktap.log
	then
		echo 0 >/tmp/rc
	fi
	;;
demo)
	{ /vm/demo.sh; echo $? >/tmp/rc; } 2>&1 | tee /tmp/ktap.log
	;;
bench)
	# BENCH_* settings arrive as environment (kernel command line).
	{ /vm/bench.sh; echo $? >/tmp/rc; } 2>&1 | tee /tmp/ktap.log
	;;
agent)
	# A host of the multi-host test: runs what the host sends on ttyS1
	# until it says "exit" (selftests/vm/agent.sh).
	{ /vm/agent.sh; echo $? >/tmp/rc; } 2>&1 | tee /tmp/ktap.log
	;;
*)
	echo "init: unknown mode $mode" | tee /tmp/ktap.log
	;;
esac

read -r up _ </proc/uptime
echo "init: done at ${up}s"
{
	cat /tmp/ktap.log
	if [ -w $kmemleak ]; then
		# An object must look unreferenced in two scans to be reported.
		echo scan >$kmemleak
		sleep 5
		echo scan >$kmemleak
		echo "### kmemleak"
		cat $kmemleak
	fi
	echo "### dmesg"
	dmesg
	echo "BFTVM-DONE rc=$(cat /tmp/rc)"
} >$verdict
sync
reboot -f
