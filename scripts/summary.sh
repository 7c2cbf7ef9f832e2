#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the test results of every stage and their totals.
#
# Usage: scripts/summary.sh [STAGE...]
#
# Each stage writes RESULTS/<stage>.res, one line "<passed> <failed>".
# Expected stages are the arguments, or else $BFT_STAGES (which the mk/*.mk
# files export); one that left no .res counts as one failure.  Any other
# .res present is reported as well.  The last line is always
# "N passed, N failed"; the exit status is non-zero if anything failed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
results=${RESULTS:-${BUILD:-$top/build}/results}

if [ $# -gt 0 ]; then
	expected="$*"
else
	expected=${BFT_STAGES:-}
fi

# Expected stages first, in order, then whatever else left a result.
stages=''
for s in $expected; do
	case " $stages " in *" $s "*) ;; *) stages="$stages $s" ;; esac
done
for f in "$results"/*.res; do
	[ -e "$f" ] || continue
	s=$(basename "$f" .res)
	case " $stages " in *" $s "*) ;; *) stages="$stages $s" ;; esac
done

total_pass=0 total_fail=0 bad=0
for s in $stages; do
	f=$results/$s.res
	if [ ! -e "$f" ]; then
		printf '%-16s no result (stage did not run to completion)\n' "$s"
		total_fail=$((total_fail + 1))
		bad=1
		continue
	fi
	line=$(head -n 1 "$f")
	if ! [[ $line =~ ^([0-9]+)\ ([0-9]+)$ ]]; then
		printf '%-16s malformed result "%s"\n' "$s" "$line"
		total_fail=$((total_fail + 1))
		bad=1
		continue
	fi
	p=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]}
	printf '%-16s %d passed, %d failed\n' "$s" "$p" "$n"
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + n))
	[ "$n" -eq 0 ] || bad=1
done

echo "$total_pass passed, $total_fail failed"
exit $bad
