#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-host: 4 bftd replicas on loopback and `bftctl bench`
# closed-loop clients, for 0-byte and 1024-byte NOP requests at batch
# sizes 1, 16 and 64 (the BatchSize policy) and several client counts.
# Each point runs BENCH_REPEAT times and the run with the median ops/s is
# reported. Prints a table and writes $WORK/bench-host.csv; nothing is
# asserted.
#
# Env: BFTD BFTCTL WORK [BENCH_SECS=1] [BENCH_REPEAT=3]
#      [BENCH_CLIENTS="1 16 64"] [BENCH_BATCHES="1 16 64"]
#      [BENCH_SIZES="0 1024"] [BENCH_N=4]
set -u

: "${BFTD:?}" "${BFTCTL:?}" "${WORK:?}"
SECS=${BENCH_SECS:-1}
REPEAT=${BENCH_REPEAT:-3}
CLIENTS=${BENCH_CLIENTS:-1 16 64}
BATCHES=${BENCH_BATCHES:-1 16 64}
SIZES=${BENCH_SIZES:-0 1024}
NREP=${BENCH_N:-4}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

trap 'stop_all TERM; exit 1' INT TERM

# run_point CONF SIZE CLIENTS: "ops_s p50 p99 max timeouts" of one run.
run_point() {
	local out
	out=$("$BFTCTL" -j bench -c "$1" -k "$WORK/c.key" --clients "$3" \
		--ids 0 --duration "$SECS" --op-size "$2" --timeout 2000)
	echo "$(json_num ops_per_sec <<<"$out") $(json_num p50 <<<"$out")" \
		"$(json_num p99 <<<"$out") $(json_num max <<<"$out")" \
		"$(json_num timeouts <<<"$out")"
}

# median_point CONF SIZE CLIENTS
median_point() {
	local r
	for ((r = 0; r < REPEAT; r++)); do
		run_point "$@"
	done | sort -g | sed -n "$(((REPEAT + 1) / 2))p"
}

rm -rf "$WORK"
mkdir -p "$WORK"
chmod 700 "$WORK"
gen_keys "$NREP" || exit 1
max_clients=1
for c in $CLIENTS; do
	[ "$c" -gt $max_clients ] && max_clients=$c
done
csv=$WORK/bench-host.csv
echo "n,op_bytes,batch,clients,ops_per_sec,p50_us,p99_us,max_us,timeouts" >"$csv"
echo "# bftd x$NREP on loopback, $(nproc) CPUs, ${SECS}s runs, median of $REPEAT"
printf '%-3s %-8s %-6s %-8s %10s %9s %9s %9s %8s\n' n op_bytes batch clients \
	ops/s p50_us p99_us max_us timeouts
for size in $SIZES; do
	for batch in $BATCHES; do
		base=$(free_ports "$NREP") || exit 1
		conf=$WORK/n$NREP-b$batch.conf
		# Big batches of 1 KiB requests need room in one datagram.
		write_conf "$conf" "$NREP" "$base" "$max_clients" \
			"BatchSize = $batch" "BatchBytes = 65000"
		if ! start_cluster "$conf" "$NREP"; then
			echo "bench-host: replicas did not start, see $WORK/log*" >&2
			stop_all TERM
			exit 1
		fi
		for c in $CLIENTS; do
			read -r ops_s p50 p99 max to <<<"$(median_point "$conf" "$size" "$c")"
			printf '%-3s %-8s %-6s %-8s %10.0f %9s %9s %9s %8s\n' \
				"$NREP" "$size" "$batch" "$c" "${ops_s:-0}" \
				"${p50:--}" "${p99:--}" "${max:--}" "${to:--}"
			echo "$NREP,$size,$batch,$c,${ops_s:-0},${p50:-},${p99:-},${max:-},${to:-}" >>"$csv"
		done
		stop_all TERM
	done
done
echo "# CSV: $csv"
