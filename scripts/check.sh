#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check's driver: two lanes, as a 2-core machine runs two QEMU guests
# at once. Lane 1 runs CHECK_PREBUILD, then the stages of CHECK_STAGES in
# order; lane 2 starts at once with CHECK_BACKGROUND (the debug kernel
# build, the longest step with no inputs from the others). Then each lane
# takes the next stage of CHECK_QUEUE (the debug kernel's boots, longest
# first) until the queue is empty, so neither sits idle while the other
# has a long tail of debug boots left. Each stage is its own make
# invocation; its wall time is printed ("== X took Ns") and a table of
# all of them ends the run. Lane 2's output is prefixed with "[lane 2] ".
#
# Environment: CHECK_STAGES, CHECK_BACKGROUND, CHECK_QUEUE, CHECK_PREBUILD
# (what the queued stages read: built before either lane takes from the
# queue, so the lanes never write the same file), BUILD.
set -u

make=${MAKE:-make}
build=${BUILD:-build}
queue=$build/check-queue
times=$build/check-times
prebuilt=$build/.check-prebuilt
read -ra fg <<<"${CHECK_STAGES:-}"
read -ra bg <<<"${CHECK_BACKGROUND:-}"
read -ra queued <<<"${CHECK_QUEUE:-}"

mkdir -p "$build"
rm -f "$prebuilt" "$times"
printf '%s\n' "${queued[@]}" | sed '/^$/d' >"$queue"
# A failed debug kernel build fails the other boots at once (mk/vm.mk).
export BFT_DEBUG_FAILED=$build/.debug-kernel-failed
rm -f "$BFT_DEBUG_FAILED"

# stage LANE TARGET...
stage() {
	local n=$1 name start rc=0 secs

	shift
	name=$(echo "$*" | tr ' ' +)
	start=$(date +%s)
	"$make" --no-print-directory "$@" || rc=1
	secs=$(( $(date +%s) - start ))
	echo "== $name took ${secs}s"
	echo "$start $n $name $secs $rc" >>"$times"
	return $rc
}

# The next queued stage, or nothing.
take() {
	# shellcheck disable=SC2016 # expanded by sh
	flock "$queue.lock" sh -c 'head -n 1 "$1"; sed -i 1d "$1"' take "$queue"
}

# lane N STAGE...: the lane's own stages, then the queue.
lane() {
	local n=$1 t rc=0

	shift
	for t in "$@"; do
		stage "$n" "$t" || rc=1
	done
	while [ "${#queued[@]}" -gt 0 ] && [ ! -e "$prebuilt" ]; do
		sleep 2
	done
	while t=$(take) && [ -n "$t" ]; do
		stage "$n" "$t" || rc=1
	done
	return $rc
}

rc=0
pid=
if [ ${#bg[@]} -gt 0 ] || [ ${#queued[@]} -gt 0 ]; then
	(
		set -o pipefail
		lane 2 "${bg[@]}" 2>&1 | sed -u "s/^/[lane 2] /"
	) &
	pid=$!
fi
if [ -n "${CHECK_PREBUILD:-}" ] && [ -n "$pid" ]; then
	# shellcheck disable=SC2086 # one word per target
	stage 1 $CHECK_PREBUILD || rc=1
fi
touch "$prebuilt"
lane 1 "${fg[@]}" || rc=1
if [ -n "$pid" ]; then
	echo "== lane 1 done, waiting for lane 2"
	wait "$pid" || rc=1
fi

# Stage wall times by start, and the total.
[ -s "$times" ] || exit $rc
first=$(sort -n "$times" | head -n 1 | cut -d' ' -f1)
echo
echo "== stage times (start offset, lane, stage, seconds)"
sort -n "$times" | while read -r start n t secs src; do
	printf '  +%-6s lane %s  %-20s %6ss%s\n' "$(( start - first ))" \
		"$n" "$t" "$secs" "$([ "$src" = 0 ] || echo '  FAILED')"
done
echo "== stages took $(( $(date +%s) - first ))s in all"
exit $rc
