# SPDX-License-Identifier: GPL-2.0
#
# Deterministic Byzantine simulator (selftests/engine/sim) on the host,
# built from the same engine sources as bft.ko (ENGINE_SRCS/ENGINE_LIB
# from mk/engine.mk) plus the client core, with ASan+UBSan.
#
#   make check-sim       SIM_SEEDS seeds (n=4/7, every Byzantine strategy,
#                        network faults, crash/restart, membership
#                        changes; 500 more that grow or shrink n, 1000
#                        fault-free ones that must not change views), the
#                        not-blind test
#                        (broken quorum must be caught) and MAC counts;
#                        writes $(RESULTS)/host-sim.res "<passed> <failed>"
#                        counting each seed as one test, plus one test for
#                        the not-blind check, one per stale-read seed and
#                        one per lintest (kselftest_harness.h) test.
#   make sim SEEDS=N     long sweep (START=, JOBS=)
#   make sim-macs        MAC operations per request at the primary
#   build/host/sim --seed S --trace     replay one seed with a full trace
#   make twins SCENARIOS=N [ROUNDS=R] [START=S] [JOBS=J]
#                        Twins (a replica run as two correct engines):
#                        N sampled scenarios of R rounds; prints
#                        "N scenarios, V violations" and a replay line
#                        for each violation
#   make check-twins     fixed budget: every 1-round scenario, then
#                        TWINS_SAMPLE sampled 4-round ones, each one
#                        test, and the not-blind test (quorums one vote
#                        short must be caught), the tentative-execution
#                        rollback scenarios (TWINS_ROLLBACK_IDS); writes
#                        $(RESULTS)/host-twins.res "<passed> <failed>"
#   build/host/sim --twins-id ID --trace  replay one Twins scenario
# Standalone: make -f mk/engine.mk -f mk/sim.mk check-sim

BUILD ?= build
RESULTS ?= $(BUILD)/results

SIM_OUT := $(BUILD)/host/simobj
SIM_BIN := $(BUILD)/host/sim
SIM_SRCS := $(wildcard selftests/engine/sim/*.c)
SIM_HDRS := $(wildcard selftests/engine/sim/*.h) kmod/engine/client.h \
	selftests/lin/lin.h
SIM_OBJS := $(patsubst selftests/engine/sim/%.c,$(SIM_OUT)/%.o,$(SIM_SRCS)) \
	$(SIM_OUT)/client.o $(SIM_OUT)/lin.o
SIM_CFLAGS := $(ENGINE_HOST_CFLAGS) -O2 -Iselftests/engine/sim -Iselftests/lin
# linearizability checker unit tests (selftests/lin)
LIN_TEST := $(BUILD)/host/lintest
SIM_SEEDS ?= 5000
SIM_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
SEEDS ?= 100000
START ?= 1
JOBS ?= $(SIM_JOBS)

# Stages scripts/summary.sh expects a result from (see mk/vm.mk).
BFT_STAGES += $(if $(filter check-sim,$(CHECK_TARGETS)),host-sim)
BFT_STAGES += $(if $(filter check-fuzz,$(CHECK_TARGETS)),host-fuzz)
BFT_STAGES += $(if $(filter check-twins,$(CHECK_TARGETS)),host-twins)

SCENARIOS ?= 10000
ROUNDS ?= 6
TWINS_SAMPLE ?= 2000
# Twins scenarios in which one correct replica alone prepares a batch
# (with a twin's PREPARE), runs it tentatively, and the next view drops
# it: each must pass, and at least one must roll back (they replay exactly
# only on the engine they were found with; 109650: see simulator.rst).
TWINS_ROLLBACK_IDS ?= 109650 80754 139106 192082 3250

.PHONY: sim-bin sim check-sim sim-macs twins check-twins

sim-bin: $(SIM_BIN)

$(SIM_OUT)/%.o: selftests/engine/sim/%.c $(SIM_HDRS) $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(SIM_OUT)/client.o: kmod/engine/client.c $(SIM_HDRS) $(ENGINE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

$(SIM_OUT)/lin.o: selftests/lin/lin.c selftests/lin/lin.h
	@mkdir -p $(@D)
	$(CC) $(SIM_CFLAGS) -c -o $@ $<

# kselftest_harness.h program; KSFT_* in mk/engine.mk.
$(LIN_TEST): selftests/lin/test_lin.c $(SIM_OUT)/lin.o selftests/lin/lin.h \
		selftests/lib/lsan_exit.c
	$(CC) $(SIM_CFLAGS) $(KSFT_CFLAGS) -o $@ $< $(SIM_OUT)/lin.o \
		$(KSFT_LSAN)

$(SIM_BIN): $(SIM_OBJS) $(ENGINE_LIB)
	$(CC) $(ENGINE_SAN) -o $@ $(SIM_OBJS) $(ENGINE_LIB) $(ENGINE_LIBS)

check-sim: $(SIM_BIN) $(LIN_TEST)
	@mkdir -p $(RESULTS) $(SIM_OUT)
	@rc=0; \
	scripts/ktap-run.sh $(SIM_OUT)/lin.res $(LIN_TEST) \
		> $(SIM_OUT)/lintest.log || \
		{ cat $(SIM_OUT)/lintest.log; rc=1; }; \
	tail -1 $(SIM_OUT)/lintest.log; \
	$(SIM_BIN) --stale-read --seeds 20 --res $(SIM_OUT)/stale.res \
		| tail -1 || rc=1; \
	for m in slow selective; do \
		$(SIM_BIN) --faulty-primary $$m --seeds 20 --jobs $(SIM_JOBS) \
			--res $(SIM_OUT)/fp-$$m.res | tail -1 || rc=1; \
	done; \
	$(SIM_BIN) --reconf 3 --seeds 500 --jobs $(SIM_JOBS) \
		--res $(SIM_OUT)/resize.res | tail -1 || rc=1; \
	$(SIM_BIN) --calm-resize --seeds 1000 --jobs $(SIM_JOBS) \
		--res $(SIM_OUT)/calm.res | tail -1 || rc=1; \
	$(SIM_BIN) --seeds $(SIM_SEEDS) --jobs $(SIM_JOBS) \
		--res $(SIM_OUT)/sweep.res || rc=1; \
	$(SIM_BIN) --not-blind 500 --res $(SIM_OUT)/blind.res || rc=1; \
	$(SIM_BIN) --macs || rc=1; \
	cat $(SIM_OUT)/sweep.res $(SIM_OUT)/blind.res $(SIM_OUT)/lin.res \
		$(SIM_OUT)/stale.res $(SIM_OUT)/fp-slow.res \
		$(SIM_OUT)/fp-selective.res $(SIM_OUT)/resize.res \
		$(SIM_OUT)/calm.res 2>/dev/null | \
		awk '{p+=$$1; f+=$$2} END {print p+0, f+0}' > $(RESULTS)/host-sim.res; \
	[ -s $(SIM_OUT)/sweep.res ] && [ -s $(SIM_OUT)/blind.res ] && \
		[ -s $(SIM_OUT)/lin.res ] && [ -s $(SIM_OUT)/stale.res ] && \
		[ -s $(SIM_OUT)/fp-slow.res ] && \
		[ -s $(SIM_OUT)/fp-selective.res ] && \
		[ -s $(SIM_OUT)/resize.res ] && [ -s $(SIM_OUT)/calm.res ] || \
		{ echo "0 1" > $(RESULTS)/host-sim.res; rc=1; }; \
	echo "host-sim: $$(cat $(RESULTS)/host-sim.res) (passed failed)"; \
	exit $$rc

sim: $(SIM_BIN)
	$(SIM_BIN) --seeds $(SEEDS) --start $(START) --jobs $(JOBS)

sim-macs: $(SIM_BIN)
	$(SIM_BIN) --macs

twins: $(SIM_BIN)
	@$(SIM_BIN) --twins $(SCENARIOS) --twins-rounds $(ROUNDS) \
		--start $(START) --jobs $(JOBS)

check-twins: $(SIM_BIN)
	@mkdir -p $(RESULTS) $(SIM_OUT)
	@rm -f $(SIM_OUT)/twins1.res $(SIM_OUT)/twins4.res $(SIM_OUT)/twinsnb.res \
		$(SIM_OUT)/twinsrb.res
	@rc=0; \
	rb=0; bad=0; for id in $(TWINS_ROLLBACK_IDS); do \
		if $(SIM_BIN) --twins-id $$id > $(SIM_OUT)/twinsrb.log 2>&1; \
		then grep -q ' rollbacks=[1-9]' $(SIM_OUT)/twinsrb.log && \
			rb=$$((rb + 1)); \
		else cat $(SIM_OUT)/twinsrb.log; bad=$$((bad + 1)); fi; \
	done; \
	if [ $$bad = 0 ] && [ $$rb -ge 1 ]; \
	then echo "twins rollback: $$rb of $(words $(TWINS_ROLLBACK_IDS)) scenarios rolled back, all converged: PASS"; \
		echo "1 0" > $(SIM_OUT)/twinsrb.res; \
	else echo "twins rollback: $$rb rolled back, $$bad failed: FAIL"; \
		echo "0 1" > $(SIM_OUT)/twinsrb.res; rc=1; fi; \
	$(SIM_BIN) --twins 656 --twins-rounds 1 --twins-enum --start 0 \
		--jobs $(SIM_JOBS) --res $(SIM_OUT)/twins1.res || rc=1; \
	$(SIM_BIN) --twins $(TWINS_SAMPLE) --twins-rounds 4 --start 1 \
		--jobs $(SIM_JOBS) --res $(SIM_OUT)/twins4.res || rc=1; \
	if $(SIM_BIN) --twins 100 --twins-rounds 4 --broken-quorum \
		--jobs $(SIM_JOBS) | grep -q '^100 scenarios, [1-9]'; \
	then echo "twins not-blind: quorums one vote short caught: PASS"; \
		echo "1 0" > $(SIM_OUT)/twinsnb.res; \
	else echo "twins not-blind: quorums one vote short NOT caught: FAIL"; \
		echo "0 1" > $(SIM_OUT)/twinsnb.res; rc=1; fi; \
	cat $(SIM_OUT)/twins1.res $(SIM_OUT)/twins4.res $(SIM_OUT)/twinsnb.res \
		$(SIM_OUT)/twinsrb.res 2>/dev/null | \
		awk '{p+=$$1; f+=$$2} END {print p+0, f+0}' > $(RESULTS)/host-twins.res; \
	[ -s $(SIM_OUT)/twins1.res ] && [ -s $(SIM_OUT)/twins4.res ] && \
		[ -s $(SIM_OUT)/twinsrb.res ] || \
		{ echo "0 1" > $(RESULTS)/host-twins.res; rc=1; }; \
	echo "host-twins: $$(cat $(RESULTS)/host-twins.res) (passed failed)"; \
	exit $$rc

# ---------------------------------------------------------------------------
# libFuzzer targets (selftests/engine/fuzz): one per wire decoder, plus the
# live engine (bft_engine_receive) and the client core's reply path. Built
# with clang -fsanitize=fuzzer,address,undefined; the seed corpus is made
# by the wire encoder at build time (gen_corpus), never committed.
#
#   make check-fuzz      every target for FUZZ_TIME seconds, FUZZ_JOBS at a
#                        time; $(RESULTS)/host-fuzz.res "<passed> <failed>",
#                        one test per target
#   make fuzz-bins       build only; run e.g. build/host/fuzz/fuzz-vc CORPUS

FUZZ_CC ?= clang
FUZZ_OUT := $(BUILD)/host/fuzz
FUZZ_TIME ?= 6
FUZZ_JOBS ?= $(SIM_JOBS)
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Ikmod/engine -Iuapi \
	-Iselftests/engine/fuzz -DBFT_TESTING $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link
FUZZ_WIRE := hdr request preprepare agree reply checkpoint vc nv fetch data any \
	vcack
FUZZ_TARGETS := $(FUZZ_WIRE) engine client
FUZZ_BINS := $(addprefix $(FUZZ_OUT)/fuzz-,$(FUZZ_TARGETS))
FUZZ_ENGINE_OBJS := $(patsubst kmod/engine/%.c,$(FUZZ_OUT)/obj/%.o,$(ENGINE_SRCS) kmod/engine/client.c)
FUZZ_HDRS := $(ENGINE_HDRS) kmod/engine/client.h selftests/engine/fuzz/fuzz.h

.PHONY: fuzz-bins check-fuzz

fuzz-bins: $(FUZZ_BINS) $(FUZZ_OUT)/gen_corpus

$(FUZZ_OUT)/obj/%.o: kmod/engine/%.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

# fuzz_wire.c once per decoder: FUZZ_WHICH is the 1-based index in FUZZ_WIRE.
$(FUZZ_OUT)/obj/wire-%.o: selftests/engine/fuzz/fuzz_wire.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) \
		-DFUZZ_WHICH=$$(echo $(FUZZ_WIRE) | tr ' ' '\n' | grep -nx '$*' | cut -d: -f1) \
		-c -o $@ $<

$(FUZZ_OUT)/obj/main-%.o: selftests/engine/fuzz/fuzz_%.c $(FUZZ_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(addprefix $(FUZZ_OUT)/fuzz-,$(FUZZ_WIRE)): $(FUZZ_OUT)/fuzz-%: $(FUZZ_OUT)/obj/wire-%.o $(FUZZ_ENGINE_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ -lcrypto

$(FUZZ_OUT)/fuzz-engine $(FUZZ_OUT)/fuzz-client: $(FUZZ_OUT)/fuzz-%: $(FUZZ_OUT)/obj/main-%.o $(FUZZ_ENGINE_OBJS)
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ -lcrypto

FUZZ_WIRE_SRCS := kmod/engine/wire_client.c kmod/engine/wire_replica.c
$(FUZZ_OUT)/gen_corpus: selftests/engine/fuzz/gen_corpus.c $(FUZZ_HDRS) $(FUZZ_WIRE_SRCS)
	@mkdir -p $(@D)
	$(CC) $(ENGINE_CFLAGS) -Iselftests/engine/fuzz -o $@ $< $(FUZZ_WIRE_SRCS) -lcrypto

check-fuzz: fuzz-bins
	@mkdir -p $(RESULTS)
	@rm -rf $(FUZZ_OUT)/seeds $(FUZZ_OUT)/logs && mkdir -p $(FUZZ_OUT)/logs
	@$(FUZZ_OUT)/gen_corpus $(FUZZ_OUT)/seeds
	@echo "check-fuzz: $(words $(FUZZ_TARGETS)) targets x $(FUZZ_TIME)s, $(FUZZ_JOBS) at a time"
	@for t in $(FUZZ_TARGETS); do echo $$t; done | \
	xargs -P $(FUZZ_JOBS) -I{} sh -c '\
		mkdir -p $(FUZZ_OUT)/corpus/{}; \
		if $(FUZZ_OUT)/fuzz-{} -max_total_time=$(FUZZ_TIME) -timeout=10 \
			-rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_OUT)/logs/{}- \
			$(FUZZ_OUT)/corpus/{} $(FUZZ_OUT)/seeds/{} \
			> $(FUZZ_OUT)/logs/{}.log 2>&1; \
		then echo "ok fuzz-{} $$(grep -o "stat::number_of_executed_units: *[0-9]*" $(FUZZ_OUT)/logs/{}.log | grep -o "[0-9]*$$") runs"; \
		else echo "not ok fuzz-{} (see $(FUZZ_OUT)/logs/{}.log)"; fi' \
		| tee $(FUZZ_OUT)/logs/summary
	@p=$$(grep -c '^ok ' $(FUZZ_OUT)/logs/summary); \
	f=$$(grep -c '^not ok ' $(FUZZ_OUT)/logs/summary); \
	f=$$((f + $(words $(FUZZ_TARGETS)) - p - f)); \
	echo "$$p $$f" > $(RESULTS)/host-fuzz.res; \
	echo "host-fuzz: $$p passed, $$f failed"; [ $$f -eq 0 ]
