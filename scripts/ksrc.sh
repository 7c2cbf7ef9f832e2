#!/bin/sh
# Print the path of an extracted linux-source-6.12 subtree, extracting the
# requested paths from the Debian tarball into the cache on first use.
# Usage: scripts/ksrc.sh PATH...   (paths relative to the source root)
set -eu

tarball=${BFT_KSRC_TARBALL:-/usr/src/linux-source-6.12.tar.xz}
cache=${BFT_CACHE:-${HOME:-/root}/.cache/bft}
top=linux-source-6.12
dest=$cache/ksrc

[ -r "$tarball" ] || {
	echo "ksrc: $tarball missing: run scripts/setup.sh" >&2
	exit 1
}
mkdir -p "$dest"
for p in "$@"; do
	stamp=$dest/.stamp-$(printf '%s' "$p" | tr '/' '_')
	if [ ! -e "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
		tar -xJf "$tarball" -C "$dest" "$top/$p"
		touch "$stamp"
	fi
done
echo "$dest/$top"
