# SPDX-License-Identifier: GPL-2.0
#
# Sourced by run-vm.sh and multihost.sh: the kernel log lines
# (timestamped, possibly glued to other output) that fail a VM run.
# grep -E "$klog($splat)".
splat='Oops|WARNING:|BUG:|KASAN|UBSAN|circular locking|recursive locking'
splat="$splat|lockdep is turned off|locking correctness validator|suspected memory leak|unreferenced object|Call Trace"
splat="$splat|general protection fault|Kernel panic|blocked for more than"
klog='\[ *[0-9]+\.[0-9]+\].*'
