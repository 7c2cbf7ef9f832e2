# SPDX-License-Identifier: GPL-2.0
#
# Deterministic Byzantine simulator (selftests/engine/sim) on the host,
# built from the same engine sources as bft.ko (ENGINE_SRCS/ENGINE_LIB
# from mk/engine.mk) plus the client core, with ASan+UBSan.
#
#   make check-sim       SIM_SEEDS seeds (n=4/7, every Byzantine strategy,
#                        network faults, crash/restart), the not-blind test
#                        (broken quorum must be caught) and MAC counts;
#                        writes $(RESULTS)/host-sim.res "<passed> <failed>"
#                        counting each seed as one test, plus one test for
#                        the not-blind check.
#   make sim SEEDS=N     long sweep (START=, JOBS=)
#   make sim-macs        MAC operations per request at the primary
#   build/host/sim --seed S --trace     replay one seed with a full trace
# Standalone: make -f mk/engine.mk -f mk/sim.mk check-sim

BUILD ?= build
RESULTS ?= $(BUILD)/results

SIM_OUT := $(BUILD)/host/simobj
SIM_BIN := $(BUILD)/host/sim
SIM_SRCS := $(wildcard selftests/engine/sim/*.c)
SIM_HDRS := $(wildcard selftests/engine/sim/*.h) kmod/engine/client.h
SIM_OBJS := $(patsubst selftests/engine/sim/%.c,$(SIM_OUT)/%.o,$(SIM_SRCS)) \
	$(SIM_OUT)/client.o
SIM_CFLAGS := $(ENGINE_HOST_CFLAGS) -O2 -Iselftests/engine/sim
SIM_SEEDS ?= 5000
SIM_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SEEDS ?= 100000
START ?= 1
JOBS ?= $(SIM_JOBS)

.PHONY: sim-bin sim check-sim sim-macs

sim-bin: $(SIM_BIN)

$(SIM_OUT)/%.o: selftests/engine/sim/%.c $(SIM_HDRS) $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(SIM_OUT)/client.o: kmod/engine/client.c $(SIM_HDRS) $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(SIM_BIN): $(SIM_OBJS) $(ENGINE_LIB)
	$(CC) $(ENGINE_SAN) -o $@ $(SIM_OBJS) $(ENGINE_LIB) $(ENGINE_LIBS)

check-sim: $(SIM_BIN)
	@mkdir -p $(RESULTS) $(SIM_OUT)
	@rc=0; \
	$(SIM_BIN) --seeds $(SIM_SEEDS) --jobs $(SIM_JOBS) \
		--res $(SIM_OUT)/sweep.res || rc=1; \
	$(SIM_BIN) --not-blind 500 --res $(SIM_OUT)/blind.res || rc=1; \
	$(SIM_BIN) --macs || rc=1; \
	cat $(SIM_OUT)/sweep.res $(SIM_OUT)/blind.res 2>/dev/null | \
		awk '{p+=$$1; f+=$$2} END {print p+0, f+0}' > $(RESULTS)/host-sim.res; \
	[ -s $(SIM_OUT)/sweep.res ] && [ -s $(SIM_OUT)/blind.res ] || \
		{ echo "0 1" > $(RESULTS)/host-sim.res; rc=1; }; \
	echo "host-sim: $$(cat $(RESULTS)/host-sim.res) (passed failed)"; \
	exit $$rc

sim: $(SIM_BIN)
	$(SIM_BIN) --seeds $(SEEDS) --start $(START) --jobs $(JOBS)

sim-macs: $(SIM_BIN)
	$(SIM_BIN) --macs
