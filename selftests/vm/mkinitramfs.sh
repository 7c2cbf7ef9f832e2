#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the test initramfs (cpio newc + gzip) for one kernel.
#
# Usage: mkinitramfs.sh -k KREL -o OUT [-M MODROOT] [-b BFT_KO] [-c BFTCTL]
#			[-t TESTDIR] [-s KSELFTEST_SRC] [-Y YNL_SPEC]
#   -k KREL	 kernel release (uname -r of the guest)
#   -M MODROOT	 root holding lib/modules/KREL (default /)
#   -b BFT_KO	 bft.ko built for KREL
#   -c BFTCTL	 bftctl binary
#   -t TESTDIR	 built selftests/bft (scripts and binaries)
#   -s KSRC	 extracted linux-source tree holding tools/testing/selftests
#   -Y SPEC	 ship python3 (with yaml), KSRC's tools/net/ynl and this YNL
#		 spec as /kselftest/ynl, for the YNL CLI test
#
# Userspace: busybox for the basics, real bash, iproute2 ip/tc and
# coreutils timeout (the kselftest runner relies on GNU options); every
# dynamic binary gets its shared libraries via ldd.  In-tree modules are
# resolved with their dependencies through the host modprobe, stored
# uncompressed (busybox insmod cannot read .xz) and indexed by depmod.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
krel='' out='' modroot=/ bft_ko='' bftctl='' testdir='' ksrc='' ynl_spec=''

# In-tree modules the tests need; builtins are skipped. virtio-net is
# the NIC of the multi-host test's guests (selftests/vm/multihost.sh),
# which boot only the cloud kernels: the debug kernel has no virtio-net.
KMODS="veth bridge sch_netem sha256_ssse3"
KMODS_OPT="virtio_pci virtio_net"

while getopts k:o:M:b:c:t:s:Y: opt; do
	case $opt in
	k) krel=$OPTARG ;;
	o) out=$OPTARG ;;
	M) modroot=$OPTARG ;;
	b) bft_ko=$OPTARG ;;
	c) bftctl=$OPTARG ;;
	t) testdir=$OPTARG ;;
	s) ksrc=$OPTARG ;;
	Y) ynl_spec=$OPTARG ;;
	*) exit 2 ;;
	esac
done
if [ -z "$krel" ] || [ -z "$out" ]; then
	echo "usage: see $0" >&2
	exit 2
fi

die() { echo "mkinitramfs: $*" >&2; exit 1; }

moddir=$modroot/lib/modules/$krel
[ -d "$moddir" ] || die "$moddir missing"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

# Merged /usr, as on the host, so ldd paths land in the right place.
mkdir -p "$root"/usr/bin "$root"/usr/sbin "$root"/usr/lib "$root"/usr/lib64 \
	 "$root"/dev "$root"/proc "$root"/sys "$root"/tmp "$root"/run \
	 "$root"/etc "$root"/var "$root"/root
for d in bin sbin lib lib64; do
	ln -s "usr/$d" "$root/$d"
done
ln -s ../run "$root/var/run"
mkdir -p "$root/lib/modules/$krel"

busybox=$(command -v busybox) || die "busybox missing"
! ldd "$busybox" >/dev/null 2>&1 ||
	die "$busybox is not static (install busybox-static)"
install -m 0755 "$busybox" "$root/usr/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ "${applet##*/}" = busybox ] && continue
	ln -sf /usr/bin/busybox "$root/$applet"
done

# Copy what ld.so loads for a binary, the loader included.
copy_libs() {
	local lib

	ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
		[ -e "$root/$lib" ] ||
			install -D -m 0755 "$(readlink -f "$lib")" "$root/$lib"
	done
}

copy_with_libs() {
	install -D -m 0755 "$1" "$root/$2"
	copy_libs "$1"
}

copy_with_libs "$(command -v bash)" /usr/bin/bash
copy_with_libs "$(command -v ip)" /usr/sbin/ip
copy_with_libs "$(command -v tc)" /usr/sbin/tc
copy_with_libs "$(command -v timeout)" /usr/bin/timeout
ln -sf ../sbin/ip "$root/usr/bin/ip"
# netem delay distributions.
if [ -d /usr/lib/x86_64-linux-gnu/tc ]; then
	mkdir -p "$root/usr/lib/x86_64-linux-gnu/tc"
	cp /usr/lib/x86_64-linux-gnu/tc/*.dist "$root/usr/lib/x86_64-linux-gnu/tc/"
fi
if [ -n "$bftctl" ]; then
	copy_with_libs "$bftctl" /usr/bin/bftctl
fi
# Extra host tools for the guest, e.g. perf for `make bench-profile`.
for b in ${BFT_VM_EXTRA_BINS:-}; do
	copy_with_libs "$b" "/usr/bin/$(basename "$b")"
done

# Modules: "insmod PATH" lines for loadable ones, "builtin NAME" otherwise.
add_module_deps() {
	local verb path rel m deps=$root/.deps

	# --show-depends takes one module; further words would be parameters.
	for m in "$@"; do
		modprobe -d "$modroot" -S "$krel" --show-depends "$m" ||
			die "module $m not found for $krel"
	done >"$deps"
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		rel=${path#"$modroot"}
		rel=${rel#/lib/modules/"$krel"/}
		mkdir -p "$root/lib/modules/$krel/$(dirname "$rel")"
		case $rel in
		*.xz)	xz -dc "$path" >"$root/lib/modules/$krel/${rel%.xz}" ;;
		*.zst)	zstd -qdc "$path" >"$root/lib/modules/$krel/${rel%.zst}" ;;
		*.gz)	gzip -dc "$path" >"$root/lib/modules/$krel/${rel%.gz}" ;;
		*)	cp "$path" "$root/lib/modules/$krel/$rel" ;;
		esac
	done <"$deps"
	rm -f "$deps"
}

preload=''
for m in $KMODS $KMODS_OPT; do
	if ! deps=$(modprobe -d "$modroot" -S "$krel" --show-depends "$m" \
		    2>/dev/null); then
		case " $KMODS_OPT " in
		*" $m "*) continue ;;
		esac
		die "module $m not found for $krel"
	fi
	case $deps in
	builtin*) ;;
	*) preload="$preload $m" ;;
	esac
done
# shellcheck disable=SC2086 # one word per module
add_module_deps $preload
echo "$preload" >"$root/etc/bft-preload"

if [ -n "$bft_ko" ]; then
	vermagic=$(modinfo -F vermagic "$bft_ko")
	[ "${vermagic%% *}" = "$krel" ] ||
		die "$bft_ko is for ${vermagic%% *}, not $krel"
	mkdir -p "$root/lib/modules/$krel/extra"
	cp "$bft_ko" "$root/lib/modules/$krel/extra/bft.ko"
	bft_deps=$(modinfo -F depends "$bft_ko" | tr ',' ' ')
	# shellcheck disable=SC2086
	add_module_deps $bft_deps
fi
for f in modules.builtin modules.builtin.modinfo modules.order; do
	[ -e "$moddir/$f" ] && cp "$moddir/$f" "$root/lib/modules/$krel/"
done
depmod -b "$root" "$krel"

if [ -n "$testdir" ]; then
	[ -n "$ksrc" ] || die "-t needs -s"
	kst=$ksrc/tools/testing/selftests/kselftest
	mkdir -p "$root/kselftest/kselftest" "$root/kselftest/net" \
		"$root/kselftest/bft"
	cp "$kst/runner.sh" "$kst/ktap_helpers.sh" "$root/kselftest/kselftest/"
	cp "$kst/../net/lib.sh" "$root/kselftest/net/"
	cp -a "$testdir/." "$root/kselftest/bft/"
	# Compiled tests (anything executable but a script) need their libs.
	for f in "$root"/kselftest/bft/*; do
		if [ -f "$f" ] && [ -x "$f" ] && [ "$(head -c2 "$f")" != '#!' ]
		then
			copy_libs "$f"
		fi
	done
fi

# The kernel's YNL CLI needs Debian's python3 and its yaml module; the
# standard library goes in without tests, GUI, build and 2to3 parts.
if [ -n "$ynl_spec" ]; then
	[ -n "$ksrc" ] && [ -r "$ksrc/tools/net/ynl/cli.py" ] ||
		die "-Y needs -s with tools/net/ynl"
	py=/usr/bin/python3
	pyver=$("$py" -c 'import sys; print("python%d.%d" % sys.version_info[:2])')
	copy_with_libs "$(readlink -f "$py")" "/usr/bin/$pyver"
	ln -sf "$pyver" "$root/usr/bin/python3"
	tar -C /usr/lib -cf - --exclude="$pyver/config-*" \
		--exclude="$pyver/test" --exclude="$pyver/idlelib" \
		--exclude="$pyver/tkinter" --exclude="$pyver/ensurepip" \
		--exclude="$pyver/lib2to3" --exclude="$pyver/turtledemo" \
		--exclude="$pyver/site-packages" "$pyver" | tar -C "$root/usr/lib" -xf -
	for f in "$root/usr/lib/$pyver"/lib-dynload/*.so; do
		copy_libs "$f"
	done
	mkdir -p "$root/usr/lib/python3/dist-packages" "$root/kselftest/ynl"
	cp -a /usr/lib/python3/dist-packages/yaml "$root/usr/lib/python3/dist-packages/"
	cp -a "$ksrc/tools/net/ynl/cli.py" "$ksrc/tools/net/ynl/lib" \
		"$root/kselftest/ynl/"
	cp "$ynl_spec" "$root/kselftest/ynl/bft.yaml"
fi

install -m 0755 "$here/init.sh" "$root/init"
mkdir -p "$root/vm"
install -m 0755 "$here/demo.sh" "$root/vm/demo.sh"
install -m 0755 "$here/agent.sh" "$root/vm/agent.sh"
install -m 0755 "$here/../bench/guest.sh" "$root/vm/bench.sh"
echo "bft-vm" >"$root/etc/hostname"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"

mkdir -p "$(dirname "$out")"
(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
