#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# One VM stage: pick the kernel, build its initramfs, boot, judge.
#
# Usage: stage.sh [-m test|demo|bench] [-T "tests"] [-d TESTDIR] [-r RESULTS] [-n]
#		  [-K KMODDIR] STAGE KERNEL BUILD
#   KERNEL  6.1 | 6.12 (newest installed Debian cloud kernel of that
#	    series) | debug (the tree selftests/vm/debug-kernel.sh prints)
#   BUILD   the build directory: kmod/*/bft.ko, bftctl/bftctl,
#	    selftests/bft/ are read, vm/STAGE/ and results/ written
#   -d, -r  another test directory or results directory
#   -n	    no bft.ko in the guest (harness self-test)
#   -b FILE  only find the kernel and build the initramfs; write
#	    "KERNEL INITRAMFS" to FILE (selftests/vm/multihost.sh boots them)
#   -K	    take bft.ko from KMODDIR/*/bft.ko instead of BUILD/kmod (the
#	    modules DKMS built in make check-pkg)
#
# A stage that cannot even boot (no kernel, no bft.ko) still writes
# results/STAGE.res, as one failure, so the summary cannot miss it.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mode=test tests='' testdir='' results='' need_ko=1 paths='' kmoddir=''

while getopts m:T:d:r:nb:K: opt; do
	case $opt in
	m) mode=$OPTARG ;;
	T) tests=$OPTARG ;;
	d) testdir=$OPTARG ;;
	r) results=$OPTARG ;;
	n) need_ko=0 ;;
	b) paths=$OPTARG ;;
	K) kmoddir=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 3 ] || { echo "usage: see $0" >&2; exit 2; }
stage=$1 series=$2 build=$3
results=${results:-$build/results}
testdir=${testdir:-$build/selftests/bft}
outdir=$build/vm/$stage

fail_stage() {
	echo "== $stage: FAIL: $*" >&2
	if [ "$mode" = test ]; then
		mkdir -p "$results"
		echo "0 1" >"$results/$stage.res"
	fi
	exit 1
}

case $series in
debug)
	kdir=$("$here/debug-kernel.sh") || fail_stage "no debug kernel"
	krel=$(cat "$kdir/include/config/kernel.release")
	kernel=$kdir/arch/x86/boot/bzImage
	modroot=$(dirname "$kdir")/modroot
	# KASAN, lockdep and kmemleak under TCG: several times slower.
	timeout=${BFT_VM_TIMEOUT:-4500}
	test_timeout=${BFT_TEST_TIMEOUT:-1500}
	# No ACPI, so no HPET or PM timer to check the TSC against: under TCG
	# a PIT calibration now and then "succeeds" 25x too low, guest time
	# then runs 25x fast and kselftest timeouts fire within seconds (seen
	# in a CI rehearsal: 78 MHz, 1500 s timeouts after 60 s). Jiffies,
	# driven by QEMU's timers, keep real time.
	export BFT_VM_APPEND="tsc=unstable${BFT_VM_APPEND:+ $BFT_VM_APPEND}"
	;;
*)
	kernel=$(printf '%s\n' /boot/vmlinuz-"$series".*-cloud-amd64 |
		 sort -V | tail -n 1)
	[ -e "$kernel" ] || fail_stage "no /boot/vmlinuz-$series.*-cloud-amd64"
	krel=${kernel#/boot/vmlinuz-}
	modroot=/
	timeout=${BFT_VM_TIMEOUT:-2700}
	test_timeout=${BFT_TEST_TIMEOUT:-}
	;;
esac
[ -r "$kernel" ] || fail_stage "$kernel not readable"

# build/kmod/ is named after the headers' kernel.release, which need not
# be uname -r (Debian 6.1 headers say "6.1.N"): match on vermagic.
bft_ko=''
for ko in "${kmoddir:-$build/kmod}"/*/bft.ko; do
	[ -e "$ko" ] || continue
	v=$(modinfo -F vermagic "$ko" 2>/dev/null) || continue
	if [ "${v%% *}" = "$krel" ]; then
		bft_ko=$ko
		break
	fi
done
if [ -z "$bft_ko" ] && [ "$need_ko" = 1 ]; then
	fail_stage "no bft.ko built for $krel in ${kmoddir:-$build/kmod}"
fi
[ -z "$bft_ko" ] || echo "== $stage: $bft_ko"
bftctl=$build/bftctl/bftctl
[ -x "$bftctl" ] || fail_stage "$bftctl missing (make bftctl)"
ksrc=$("$top/scripts/ksrc.sh" tools/testing/selftests/kselftest \
	tools/testing/selftests/net/lib.sh tools/net/ynl) ||
	fail_stage "cannot extract the kselftest runner"

# Stages with the same inputs (the boots of the debug kernel in make
# check) share one initramfs: the key covers everything mkinitramfs.sh
# copies in, host packages by version.
spec=$top/Documentation/netlink/specs/bft.yaml
key=$({
	echo "$krel $modroot ${BFT_VM_EXTRA_BINS:-}"
	stat -c '%n %s %Y' "$modroot/lib/modules/$krel/modules.dep" \
		/usr/src/linux-source-6.12.tar.xz 2>/dev/null
	dpkg-query -W busybox-static bash iproute2 coreutils kmod python3 \
		python3-yaml 2>/dev/null
	find "$testdir" "$here" "$top/selftests/bench/guest.sh" "$spec" \
		${bft_ko:+"$bft_ko"} "$bftctl" -type f -print0 | LC_ALL=C sort -z |
		xargs -0 sha256sum
} | sha256sum | cut -c1-16)
initramfs=$build/vm/initramfs/$krel-$key.cpio.gz
mkdir -p "$outdir" "$(dirname "$initramfs")"
start=$(date +%s)
exec 8>"$initramfs.lock"
flock 8
if [ -e "$initramfs" ]; then
	echo "== $stage: reusing $initramfs"
else
	"$here/mkinitramfs.sh" -k "$krel" -M "$modroot" -o "$initramfs" \
		${bft_ko:+-b "$bft_ko"} -c "$bftctl" -t "$testdir" -s "$ksrc" \
		-Y "$spec" || fail_stage "cannot build the initramfs"
	echo "== $stage: initramfs for $krel in $(( $(date +%s) - start ))s"
fi
exec 8>&-
if [ -n "$paths" ]; then
	echo "$kernel $initramfs" >"$paths"
	exit 0
fi

exec "$here/run-vm.sh" -k "$kernel" -i "$initramfs" \
	-n "$stage" -o "$outdir" -m "$mode" -T "$tests" -t "$timeout" \
	-P "$test_timeout" -r "$results"
