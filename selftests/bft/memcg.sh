#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Whoever owns a user + network namespace may create replicas, so what
# they pin is charged to their memory cgroup and bounded per namespace.
# Inside `unshare -rn` under a cgroup v2 memory.max of 64 MiB, a loop of
# REPLICA_NEW of ~18 MiB replicas stops at the limit with -ENOMEM and an
# extack that names the memory cgroup (the old module charged nothing and
# created all of them), the cgroup saw its limit, and the charge leaves
# with the namespace. In another namespace the module parameter
# max_replicas refuses one replica too many with its own message. The
# init namespace is unaffected throughout.
set -u

. "$(dirname "$0")/lib.sh"

CG=/sys/fs/cgroup
CGDIR=$CG/bftmem-$$
PARAM=/sys/module/bft/parameters/max_replicas
TRIES=12
OUT=/tmp/bftmem-$$

# Run as "memcg.sh loop OUT": the body that runs inside the namespaces.
if [ "${1:-}" = loop ]; then
	ip link set lo up || exit 1
	for ((i = 1; i <= TRIES; i++)); do
		if ! "$BFTCTL" replica add "m$i" id 0 n 4 clients 16 \
			listen "127.0.0.1:$((7500 + i))" max-keys 16384 \
			2>"$2.err"; then
			break
		fi
	done
	echo $((i - 1)) >"$2.created"
	exit 0
fi

old_max=
cleanup() {
	[ -n "$old_max" ] && echo "$old_max" >"$PARAM"
	rmdir "$CGDIR" 2>/dev/null
	"$BFTCTL" replica del host0 2>/dev/null
	rm -f "$OUT".*
	return 0
}
trap cleanup EXIT

# in_cgroup_ns ARGS: this script's loop in a new user + network namespace
# inside the cgroup.
in_cgroup_ns() {
	bash -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' _ \
		"$CGDIR" unshare -rn bash "$0" loop "$OUT"
}

stopped_at_limit() {
	ktap_print_msg "created $created of $TRIES; error: $(cat "$OUT.err" 2>/dev/null)"
	[ "$created" -ge 1 ] && [ "$created" -lt "$TRIES" ] &&
	grep -q "memory cgroup" "$OUT.err"
}

limit_hit() {
	local max

	max=$(awk '$1 == "max" { print $2 }' "$CGDIR/memory.events")
	ktap_print_msg "memory.events max $max, memory.peak $(cat "$CGDIR/memory.peak" 2>/dev/null)"
	[ "${max:-0}" -gt 0 ]
}

# The namespace is gone once its last process exits; cleanup_net runs
# asynchronously, so wait for the charge to leave.
uncharged() {
	local cur

	for _ in $(seq 50); do
		cur=$(cat "$CGDIR/memory.current")
		[ "$cur" -lt $((8 << 20)) ] && break
		sleep 0.2
	done
	ktap_print_msg "memory.current after the namespace exited: $cur"
	[ "$cur" -lt $((8 << 20)) ]
}

netns_limit() {
	ktap_print_msg "max_replicas 2: created $created; error: $(cat "$OUT.err" 2>/dev/null)"
	[ "$created" = 2 ] &&
	grep -q "too many replicas in this network namespace" "$OUT.err"
}

host_ok() {
	"$BFTCTL" replica add host0 id 0 n 4 clients 16 \
		listen 127.0.0.1:7499 && "$BFTCTL" replica del host0 &&
	dmesg_clean
}

ktap_print_header
ktap_set_plan 5
bft_require "$BFTCTL" ip modprobe unshare
bft_load || ktap_exit_fail_msg "cannot load bft"
[ -w "$PARAM" ] && old_max=$(cat "$PARAM")
dmesg_mark

[ -e "$CG/cgroup.controllers" ] || mount -t cgroup2 none "$CG" 2>/dev/null
if grep -qw memory "$CG/cgroup.controllers" 2>/dev/null &&
   echo +memory >"$CG/cgroup.subtree_control" && mkdir "$CGDIR" &&
   echo 64M >"$CGDIR/memory.max"; then
	echo 0 >"$CGDIR/memory.swap.max" 2>/dev/null
	in_cgroup_ns
	created=$(cat "$OUT.created" 2>/dev/null || echo 0)
	ktap_test_result "REPLICA_NEW stops at the memory cgroup limit with its extack" \
		stopped_at_limit
	ktap_test_result "the replicas were charged to the cgroup" limit_hit
	ktap_test_result "the charge leaves with the namespace" uncharged
else
	for t in "stops at the limit" "charged to the cgroup" "charge leaves"; do
		ktap_test_skip "memory cgroup: $t (no cgroup v2 memory controller)"
	done
fi

rm -f "$OUT".*
if [ -n "$old_max" ]; then
	echo 2 >"$PARAM"
	unshare -rn bash "$0" loop "$OUT"
	created=$(cat "$OUT.created" 2>/dev/null || echo 0)
	ktap_test_result "max_replicas refuses one replica too many in a namespace" \
		netns_limit
	echo "$old_max" >"$PARAM"
	old_max=
else
	ktap_print_msg "no module parameter $PARAM"
	ktap_test_fail "max_replicas refuses one replica too many in a namespace"
fi

ktap_test_result "the init namespace is unaffected, dmesg clean" host_ok

ktap_finished
