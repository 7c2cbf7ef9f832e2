#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make check-install: `make install DESTDIR=... PREFIX=/usr`, then use what
# it installed as a user would: the man pages, the bash completion, the
# pkg-config file and the library (a program built with pkg-config's flags
# against the installed header, .so and .a). TAP on stdout.
#
# Environment: BUILD, RES (the .res file), MAKE.
set -u

build=${BUILD:-build}
dest=$build/pkg/install-root
res=${RES:-$build/results/install.res}
pass=0 fail=0 n=0

ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"; pass=$((pass + 1))
	else
		echo "not ok $n $2"; fail=$((fail + 1))
	fi
}

# expect NAME EXPECTED ACTUAL
expect() {
	[ "$2" = "$3" ] && ok 0 "$1" && return
	echo "# expected: $2"; echo "# got:      $3"; ok 1 "$1"
}

rm -rf "$dest" && mkdir -p "$dest"
${MAKE:-make} --no-print-directory install DESTDIR="$dest" PREFIX=/usr \
	>"$build/pkg/install.log" 2>&1
ok $? "make install DESTDIR PREFIX=/usr" || cat "$build/pkg/install.log"

files=$(cd "$dest" && find . \( -type f -o -type l \) | sort | tr '\n' ' ')
expect "installed files" "./usr/bin/bftctl ./usr/bin/bftd \
./usr/include/bftclient.h ./usr/lib/libbftclient.a ./usr/lib/libbftclient.so \
./usr/lib/libbftclient.so.0 ./usr/lib/libbftclient.so.0.1.0 \
./usr/lib/pkgconfig/bftclient.pc ./usr/lib/systemd/system/bft@.service \
./usr/lib/systemd/system/bftd@.service \
./usr/share/bash-completion/completions/bftctl \
./usr/share/man/man5/bft.conf.5 ./usr/share/man/man8/bftctl.8 \
./usr/share/man/man8/bftd.8 " "$files"
expect "soname links" "libbftclient.so.0 libbftclient.so.0.1.0" \
	"$(readlink "$dest/usr/lib/libbftclient.so") $(readlink "$dest/usr/lib/libbftclient.so.0")"
expect "soname" "libbftclient.so.0" \
	"$(objdump -p "$dest/usr/lib/libbftclient.so.0.1.0" | awk '$1 == "SONAME" { print $2 }')"

for m in man8/bftctl.8 man8/bftd.8 man5/bft.conf.5; do
	name=$(basename "$m")
	out=$(MANWIDTH=80 man -l "$dest/usr/share/man/$m" 2>&1)
	head=$(head -n 1 <<<"$out" | awk '{ print $1 }')
	expect "man -l $name" "$(tr a-z A-Z <<<"${name%.*}")(${name##*.})" "$head"
done
grep -q 'setconf NAME FILE' <<<"$(MANWIDTH=200 man -l "$dest/usr/share/man/man8/bftctl.8")"
ok $? "bftctl.8 documents setconf"

# Completion: what bash offers after the given words (the last is the
# word being completed).
complete_words() {
	# shellcheck disable=SC1091
	bash -c '. /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_bftctl bftctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		echo "${COMPREPLY[*]}"' complete \
		"$dest/usr/share/bash-completion/completions/bftctl" "$@" 2>&1
}
expect "complete 'bftctl se'" "set setconf" "$(complete_words bftctl se)"
expect "complete 'bftctl -j rep'" "replica" "$(complete_words bftctl -j rep)"
expect "complete 'bftctl replica '" "add del show" "$(complete_words bftctl replica '')"
expect "complete 'bftctl checkpoint ex'" "export" "$(complete_words bftctl checkpoint ex)"
expect "complete 'bftctl set kv vc-'" "vc-timeout-ms vc-timeout-max-ms vc-backoff" \
	"$(complete_words bftctl set kv vc-)"
expect "complete 'bftctl peer add kv id 1 key-'" "key-file key-id" \
	"$(complete_words bftctl peer add kv id 1 key-)"
expect "complete 'bftctl monitor '" "events log all" "$(complete_words bftctl monitor '')"
expect "complete 'bftctl reco'" "reconfig" "$(complete_words bftctl reco)"
expect "complete 'bftctl reconfig -c f --'" "--wait" "$(complete_words bftctl reconfig -c f --)"

pc() {
	PKG_CONFIG_PATH=$dest/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest \
		pkg-config "$@" bftclient
}
expect "pkg-config --cflags --libs" "-I$dest/usr/include -L$dest/usr/lib -lbftclient" \
	"$(echo $(pc --cflags --libs))"
expect "pkg-config --modversion" "0.1.0" "$(pc --modversion)"

# A client built only from what was installed: opening a missing cluster
# file must fail with the library's message.
prog=$build/pkg/pc-client
cat >"$prog.c" <<'C'
#include <stdio.h>
#include <bftclient.h>

int main(void)
{
	struct bft_client *c;
	char err[256] = "";

	if (!bft_client_open(&c, "/nonexistent/cluster.conf", 0,
			     "/nonexistent/key", NULL, err, sizeof(err)))
		return 1;
	printf("%s\n", err);
	return 0;
}
C
# shellcheck disable=SC2046 # one word per flag
cc -Wall -Werror -o "$prog" "$prog.c" $(pc --cflags --libs) &&
	out=$(LD_LIBRARY_PATH=$dest/usr/lib "$prog")
ok $? "program linked with the shared library runs"
grep -q 'nonexistent' <<<"${out:-}"
ok $? "its error names the file: ${out:-}"
# The ABI is the header: every function it declares, versioned, and no
# internal symbol (engine, config, HMAC helpers).
expect "the .so exports exactly the header's functions" \
	"$(grep -o '\bbft_[a-z_0-9]*(' "$dest/usr/include/bftclient.h" | tr -d '(' | sort -u | sed 's/$/@@BFTCLIENT_0/' | tr '\n' ' ')" \
	"$(nm -D --defined-only "$dest/usr/lib/libbftclient.so.0" | awk '$2 == "T" { print $3 }' | sort | tr '\n' ' ')"
expect "it loads the installed .so" "$dest/usr/lib/libbftclient.so.0" \
	"$(LD_LIBRARY_PATH=$dest/usr/lib ldd "$prog" | awk '$1 == "libbftclient.so.0" { print $3 }')"
# shellcheck disable=SC2046
cc -static-libgcc -o "$prog-static" "$prog.c" $(pc --cflags) \
	"$dest/usr/lib/libbftclient.a" $(pc --libs --static | sed 's/-lbftclient//') &&
	"$prog-static" >/dev/null
ok $? "program linked with libbftclient.a (pkg-config --static) runs"

for u in bft@.service bftd@.service; do
	grep -q "^ExecStart=/usr/bin/bft" "$dest/usr/lib/systemd/system/$u"
	ok $? "$u runs /usr/bin"
done
if command -v systemd-analyze >/dev/null; then
	out=$(cd "$dest/usr/lib/systemd/system" && cp bft@.service bft@kv.service &&
		cp bftd@.service bftd@kv.service &&
		SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
			./bft@kv.service ./bftd@kv.service 2>&1 | grep -v 'is not executable\|not found'
		rm -f bft@kv.service bftd@kv.service)
	expect "systemd-analyze verify" "" "$out"
fi

echo "install: $pass passed, $fail failed"
echo "$pass $fail" >"$res"
[ "$fail" -eq 0 ]
