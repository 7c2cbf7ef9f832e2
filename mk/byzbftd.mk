# SPDX-License-Identifier: GPL-2.0
#
# bftd-byz, the selftests' faulty primary (selftests/byzbftd): bftd's own
# objects linked with a shim that wraps four engine entry points, so the
# production bftd carries no fault injection. Read after mk/bftd.mk.
#
#   make bftd-byz     build/bftd/bftd-byz
#
# vm-selftests copies it next to the tests (faulty_primary.sh).

BYZBFTD_OBJ := $(BFTD_OUT)/obj/selftests/byzbftd/byzbftd.o
BYZBFTD_WRAP := -Wl,--wrap=bft_engine_create,--wrap=bft_engine_receive \
	-Wl,--wrap=bft_engine_tick,--wrap=bft_engine_next_deadline

.PHONY: bftd-byz

bftd-byz: $(BFTD_OUT)/bftd-byz

$(BFTD_OUT)/bftd-byz: $(BFTD_OBJS) $(BYZBFTD_OBJ)
	$(CC) -o $@ $^ $(BYZBFTD_WRAP) $(BFTD_LIBS)

$(BUILD)/selftests/bft/bftd-byz: $(BFTD_OUT)/bftd-byz
	@mkdir -p $(@D)
	cp $< $@

vm-selftests: $(BUILD)/selftests/bft/bftd-byz

-include $(BYZBFTD_OBJ:.o=.d)
