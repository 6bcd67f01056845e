# splitio: Xen split drivers as out-of-tree Linux modules.
#
#   make            build the five modules against Debian's kernel headers,
#                   and vfrctl, the firewall-router's control tool
#   make check      build the portable parts as userspace C and unit-test them
#   make hostile    the test-only hostile peers, tests/hostile (never installed)
#   make test       check + modules + the lab's integration scenarios
#   make bench      the lab's benchmark run (README: The lab)
#   make install    install the modules for $(KVER) and run depmod, with
#                   the modprobe.d switch, vfrctl and the vif-vfr script
#   make uninstall  remove them again
#
# KDIR overrides the kernel build tree; by default it is the headers package
# that Debian's linux-headers-amd64 metapackage points at.

ifeq ($(origin KDIR),undefined)
KVER ?= $(shell tools/kernel-version)
KDIR := /usr/src/linux-headers-$(KVER)
else
KVER ?= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h)
endif

# Where `make install` puts the modules, below /lib/modules/$(KVER), the
# modprobe.d file that makes XenBus pick them over the kernel's drivers,
# vfrctl, and the vif-vfr hotplug script where xl looks for scripts.
INSTALL_MOD_DIR ?= updates/splitio
MODPROBE_CONF ?= /etc/modprobe.d/splitio.conf
SBINDIR ?= /usr/local/sbin
XEN_SCRIPTS ?= /etc/xen/scripts

all: modules tools

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools/vfrctl

hostile:
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/hostile modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/hostile clean
	$(MAKE) -C tools/vfrctl clean
	$(MAKE) -C tests/unit clean

install: modules tools
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) modules_install
	depmod -a $(KVER)
	install -D -m 644 dist/modprobe.d/splitio.conf $(MODPROBE_CONF)
	install -D -m 755 tools/vfrctl/vfrctl $(SBINDIR)/vfrctl
	install -D -m 755 dist/hotplug/vif-vfr $(XEN_SCRIPTS)/vif-vfr

uninstall:
	rm -rf /lib/modules/$(KVER)/$(INSTALL_MOD_DIR)
	depmod -a $(KVER)
	rm -f $(MODPROBE_CONF) $(SBINDIR)/vfrctl $(XEN_SCRIPTS)/vif-vfr

check:
	$(MAKE) --no-print-directory -C tests/unit check

test:
	tools/run-tests

bench:
	bench/lab run bench

.PHONY: all modules tools hostile clean install uninstall check test bench
