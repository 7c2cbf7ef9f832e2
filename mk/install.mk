# SPDX-License-Identifier: GPL-2.0
#
# Man pages, installation and the host test of both.
#
#   make man              build/man/{bftctl.8,bftd.8,bft.conf.5} (rst2man)
#   make install          bftctl, bftd, libbftclient (.so with its soname
#                         links, .a, bftclient.h, bftclient.pc), man pages,
#                         bash completion, systemd units bft@ and bftd@;
#                         PREFIX (/usr/local), DESTDIR, LIBDIR, UNITDIR
#   make modules_install  bft.ko of every KDIRS kernel into
#                         DESTDIR/lib/modules/RELEASE/updates, then depmod
#                         (not with DESTDIR: a package's postinst does it)
#   make check-install    make install DESTDIR=... and use what it put
#                         there: man -l, completion, pkg-config, a program
#                         linked with libbftclient; $(RESULTS)/install.res
#   make check-pkg        Debian packages and DKMS on this host; pkg.res

BFT_VERSION := 0.1.0
BFT_SONAME := libbftclient.so.0

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
# systemd looks under /etc and /usr/lib only, so /usr/local units would
# never be found.
UNITDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/lib/systemd/system,/etc/systemd/system)
INSTALL ?= install

MAN_SRCS := $(wildcard Documentation/man/*.rst)
MAN_PAGES := $(patsubst Documentation/man/%.rst,$(BUILD)/man/%,$(MAN_SRCS))
UNITS := $(wildcard dist/systemd/*.service)

.PHONY: man install modules_install check-install lint-man

LINT_EXTRA += lint-man

man: $(MAN_PAGES)

# rst2man starts every section with a blank line (.sp) and sets literal
# blocks in font C, which mandoc -T lint flags: neither shows on a
# terminal, so both go.
$(BUILD)/man/%: Documentation/man/%.rst
	@mkdir -p $(@D)
	@echo "  MAN     $@"
	@rst2man --strict $< >$@.tmp && \
		sed -i -e '/^\.SH /{n;/^\.sp$$/d}' -e '/^\.ft [CP]$$/d' $@.tmp && \
		mv $@.tmp $@

# Any warning of groff (man --warnings) or mandoc fails.
lint-man: $(MAN_PAGES)
	@rc=0; for m in $^; do \
		out=$$(LC_ALL=C.UTF-8 man --warnings -l -Tutf8 -Z $$m 2>&1 >/dev/null; \
			mandoc -T lint -W warning $$m 2>&1); \
		[ -z "$$out" ] || { echo "$$out"; rc=1; }; \
	done; exit $$rc

$(BUILD)/bftclient.pc: dist/bftclient.pc.in mk/install.mk
	@mkdir -p $(@D)
	@sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(BFT_VERSION)|' \
		$< >$@

INSTALL_DEPS := $(BFTCTL_OUT)/bftctl $(BFTCTL_OUT)/libbftclient.so \
	$(BFTCTL_OUT)/libbftclient.a $(BFTD_OUT)/bftd $(MAN_PAGES)

# The .pc file depends on PREFIX/LIBDIR, so it is made on every install.
install: $(INSTALL_DEPS)
	@rm -f $(BUILD)/bftclient.pc && $(MAKE) --no-print-directory $(BUILD)/bftclient.pc
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR) \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(COMPLETIONDIR) $(DESTDIR)$(UNITDIR)
	$(INSTALL) -m 0755 $(BFTCTL_OUT)/bftctl $(BFTD_OUT)/bftd $(DESTDIR)$(BINDIR)/
	$(INSTALL) -m 0644 $(BFTCTL_OUT)/libbftclient.so \
		$(DESTDIR)$(LIBDIR)/$(BFT_SONAME).$(patsubst 0.%,%,$(BFT_VERSION))
	ln -sf $(BFT_SONAME).$(patsubst 0.%,%,$(BFT_VERSION)) $(DESTDIR)$(LIBDIR)/$(BFT_SONAME)
	ln -sf $(BFT_SONAME) $(DESTDIR)$(LIBDIR)/libbftclient.so
	$(INSTALL) -m 0644 $(BFTCTL_OUT)/libbftclient.a $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0644 bftctl/lib/bftclient.h $(DESTDIR)$(INCLUDEDIR)/
	$(INSTALL) -m 0644 $(BUILD)/bftclient.pc $(DESTDIR)$(PKGCONFIGDIR)/
	$(INSTALL) -m 0644 $(filter %.5,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man5/
	$(INSTALL) -m 0644 $(filter %.8,$(MAN_PAGES)) $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 dist/completion/bftctl $(DESTDIR)$(COMPLETIONDIR)/bftctl
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(BINDIR)|g' $$u >$(DESTDIR)$(UNITDIR)/$$(basename $$u) && \
		chmod 0644 $(DESTDIR)$(UNITDIR)/$$(basename $$u) || exit 1; \
	done

# Debian's 6.1 headers name their kernel.release 6.1.N, not the release
# the kernel reports, so the directory comes from the module's vermagic.
modules_install: module
	@set -e; for kdir in $(KDIRS); do \
		ko=$(BUILD)/kmod/$$(cat $$kdir/include/config/kernel.release)/bft.ko; \
		rel=$$(modinfo -F vermagic $$ko | cut -d' ' -f1); \
		echo "  INSTALL $(DESTDIR)/lib/modules/$$rel/updates/bft.ko"; \
		$(INSTALL) -D -m 0644 $$ko $(DESTDIR)/lib/modules/$$rel/updates/bft.ko; \
		if [ -z "$(DESTDIR)" ] && [ -e /lib/modules/$$rel/modules.dep ]; then \
			depmod $$rel; \
		fi; \
	done

check-install: $(INSTALL_DEPS)
	@mkdir -p $(RESULTS)
	@BUILD=$(BUILD) RES=$(RESULTS)/install.res MAKE="$(MAKE)" \
		selftests/pkg/install.sh

BFT_STAGES += $(if $(filter check-install,$(CHECK_TARGETS)),install)

# Debian packages and DKMS, on this host (selftests/pkg/deb.sh). The
# vm-6.1 stage of make check boots the bft.ko DKMS built here.
.PHONY: check-pkg
check-pkg:
	@mkdir -p $(RESULTS)
	@BUILD=$(BUILD) RES=$(RESULTS)/pkg.res selftests/pkg/deb.sh

BFT_STAGES += $(if $(filter check-pkg,$(CHECK_TARGETS)),pkg)
