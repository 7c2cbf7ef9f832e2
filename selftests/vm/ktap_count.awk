#!/usr/bin/awk -f
# SPDX-License-Identifier: GPL-2.0
#
# Count results in the output of the kselftest runner (KTAP, one level of
# nesting under "# ").  A test program with nested results contributes
# its subtests; one without contributes itself.  A program that fails
# with all its subtests passing (crash, plan mismatch) adds one failure,
# and programs the top-level plan promised but never reported fail too.
# SKIP counts as passed; XFAIL as passed; TIMEOUT and the rest as failed.
#
# Prints "PASS FAIL SKIP" on stdout and the failed names on stderr.

function directive(line) {
	if (line ~ /# *SKIP/)
		return "skip"
	if (line ~ /# *XFAIL/)
		return "xfail"
	return ""
}

function name(line) {
	sub(/^(# )?(not )?ok [0-9]+ */, "", line)
	return line
}

BEGIN { plan = -1; seen = 0; reset() }

function reset() { sp = 0; sf = 0; ss = 0; sn = 0 }

{ sub(/\r$/, "") }

plan < 0 && /^1\.\.[0-9]+/ {
	plan = substr($1, 4) + 0
	next
}

/^# (not )?ok [0-9]+/ {
	sn++
	d = directive($0)
	if ($0 ~ /^# not ok/ && d != "xfail") {
		sf++
		failed[++nfailed] = cur ": " name($0)
	} else if (d == "skip") {
		ss++
	} else {
		sp++
	}
	next
}

/^# selftests: / {
	cur = $0
	sub(/^# selftests: /, "", cur)
	next
}

/^(not )?ok [0-9]+/ {
	seen++
	bad = ($0 ~ /^not ok/)
	if (sn > 0) {
		pass += sp; fail += sf; skip += ss
		if (bad && sf == 0) {
			fail++
			failed[++nfailed] = name($0) " (program failed)"
		}
	} else if (bad) {
		fail++
		failed[++nfailed] = name($0)
	} else if (directive($0) == "skip") {
		skip++
	} else {
		pass++
	}
	reset()
}

END {
	if (plan < 0) {
		fail++
		failed[++nfailed] = "no KTAP plan"
	} else if (seen < plan) {
		fail += plan - seen
		failed[++nfailed] = (plan - seen) " test program(s) never reported"
	}
	for (i = 1; i <= nfailed; i++)
		print "not ok: " failed[i] > "/dev/stderr"
	printf "%d %d %d\n", pass + skip, fail, skip
}
