#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`, inside the guest (/vm/bench.sh, bftvm_mode=bench): the
# same netns-on-a-bridge topology as the cluster selftests, driven by
# `bftctl bench` closed-loop clients from the client namespace, against
#   echo    bft-echo: one unreplicated server (the floor)
#   bftd    4 bftd replicas (userspace, same engine)
#   kmod4, kmod7, kmod13   bft.ko with n = 4, 7, 13
# for NOP requests of BENCH_SIZES bytes (0-byte results), BatchSize
# policies BENCH_BATCHES (a fresh cluster per batch size: the policy is
# fixed at creation) and BENCH_CLIENTS closed-loop clients. Each point
# runs BENCH_REPEAT times for BENCH_SECS seconds. Every run is one CSV row
# with the primary's MAC operations per executed request; the CSV goes to
# the console between BENCH-CSV-BEGIN and BENCH-CSV-END, where the host
# (selftests/bench/run.sh) picks it up. Nothing is asserted but that the
# clusters come up.
#
# Lists may be given with commas (they come from the kernel command line).
set -u

BFTCTL=bftctl
BIN=/kselftest/bft
ktap_print_msg() {
	echo "  $*"
}
# shellcheck source=../bft/cluster_lib.sh
. $BIN/cluster_lib.sh

list() {
	echo "$1" | tr ',' ' '
}

if [ -n "${BENCH_QUICK:-}" ] && [ "${BENCH_QUICK}" != 0 ]; then
	SECS=${BENCH_SECS:-1}
	REPEAT=${BENCH_REPEAT:-1}
	CLIENTS=$(list "${BENCH_CLIENTS:-1,8}")
	BATCHES=$(list "${BENCH_BATCHES:-1,16}")
	SIZES=$(list "${BENCH_SIZES:-0}")
	SYSTEMS=$(list "${BENCH_SYSTEMS:-echo,bftd,kmod4,kmod7,kmod13}")
else
	SECS=${BENCH_SECS:-2}
	REPEAT=${BENCH_REPEAT:-3}
	CLIENTS=$(list "${BENCH_CLIENTS:-1,4,16}")
	BATCHES=$(list "${BENCH_BATCHES:-1,16,64}")
	SIZES=$(list "${BENCH_SIZES:-0,1024}")
	SYSTEMS=$(list "${BENCH_SYSTEMS:-echo,bftd,kmod4,kmod7,kmod13}")
fi
K=128
# libbftclient retransmits to every replica after 100 ms by default; under
# TCG a loaded n=13 cluster is slower than that, and the retransmissions
# (each one more MAC to verify and a cached reply to resend) would load
# it further. Runs count them anyway (the retransmits column).
RTX_MS=${BENCH_RETRANSMIT_MS:-500}
MAXC=1
for c in $CLIENTS; do
	[ "$c" -gt "$MAXC" ] && MAXC=$c
done
CSV=/tmp/bench.csv
PIDS=()
LAST=
LASTCPU=

stop_daemons() {
	cl_stop_pids "${PIDS[@]}"
	PIDS=()
}

sys_down() {
	stop_daemons
	cl_cleanup
}
trap 'set +e; sys_down' EXIT

# sys_up SYSTEM N BATCH
sys_up() {
	local sys=$1 n=$2 batch=$3 i

	cl_topology "$n" &&
	cl_config "$n" "$MAXC" "BatchSize = $batch" "BatchBytes = 60000" \
		"CheckpointInterval = $K" "LogSize = $((2 * K))" \
		"ViewChangeTimeoutMs = 10000" "ViewChangeTimeoutMaxMs = 60000" ||
		return 1
	case $sys in
	echo)
		ip netns exec "$(cl_ns 0)" $BIN/bft-echo -c "$CL_DIR/cluster.conf" \
			-k "$CL_DIR/r0.key" -k "$CL_DIR/r1.key" -s "$CL_DIR/st0" &
		PIDS+=($!)
		cl_wait_file "$CL_DIR/st0"
		;;
	bftd)
		for ((i = 0; i < n; i++)); do
			ip netns exec "$(cl_ns "$i")" $BIN/bftd -c "$CL_DIR/cluster.conf" \
				-r "$i" -k "$CL_DIR/r$i.key" -s "$CL_DIR/st$i" \
				2>"$CL_DIR/bftd$i.log" &
			PIDS+=($!)
		done
		for ((i = 0; i < n; i++)); do
			cl_wait_file "$CL_DIR/st$i" || return 1
		done
		;;
	kmod*)
		cl_start "$n"
		;;
	esac
}

st() {
	sed -n "s/^$2 //p" "$CL_DIR/st$1" 2>/dev/null
}

# prim_ctr SYSTEM: "MAC_OPS REQUESTS BATCHES" at the primary (replica 0):
# the engine's mac_computed + mac_verified. The engine counts a message
# the receive path already verified (rx_mac_ok, bftd's "verified ...
# (receive)") once more in mac_verified when it accepts it, without
# recomputing it: adding rx_mac_ok would count those MACs twice.
# One awk per call: every process costs under TCG.
prim_ctr() {
	case $1 in
	echo)
		awk '{ v[$1] = $2 } END {
			print v["mac_computed"] + v["mac_verified"],
			      v["requests_executed"], v["requests_executed"], 0 }' \
			"$CL_DIR/st0"
		;;
	bftd)
		awk '{ v[$1] = $2 } END {
			print v["mac_computed"] + v["mac_verified"],
			      v["requests_executed"], v["batches"], v["primary"] }' \
			"$CL_DIR/st0"
		;;
	kmod*)
		cl_b 0 -j show r | awk -F: '{ gsub(/[ ",]/, "") }
			$1 == "mac_computed" || $1 == "mac_verified" { m += $2 }
			$1 == "requests_executed" { r = $2 }
			$1 == "batches" { b = $2 }
			$1 == "primary" { p = $2 }
			END { print m + 0, r + 0, b + 0, p + 0 }'
		;;
	esac
}

# cpu_ns SYSTEM N: each replica's CPU time so far, ns, space-separated
# (%.0f: past 2^31 ns, awk's %d would saturate).
# Processes: utime + stime of /proc/PID/stat (USER_HZ 100 on x86).
# bft.ko: its rx_ns (softirq receive) + worker_ns (engine and sends)
# counters; the worker's sends may run a co-located peer's receive
# softirq inline, so on one guest that figure is an upper bound.
cpu_ns() {
	local i

	case $1 in
	echo | bftd)
		for i in "${PIDS[@]}"; do
			awk '{ printf "%.0f ", ($14 + $15) * 10000000 }' "/proc/$i/stat"
		done
		;;
	kmod*)
		for ((i = 0; i < $2; i++)); do
			cl_b "$i" -j show r | awk -F: '{ gsub(/[ ",]/, "") }
				$1 == "rx_ns" || $1 == "worker_ns" { t += $2 }
				END { printf "%.0f ", t }'
		done
		;;
	esac
}

# A fresh status file from bftd (SIGUSR1) or bft-echo (every 200 ms).
settle() {
	case $1 in
	bftd) kill -USR1 "${PIDS[0]}"; sleep 0.3 ;;
	echo) sleep 0.3 ;;
	*) sleep 0.1 ;;
	esac
}

# point SYSTEM N BATCH SIZE CLIENTS REP: one run, one CSV row.
point() {
	local sys=$1 n=$2 batch=$3 size=$4 c=$5 rep=$6 out m0 r0 b0 m1 r1 b1 p0 p1
	local u0 n0 s0 i0 w0 q0 sq0 u1 n1 s1 i1 w1 q1 sq1 busy c0 c1

	# The previous run's "after" is this run's "before".
	if [ -z "$LAST" ]; then
		settle "$sys"
		LAST=$(prim_ctr "$sys")
		LASTCPU=$(cpu_ns "$sys" "$n")
	fi
	read -r m0 r0 b0 p0 <<<"$LAST"
	c0=$LASTCPU
	read -r _ u0 n0 s0 i0 w0 q0 sq0 _ </proc/stat
	out=$(cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients "$c" --ids 0 --duration "$SECS" --op-size "$size" \
		--timeout 10000 --retransmit "$RTX_MS" 2>&1)
	read -r _ u1 n1 s1 i1 w1 q1 sq1 _ </proc/stat
	# Guest CPU busy over the run, in % of all vCPUs (clients included).
	busy=$(((u1 + n1 + s1 + q1 + sq1 - u0 - n0 - s0 - q0 - sq0) * 100 /
		(u1 + n1 + s1 + q1 + sq1 + i1 + w1 - u0 - n0 - s0 - q0 - sq0 - i0 - w0 + 1)))
	settle "$sys"
	LAST=$(prim_ctr "$sys")
	LASTCPU=$(cpu_ns "$sys" "$n")
	c1=$LASTCPU
	read -r m1 r1 b1 p1 <<<"$LAST"
	# Replica 0 must have led the whole run (a view change under TCG
	# load is possible): else its counters say nothing about a primary.
	if [ "$p0" != 0 ] || [ "$p1" != 0 ]; then
		echo "  (primary moved to $p1: no MAC ratio for this run)"
		m1=$m0 r1=$r0 b1=$b0
	fi
	echo "$out" | awk -F: -v sys="$sys" -v n="$n" -v b="$batch" \
	    -v s="$size" -v c="$c" -v rep="$rep" -v dm=$((m1 - m0)) -v cpu="$busy" \
	    -v dr=$((r1 - r0)) -v db=$((b1 - b0)) -v c0="$c0" -v c1="$c1" '
	{ gsub(/[ ",]/, ""); v[$1] = $2 }
	END {
		# The busiest replica: CPU ns per executed request, in us.
		k = split(c0, a, " "); split(c1, z, " "); per = 0; who = -1
		for (i = 1; i <= k; i++) {
			t = dr > 0 ? (z[i] - a[i]) / 1000 / dr : 0
			if (t > per) { per = t; who = i - 1 }
		}
		err = v["timeouts"] + v["conflicts"] + v["refused"] + \
		      v["other_errors"] + v["mismatches"]
		mpr = dr > 0 ? dm / dr : 0
		rpb = db > 0 ? dr / db : 0
		floor = sys == "echo" ? 2 : (rpb > 0 ? 2 + 4 * (n - 1) / rpb : 0)
		printf "%s,%d,%d,%d,%d,%d,%.1f,%d,%d,%.3f,%.2f,%.3f,%d,%d,%d," \
		       "%.1f,%d\n",
		       sys, n, b, s, c, rep, v["ops_per_sec"], v["p50"],
		       v["p99"], mpr, rpb, floor, err, v["retransmits"], cpu,
		       per, who
	}' | tee -a "$CSV"
}

# BENCH_PROFILE=1 (make bench-profile): instead of the matrix, one loaded
# point per system under `perf record -a` (cpu-clock: TCG has no PMU),
# and where the CPU time went, by symbol.
profile() {
	local sys n batch=16 c=$MAXC size=${SIZES%% *}

	command -v perf >/dev/null || { echo "no perf in the guest"; return 1; }
	echo -1 >/proc/sys/kernel/perf_event_paranoid
	echo 0 >/proc/sys/kernel/kptr_restrict
	for sys in $SYSTEMS; do
		case $sys in
		echo | bftd | kmod4) n=4 ;;
		*) n=${sys#kmod} ;;
		esac
		echo "+ profile $sys n=$n batch=$batch, $c clients, $size-byte ops"
		sys_up "$sys" "$n" "$batch" || return 1
		cl_c bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
			--clients "$c" --ids 0 --duration $((SECS + 2)) \
			--op-size "$size" --timeout 5000 >/tmp/prof-bench.txt &
		sleep 1
		perf record -q -a -g -e cpu-clock -F 999 -o /tmp/perf.data \
			-- sleep "$SECS" 2>/dev/null
		wait $!
		sed 's/^/  /' /tmp/prof-bench.txt
		echo "  -- by symbol (self), all CPUs --"
		perf report -i /tmp/perf.data --stdio --no-children -g none \
			--sort comm,dso,sym --percent-limit 0.8 2>/dev/null |
			grep -v '^#' | grep -v '^$' | head -n 45
		echo "  -- by command --"
		perf report -i /tmp/perf.data --stdio --no-children -g none \
			--sort comm 2>/dev/null | grep -v '^#' | grep -v '^$' |
			head -n 12
		sys_down
	done
}

if [ -n "${BENCH_PROFILE:-}" ]; then
	modprobe bft || exit 1
	profile
	exit $?
fi

echo "=== bft bench on $(uname -r), $(nproc) vCPUs ==="
echo "  systems: $SYSTEMS; sizes: $SIZES; batches: $BATCHES; clients: $CLIENTS; ${SECS}s x $REPEAT"
modprobe bft || exit 1
echo "system,n,batch,op_bytes,clients,rep,ops_per_sec,p50_us,p99_us,macs_per_req,reqs_per_batch,mac_floor,errors,retransmits,guest_cpu_pct,cpu_us_per_req,busiest" >$CSV
rc=0
start=$SECONDS
for sys in $SYSTEMS; do
	case $sys in
	echo | bftd | kmod4) n=4 ;;
	kmod*) n=${sys#kmod} ;;
	*) echo "unknown system $sys"; rc=1; continue ;;
	esac
	batches=$BATCHES
	# The echo server orders nothing: batching does not apply.
	[ "$sys" = echo ] && batches=1
	for batch in $batches; do
		echo "+ $sys n=$n batch=$batch ($((SECONDS - start))s)"
		LAST=
		if ! sys_up "$sys" "$n" "$batch"; then
			echo "  $sys n=$n batch=$batch: cannot start"
			rc=1
			sys_down
			continue
		fi
		for size in $SIZES; do
			for c in $CLIENTS; do
				for ((r = 1; r <= REPEAT; r++)); do
					point "$sys" "$n" "$batch" "$size" "$c" "$r"
				done
			done
		done
		# BENCH_COUNTERS=1: the primary's counters, to account for MACs.
		if [ -n "${BENCH_COUNTERS:-}" ]; then
			case $sys in
			kmod*) cl_b 0 -j show r | sed -n '/"counters"/,/}/p' |
				grep -v ':0,*$' ;;
			bftd) kill -USR1 "${PIDS[0]}"; sleep 0.3
			      cat "$CL_DIR/bftd0.log" ;;
			esac
		fi
		sys_down
	done
done
echo "=== bench done in $((SECONDS - start))s ==="
echo "BENCH-CSV-BEGIN"
cat $CSV
echo "BENCH-CSV-END"
exit $rc
