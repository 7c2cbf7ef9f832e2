#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Spec-driven netlink fuzzing (issue 11): nl_fuzz.py reads the YNL spec
# and sends every operation with random and boundary attributes (wrong
# types and lengths, nests, missing, duplicate and unknown attributes,
# truncated TLVs, huge values), half of them well-formed enough to create,
# configure, dump and delete replicas. For a fixed budget, in parallel:
# a fuzzer and a dumper (dumps read one message at a time while the
# dumped replica is deleted from another socket) in each of two
# namespaces, a fuzzer in a third namespace that is deleted while it
# runs, and a fuzzer in each replica namespace of a working n = 4
# cluster, where the cluster's replica "r" only ever sees read-only
# operations. Pass: every reply parses, every replica the fuzzers left
# answers REPLICA_GET, the cluster still serves exact PUT/GET and
# converges, the fuzzed namespaces go away, and no kernel report.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

SPEC=${YNL_DIR:-/kselftest/ynl}/bft.yaml
FUZZ=$(dirname "$0")/nl_fuzz.py
# Nine Python fuzzers share the guest's two CPUs: the budget is CI time.
if [ -n "${BFT_DEBUG_KERNEL:-}" ]; then
	SECS=${BFT_NL_FUZZ_SECS:-16}
else
	SECS=${BFT_NL_FUZZ_SECS:-24}
fi
NS_A=
NS_B=
NS_GONE=
NSS=
PIDS=

cleanup() {
	local p

	for p in $PIDS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	cleanup_all_ns
	cl_cleanup
}
trap cleanup EXIT

# fuzz NS ROLE [options]: one fuzzer process in NS, output in $CL_DIR.
fuzz() {
	local ns=$1 role=$2

	shift 2
	ip netns exec "$ns" python3 "$FUZZ" --spec "$SPEC" --secs "$SECS" \
		--role "$role" "$@" >"$CL_DIR/fuzz.$ns.$role.out" 2>&1 &
	PIDS="$PIDS $!"
}

run_fuzzers() {
	local ns i p bad=0

	setup_ns NS_A NS_B NS_GONE || return 1
	NSS="$NS_A $NS_B"
	for ns in $NSS $NS_GONE; do
		fuzz "$ns" fuzz
	done
	for ns in $NSS; do
		fuzz "$ns" dumper --names fzd0,fzd1 --ports 7610-7611
	done
	for ((i = 0; i < 4; i++)); do
		ip -n "$(cl_ns "$i")" link set lo up
		fuzz "$(cl_ns "$i")" fuzz --protect r
	done
	sleep $((SECS / 2))
	ip netns del "$NS_GONE"
	for p in $PIDS; do
		wait "$p" || bad=1
	done
	PIDS=
	for f in "$CL_DIR"/fuzz.*.out; do
		ktap_print_msg "$(basename "$f"): $(tail -n 2 "$f" | tr '\n' ' ' | cut -c1-600)"
	done
	[ "$bad" = 0 ]
}

# Every replica the fuzzers left behind answers a GET by name.
leftovers_serve() {
	local ns name n=0

	for ns in $NSS; do
		for name in $(ip netns exec "$ns" "$BFTCTL" -j show |
			      json_get_all name); do
			ip netns exec "$ns" "$BFTCTL" show "$name" >/dev/null ||
				{ ktap_print_msg "$ns: $name does not answer"; return 1; }
			n=$((n + 1))
		done
	done
	ktap_print_msg "$n replicas left by the fuzzers answer REPLICA_GET"
}

json_get_all() {
	awk -v k="$1" 'match($0, "^ *\"" k "\":") {
		v = substr($0, RLENGTH + 1); gsub(/[", ]/, "", v); print v }'
}

cluster_serves() {
	local i v

	for i in 1 2 3; do
		cl_req -t 20000 put "k$i" "v$i-$1" >/dev/null || return 1
	done
	for i in 1 2 3; do
		v=$(cl_req -t 20000 get "k$i") || return 1
		[ "$v" = "v$i-$1" ] || { ktap_print_msg "k$i: '$v'"; return 1; }
	done
}

namespaces_go() {
	local ns

	for ns in $NSS; do
		ip netns del "$ns" || return 1
	done
	NSS=
	# pernet exit runs in a workqueue; give it a moment before dmesg.
	sleep 2
}

ktap_print_header
ktap_set_plan 7
bft_require "$BFTCTL" ip python3
[ -r "$SPEC" ] || ktap_exit_fail_msg "no YNL spec at $SPEC"

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up 4 1 "CheckpointInterval = 16" "LogSize = 32" ||
	ktap_exit_fail_msg "cannot set up the cluster"

ktap_test_result "the cluster serves before fuzzing" cluster_serves before
ktap_test_result "fuzzers ran ${SECS}s; every reply was well-formed" run_fuzzers
ktap_test_result "replicas the fuzzers left answer REPLICA_GET" leftovers_serve
ktap_test_result "the cluster still serves exact PUT/GET" cluster_serves after
ktap_test_result "the cluster converges" cl_wait_converged 4 40
ktap_test_result "fuzzed namespaces are deleted" namespaces_go
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
