#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`, inside the guest: a 4-replica bft cluster, one replica per
# network namespace on a bridge, configured from one cluster file with
# bftctl setconf, serving clients. Any failure ends the demo with a
# non-zero status, which the host reports.
set -eu

BFTCTL=bftctl
ktap_print_msg() {
	echo "  $*"
}
# shellcheck source=../bft/cluster_lib.sh
. /kselftest/bft/cluster_lib.sh

N=4
ROUNDS=10

step() {
	echo
	echo "+ $*"
	"$@"
}

trap 'set +e; cl_cleanup' EXIT

echo "=== bft demo on $(uname -r) ==="
step modprobe bft
step bftctl version

echo
echo "+ $N replicas in netns $(cl_ns 0)..$(cl_ns $((N - 1))), keys, cluster file, setconf"
cl_up "$N" 8 "BatchSize = 16" "CheckpointInterval = 32" "LogSize = 64"
sed 's/^PublicKey = .*/PublicKey = .../' "$CL_DIR/cluster.conf" | head -14
echo "  ..."

step cl_req put greeting "hello, byzantium"
step cl_req get greeting

echo
echo "+ 8 closed-loop clients, $ROUNDS rounds of 1 s"
total=0
for ((r = 1; r <= ROUNDS; r++)); do
	out=$(cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients 8 --ids 0 --duration 1 --mix 1/1)
	ops=$(echo "$out" | json_get ops)
	total=$((total + ops))
	bar=$(printf '%*s' "$r" '' | tr ' ' '#')
	printf '\r  [%-*s] %2d/%d  %6d requests  %5.0f ops/s  p50 %5.1f ms  p99 %5.1f ms' \
		"$ROUNDS" "$bar" "$r" "$ROUNDS" "$total" \
		"$(echo "$out" | json_get ops_per_sec)" \
		"$(echo "$out" | json_get p50 | awk '{ print $1 / 1000 }')" \
		"$(echo "$out" | json_get p99 | awk '{ print $1 / 1000 }')"
done
echo

echo
echo "+ every replica executed the same requests into the same state"
cl_wait_converged "$N" 40

for ((i = 0; i < N; i++)); do
	step cl_b "$i" show r
done

step rmmod bft
echo
echo "=== demo done ==="
