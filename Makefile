# splitio: Xen split drivers as out-of-tree Linux modules.
#
#   make            build the five modules against Debian's kernel headers
#   make check      build the portable parts as userspace C and unit-test them
#   make test       check + modules + the lab's integration scenarios
#   make bench      the lab's benchmark run (see bench/README.md)
#
# KDIR overrides the kernel build tree; by default it is the headers package
# that Debian's linux-headers-amd64 metapackage points at.

KVER ?= $(shell tools/kernel-version)
KDIR ?= /usr/src/linux-headers-$(KVER)

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tests/unit clean

check:
	$(MAKE) --no-print-directory -C tests/unit check

test:
	tools/run-tests

bench:
	bench/lab run bench

.PHONY: all modules clean check test bench
