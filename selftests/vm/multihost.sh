#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The admin guide on four hosts: four QEMU guests, two on the 6.1 and two
# on the 6.12 Debian cloud kernel (a rolling upgrade), on a bridge inside
# a network namespace this script creates (tap devices; nothing leaves
# the machine). Each guest is set up only with the literal blocks of
# Documentation/admin-guide.rst: genkey, the shared cluster file, module
# load, bftctl setconf. Guest 3 is also the client host and runs the
# guide's client commands: 500 keys written and read back, then the
# guide's bftctl bench. Then the primary's guest is killed (requests must
# still succeed: failover time) and booted again from scratch with only
# its /etc/bft kept, as a host's disk would keep it; it must catch up to
# the executed seq and state digest of the others (catch-up time). No
# console may show a kernel splat (selftests/vm/splat.sh).
#
# Usage: multihost.sh BUILD [RESULTS]
# Reuses stage.sh (kernels, initramfs); guests run selftests/vm/agent.sh.
# Writes RESULTS/multihost.res ("PASSED FAILED"), logs in BUILD/vm/multihost.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:?usage: multihost.sh BUILD [RESULTS]}
results=${2:-$build/results}
stage=multihost
out=$build/vm/$stage
guide=$top/Documentation/admin-guide.rst
. "$here/splat.sh"

N=4
SERIES=(6.1 6.1 6.12 6.12)
CLIENT=3
KEYS=500
MEM=${BFT_MH_MEM:-320}
QEMU_TIMEOUT=${BFT_VM_TIMEOUT:-2700}
ns=bftmh$$
python=/usr/bin/python3
declare -a IN OUT LIFE QPID
# no_timer_check: four TCG guests on a busy host boot slowly, and the
# IO-APIC timer check then panics now and then ("IO-APIC + timer doesn't
# work").
APPEND="console=ttyS0,115200 panic=-1 rdinit=/init bftvm_mode=agent no_timer_check"
pass=0 fail=0 num=0
OPS='' P50='' FAILOVER='' CATCHUP=''

addr() { echo "192.0.2.1$1"; }
now_ms() { date +%s%3N; }
log() { echo "== $stage: $*"; }

result() {
	num=$((num + 1))
	if [ "$1" = ok ]; then
		pass=$((pass + 1))
		echo "ok $num $2"
	else
		fail=$((fail + 1))
		echo "not ok $num $2"
	fi
}

# check DESCRIPTION CMD...: one result.
check() {
	local d=$1

	shift
	if "$@"; then
		result ok "$d"
	else
		result fail "$d"
		return 1
	fi
}

cleanup() {
	local i p

	for ((i = 0; i < N; i++)); do
		p=$(cat "$out/qemu$i.pid" 2>/dev/null) && kill -9 "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}

finish() {
	mkdir -p "$results"
	echo "$pass $fail" >"$results/$stage.res"
	log "ops/s ${OPS:-?}, p50 ${P50:-?} us, failover ${FAILOVER:-?} ms," \
	    "catch-up ${CATCHUP:-?} ms"
	log "$pass passed, $fail failed, $(( $(date +%s) - T0 ))s"
	[ "$fail" -eq 0 ]
	exit
}

# abort WHAT: a step the rest depends on failed.
abort() {
	result fail "$*"
	cleanup
	finish
}

# The admin guide's literal block (the indented lines after a paragraph
# ending in "::") with a line that starts with STRING, unindented.
guide_block() {
	awk -v s="$1" '
		function out() {
			if (inb && index("\n" blk, "\n" s)) {
				printf "%s", blk
				done = 1
			}
			inb = 0
		}
		inb && NF && /^[^ ]/ { out(); if (done) exit }
		inb { sub(/^  /, ""); blk = blk $0 "\n"; next }
		/::$/ { inb = 1; blk = "" }
		END { if (!done) out() }' "$guide"
}

# The first line of TEXT that contains STRING.
line_with() { printf '%s\n' "$1" | grep -F -m1 -- "$2"; }

# g_run I SCRIPT [TIMEOUT]: run SCRIPT (bash -e) on guest I; its output
# in G_OUT and the guest's log. TIMEOUT (s) bounds each line's wait.
g_run() {
	local i=$1 script=$2 t=${3:-120} line rc=''

	G_OUT=''
	printf '%s\n' "$(printf '%s\n' "$script" | base64 -w0)" >&"${IN[$i]}"
	while IFS= read -r -t "$t" line <&"${OUT[$i]}"; do
		line=${line%$'\r'}
		case $line in
		"| "*) G_OUT+=${line#| }$'\n' ;;
		BFTVM-RC=*) rc=${line#BFTVM-RC=}; break ;;
		esac
	done
	{
		echo "### $(date +%T) \$ ${script//$'\n'/$'\n'  }"
		printf '%s' "$G_OUT"
		echo "### rc=${rc:-none (timeout ${t}s)}"
	} >>"$out/guest$i.log"
	[ "$rc" = 0 ]
}

# wait_for I STRING TIMEOUT: a line starting with STRING on guest I's ttyS1.
wait_for() {
	local line end=$(( $(date +%s) + $3 ))

	while [ "$(date +%s)" -lt "$end" ]; do
		if ! IFS= read -r -t 5 line <&"${OUT[$1]}"; then
			# QEMU (under timeout, QPID) has exited: no use waiting.
			kill -0 "${QPID[$1]}" 2>/dev/null || return 1
			continue
		fi
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$out/verdict$1.${LIFE[$1]}.log"
		case $line in "$2"*) return 0 ;; esac
	done
	return 1
}

# boot I: a fresh guest I (its console log numbered by life).
boot() {
	local i=$1 kernel initrd

	read -r kernel initrd <"$out/paths-${SERIES[$i]}"
	LIFE[i]=$(( ${LIFE[i]:-0} + 1 ))
	rm -f "$out/qemu$i.pid"
	# In a subshell of its own, which reaps it: killing the guest is
	# the plan, not news for stderr.
	(ip netns exec "$ns" timeout -k 10 "$QEMU_TIMEOUT" \
		qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp 1 \
		-nographic -no-reboot -monitor none -pidfile "$out/qemu$i.pid" \
		-serial "file:$out/console$i.${LIFE[i]}.log" \
		-serial "pipe:$out/ctl$i" \
		-netdev "tap,id=n0,ifname=mh$i,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=52:54:00:00:00:1$i,romfile=" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$APPEND bftvm_ip=$(addr "$i")/24" \
		</dev/null >"$out/qemu$i.${LIFE[i]}.log" 2>&1; true) 2>/dev/null &
	QPID[i]=$!
}

# show I KEY...: fields of guest I's replica (bftctl -j show kv), e.g.
# view or counters.state_transfers, on one line.
show() {
	local i=$1

	shift
	g_run "$i" "bftctl -j show kv" 30 || return 1
	printf '%s' "$G_OUT" | "$python" -c '
import json, sys
r = json.load(sys.stdin)["replicas"][0]
out = []
for key in sys.argv[1:]:
	d = r
	for k in key.split("."):
		d = d[k]
	out.append(str(d))
print(" ".join(out))' "$@"
}

# ---------------------------------------------------------------- setup
T0=$(date +%s)
rm -rf "$out"
mkdir -p "$out"
trap 'cleanup' EXIT
for s in 6.1 6.12; do
	"$here/stage.sh" -b "$out/paths-$s" -r "$results" "$stage" "$s" \
		"$build" || abort "kernel and initramfs for $s"
done
ip netns add "$ns" && ip -n "$ns" link add br0 type bridge &&
	ip -n "$ns" link set br0 up || abort "network namespace $ns"
for ((i = 0; i < N; i++)); do
	ip -n "$ns" tuntap add dev "mh$i" mode tap &&
	ip -n "$ns" link set "mh$i" master br0 up || abort "tap mh$i"
	mkfifo "$out/ctl$i.in" "$out/ctl$i.out" || abort "fifos"
	exec {fd}<>"$out/ctl$i.in"
	IN[i]=$fd
	exec {fd}<>"$out/ctl$i.out"
	OUT[i]=$fd
done

t=$(now_ms)
for ((i = 0; i < N; i++)); do
	boot "$i"
done
for ((i = 0; i < N; i++)); do
	wait_for "$i" BFTVM-AGENT-READY 300 || abort "guest $i boots"
done
log "4 guests (${SERIES[*]}) up in $(( $(now_ms) - t )) ms"

# --------------------------------------------------- the guide, step 1-3
ident=$(guide_block 'bftctl genkey')
tpl=$(guide_block '[Cluster]')
start=$(guide_block 'bftctl setconf')
client=$(guide_block 'bftctl bench')
for v in ident tpl start client; do
	[ -n "${!v}" ] || abort "admin guide has the $v block"
done
# The guide's own commands, insmod included (issue 12).
check "the guide loads bft.ko with insmod" \
	grep -q '^insmod bft.ko' <<<"$start"

for ((i = 0; i < N; i++)); do
	g_run "$i" "$ident" || abort "guest $i: the guide's genkey block"
	g_run "$i" "cat /etc/bft/replica.pub" || abort "guest $i: replica.pub"
	pub[i]=$(printf '%s' "$G_OUT" | tr -d '\n')
done
# For a client identity the guide says: the same, named client0.
g_run "$CLIENT" "${ident//replica./client0.}" &&
	g_run "$CLIENT" "cat /etc/bft/client0.pub" ||
	abort "client: the guide's genkey block"
cpub=$(printf '%s' "$G_OUT" | tr -d '\n')
# The replica host's disk, kept across its reboot.
g_run 0 "base64 -w0 /etc/bft/replica.key" || abort "replica 0's key"
key0=$(printf '%s' "$G_OUT" | tr -d '\n')

# The cluster file from the guide's template: its [Cluster] section as
# written, [Replica] for ids 0..3 and [Client] for ids 0..7 (the guide:
# bench --clients 8 runs ids 0..7 with one key).
section() { printf '%s\n' "$tpl" | sed -n "/^\\[$1\\]/,/^\$/p" | grep -v '^#'; }
{
	section Cluster
	for ((i = 0; i < N; i++)); do
		section Replica | sed "s/^Id = .*/Id = $i/;
			s/^Endpoint = [^ ]*/Endpoint = $(addr "$i"):7400/;
			s|^PublicKey = .*|PublicKey = ${pub[i]}|"
	done
	for ((i = 0; i < 8; i++)); do
		section Client | sed "s/^Id = .*/Id = $i/;
			s|^PublicKey = .*|PublicKey = $cpub|"
	done
} >"$out/cluster.conf"
conf=$(base64 -w0 "$out/cluster.conf")
put_conf="echo $conf | base64 -d >/etc/bft/cluster.conf"

for ((i = 0; i < N; i++)); do
	g_run "$i" "$put_conf" || abort "guest $i: cluster file"
	check "guest $i (${SERIES[i]}): the guide's module load and setconf" \
		g_run "$i" "${start//replica i /replica $i }" ||
		{ printf '%s' "$G_OUT"; abort "replica $i starts"; }
done

# ------------------------------------------------------ step 4: clients
put=$(line_with "$client" ' put ')
get=$(line_with "$client" ' get ')
bench=$(line_with "$client" 'bftctl bench')
cd_conf=$(line_with "$client" 'cd ')
# kv_script PREFIX COUNT [ro]: 8 workers (client ids 0..7), each writes
# its share of keys PREFIX0..PREFIX<COUNT-1> (unless ro), then reads it back.
kv_script() {
	local p g

	p=${put/-i 0/-i \$w}
	p=${p/greeting hello/\$1\$k \$1v\$k}
	g=${get/-i 0/-i \$w}
	g=${g/greeting/\$1\$k}
	cat <<-EOF
	$cd_conf
	work() {
		local w=\$2 k v
		for ((k = w; k < $2; k += 8)); do
			[ "${3:-}" = ro ] || $p >/dev/null
		done
		for ((k = w; k < $2; k += 8)); do
			v=\$($g)
			[ "\$v" = "\$1v\$k" ] || { echo "\$1\$k: '\$v'"; return 1; }
			echo "\$1\$k" >>/tmp/verified
		done
	}
	rm -f /tmp/verified
	pids=()
	for w in 0 1 2 3 4 5 6 7; do work $1 \$w & pids+=(\$!); done
	for p in "\${pids[@]}"; do wait \$p; done
	echo "verified \$(sort -u /tmp/verified | wc -l) keys"
	EOF
}

t=$(now_ms)
# kv_ok PREFIX COUNT [ro]: the keys verified, each exactly once.
kv_ok() {
	g_run "$CLIENT" "$(kv_script "$@")" 1500 &&
	grep -qx "verified $2 keys" <<<"$G_OUT" ||
	{ printf '%s' "$G_OUT" | head -n 20; return 1; }
}
check "$KEYS keys written and read back" kv_ok key "$KEYS"
log "$KEYS puts and gets in $(( $(now_ms) - t )) ms"

check "the guide's bftctl bench" g_run "$CLIENT" "$cd_conf; $bench" 120
printf '%s' "$G_OUT"
OPS=$(printf '%s' "$G_OUT" | sed -n 's/.*ops\/s \([0-9.]*\).*/\1/p')
P50=$(printf '%s' "$G_OUT" | sed -n 's/.* p50 \([0-9]*\).*/\1/p')
check "bench: requests completed, no errors" \
	grep -q '^errors: timeouts 0 conflicts 0 refused 0 other 0 mismatches 0' \
	<<<"$G_OUT"
[ "${OPS%.*}" -gt 0 ] 2>/dev/null || result fail "bench: ops/s > 0"

# --------------------------------------------- the primary's host dies
primary=$(show 1 primary) && [ -n "$primary" ] || abort "replica 1's view"
log "primary is replica $primary (view $(show 1 view))"
[ "$primary" = 0 ] || abort "the primary of view 0 is replica 0"
t=$(now_ms)
kill -9 "$(cat "$out/qemu0.pid")" || abort "kill guest 0"
failover="$cd_conf
for t in \$(seq 20); do
	${put/greeting hello/failover \$t} && exit 0
done
exit 1"
check "requests succeed after the primary's host died" \
	g_run "$CLIENT" "$failover" 200
FAILOVER=$(( $(now_ms) - t ))
log "first request succeeded ${FAILOVER} ms after the kill"
wait_view() {
	local v

	v=$(show 1 view) && [ "$v" -ge 1 ] && [ "$(show 1 primary)" != 0 ]
}
check "the others changed view" wait_view
check "keys read back after the failover" kv_ok key 16 ro

# ------------------------------------------ it comes back from scratch
boot 0
wait_for 0 BFTVM-AGENT-READY 300 || abort "guest 0 boots again"
g_run 0 "mkdir -p /etc/bft; umask 077; echo $key0 | base64 -d >/etc/bft/replica.key; $put_conf" ||
	abort "guest 0: /etc/bft restored"
# Load for the catch-up (a restarted replica learns the stable checkpoint
# from new CHECKPOINTs), on client ids 0..7 with the guide's bench.
g_run "$CLIENT" "$cd_conf; ${bench/--duration 10/--duration 25} >/tmp/catch.out 2>&1 & echo \$! >/tmp/catch.pid" ||
	abort "catch-up load"
check "guest 0 (${SERIES[0]}): the guide's module load and setconf again" \
	g_run 0 "${start//replica i /replica 0 }" || abort "replica 0 restarts"
t=$(now_ms)
level() {
	local e0 e1 x

	for x in $(seq 300); do
		e1=$(show 1 last_executed) && e0=$(show 0 last_executed) ||
			return 1
		[ "$e0" -ge "$e1" ] && [ "$e0" -gt 0 ] && return 0
		sleep 0.5
	done
	return 1
}
check "the restarted replica is level with the others under load" level
CATCHUP=$(( $(now_ms) - t ))
log "replica 0 level ${CATCHUP} ms after setconf, state transfers $(show 0 counters.state_transfers 2>/dev/null || echo ?)"
g_run "$CLIENT" 'while kill -0 $(cat /tmp/catch.pid) 2>/dev/null; do sleep 1; done; cat /tmp/catch.out' 120
printf '%s' "$G_OUT"
check "catch-up load: requests completed" \
	grep -q '^errors: timeouts 0 conflicts 0 refused 0 other 0 mismatches 0' \
	<<<"$G_OUT"
# A few more writes, then all four agree.
check "writes after the catch-up" kv_ok after 8
converged() {
	local x i e d e0 d0 ok

	for x in $(seq "$1"); do
		ok=1
		read -r e0 d0 < <(show 0 last_executed state_digest)
		[ -n "$d0" ] || return 1
		for ((i = 1; i < N && ok; i++)); do
			read -r e d < <(show "$i" last_executed state_digest)
			[ "$e" = "$e0" ] && [ "$d" = "$d0" ] || ok=0
		done
		if [ "$ok" = 1 ]; then
			log "all at executed $e0, state ${d0:0:16}"
			return 0
		fi
		sleep 1
	done
	log "replica 0 at $e0 ${d0:0:16}, replica $((i - 1)) at $e ${d:0:16}"
	return 1
}
# A replica that timed out alone (here: the client's host, starved of
# CPU) stays in its view change, which the others, making progress, never
# join; an idle cluster never levels it (PBFT: it rejoins at the next view
# change; cl_unstick in cluster_lib.sh does the same). Report it, and ask
# the replicas in normal status to change view.
unstick() {
	local i lone='' normal=''

	for ((i = 0; i < N; i++)); do
		if [ "$(show "$i" status)" = view-change ]; then
			lone="$lone $i"
		else
			normal="$normal $i"
		fi
	done
	[ -n "$lone" ] && [ -n "$normal" ] || return 0
	log "replica(s)$lone alone in a view change; replicas$normal change view"
	for i in $normal; do
		g_run "$i" "bftctl view-change kv" || return 1
	done
}
converged 20 || unstick
check "all four at the same executed seq and state digest" converged 60

# ------------------------------------------------------------- wrap up
for ((i = 0; i < N; i++)); do
	printf 'exit\n' >&"${IN[$i]}"
done
for ((i = 0; i < N; i++)); do
	wait_for "$i" BFTVM-DONE 120 || result fail "guest $i powers off"
done
bad=$(for f in "$out"/console*.log "$out"/verdict*.log; do
	tr -d '\r' <"$f" | grep -aE "$klog($splat)" | sed "s|^|${f##*/}: |"
done)
check "no console shows an oops, WARN, KASAN or UBSAN report" \
	test -z "$bad" || printf '%s\n' "$bad" | head -n 40
trap - EXIT
cleanup
finish
