# blkops: the block operations besides plain reads and writes, on a guest
# with two disks: xvda read-write, xvdb read-only.
# - read-only: xvdb says so, a direct write to it fails, and the guest
#   reads exactly what Dom0 put there.
# - discard: a discarded range of xvda reads back as zeros from Dom0's
#   side (the loop device punches holes), the rest keeps the guest's data.
# - flush: the backend offers a write cache to flush, and fsync-heavy I/O
#   completes.
#
# Parameters: front=, back=, blk_front=, blk_back=, guest_timeout= (s).

scenario_dom0() {
	local rw ro ro_sum want got
	lab_use_backends || return 1
	rw=$(lab_disk ops-rw 64M) && ro=$(lab_disk ops-ro 16M) ||
		{ lab_fail "no loop device"; return 1; }
	dd if=/dev/urandom of="$ro" bs=1M count=16 2>/dev/null
	ro_sum=$(sha256sum <"$ro" | cut -d' ' -f1)
	lab_guest_start g1 "disk=$rw" "rodisk=$ro" memory=384 || return 1
	lab_guest_wait g1 "${guest_timeout:-300}"
	lab_guest_collect g1 || return 1

	[ "$(awk '$1 == "ro_sha256" {print $2}' "$RESULTS/metrics")" = "$ro_sum" ] ||
		lab_fail "the guest read other data from the read-only disk than Dom0 wrote"
	got=$(dd if="$rw" bs=1M count=4 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$(head -c 4194304 /dev/zero | sha256sum | cut -d' ' -f1)" ] ||
		lab_fail "the discarded range does not read back as zeros in Dom0"
	got=$(dd if="$rw" bs=1M skip=4 count=4 2>/dev/null | sha256sum | cut -d' ' -f1)
	want=$(awk '$1 == "kept_sha256" {print $2}' "$RESULTS/metrics")
	[ -n "$want" ] && [ "$got" = "$want" ] ||
		lab_fail "the range next to the discard lost the guest's data"
	losetup -d "$rw"
	losetup -d "$ro"
	rm -f /tmp/ops-rw.img /tmp/ops-ro.img
}

guest_read_only() {
	[ "$(cat /sys/block/xvdb/ro)" = 1 ] || { echo "xvdb is not read-only"; return 1; }
	if dd if=/dev/zero of=/dev/xvdb bs=4k count=1 oflag=direct 2>/dev/null; then
		echo "a write to the read-only disk succeeded"
		return 1
	fi
	lab_metric ro_sha256 "$(sha256sum </dev/xvdb | cut -d' ' -f1)" hash
}

guest_discard() {
	[ "$(cat /sys/block/xvda/queue/discard_max_bytes)" -gt 0 ] ||
		{ echo "xvda offers no discard"; return 1; }
	dd if=/dev/urandom of=/tmp/data bs=1M count=8 2>/dev/null
	dd if=/tmp/data of=/dev/xvda bs=1M conv=fsync 2>/dev/null || return 1
	lab_metric kept_sha256 "$(dd if=/tmp/data bs=1M skip=4 2>/dev/null | sha256sum | cut -d' ' -f1)" hash
	lab_run blkdiscard -o 0 -l 4194304 /dev/xvda || return 1
}

guest_flush() {
	[ "$(cat /sys/block/xvda/queue/write_cache)" = "write back" ] ||
		{ echo "xvda has no write cache to flush"; return 1; }
	lab_fio fsync /dev/xvda --offset=16M --size=4M --rw=randwrite --bs=4k \
		--iodepth=1 --fsync=1
}

scenario_guest() {
	lab_run modprobe "$(lab_driver_module "${blk_front:-$FRONT}" blkfront)" || return 1
	lab_wait_for 30 test -b /dev/xvdb || { echo "no /dev/xvdb after 30 s"; return 1; }
	guest_read_only && guest_discard && guest_flush
}
