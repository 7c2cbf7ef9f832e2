#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bftctl's command line on the host, without the bft module: help at every
# level, --version, version without the module, usage errors (exit 2) that
# name the bad argument before any netlink I/O, global -j, bare bftctl.
# Usage: cli.sh [PATH/TO/bftctl]   (default: ../bftctl from this script,
# as make check-bftctl runs a copy in build/bftctl/tests/)
set -u

BFTCTL=${1:-$(dirname "$0")/../bftctl}
n=0 failed=0
out=$(mktemp /tmp/cli-test.XXXXXX) err=$(mktemp /tmp/cli-test.XXXXXX)
trap 'rm -f "$out" "$err"' EXIT

echo "TAP version 13"
if [ -d /sys/module/bft ]; then
	echo "1..0 # SKIP the bft module is loaded: these tests need it absent"
	exit 0
fi

result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		failed=$((failed + 1))
		echo "not ok $n $2"
		sed 's/^/# stdout: /' "$out" | head -5
		sed 's/^/# stderr: /' "$err" | head -5
	fi
}

# expect RC STREAM REGEX ARGS...: bftctl ARGS exits RC and STREAM (out or
# err) matches the extended REGEX ('' for any).
expect() {
	local rc=$1 stream=$2 re=$3 got

	shift 3
	"$BFTCTL" "$@" >"$out" 2>"$err" </dev/null
	got=$?
	if [ "$got" != "$rc" ]; then
		echo "# bftctl $*: exit $got, want $rc"
		result 1 "bftctl $*: exit $rc"
		return
	fi
	if [ -n "$re" ] && ! grep -Eq -- "$re" "$( [ "$stream" = out ] && echo "$out" || echo "$err")"; then
		echo "# bftctl $*: $stream does not match /$re/"
		result 1 "bftctl $*: exit $rc, $stream /$re/"
		return
	fi
	result 0 "bftctl $*: exit $rc${re:+, $stream /$re/}"
}

NOMOD='bft module is not loaded'
USAGE='^usage: bftctl'

# Help at every level: stdout, exit 0.
for h in help --help -h; do
	expect 0 out '^usage: bftctl \[-j\] \[COMMAND' "$h"
done
for cmd in show version replica peer client set setconf reconfig view-change \
	   monitor log req bench checkpoint genkey pubkey help; do
	for h in help --help -h; do
		expect 0 out "^usage: bftctl( \\[-j\\])? $cmd" "$cmd" "$h"
	done
done
for sub in "replica add" "replica del" "peer add" "peer del" "client add" \
	   "client del" "checkpoint export" "checkpoint verify" "checkpoint import"; do
	for h in help --help -h; do
		# shellcheck disable=SC2086
		expect 0 out "$USAGE( \\[-j\\])? ${sub% *}" $sub "$h"
	done
done
expect 0 out "$USAGE replica add" help replica
expect 0 out 'POLICY keywords:' set --help
expect 2 err "help: unknown command 'frob'" help frob
expect 2 err "help: unexpected argument 'x'" help req x
# Help is not on stderr, and nothing but the usage.
"$BFTCTL" peer add help 2>&1 >/dev/null | grep -q . && r=1 || r=0
result $r "help prints nothing on stderr"

# Versions.
expect 0 out '^bftctl [0-9]+\.[0-9]+\.[0-9]+$' --version
expect 0 out '^bftctl [0-9.]+, bft module not loaded$' version
expect 0 out '"module": ?null' -j version
expect 0 out '"bftctl": ?"[0-9.]+"' --json version

# Bare bftctl is "show": without the module it says so (exit 1, not 2).
expect 1 err "$NOMOD"
expect 1 err "$NOMOD" -j
expect 1 err "$NOMOD" show
expect 1 err "$NOMOD" -j show
expect 1 err "$NOMOD" replica show

# Usage errors: exit 2, the bad argument named, and no netlink (the
# module is absent, so any netlink attempt would say so instead).
bad() {
	local re=$1

	shift
	expect 2 err "$re" "$@"
	if grep -q "$NOMOD" "$err"; then
		result 1 "bftctl $*: refused before netlink"
	else
		result 0 "bftctl $*: refused before netlink"
	fi
}
bad "id: expected an integer in \\[0, [0-9]+\\], got 'x'" peer add kv id x
bad "id: expected an integer in \\[0, [0-9]+\\], got '-1'" peer del kv id -1
bad "id: expected an integer .* got '64'" peer add kv id 64
bad "id: expected an integer .* got '1x'" client add kv id 1x
bad "unknown keyword 'endpoint'" client add kv id 1 endpoint 1.2.3.4:5
bad "unknown keyword 'key'" peer del kv id 1 key AAAA
bad "'id' needs a value" peer add kv id
bad "'id' given twice" peer add kv id 1 id 2
bad "endpoint: expected ADDR:PORT .* got '1.2.3.4'" peer add kv id 1 endpoint 1.2.3.4
bad "endpoint: expected ADDR:PORT .* got '1.2.3.4:0'" peer add kv id 1 endpoint 1.2.3.4:0
bad "key '...': not a base64 32-byte key" peer add kv id 1 key c2hvcnQ=
bad "key-file '/nonexistent': not a base64" client add kv id 1 key-file /nonexistent
bad "key-id: expected an integer in \\[0, 255\\], got '256'" client add kv id 1 key-id 256
bad "unknown sub-command 'frob'" peer frob kv
bad "missing sub-command" client
bad "missing NAME" peer add
bad "n: expected an integer in \\[4, [0-9]+\\], got '3'" replica add kv id 0 n 3
bad "listen: expected ADDR:PORT .* got 'nowhere'" replica add kv listen nowhere
bad "max-key-len: expected an integer .* got '99999999'" replica add kv max-key-len 99999999
bad "unknown keyword 'bogus'" replica add kv id 0 bogus 1
bad "batch-size: expected an integer .* got 'x'" replica add kv batch-size x
bad "unexpected argument 'extra'" replica del kv extra
bad "unknown sub-command 'frob'" replica frob
bad "batch-size: expected an integer .* got '0'" set kv batch-size 0
bad "unknown keyword 'frob'" set kv frob 1
bad "nothing to set" set kv
bad "missing NAME" view-change
bad "unexpected argument 'b'" view-change a b
bad "unexpected argument 'b'" show a b
bad "unknown stream 'frob'" monitor frob
bad "unexpected argument 'x'" log x
bad "unexpected argument 'x'" version x
bad "unexpected argument 'x'" genkey x
bad "unexpected argument 'x'" pubkey x
bad "missing FILE" setconf kv
bad "unknown keyword 'frob'" setconf kv /nonexistent frob 1
bad "replica: expected an integer .* got 'x'" setconf kv /nonexistent replica x
bad "'listen' needs a value" setconf kv /nonexistent listen
bad "missing -c FILE, -k KEYFILE, -i CLIENT_ID" req get k
bad "-i: expected an integer in \\[0, 65535\\], got 'x'" req -c c -i x -k k get k
bad "-t: expected an integer in \\[1, [0-9]+\\], got '0'" req -c c -i 1 -k k -t 0 get k
bad "bad arguments for 'frob'" req -c c -i 1 -k k frob
bad "bad arguments for 'put'" req -c c -i 1 -k k put onlykey
bad "nop SIZE is 0 or at least 12, got '5'" req -c c -i 1 -k k nop 5
bad "missing operation" req -c c -i 1 -k k
bad "unknown option '--frob'" req --frob
bad "option '-c' needs a value" req -c
bad "-j is global: bftctl -j req" req -c c -i 1 -k k -j get k
bad "missing -k KEYFILE" bench -c c
bad "--clients: expected an integer in \\[1, 4096\\], got '0'" bench -c c -k k --clients 0
bad "--threads: expected an integer in \\[1, 256\\], got '0'" bench -c c -k k --threads 0
bad "--threads 3 is more than --clients 2" bench -c c -k k --clients 2 --threads 3
bad "--rate: expected an integer in \\[1, 10000000\\], got '0'" bench -c c -k k --rate 0
bad "--rate: expected an integer .* got '5x'" bench -c c -k k --rate 5x
bad "--duration: expected seconds" bench -c c -k k --duration -1
bad "--mix: expected PUT/GET" bench -c c -k k --mix 5
bad "unexpected argument 'x'" bench -c c -k k x
bad "missing sub-command" checkpoint
bad "unknown sub-command 'frob'" checkpoint frob
bad "export: missing FILE" checkpoint export
bad "import: expected FILE replica NAME" checkpoint import f
bad "missing -c FILE, -k KEYFILE, -i CLIENT_ID" checkpoint verify f
bad "verify: missing FILE" checkpoint verify -c c -i 1 -k k
bad "missing -c FILE, -k KEYFILE" reconfig
bad "missing -k KEYFILE" reconfig -c c
bad "unexpected argument 'x'" reconfig -c c -k k x
bad "--wait: expected an integer in \\[1, [0-9]+\\], got '0'" reconfig -c c -k k --wait 0
bad "-i: expected an integer .* got 'x'" reconfig -c c -k k -i x
bad "unknown command 'frob'" frob
bad "unknown option '-x'" -x
bad "unknown option '--frob'" --frob

# A bad config file is a failure (1), not a usage error.
expect 1 err '/nonexistent: No such file' setconf kv /nonexistent

# Keys need no module.
key=$("$BFTCTL" genkey 2>/dev/null)
pub=$(echo "$key" | "$BFTCTL" pubkey 2>/dev/null)
[ ${#key} = 44 ] && [ ${#pub} = 44 ] && [ "$key" != "$pub" ]
result $? "genkey | pubkey without the module"

# reconfig: the file decides what is asked; a replica that has not
# staged it (here: none answers) stops everything before the RECONFIG.
echo "$key" >"$out.key"
{
	printf '[Cluster]\nName = cli\nEpoch = 1\nAdmin = 5\n'
	for i in 0 1 2 3; do
		printf '[Replica]\nId = %s\nEndpoint = 127.0.0.1:%s\nPublicKey = %s\n' \
			"$i" $((19470 + i)) "$pub"
	done
	printf 'Joined = 1\n[Client]\nId = 5\nPublicKey = %s\n' "$pub"
} >"$out.conf"
expect 1 err 'replica 0 \(127\.0\.0\.1:19470\) has not staged epoch 1 \(no answer\)' \
	reconfig -c "$out.conf" -k "$out.key" -t 300
grep -q 'replica 3 (127.0.0.1:19473) has not staged' "$err" &&
	grep -q 'nothing sent' "$err"
result $? "reconfig: every replica not staged is named, nothing sent"
expect 1 out '"ok":false' -j reconfig -c "$out.conf" -k "$out.key" -t 300
tr -d ' \n' <"$out" | grep -q '^{"epoch":1,"n":4,' && grep -q '"problem":"no answer"' "$out" &&
	! grep -q '"replace"' "$out"
result $? "reconfig -j: n, no replace mask without the n in force, each replica's problem"
expect 1 err "client 4 is not the cluster's admin \\(.*: Admin = 5\\); nothing sent" \
	reconfig -c "$out.conf" -k "$out.key" -i 4
sed -i 's/^Admin = 5$//' "$out.conf"
expect 2 err 'has no \[Cluster\] Admin: the replicas refuse every reconfiguration' \
	reconfig -c "$out.conf" -k "$out.key"
sed -i 's/^Epoch = 1$/Epoch = 0/; s/^Joined = 1$//' "$out.conf"
expect 2 err 'Epoch is 0, the first configuration' reconfig -c "$out.conf" -k "$out.key"

# Two files while a grow or shrink is staged: consecutive epochs only.
sed 's/^Epoch = 0$/Epoch = 2/' "$out.conf" >"$out.e2"
expect 2 err 'not two consecutive epochs of one cluster \(cli epoch 0, cli epoch 2\)' \
	req -c "$out.conf:$out.e2" -k "$out.key" -i 5 get k
expect 2 err 'at most two configuration files' \
	req -c "$out.conf:$out.e2:$out.conf" -k "$out.key" -i 5 get k
sed 's/^Name = cli$/Name = other/; s/^Epoch = 2$/Epoch = 1/' "$out.e2" >"$out.e1"
expect 2 err 'not two consecutive epochs of one cluster \(cli epoch 0, other epoch 1\)' \
	bench -c "$out.e1:$out.conf" -k "$out.key" --ids 5 --duration 1
expect 2 err "reconfig -c NEW.conf:OLD.conf: .*conf has epoch 0, not the one before .*e2 \\(2\\)" \
	reconfig -c "$out.e2:$out.conf" -k "$out.key"
rm -f "$out.key" "$out.conf" "$out.e1" "$out.e2"

echo "1..$n"
[ "$failed" = 0 ]
