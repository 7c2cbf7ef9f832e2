# SPDX-License-Identifier: GPL-2.0
#
# bft top-level build. `make` builds bft.ko for every installed Debian cloud
# kernel (or for KDIR=) and bftctl. `make check` runs every test stage and
# `make demo` boots a VM and shows the module working.

.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD ?= $(CURDIR)/build
RESULTS := $(BUILD)/results
export BFT_CACHE ?= $(HOME)/.cache/bft

# Test stages `make check` runs, in order; each writes $(RESULTS)/<stage>.res.
CHECK_TARGETS ?= lint check-bftctl check-kv check-unit check-sim check-twins check-bftd check-install check-pkg check-fuzz check-vm check-multihost check-debug

include $(sort $(wildcard mk/*.mk))

.PHONY: all setup check check-stages clean help

all: module bftctl

setup:
	@scripts/setup.sh

# Two lanes (scripts/check.sh): the first runs CHECK_TARGETS in order,
# the second starts with CHECK_BACKGROUND; then both take the boots of
# check-debug from one queue, longest first. CHECK_PREBUILD is what the
# queued stages read, built once by the first lane before either lane
# takes from the queue.
ifneq ($(filter check-debug,$(CHECK_TARGETS)),)
CHECK_BACKGROUND ?= debug-kernel
CHECK_QUEUE ?= $(VM_DEBUG_TARGETS)
endif
CHECK_PREBUILD ?= bftctl vm-selftests

# Setup first, then re-enter make so every stage sees the installed tools.
check: setup
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	@rc=0; \
	CHECK_STAGES="$(filter-out check-debug,$(CHECK_TARGETS))" \
		CHECK_BACKGROUND="$(CHECK_BACKGROUND)" \
		CHECK_QUEUE="$(CHECK_QUEUE)" CHECK_PREBUILD="$(CHECK_PREBUILD)" \
		MAKE="$(MAKE)" BUILD="$(BUILD)" scripts/check.sh || rc=1; \
	scripts/summary.sh || rc=1; \
	exit $$rc

clean:
	rm -rf $(BUILD)

help:
	@echo "make              build bft.ko (all cloud headers, or KDIR=) and bftctl"
	@echo "make check        run lint, host tests, VM tests and the debug kernel run"
	@echo "make demo         boot a VM and show the module working"
	@echo "make bench        benchmarks in a VM: build/bench/{bench.csv,ratios.txt,bench.png}"
	@echo "make lint         checkpatch --strict and sparse over the kernel sources"
	@echo "make install      bftctl, bftd, libbftclient, man pages, completion, units (PREFIX, DESTDIR)"
	@echo "make modules_install  bft.ko into /lib/modules/RELEASE/updates (DESTDIR)"
	@echo "make htmldocs     Documentation/ as a Sphinx book in build/htmldocs"
