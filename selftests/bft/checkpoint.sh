#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Checkpoint export, verify and import on a 4-replica cluster: a replica
# exports its stable checkpoint; verify confirms it against f+1 live
# replicas; a corrupt, a tampered and a consistently forged file are each
# refused where they should be (file checksum, kernel digest check, the
# engine against the Q-certified digest); a fresh replica seeded with the
# genuine file installs it locally and converges with the others.
set -u

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/cluster_lib.sh"

N=4
K=8
trap cl_cleanup EXIT

load() {
	local out=$CL_DIR/bench.json

	cl_c -j bench -c "$CL_DIR/cluster.conf" -k "$CL_DIR/client.key" \
		--clients 4 --ids 0 --duration "$1" --mix 1/1 --keys 32 \
		--timeout 30000 >"$out" 2>&1 || { sed 's/^/# /' "$out"; return 1; }
	ktap_print_msg "bench: $(json_get ops <"$out") ops"
}

verify() {
	cl_c checkpoint verify "$1" -c "$CL_DIR/cluster.conf" -i 0 \
		-k "$CL_DIR/client.key" -t 3000
}

# hexdump-free byte surgery with busybox: SIZE, FLIP OFFSET, RESEAL.
fsize() {
	stat -c %s "$1"
}

flip() {
	local f=$1 off=$2 b

	b=$(od -An -tu1 -j "$off" -N1 "$f" | tr -d ' ')
	printf "\\$(printf %o $((b ^ 0x5a)))" |
		dd of="$f" bs=1 seek="$off" conv=notrunc 2>/dev/null
}

# put_hex FILE OFFSET HEX: write the bytes of HEX at OFFSET.
put_hex() {
	printf "$(echo "$3" | sed 's/../\\x&/g')" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

# Recompute the file's trailer (SHA-256 of all but the last 32 bytes).
reseal() {
	local f=$1 s

	s=$(fsize "$f")
	put_hex "$f" $((s - 32)) "$(head -c $((s - 32)) "$f" | sha256sum | cut -c1-64)"
}

# le_hex VALUE BYTES: VALUE as little-endian hex.
le_hex() {
	local v=$1 n=$2 o=

	while [ "$n" -gt 0 ]; do
		o=$o$(printf %02x $((v & 255)))
		v=$((v >> 8))
		n=$((n - 1))
	done
	echo "$o"
}

# state_digest STREAM: the checkpoint digest, SHA-256 of the part table
# "BFTPARTS" || le32 part || le32 0 || SHA-256 of each part || le64 total
# (kmod/engine/statedigest.h; bft.ko uses parts of 16384 bytes).
state_digest() {
	local f=$1 part=16384 len i=0 t

	len=$(fsize "$f")
	t=4246545041525453$(le_hex $part 4)00000000
	while [ $((i * part)) -lt "$len" ]; do
		t=$t$(dd if="$f" bs=$part skip=$i count=1 2>/dev/null |
		      sha256sum | cut -c1-64)
		i=$((i + 1))
	done
	t=$t$(le_hex "$len" 8)
	printf "$(echo "$t" | sed 's/../\\x&/g')" | sha256sum | cut -c1-64
}

# Recompute the recorded digest (header offset 48) from the stream.
redigest() {
	local f=$1 s

	s=$(fsize "$f")
	tail -c +97 "$f" | head -c $((s - 128)) > "$f.stream"
	put_hex "$f" 48 "$(state_digest "$f.stream")"
	rm -f "$f.stream"
}

# Every replica reports the same stable checkpoint (the export's seq).
same_stable() {
	local t=${1:-40} i s0

	while [ "$t" -gt 0 ]; do
		s0=$(cl_json 0 stable_checkpoint)
		for ((i = 1; i < N; i++)); do
			[ "$(cl_json "$i" stable_checkpoint)" = "$s0" ] || break
		done
		[ "$i" -eq "$N" ] && [ "${s0:-0}" -gt 0 ] && return 0
		t=$((t - 1))
		sleep 0.25
	done
	return 1
}

# Load counted in checkpoints, not seconds: a debug kernel is slow.
load_until_stable() {
	local k

	for k in 1 2 3 4 5 6 7 8; do
		load 2 || return 1
		same_stable 8 && return 0
	done
	return 1
}

# More load until replica 3 has caught up with the others too.
load_until_converged() {
	local k

	for k in 1 2 3 4 5 6 7 8; do
		load 2 || return 1
		cl_wait_converged "$N" 20 >/dev/null && break
	done
	cl_wait_converged "$N" 20
}

export_ok() {
	local out att

	same_stable || return 1
	out=$(cl_b 1 checkpoint export "$CL_DIR/good.ckpt" replica r) ||
		return 1
	echo "$out" | sed 's/^/# /'
	att=$(echo "$out" | sed -n 's/.*attested by //p' | wc -w)
	[ "$att" -ge 2 ]
}

verify_ok() {
	local out

	out=$(verify "$CL_DIR/good.ckpt") || { echo "$out" | sed 's/^/# /'; return 1; }
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -q '^verified: [234] replicas'
}

# expect_fail PATTERN CMD...: CMD fails and says PATTERN.
expect_fail() {
	local pat=$1 out

	shift
	out=$("$@" 2>&1) && { echo "$out" | sed 's/^/# /'; return 1; }
	echo "$out" | sed 's/^/# /'
	echo "$out" | grep -q "$pat"
}

corrupt_refused() {
	cp "$CL_DIR/good.ckpt" "$CL_DIR/corrupt.ckpt"
	flip "$CL_DIR/corrupt.ckpt" $(($(fsize "$CL_DIR/corrupt.ckpt") - 40))
	expect_fail "file is corrupt" verify "$CL_DIR/corrupt.ckpt"
}

# A fresh replica 3 with no peers yet, so nothing reaches it before the
# import; setconf then adds its peers and keys.
fresh3() {
	cl_b 3 replica del r 2>/dev/null
	cl_b 3 replica add r id 3 n $N listen "$(cl_endpoint 4)" clients 4 \
		batch-size 16 checkpoint-interval $K log-size $((2 * K))
}

join3() {
	cl_b 3 setconf r "$CL_DIR/cluster.conf" replica 3 \
		private-key "$CL_DIR/r3.key"
}

tampered_refused() {
	cp "$CL_DIR/good.ckpt" "$CL_DIR/tampered.ckpt"
	flip "$CL_DIR/tampered.ckpt" $(($(fsize "$CL_DIR/tampered.ckpt") - 40))
	reseal "$CL_DIR/tampered.ckpt"
	expect_fail "tampered: snapshot does not hash to the recorded digest" \
		verify "$CL_DIR/tampered.ckpt" || return 1
	fresh3 || return 1
	expect_fail "snapshot does not match its digest" \
		cl_b 3 checkpoint import "$CL_DIR/tampered.ckpt" replica r
}

forged_disagree() {
	cp "$CL_DIR/good.ckpt" "$CL_DIR/forged.ckpt"
	flip "$CL_DIR/forged.ckpt" $(($(fsize "$CL_DIR/forged.ckpt") - 40))
	redigest "$CL_DIR/forged.ckpt"
	reseal "$CL_DIR/forged.ckpt"
	expect_fail "replicas disagree" verify "$CL_DIR/forged.ckpt"
}

# wait_counter I NAME VALUE TRIES
wait_counter() {
	local t=$4

	while [ "$(cl_counter "$1" "$2")" != "$3" ]; do
		t=$((t - 1))
		[ "$t" -gt 0 ] || { ktap_print_msg "$2 = $(cl_counter "$1" "$2")"; return 1; }
		sleep 0.2
	done
}

# wait_installed: replica 3 executed up to the exported checkpoint.
wait_installed() {
	local t=150 e

	while :; do
		e=$(cl_json 3 last_executed)
		[ "${e:-0}" -ge "$SEQ" ] && return 0
		t=$((t - 1))
		[ "$t" -gt 0 ] || return 1
		sleep 0.1
	done
}

forged_rejected() {
	local t0

	cl_b 3 checkpoint import "$CL_DIR/forged.ckpt" replica r || return 1
	t0=$(cl_now_ms)
	join3 || return 1
	wait_counter 3 seed_rejected 1 100 || return 1
	wait_installed || return 1
	NET_MS=$(($(cl_now_ms) - t0))
	ktap_print_msg "forged seed rejected; network state transfer caught up in $NET_MS ms (state_transfers $(cl_counter 3 state_transfers), xfer_local $(cl_counter 3 xfer_local))"
	[ "$(cl_counter 3 xfer_local)" = 0 ] &&
		[ "$(cl_json 3 stable_digest)" = "$(cl_json 0 stable_digest)" ]
}

genuine_installed() {
	local t0

	fresh3 || return 1
	cl_b 3 checkpoint import "$CL_DIR/good.ckpt" replica r || return 1
	t0=$(cl_now_ms)
	join3 || return 1
	wait_counter 3 xfer_local 1 100 || return 1
	wait_installed || return 1
	ktap_print_msg "genuine seed installed locally in $(($(cl_now_ms) - t0)) ms (network transfer: $NET_MS ms), seed_rejected $(cl_counter 3 seed_rejected)"
	[ "$(cl_counter 3 seed_rejected)" = 0 ] &&
		[ "$(cl_counter 3 state_transfers)" = 1 ] &&
		[ "$(cl_json 3 stable_digest)" = "$(cl_json 0 stable_digest)" ]
}

busy_refused() {
	expect_fail "executed nothing" \
		cl_b 0 checkpoint import "$CL_DIR/good.ckpt" replica r
}

ktap_print_header
ktap_set_plan 10
bft_require "$BFTCTL" ip od dd sha256sum

dmesg_mark
bft_load || ktap_exit_fail_msg "cannot load bft.ko"
cl_up "$N" 4 "BatchSize = 16" "CheckpointInterval = $K" \
	"LogSize = $((2 * K))" "ViewChangeTimeoutMs = 5000" ||
	ktap_exit_fail_msg "cannot set up the cluster"
load_until_stable || ktap_exit_fail_msg "no stable checkpoint under load"
cl_wait_converged "$N" 40 >/dev/null

ktap_test_result "export writes the stable checkpoint with f+1 attesters" export_ok
SEQ=$(cl_json 1 stable_checkpoint)
ktap_test_result "verify confirms it against f+1 live replicas" verify_ok
ktap_test_result "a corrupt file is reported as corrupt" corrupt_refused
ktap_test_result "a tampered snapshot fails verify and the kernel's import" tampered_refused
ktap_test_result "a consistently forged file fails verify (replicas disagree)" forged_disagree
ktap_test_result "a forged seed is rejected by the engine; network transfer instead" forged_rejected
ktap_test_result "a replica that executed requests refuses an import" busy_refused
ktap_test_result "the genuine seed installs locally" genuine_installed
ktap_test_result "more load: all replicas converge (seq and state digest)" \
	load_until_converged
ktap_test_result "no kernel warnings" dmesg_clean
ktap_finished
