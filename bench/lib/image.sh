# Building the lab's images: a Dom0 initramfs that carries the toolstack, the
# guest kernel and the guest initramfs, and a GRUB ISO that boots Xen with
# multiboot2.  Both roots are plain busybox trees: nothing in them but what a
# scenario uses, so a boot stays short under software emulation.

XEN_BIN=/usr/lib/xen-4.17/bin

# Kernel modules each side may load; dependencies are resolved by depmod.
DOM0_MODULES="xenfs xen-evtchn xen-gntdev xen-gntalloc xen-privcmd
	xen-netback xen-blkback loop virtio_pci virtio_blk virtio-rng bridge dm-delay
	dm-flakey"
GUEST_MODULES="xen-netfront xen-blkfront"
# Built here but never installed: the hostile peers (tests/hostile).
GUEST_TEST_KO="$LAB_REPO/tests/hostile/splitio_hostile.ko"
DOM0_TEST_KO="$LAB_REPO/tests/hostile/splitio_hostile_back.ko"

stage_busybox() {
	local root=$1 applet
	mkdir -p "$root"/bin "$root"/sbin "$root"/usr/bin "$root"/usr/sbin \
		"$root"/proc "$root"/sys "$root"/dev "$root"/tmp "$root"/run \
		"$root"/var/log "$root"/etc
	cp /bin/busybox "$root/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
	done
}

# Copy an executable and every library it needs, at the paths the dynamic
# loader will look for them; $LAB_ROOT's libraries come first so that the
# unpacked Xen libraries are found although they are not installed here.
stage_binary() {
	local root=$1 src=$2 dst=${3:-$2} lib
	mkdir -p "$root/$(dirname "$dst")"
	cp -L "$src" "$root/$dst"
	local libs
	libs=$(LD_LIBRARY_PATH="$LAB_ROOT/usr/lib/x86_64-linux-gnu" ldd "$src")
	case "$libs" in
	*"not found"*) lab_die "$src needs libraries the lab lacks:
$(echo "$libs" | grep 'not found')" ;;
	esac
	echo "$libs" | awk '/=> \//{print $3} /^\t\/lib/{print $1}' |
	while read -r lib; do
		local at=${lib#"$LAB_ROOT"}
		[ -e "$root/$at" ] && continue
		mkdir -p "$root/$(dirname "$at")"
		cp -L "$lib" "$root/$at"
	done
}

# Stages modules $2... of the kernel with their dependencies, splitio's
# own, and the .ko files in $STAGE_EXTRA_KO.
stage_modules() {
	local root=$1 mod path
	shift
	local tree="$LAB_ROOT/lib/modules/$KVER"
	[ -f "$tree/modules.dep" ] || depmod -b "$LAB_ROOT" "$KVER"
	for mod in "$@"; do
		modprobe -d "$LAB_ROOT" -S "$KVER" --show-depends "$mod" |
			awk '$1 == "insmod" {print $2}' |
		while read -r path; do
			local at=${path#"$LAB_ROOT"}
			mkdir -p "$root/$(dirname "$at")"
			cp "$path" "$root/$at"
		done
	done
	mkdir -p "$root/lib/modules/$KVER/extra"
	cp "$LAB_REPO"/*.ko ${STAGE_EXTRA_KO:-} "$root/lib/modules/$KVER/extra/"
	cp "$tree/modules.order" "$tree/modules.builtin" "$tree/modules.builtin.modinfo" \
		"$root/lib/modules/$KVER/"
	depmod -b "$root" "$KVER"
}

stage_common() {
	local root=$1
	stage_busybox "$root"
	stage_binary "$root" "$(command -v fio)" /usr/bin/fio
	stage_binary "$root" "$(command -v iperf3)" /usr/bin/iperf3
	stage_binary "$root" "$(command -v ethtool)" /usr/sbin/ethtool
	stage_binary "$root" "$LAB_WORK/netcheck" /usr/bin/netcheck
	mkdir -p "$root/splitio"
	cp "$LAB_REPO"/bench/vm/lib.sh "$LAB_REPO"/bench/vm/dom0-lib.sh "$root/splitio/"
	cp -r "$LAB_REPO"/bench/scenarios "$root/splitio/"
	echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	# iperf3 and ping look up services and names; keep them local.
	printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
}

pack_initramfs() {
	(cd "$1" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$2"
}

build_guest_image() {
	local root="$LAB_WORK/guest-root"
	rm -rf "$root"
	stage_common "$root"
	STAGE_EXTRA_KO=$GUEST_TEST_KO stage_modules "$root" $GUEST_MODULES
	install -m 755 "$LAB_REPO/bench/vm/guest-init" "$root/init"
	pack_initramfs "$root" "$LAB_WORK/guest.img"
}

build_dom0_image() {
	local root="$LAB_WORK/dom0-root" bin
	rm -rf "$root"
	stage_common "$root"
	STAGE_EXTRA_KO=$DOM0_TEST_KO stage_modules "$root" $DOM0_MODULES
	for bin in xl xenstored xenconsoled xen-init-dom0 libxl-save-helper xentop; do
		stage_binary "$root" "$LAB_ROOT$XEN_BIN/$bin" "$XEN_BIN/$bin"
	done
	stage_binary "$root" "$LAB_ROOT/usr/bin/xenstore" /usr/bin/xenstore
	# Device-mapper targets between a guest's disk and its backing store.
	stage_binary "$root" "$(command -v dmsetup)" /usr/sbin/dmsetup
	stage_binary "$root" "$LAB_REPO/tools/vfrctl/vfrctl" /usr/bin/vfrctl
	for bin in read write ls list rm exists chmod watch; do
		ln -sf xenstore "$root/usr/bin/xenstore-$bin"
	done
	mkdir -p "$root"/var/lib/xen "$root"/var/lib/xenstored "$root"/var/run/xen \
		"$root"/var/run/xenstored "$root"/var/log/xen/console "$root"/etc/xen/scripts \
		"$root"/boot "$root"/results
	install -m 755 "$LAB_REPO"/bench/vm/hotplug/* "$LAB_REPO/dist/hotplug/vif-vfr" \
		"$root/etc/xen/scripts/"
	install -m 755 "$LAB_REPO/bench/vm/dom0-init" "$root/init"
	cp "$LAB_ROOT/boot/vmlinuz-$KVER" "$root/boot/vmlinuz"
	cp "$LAB_WORK/guest.img" "$root/boot/guest.img"
	cp "$LAB_WORK/plan" "$root/splitio/plan"
	pack_initramfs "$root" "$LAB_WORK/dom0.img"
}

# Xen gets twice the memory Dom0 starts with as Dom0's ceiling, so that
# Dom0 can take pages back from Xen (page flipping replaces every page it
# gives away); guests take their memory from what remains.
build_iso() {
	local iso="$LAB_WORK/iso"
	rm -rf "$iso"
	mkdir -p "$iso/boot/grub"
	cp "$LAB_ROOT/boot/xen-4.17-amd64.gz" "$iso/boot/xen.gz"
	cp "$LAB_ROOT/boot/vmlinuz-$KVER" "$iso/boot/vmlinuz"
	cp "$LAB_WORK/dom0.img" "$iso/boot/dom0.img"
	cat >"$iso/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
set timeout=0
menuentry "splitio lab" {
	multiboot2 /boot/xen.gz dom0_mem=$LAB_DOM0_MEM,max:$LAB_DOM0_MAX console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all bootscrub=false
	module2 /boot/vmlinuz console=hvc0 loglevel=6 $LAB_DOM0_ARGS
	module2 /boot/dom0.img
}
CFG
	grub-mkrescue -o "$LAB_WORK/lab.iso" "$iso" >"$LAB_WORK/grub-mkrescue.log" 2>&1 ||
		lab_die "grub-mkrescue failed: $(tail -n 5 "$LAB_WORK/grub-mkrescue.log")"
}

lab_build_images() {
	lab_step "make modules"
	make -C "$LAB_REPO" modules >"$LAB_WORK/modules.log" 2>&1 ||
		lab_die "module build failed: $(tail -n 20 "$LAB_WORK/modules.log")"
	make -C "$LAB_REPO" hostile >"$LAB_WORK/hostile.log" 2>&1 ||
		lab_die "hostile module build failed: $(tail -n 20 "$LAB_WORK/hostile.log")"
	make -C "$LAB_REPO/tools/vfrctl" >"$LAB_WORK/vfrctl.log" 2>&1 ||
		lab_die "vfrctl build failed: $(tail -n 20 "$LAB_WORK/vfrctl.log")"
	cc -O2 -Wall -Wextra -Werror -o "$LAB_WORK/netcheck" "$LAB_REPO/bench/vm/netcheck.c" ||
		lab_die "netcheck build failed"
	lab_step "initramfs: guest, Dom0; GRUB ISO"
	build_guest_image
	build_dom0_image
	build_iso
}
