#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A host of the multi-host test (selftests/vm/multihost.sh), as an
# operator's shell: the host sends one script per line on ttyS1, base64
# encoded, and gets its output back on ttyS1, each line prefixed with
# "| ", then "BFTVM-RC=N". The line "exit" ends the agent; init.sh then
# writes the kernel log and "BFTVM-DONE rc=N" to ttyS1 and powers off.
#
# Kernel command line: bftvm_ip=ADDR/PREFIX for eth0, the private
# network. Scripts run in the directory that holds bft.ko, as the admin
# guide's "insmod bft.ko" expects.

tty=/dev/ttyS1
ip=
read -r cmdline </proc/cmdline
for arg in $cmdline; do
	case $arg in
	bftvm_ip=*) ip=${arg#*=} ;;
	esac
done

stty -F $tty raw -echo || exit 1
exec 3<>$tty
if [ -n "$ip" ]; then
	ip addr add "$ip" dev eth0 && ip link set eth0 up ||
		echo "agent: cannot configure eth0 with $ip"
fi
cd "/lib/modules/$(uname -r)/extra" || exit 1

echo "BFTVM-AGENT-READY" >&3
while IFS= read -r line <&3; do
	[ "$line" = exit ] && break
	echo "$line" | base64 -d >/tmp/agent.sh 2>/dev/null ||
		echo "echo agent: bad script; exit 2" >/tmp/agent.sh
	bash -e /tmp/agent.sh </dev/null >/tmp/agent.out 2>&1
	rc=$?
	# awk ends every line, the last one too, so the status line stands alone.
	awk '{ print "| " $0 }' /tmp/agent.out >&3
	echo "BFTVM-RC=$rc" >&3
done
exit 0
