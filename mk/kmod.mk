# SPDX-License-Identifier: GPL-2.0
#
# bft.ko. Each kernel gets its own build tree of symlinks, so builds for
# several header versions never share objects.

KDIRS ?= $(if $(KDIR),$(KDIR),$(wildcard /usr/src/linux-headers-*-cloud-amd64))
KMOD_SRCS := Kbuild $(wildcard kmod/*.[ch] kmod/engine/*.[ch] uapi/linux/*.h)
# Extra kbuild arguments, e.g. KBUILD_ARGS="C=2" for sparse.
KBUILD_ARGS ?=

krel = $(shell cat $(1)/include/config/kernel.release 2>/dev/null)

.PHONY: module

module:
	@[ -n "$(KDIRS)" ] || { echo "no kernel headers: run make setup or pass KDIR=" >&2; exit 1; }
	@set -e; for kdir in $(KDIRS); do \
		rel=$$(cat $$kdir/include/config/kernel.release); \
		out=$(BUILD)/kmod/$$rel; \
		rm -rf $$out/src && mkdir -p $$out/src; \
		for f in $(KMOD_SRCS); do \
			mkdir -p $$out/src/$$(dirname $$f); \
			ln -sf $(CURDIR)/$$f $$out/src/$$f; \
		done; \
		echo "  KMOD    $$rel"; \
		$(MAKE) --no-print-directory -C $$kdir M=$$out/src W=1 \
			KCFLAGS=-Werror $(KBUILD_ARGS) modules; \
		cp $$out/src/bft.ko $$out/bft.ko.tmp && mv -f $$out/bft.ko.tmp $$out/bft.ko; \
	done
