#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Generate the "bft" netlink family's code from its YNL spec with the
# kernel's own ynl-gen-c.py (linux-source-6.12, see scripts/ksrc.sh):
#   kmod/netlink_gen.c, kmod/netlink_gen.h  policies and command table
#   uapi/linux/bft.h                         the uapi header
# Usage: scripts/ynl-gen.sh [OUTDIR]   (default: this tree, in place)
# `make lint` generates into a temporary OUTDIR and fails on any difference.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top}
ksrc=$("$top/scripts/ksrc.sh" tools/net/ynl \
	Documentation/netlink/genetlink-legacy.yaml)

# ynl-gen-c.py names the spec by its path below the nearest directory
# holding MAINTAINERS, and validates it against ../genetlink-legacy.yaml:
# give it a kernel-like root.
root=$(mktemp -d "${TMPDIR:-/tmp}/bft-ynl-gen.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/Documentation/netlink/specs"
: >"$root/MAINTAINERS"
cp "$ksrc/Documentation/netlink/genetlink-legacy.yaml" \
	"$root/Documentation/netlink/"
cp "$top/Documentation/netlink/specs/bft.yaml" \
	"$root/Documentation/netlink/specs/"

gen() {
	python3 "$ksrc/tools/net/ynl/ynl-gen-c.py" \
		--spec "$root/Documentation/netlink/specs/bft.yaml" "$@"
}

mkdir -p "$out/kmod" "$out/uapi/linux"
gen --mode kernel --source -o "$out/kmod/netlink_gen.c"
gen --mode kernel --header -o "$out/kmod/netlink_gen.h"
gen --mode uapi --header -o "$out/uapi/linux/bft.h"
