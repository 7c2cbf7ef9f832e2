#!/bin/sh
# Install every Debian package the build, tests and benchmarks need.
# Idempotent: does nothing when all packages are present.
#
# Usage: setup.sh [kernel]
#   kernel  only what building the debug kernel needs (.ci/run starts that
#           build while the rest installs)
set -eu

KERNEL_PKGS="make gcc xz-utils flex bison bc libelf-dev libssl-dev kmod \
cpio python3 linux-source-6.12"

PKGS="make gcc pkg-config xz-utils cpio kmod python3 python3-yaml python3-jsonschema \
qemu-system-x86 busybox-static iproute2 sparse \
linux-image-cloud-amd64 linux-headers-cloud-amd64 \
linux-image-6.12-cloud-amd64 linux-headers-6.12-cloud-amd64 \
linux-source-6.12 flex bison bc libelf-dev \
libnl-3-dev libnl-genl-3-dev libssl-dev libjson-c-dev \
clang libclang-rt-14-dev gnuplot-nox linux-perf \
python3-docutils mandoc man-db bash-completion \
python3-sphinx dkms dh-dkms debhelper lintian fakeroot"

[ "${1:-}" = kernel ] && PKGS=$KERNEL_PKGS

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

echo "setup: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	echo "setup: need root to install packages (try: sudo make setup)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
