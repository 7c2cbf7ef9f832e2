# SPDX-License-Identifier: GPL-2.0
#
# Benchmarks in the 6.12 QEMU guest, and the mixed-cluster pieces.
#
#   make bench       boot 6.12 (stage.sh -m bench) and run
#                    selftests/bench/guest.sh there: the unreplicated echo
#                    baseline, 4 bftd, 4/7/13 bft.ko replicas; writes
#                    build/bench/bench.csv, bench.png and the ratio table
#   make bench-profile  the same guest, one loaded point per system under
#                    perf record (Debian linux-perf shipped into the guest)
#   make bft-echo    build/bench/bft-echo, the unreplicated baseline server
#
# Variables: BENCH_QUICK=1 (a small matrix), BENCH_SECS, BENCH_REPEAT,
# BENCH_CLIENTS, BENCH_BATCHES, BENCH_SIZES, BENCH_SYSTEMS (see
# Documentation/benchmarks.rst).
#
# vm-selftests also ships bftd and bft-echo next to the tests (like the
# adversary), so the guest can run mixed kernel + bftd clusters.

BENCH_OUT := $(BUILD)/bench
ECHO_SRCS := selftests/bench/echo.c kmod/engine/wire_client.c \
	kmod/engine/wire_replica.c kmod/kv.c \
	kmod/kv_codec.c bftctl/lib/config.c bftctl/lib/keys.c bftctl/lib/hmac.c \
	bftctl/lib/opts.c
ECHO_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE \
	-I. -Iuapi -Ikmod/engine -fno-omit-frame-pointer
BENCH_VARS := BENCH_QUICK BENCH_SECS BENCH_REPEAT BENCH_CLIENTS \
	BENCH_BATCHES BENCH_SIZES BENCH_SYSTEMS
export $(BENCH_VARS)

.PHONY: bench bench-profile bft-echo

bft-echo: $(BENCH_OUT)/bft-echo

$(BENCH_OUT)/bft-echo: $(ECHO_SRCS) $(wildcard kmod/engine/*.h bftctl/lib/*.h)
	@mkdir -p $(@D)
	$(CC) $(ECHO_CFLAGS) -o $@ $(ECHO_SRCS) -lcrypto

$(BUILD)/selftests/bft/bftd: $(BUILD)/bftd/bftd
	@mkdir -p $(@D)
	cp $< $@

$(BUILD)/selftests/bft/bft-echo: $(BENCH_OUT)/bft-echo
	@mkdir -p $(@D)
	cp $< $@

vm-selftests: $(BUILD)/selftests/bft/bftd $(BUILD)/selftests/bft/bft-echo

# Setup first (as make check does), then the guest run and the report.
bench: setup
	@$(MAKE) --no-print-directory module bftctl bftd vm-selftests
	@selftests/bench/run.sh $(BUILD)

# perf from Debian's linux-perf (the host's; it reads the guest's kallsyms).
bench-profile: module bftctl bftd vm-selftests
	@command -v perf >/dev/null || apt-get install -y linux-perf
	@BFT_VM_EXTRA_BINS="$$(command -v perf)" \
		BFT_VM_APPEND="BENCH_PROFILE=1 BENCH_SYSTEMS=$${BENCH_SYSTEMS:-kmod4,bftd} BENCH_SECS=$${BENCH_SECS:-4}" \
		selftests/vm/stage.sh -m bench bench-profile 6.12 $(BUILD)
