# Host set-up for the lab: the build machine's own tools come from apt, the
# Xen parts and the guest kernel are unpacked into the cache, never installed:
# the build machine is not a Xen host and must not become one.

# Packages the host runs itself.
LAB_HOST_PACKAGES="linux-headers-amd64 qemu-system-x86 grub-pc-bin grub-common
	xorriso mtools busybox-static fio iperf3 ethtool dmsetup gnuplot-nox kmod cpio gzip python3 make gcc
	clang libclang-rt-14-dev dkms"

# Packages unpacked into the cache for the images.
lab_xen_packages() {
	echo xen-hypervisor-4.17-amd64 xen-utils-4.17 xen-utils-common \
	     xenstore-utils libxencall1 libxendevicemodel1 libxenevtchn1 \
	     libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenmisc4.17 \
	     libxenstore4 libxentoolcore1 libxentoollog1 libyajl2 \
	     "linux-image-$KVER"
}

lab_install_host_packages() {
	local missing="" pkg
	for pkg in $LAB_HOST_PACKAGES; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $pkg"
	done
	[ -z "$missing" ] && return 0
	[ "$(id -u)" = 0 ] || lab_die "missing packages:$missing (run as root, or apt-get install them)"
	lab_step "apt-get install$missing"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null ||
		lab_die "apt-get install failed for:$missing"
}

# Unpack the Xen packages and the guest kernel into $LAB_ROOT, once per
# package list: the stamp names the kernel version and a checksum of the
# list, so a new Debian kernel or a new package refreshes the cache.
lab_unpack_packages() {
	local sum stamp debs="$LAB_CACHE/debs" deb
	sum=$(lab_xen_packages | cksum | cut -d' ' -f1)
	stamp="$LAB_CACHE/unpacked-$KVER-$sum"
	[ -f "$stamp" ] && return 0
	lab_step "apt-get download + dpkg -x: Xen 4.17, xl, linux-image-$KVER"
	rm -rf "$debs" "$LAB_ROOT" "$LAB_CACHE"/unpacked-*
	mkdir -p "$debs" "$LAB_ROOT"
	# apt's sandbox user cannot write into root-owned folders; let it.
	chmod 777 "$debs"
	(cd "$debs" && apt-get download $(lab_xen_packages) >"$LAB_CACHE/download.log" 2>&1) ||
		return 1
	for deb in "$debs"/*.deb; do
		dpkg -x "$deb" "$LAB_ROOT" || lab_die "dpkg -x $deb failed"
	done
	[ -f "$LAB_ROOT/boot/vmlinuz-$KVER" ] || lab_die "no kernel image in linux-image-$KVER"
	[ -f "$LAB_ROOT/boot/xen-4.17-amd64.gz" ] || lab_die "no Xen hypervisor in the cache"
	touch "$stamp"
}

lab_resolve_kernel() {
	KVER=$("$LAB_REPO/tools/kernel-version") || lab_die "cannot resolve the kernel version"
	export KVER
}

# A download fails when apt's lists are old, or when Debian has replaced
# the kernel the installed headers belong to: refresh the lists, move the
# headers to the current kernel, and try once more.
lab_setup() {
	lab_install_host_packages
	lab_resolve_kernel
	lab_unpack_packages && return 0
	[ "$(id -u)" = 0 ] || lab_die "apt-get download failed: $(tail -n 3 "$LAB_CACHE/download.log")"
	lab_step "apt-get update; linux-headers-amd64 to the current kernel"
	apt-get update -qq >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-headers-amd64 >/dev/null ||
		lab_die "cannot install linux-headers-amd64"
	lab_resolve_kernel
	lab_unpack_packages ||
		lab_die "apt-get download failed: $(tail -n 3 "$LAB_CACHE/download.log")"
}
