#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (or reuse) the debug kernel: linux-source-6.12, tinyconfig plus
# selftests/vm/debug.config (KASAN, lockdep, kmemleak, UBSAN).
#
# The tree is cached outside the repository, keyed by the fragment, the
# source package version and RECIPE, and reused when complete.  Prints
# the tree (usable as KDIR) on stdout; everything else goes to stderr.
#
# Layout of the cache entry:
#   <dir>/linux-source-6.12/		built tree, KDIR for external modules
#   <dir>/modroot/lib/modules/<kr>/	modules_install output
#   <dir>/build.log, <dir>/done
set -eu

# Bump when the build steps below change in a way the key cannot see.
RECIPE=1

here=$(cd "$(dirname "$0")" && pwd)
frag=$here/debug.config
src_tar=${BFT_LINUX_SOURCE:-/usr/src/linux-source-6.12.tar.xz}
cache=${BFT_CACHE:-$HOME/.cache/bft}
jobs=${BFT_JOBS:-$(nproc)}

log() { echo "debug-kernel: $*" >&2; }
die() { log "error: $*"; exit 1; }

[ -r "$src_tar" ] || die "$src_tar missing (install linux-source-6.12)"
[ -r "$frag" ] || die "$frag missing"

src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
	  stat -c '%s-%Y' "$src_tar")
key=$({ echo "recipe $RECIPE"; echo "source $src_ver"; cat "$frag"; } |
      sha256sum | cut -c1-16)
dir=$cache/debug-kernel/$key
tree=$dir/linux-source-6.12

mkdir -p "$cache/debug-kernel"
# Several checkouts may share one cache: serialise builds of a key.
exec 9>"$cache/debug-kernel/$key.lock"
flock 9

if [ -e "$dir/done" ]; then
	log "reusing $dir"
	echo "$tree"
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
start=$(date +%s)
log "building in $dir (log: $dir/build.log)"

log "extracting $src_tar"
tar -C "$dir" -xJf "$src_tar"

check_config() {
	local line sym val bad=0

	while IFS= read -r line; do
		case "$line" in
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -q "^$sym=" "$tree/.config"; then
				log "$sym must be off but is on"
				bad=1
			fi
			;;
		CONFIG_*=*)
			sym=${line%%=*}
			val=${line#*=}
			if ! grep -qxF "$sym=$val" "$tree/.config"; then
				log "$sym=$val requested, .config has:" \
				    "$(grep "^$sym=\|^# $sym " "$tree/.config" ||
				       echo unset)"
				bad=1
			fi
			;;
		esac
	done <"$frag"
	return $bad
}

(
	cd "$tree"
	make -s ARCH=x86_64 tinyconfig
	scripts/kconfig/merge_config.sh -m .config "$frag"
	make -s ARCH=x86_64 olddefconfig
) >>"$dir/build.log" 2>&1 || die "configuring failed, see $dir/build.log"

check_config || die "debug.config options missing from .config"

log "compiling with $jobs jobs"
if ! make -C "$tree" -j"$jobs" ARCH=x86_64 bzImage modules \
	>>"$dir/build.log" 2>&1; then
	tail -n 30 "$dir/build.log" >&2
	die "kernel build failed, see $dir/build.log"
fi
# External modules need scripts and Module.symvers (built above) plus the
# modules_prepare artefacts; modules_install gives modules.dep/builtin.
make -C "$tree" -j"$jobs" ARCH=x86_64 modules_prepare \
	>>"$dir/build.log" 2>&1 || die "modules_prepare failed"
make -C "$tree" ARCH=x86_64 INSTALL_MOD_PATH="$dir/modroot" \
	modules_install >>"$dir/build.log" 2>&1 ||
	die "modules_install failed"

touch "$dir/done"
log "built $(cat "$tree/include/config/kernel.release") in" \
    "$(( $(date +%s) - start ))s"
echo "$tree"
