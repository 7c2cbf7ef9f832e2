# SPDX-License-Identifier: GPL-2.0
#
# The PBFT engine on the host: a static library built with ASan+UBSan and
# the unit tests (make check-unit -> $(RESULTS)/host-unit.res "<pass> <fail>").
# Other makefiles reuse ENGINE_SRCS / ENGINE_CFLAGS / ENGINE_HOST_CFLAGS.
# Standalone: make -f mk/engine.mk check-unit

BUILD ?= build
RESULTS ?= $(BUILD)/results
CC ?= cc

# kmod/engine/client.[ch] is the userspace client core, not engine.
ENGINE_SRCS := $(filter-out kmod/engine/client.c,$(wildcard kmod/engine/*.c))
ENGINE_HDRS := $(wildcard kmod/engine/*.h kmod/engine/*.inc) uapi/linux/bft_wire.h
ENGINE_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Ikmod/engine -Iuapi
ENGINE_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
# BFT_TESTING enables the test-only quorum switch; never in the kernel.
ENGINE_HOST_CFLAGS := $(ENGINE_CFLAGS) -g -O1 $(ENGINE_SAN) -DBFT_TESTING
ENGINE_LIBS := -lcrypto

ENGINE_OUT := $(BUILD)/host/engine
ENGINE_OBJS := $(patsubst kmod/engine/%.c,$(ENGINE_OUT)/%.o,$(ENGINE_SRCS))
ENGINE_LIB := $(BUILD)/host/libbftengine.a

# One kselftest_harness.h program per selftests/engine/unit/test_*.c
# (TEST() registers per translation unit), all linking cluster.c and
# the client core.
UNIT_OUT := $(BUILD)/host/unit
UNIT_BINS := $(patsubst selftests/engine/unit/%.c,$(UNIT_OUT)/%,$(wildcard selftests/engine/unit/test_*.c))
UNIT_LIB_OBJS := $(UNIT_OUT)/cluster.o $(ENGINE_OUT)/client.o

# kselftest_harness.h comes from linux-source, extracted into the cache
# on first use (scripts/ksrc.sh); evaluated once, when a recipe needs it.
KSFT_DIR = $(eval KSFT_DIR := $(shell scripts/ksrc.sh \
	tools/testing/selftests/kselftest.h \
	tools/testing/selftests/kselftest_harness.h)/tools/testing/selftests)$(KSFT_DIR)
# A system header: it is written for -Wall, not -Wextra.
KSFT_CFLAGS = -isystem $(KSFT_DIR)
# Programs built with ASan link this, so a leaking test fails.
KSFT_LSAN := -Wl,--wrap=_exit selftests/lib/lsan_exit.c

.PHONY: engine-lib check-unit

engine-lib: $(ENGINE_LIB)

$(ENGINE_OUT)/%.o: kmod/engine/%.c $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(ENGINE_HOST_CFLAGS) -c -o $@ $<

$(ENGINE_LIB): $(ENGINE_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(UNIT_OUT)/%.o: selftests/engine/unit/%.c $(ENGINE_HDRS) \
		$(wildcard selftests/engine/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(ENGINE_HOST_CFLAGS) $(KSFT_CFLAGS) -Iselftests/engine/unit -c -o $@ $<

$(UNIT_OUT)/test_%: $(UNIT_OUT)/test_%.o $(UNIT_LIB_OBJS) $(ENGINE_LIB) \
		selftests/lib/lsan_exit.c
	$(CC) $(ENGINE_SAN) -o $@ $(filter %.o %.a,$^) $(KSFT_LSAN) $(ENGINE_LIBS)

check-unit: $(UNIT_BINS)
	@mkdir -p $(RESULTS)
	@scripts/ktap-run.sh $(RESULTS)/host-unit.res $(UNIT_BINS)
