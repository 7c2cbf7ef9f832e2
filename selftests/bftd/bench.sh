#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-host: 4 bftd replicas on loopback and `bftctl bench`
# closed-loop clients, with the workloads of `make bench` (0-byte and
# 1024-byte NOP requests, batch sizes 1, 16 and 64 (the BatchSize
# policy), 1, 4 and 16 clients), then 7 and 13 replicas at the most
# clients (first size) for CPU per request as n grows. Each point runs
# BENCH_REPEAT times; every run is a row of $WORK/bench-host.csv in `make
# bench`'s CSV format (system "bftd-host") plus, per executed request:
# the busiest replica's CPU (utime + stime from /proc/PID/stat), and at
# the primary its syscalls (bftd's count of recvmmsg, sendmmsg, setsockopt)
# and datagrams in and out; the client's syscalls (perf stat, if perf
# may trace). The table shows the run with the median ops/s, and
# selftests/bench/report.py turns the CSV into medians and ratios.
# Nothing is asserted.
#
# Env: BFTD BFTCTL WORK [BENCH_SECS=1] [BENCH_REPEAT=3]
#      [BENCH_CLIENTS="1 4 16"] [BENCH_BATCHES="1 16 64"]
#      [BENCH_SIZES="0 1024"] [BENCH_N=4] [BENCH_SCALE_N="7 13"]
#      [BENCH_THREADS=nproc] (bftctl bench threads, at most the clients)
#      [BENCH_RETRANSMIT_MS] (the clients' first retransmission)
#      [BENCH_POLICY="NoTentative = 1"] (one more bft.conf policy line)
set -u

: "${BFTD:?}" "${BFTCTL:?}" "${WORK:?}"
SECS=${BENCH_SECS:-1}
REPEAT=${BENCH_REPEAT:-3}
CLIENTS=$(echo "${BENCH_CLIENTS:-1 4 16}" | tr , " ")
BATCHES=$(echo "${BENCH_BATCHES:-1 16 64}" | tr , " ")
SIZES=$(echo "${BENCH_SIZES:-0 1024}" | tr , " ")
NREP=${BENCH_N:-4}
THREADS=${BENCH_THREADS:-$(nproc)}
SCALE_N=$(echo "${BENCH_SCALE_N:-7 13}" | tr , " ")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

trap 'stop_all TERM; exit 1' INT TERM

# prim: "MAC_OPS REQUESTS BATCHES SYSCALLS DGRAMS_IN DGRAMS_OUT" of
# replica 0 (the primary), fresh. Syscalls: bftd's own count of its
# recvmmsg (with data or empty), sendmmsg and SO_RCVTIMEO calls.
prim() {
	kill -USR1 "${PIDS[0]}"
	sleep 0.2
	awk '{ v[$1] = $2 } END { print v["mac_computed"] + v["mac_verified"],
		v["requests_executed"], v["batches"],
		v["timeo_sets"] + v["rx_calls"] + v["rx_empty"] + v["tx_calls"],
		v["rx_packets"], v["tx_packets"] }' "$WORK/st0"
}

# cpu: each replica's utime + stime so far, in clock ticks (USER_HZ).
cpu() {
	local i
	for i in "${!PIDS[@]}"; do
		awk '{ printf "%d ", $14 + $15 }' "/proc/${PIDS[$i]}/stat"
	done
}

# The client's syscalls, counted by perf (if it may trace here).
PERF=
if command -v perf >/dev/null &&
   perf stat -x, -e raw_syscalls:sys_enter -o /dev/null true 2>/dev/null; then
	PERF=perf
fi

# run_point CONF SIZE CLIENTS BATCH REP: "ops_s p50 p99 max timeouts";
# appends the run's CSV row.
run_point() {
	local out m0 r0 b0 s0 i0 o0 m1 r1 b1 s1 i1 o1 c0 c1 csys=-1
	local pf=(env)

	[ -n "$PERF" ] && pf=(perf stat -x, -e raw_syscalls:sys_enter \
		-o "$WORK/client.perf")
	read -r m0 r0 b0 s0 i0 o0 <<<"$(prim)"
	c0=$(cpu)
	out=$("${pf[@]}" "$BFTCTL" -j bench -c "$1" -k "$WORK/c.key" \
		--clients "$3" --ids 0 --duration "$SECS" --op-size "$2" \
		--threads $(($3 < THREADS ? $3 : THREADS)) --timeout 2000 \
		${BENCH_RETRANSMIT_MS:+--retransmit $BENCH_RETRANSMIT_MS})
	c1=$(cpu)
	read -r m1 r1 b1 s1 i1 o1 <<<"$(prim)"
	[ -n "$PERF" ] && csys=$(awk -F, '/raw_syscalls/ { print $1 }' \
		"$WORK/client.perf")
	echo "$out" | awk -F: -v n="$NREP" -v b="$4" -v s="$2" -v c="$3" \
	    -v rep="$5" -v dm=$((m1 - m0)) -v dr=$((r1 - r0)) \
	    -v db=$((b1 - b0)) -v ds=$((s1 - s0)) -v di=$((i1 - i0)) \
	    -v do_=$((o1 - o0)) -v csys="${csys:--1}" -v c0="$c0" -v c1="$c1" \
	    -v hz="$(getconf CLK_TCK)" '
	{ gsub(/[ ",]/, ""); v[$1] = $2 }
	END {
		err = v["timeouts"] + v["conflicts"] + v["refused"] + \
		      v["other_errors"] + v["mismatches"]
		rpb = db > 0 ? dr / db : 0
		mpr = dr > 0 ? dm / dr : 0
		floor = rpb > 0 ? 2 + 4 * (n - 1) / rpb : 0
		# The busiest replica: CPU (user + system) per executed request.
		k = split(c0, a, " "); split(c1, z, " "); cpu = 0; who = -1
		for (i = 1; i <= k; i++) {
			t = dr > 0 ? (z[i] - a[i]) * 1e6 / hz / dr : 0
			if (t > cpu) { cpu = t; who = i - 1 }
		}
		q = dr > 0 ? dr : 1
		cs = csys >= 0 && v["ops"] > 0 ? csys / v["ops"] : -1
		printf "bftd-host,%d,%d,%d,%d,%d,%.1f,%d,%d,%.3f,%.2f,%.3f,%d,%d,-1," \
		       "%.1f,%d,%.3f,%.3f,%.3f,%.3f\n",
		       n, b, s, c, rep, v["ops_per_sec"], v["p50"], v["p99"],
		       mpr, rpb, floor, err, v["retransmits"], cpu, who,
		       ds / q, di / q, do_ / q, cs
	}' >>"$csv"
	echo "$(json_num ops_per_sec <<<"$out") $(json_num p50 <<<"$out")" \
		"$(json_num p99 <<<"$out") $(json_num max <<<"$out")" \
		"$(json_num timeouts <<<"$out")"
}

# median_point CONF SIZE CLIENTS BATCH
median_point() {
	local r
	for ((r = 1; r <= REPEAT; r++)); do
		run_point "$@" "$r"
	done | sort -g | sed -n "$(((REPEAT + 1) / 2))p"
}

# cluster SIZE BATCH CLIENTS...: a fresh NREP-replica cluster, its rows.
cluster() {
	local size=$1 batch=$2 base conf c ops_s p50 p99 max to

	shift 2
	base=$(free_ports "$NREP") || exit 1
	conf=$WORK/n$NREP-b$batch.conf
	# Big batches of 1 KiB requests need room in one datagram.
	write_conf "$conf" "$NREP" "$base" "$max_clients" \
		"BatchSize = $batch" "BatchBytes = 65000" \
		${BENCH_POLICY:+"$BENCH_POLICY"}
	if ! start_cluster "$conf" "$NREP"; then
		echo "bench-host: replicas did not start, see $WORK/log*" >&2
		stop_all TERM
		exit 1
	fi
	for c in "$@"; do
		read -r ops_s p50 p99 max to <<<"$(median_point "$conf" "$size" "$c" "$batch")"
		printf '%-3s %-8s %-6s %-8s %10.0f %9s %9s %9s %8s\n' \
			"$NREP" "$size" "$batch" "$c" "${ops_s:-0}" \
			"${p50:--}" "${p99:--}" "${max:--}" "${to:--}"
	done
	stop_all TERM
}

rm -rf "$WORK"
mkdir -p "$WORK"
chmod 700 "$WORK"
nmax=$NREP
for n in $SCALE_N; do
	[ "$n" -gt "$nmax" ] && nmax=$n
done
gen_keys "$nmax" || exit 1
max_clients=1
for c in $CLIENTS; do
	[ "$c" -gt $max_clients ] && max_clients=$c
done
csv=$WORK/bench-host.csv
echo "system,n,batch,op_bytes,clients,rep,ops_per_sec,p50_us,p99_us,macs_per_req,reqs_per_batch,mac_floor,errors,retransmits,guest_cpu_pct,cpu_us_per_req,busiest,sys_per_req,dgram_in_per_req,dgram_out_per_req,client_sys_per_req" >"$csv"
echo "# bftd x$NREP on loopback, $(nproc) CPUs, ${SECS}s runs, median of $REPEAT"
printf '%-3s %-8s %-6s %-8s %10s %9s %9s %9s %8s\n' n op_bytes batch clients \
	ops/s p50_us p99_us max_us timeouts
for size in $SIZES; do
	for batch in $BATCHES; do
		cluster "$size" "$batch" $CLIENTS
	done
done
# CPU per request as n grows: the first size, the most clients.
n4=$NREP
for NREP in $SCALE_N; do
	[ "$NREP" = "$n4" ] && continue
	for batch in $BATCHES; do
		cluster "${SIZES%% *}" "$batch" "$max_clients"
	done
done
echo "# CSV: $csv"
python3 "$here/../bench/report.py" "$WORK" "$csv" |
	sed -n '/^== MAC/,/^$/p; /^== CPU/,/^$/p; /^== syscalls/,/^$/p'
