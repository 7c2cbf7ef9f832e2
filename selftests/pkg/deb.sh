#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-pkg: build the Debian packages from a copy of the tree
# (dpkg-buildpackage -us -uc -b), lintian them, install them on this host,
# use them (bftctl, man, pkg-config, a program built against the library),
# `dkms build` bft.ko for the 6.1 and the 6.12 cloud kernel, keep those
# modules for the vm-6.1 stage (BUILD/pkg/kmod/RELEASE/bft.ko), then purge
# the packages again. Nothing is loaded into the host kernel. TAP output.
#
# Environment: BUILD, RES (the .res file).
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-$top/build}
res=${RES:-$build/results/pkg.res}
work=$build/pkg/deb
kmods=$build/pkg/kmod
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
pkgs="bft-dkms bftctl bftd libbftclient0 libbftclient-dev"
pass=0 fail=0 n=0 installed=''

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"; pass=$((pass + 1))
	else
		echo "not ok $n $2"; fail=$((fail + 1))
	fi
	return "$1"
}

expect() {
	[ "$2" = "$3" ] && ok 0 "$1" && return
	echo "# expected: $2"; echo "# got:      $3"; ok 1 "$1"
}

finish() {
	[ -z "$installed" ] || purge
	echo "pkg: $pass passed, $fail failed"
	mkdir -p "$(dirname "$res")"
	echo "$pass $fail" >"$res"
	[ "$fail" -eq 0 ]
	exit
}

step() {
	local t0=$SECONDS
	"$@"
	local rc=$?
	echo "# $* took $((SECONDS - t0))s"
	return $rc
}

# The packages leave the host as they came, also after a failure.
purge() {
	installed=''
	# shellcheck disable=SC2086 # one word per package
	step apt_get purge $pkgs >"$work/purge.log" 2>&1
	ok $? "packages purge" || cat "$work/purge.log"
	expect "nothing left behind" "" \
		"$(ls -d /usr/src/bft-"$ver" /var/lib/dkms/bft /usr/bin/bftctl 2>/dev/null)"
}

apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		-y -qq --no-install-recommends "$@"
}

rm -rf "$work" "$kmods"
mkdir -p "$work/bft-$ver" "$kmods"
tar -C "$top" --exclude=./build --exclude=./.git -cf - . |
	tar -C "$work/bft-$ver" -xf -

(cd "$work/bft-$ver" && step dpkg-buildpackage -us -uc -b -j2) \
	>"$work/build.log" 2>&1
ok $? "dpkg-buildpackage -us -uc -b" || { tail -n 30 "$work/build.log"; finish; }
debs=''
for p in $pkgs; do
	f=$(ls "$work"/"${p}"_"$ver"_*.deb 2>/dev/null)
	[ -n "$f" ] && debs="$debs $f"
	ok $? "package $p built" || true
done
out=$(step lintian --fail-on error "$work"/bft_"$ver"_*.changes 2>&1)
ok $? "lintian: no errors" || true
echo "$out" | sed 's/^/# /'

# Packages go on and off the host under one lock: the dkms tree is shared.
exec 9>/tmp/bft-check-pkg.lock
flock 9
installed=1
# shellcheck disable=SC2086 # one word per package file
step apt_get install $debs >"$work/install.log" 2>&1
ok $? "packages install" || { cat "$work/install.log"; finish; }

for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" | grep -q 'install ok installed'
	ok $? "$p installed" || true
done
bftctl --help | grep -q setconf
ok $? "bftctl --help" || true
expect "man -w bftctl bftd bft.conf" \
	"/usr/share/man/man8/bftctl.8.gz /usr/share/man/man8/bftd.8.gz /usr/share/man/man5/bft.conf.5.gz" \
	"$(echo $(man -w bftctl bftd bft.conf))"
[ -e /usr/share/bash-completion/completions/bftctl ]
ok $? "completion installed" || true
expect "pkg-config --cflags --libs bftclient" "-lbftclient" \
	"$(echo $(pkg-config --cflags --libs bftclient))"
printf '#include <bftclient.h>\nint main(void) { struct bft_client *c; char e[64];\n return !bft_client_open(&c, "/nonexistent", 0, "/nonexistent", 0, e, sizeof(e)); }\n' \
	>"$work/client.c"
# shellcheck disable=SC2046
cc -o "$work/client" "$work/client.c" $(pkg-config --cflags --libs bftclient) &&
	"$work/client"
ok $? "program built with pkg-config against the package runs" || true
systemctl cat bft@.service >/dev/null 2>&1 ||
	[ -e /usr/lib/systemd/system/bft@.service ]
ok $? "bft@.service installed" || true

# DKMS: the source is registered; build for each cloud kernel.
dkms status -m bft | grep -q "bft/$ver"
ok $? "dkms knows bft/$ver" || true
for series in 6.1 6.12; do
	rel=$(printf '%s\n' /boot/vmlinuz-"$series".*-cloud-amd64 | sort -V |
	      tail -n 1)
	rel=${rel#/boot/vmlinuz-}
	# The postinst builds for the running kernel, or for every kernel
	# with headers when it cannot tell (a container); then dkms build
	# finds it built and returns at once.
	step dkms build -m bft -v "$ver" -k "$rel" >"$work/dkms-$series.log" 2>&1
	ok $? "dkms build for $rel" || { tail -n 20 "$work/dkms-$series.log"; continue; }
	ko=$(ls /var/lib/dkms/bft/"$ver"/"$rel"/*/module/bft.ko* | head -n 1)
	mkdir -p "$kmods/$rel"
	case $ko in
	*.xz) xz -dc "$ko" >"$kmods/$rel/bft.ko" ;;
	*.zst) zstd -qdc "$ko" >"$kmods/$rel/bft.ko" ;;
	*) cp "$ko" "$kmods/$rel/bft.ko" ;;
	esac
	expect "DKMS bft.ko is for $rel" "$rel" \
		"$(modinfo -F vermagic "$kmods/$rel/bft.ko" | cut -d' ' -f1)"
done

finish
