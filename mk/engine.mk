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

UNIT_SRCS := $(wildcard selftests/engine/unit/*.c)
UNIT_OUT := $(BUILD)/host/unit
UNIT_OBJS := $(patsubst selftests/engine/unit/%.c,$(UNIT_OUT)/%.o,$(UNIT_SRCS))
UNIT_BIN := $(UNIT_OUT)/engine-unit

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
	$(CC) $(ENGINE_HOST_CFLAGS) -Iselftests/engine/unit -c -o $@ $<

$(UNIT_BIN): $(UNIT_OBJS) $(ENGINE_LIB)
	$(CC) $(ENGINE_SAN) -o $@ $(UNIT_OBJS) $(ENGINE_LIB) $(ENGINE_LIBS)

check-unit: $(UNIT_BIN)
	@mkdir -p $(RESULTS)
	@$(UNIT_BIN) > $(UNIT_OUT)/engine-unit.log 2>&1; rc=$$?; \
	cat $(UNIT_OUT)/engine-unit.log; \
	res=$$(sed -n 's/^# engine-unit: \([0-9]*\) passed, \([0-9]*\) failed$$/\1 \2/p' \
		$(UNIT_OUT)/engine-unit.log); \
	[ -n "$$res" ] || res="0 1"; \
	echo "$$res" > $(RESULTS)/host-unit.res; \
	[ $$rc -eq 0 ]
