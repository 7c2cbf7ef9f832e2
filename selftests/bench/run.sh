#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, host side: boot the 6.12 guest in bench mode (stage.sh -m
# bench runs selftests/bench/guest.sh as /vm/bench.sh), take the CSV the
# guest prints between BENCH-CSV-BEGIN/END out of the verdict channel
# (ttyS1 -> build/vm/bench/verdict.log), then report.py: medians, the
# ratio table and the plot.
#
# Usage: run.sh BUILD. BENCH_* variables (see guest.sh) go to the guest on
# the kernel command line, lists with commas.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: run.sh BUILD}
out=$build/bench
mkdir -p "$out"

extra=''
for v in BENCH_QUICK BENCH_SECS BENCH_REPEAT BENCH_CLIENTS BENCH_BATCHES \
	 BENCH_SIZES BENCH_SYSTEMS; do
	val=${!v:-}
	[ -n "$val" ] && extra="$extra $v=$(echo "$val" | tr ' ' ',')"
done

# The full matrix takes ~15 minutes of guest time under TCG.
export BFT_VM_TIMEOUT=${BFT_VM_TIMEOUT:-2400}
export BFT_VM_APPEND="${BFT_VM_APPEND:-}$extra"
rc=0
"$top/selftests/vm/stage.sh" -m bench bench 6.12 "$build" || rc=$?

verdict=$build/vm/bench/verdict.log
tr -d '\r' <"$verdict" | sed -n '/^BENCH-CSV-BEGIN$/,/^BENCH-CSV-END$/p' |
	sed '1d;$d' >"$out/bench.csv"
if [ "$(wc -l <"$out/bench.csv")" -lt 2 ]; then
	echo "bench: no results from the guest (see $build/vm/bench/console.log)" >&2
	exit 1
fi
python3 "$here/report.py" "$out" || rc=1
[ "$rc" -eq 0 ] || echo "bench: the guest run reported a problem (status $rc)" >&2
exit "$rc"
