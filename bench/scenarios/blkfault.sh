# blkfault: backing stores that fail, under the chosen block drivers
# (front=, back=, blk_front=, blk_back=).  Dom0 puts device-mapper
# targets between the guest's disks and their loop devices:
#
#   xvda, 256 MiB: linear but for [64, 68) MiB, an error target where
#         every read and write fails;
#   xvdb, 4 MiB: flakey with error_writes, always down: reads work,
#         writes fail.  A disk of its own, as flakey fails flushes too.
#
# The guest writes 16 MiB at the start of xvda and has it acknowledged
# (O_DIRECT, fsync), then reads and writes into the error range and
# across its start, and writes to xvdb: each must fail, none may hang
# (each has 120 s), and xvdb must still read what Dom0 put there.  Then
# fio verifies a range of xvda past the faults, to show the disk still
# works, and the guest writes 8 MiB more there.
#
# Dom0 checks afterwards that the backing store holds both acknowledged
# writes and that xvdb's is unchanged; with our blkback, that it said
# which device failed (its ratelimited line) and let go of everything;
# with our blkfront, the guest checks it was told BLKIF_RSP_ERROR (-1).
#
# Parameters: guest_timeout= (s, 600).

BF_ERROR_MIB=64
BF_ERROR_LEN_MIB=4
BF_KEEP_MIB=16
BF_VERIFY_MIB=128
BF_AFTER_MIB=200
BF_AFTER_LEN_MIB=8
BF_FLAKEY_MIB=4

# The table over loop device $1 of $2 sectors: linear but for the error range.
bf_error_table() {
	local e=$((BF_ERROR_MIB * 2048)) el=$((BF_ERROR_LEN_MIB * 2048))
	echo "0 $e linear $1 0"
	echo "$e $el error"
	echo "$((e + el)) $(($2 - e - el)) linear $1 $((e + el))"
}

# Creates device-mapper device $1 from the table on stdin; prints
# devtmpfs's node for it (Dom0 has no udev to make /dev/mapper's).
bf_dm_create() {
	local minor
	dmsetup remove --noudevsync "$1" 2>/dev/null	# a failed run's
	dmsetup create "$1" --noudevsync &&
	minor=$(dmsetup info -c --noheadings -o minor "$1" | tr -d " ") &&
	lab_wait_for 10 test -b "/dev/dm-$minor" &&
	echo "/dev/dm-$minor"
}

# The backend closes a device after the guest is gone: wait for it.
bf_dm_remove() {
	lab_wait_for 30 dmsetup remove --noudevsync "$1" ||
		lab_fail "cannot remove device-mapper device $1"
}

# Of device $1, $3 MiB from MiB $2, read past any cache.
bf_region_sha() {
	dd if="$1" bs=1M skip="$2" count="$3" iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1
}

bf_check_store() {
	local loop=$1 flakey_loop=$2 flakey_sha=$3 got
	got=$(bf_region_sha "$loop" 0 $BF_KEEP_MIB)
	[ "$got" = "$(lab_metric_value keep_sha256)" ] ||
		lab_fail "the $BF_KEEP_MIB MiB acknowledged before the faults are not on the store"
	got=$(bf_region_sha "$loop" $BF_AFTER_MIB $BF_AFTER_LEN_MIB)
	[ "$got" = "$(lab_metric_value after_sha256)" ] ||
		lab_fail "the $BF_AFTER_LEN_MIB MiB acknowledged after the faults are not on the store"
	got=$(bf_region_sha "$flakey_loop" 0 $BF_FLAKEY_MIB)
	[ "$got" = "$flakey_sha" ] || lab_fail "a failed write changed xvdb's store"
	[ "$(lab_metric_value flakey_read_sha256)" = "$flakey_sha" ] ||
		lab_fail "the guest read other data from xvdb than Dom0 put there"
}

scenario_dom0() {
	local loop flakey_loop disk flakey flakey_sha domid dm
	lab_use_backends || return 1
	modprobe dm-flakey || { lab_fail "no dm-flakey"; return 1; }
	loop=$(lab_disk bf 256M) && flakey_loop=$(lab_disk bfw ${BF_FLAKEY_MIB}M) ||
		{ lab_fail "no loop device"; return 1; }
	dd if=/dev/urandom of="$flakey_loop" bs=1M count=$BF_FLAKEY_MIB oflag=direct 2>/dev/null
	flakey_sha=$(bf_region_sha "$flakey_loop" 0 $BF_FLAKEY_MIB)
	if disk=$(bf_error_table "$loop" "$(blockdev --getsz "$loop")" | bf_dm_create bf) &&
	   flakey=$(echo "0 $((BF_FLAKEY_MIB * 2048)) flakey $flakey_loop 0 0 1 1 error_writes" |
		    bf_dm_create bfw) &&
	   lab_guest_start g1 "disk=$disk" "disk=$flakey" memory=384; then
		domid=$(xl domid g1)
		lab_guest_wait g1 "${guest_timeout:-600}"
		lab_guest_collect g1 && bf_check_store "$loop" "$flakey_loop" "$flakey_sha"
		if [ "${blk_back:-$BACK}" = ours ]; then
			dmesg | grep -q "vbd-$domid-51712: queue [0-9]*: I/O error" ||
				lab_fail "our blkback did not say which device had I/O errors"
			lab_wait_for 30 lab_core_idle ||
				lab_fail "splitio_core's counters not 0 after g1 powered off: $(lab_core_counters)"
		fi
	else
		lab_fail "no faulty devices, or no guest on them"
	fi
	for dm in bf bfw; do
		dmsetup info "$dm" >/dev/null 2>&1 && bf_dm_remove "$dm"
	done
	losetup -d "$loop"
	losetup -d "$flakey_loop"
	rm -f /tmp/bf.img /tmp/bfw.img
}

bf_fail() { echo "BLKFAULT-FAIL $*"; return 1; }

# dd $@ must fail, within 120 s.  Polled rather than killed: a dd
# waiting on O_DIRECT I/O may not die, and busybox's timeout exits 143.
bf_must_fail() {
	local pid i=0 rc
	dd "$@" 2>/dev/null &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		i=$((i + 1))
		[ $i -le 120 ] || { bf_fail "hung for 120 s: dd $*"; return 1; }
		sleep 1
	done
	wait $pid
	rc=$?
	[ $rc != 0 ] || { bf_fail "succeeded on a failing range: dd $*"; return 1; }
	echo "failed, as it must: dd $*"
}

scenario_guest() {
	local got want e=$((BF_ERROR_MIB * 256))
	lab_frontends || return 1
	lab_wait_for 30 test -b /dev/xvdb || { bf_fail "no /dev/xvdb"; return 1; }
	lab_wait_for 30 test -b /dev/xvda || { bf_fail "no /dev/xvda"; return 1; }

	dd if=/dev/urandom of=/tmp/keep bs=1M count=$BF_KEEP_MIB 2>/dev/null
	dd if=/tmp/keep of=/dev/xvda bs=1M oflag=direct conv=fsync 2>/dev/null ||
		{ bf_fail "writing the first $BF_KEEP_MIB MiB"; return 1; }
	lab_metric keep_sha256 "$(sha256sum </tmp/keep | cut -d' ' -f1)" hash
	rm /tmp/keep

	bf_must_fail if=/dev/xvda of=/dev/null bs=4k skip=$e count=1 iflag=direct &&
	bf_must_fail if=/dev/zero of=/dev/xvda bs=4k seek=$e count=1 oflag=direct &&
	bf_must_fail if=/dev/xvda of=/dev/null bs=1M skip=$((BF_ERROR_MIB - 1)) count=2 iflag=direct &&
	bf_must_fail if=/dev/zero of=/dev/xvdb bs=64k count=4 oflag=direct ||
		return 1
	got=$(dd if=/dev/xvdb bs=1M count=$BF_FLAKEY_MIB iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1)
	lab_metric flakey_read_sha256 "$got" hash

	if [ "${blk_front:-$FRONT}" = ours ]; then
		for want in "operation 0 failed: status -1" "operation 1 failed: status -1"; do
			dmesg | grep -q "$want" ||
				{ bf_fail "our blkfront never logged '$want'"; return 1; }
		done
	fi

	lab_fio verify /dev/xvda --offset=${BF_VERIFY_MIB}M --size=32M --rw=randwrite \
		--bs=16k --iodepth=16 --verify=crc32c --verify_fatal=1 ||
		{ bf_fail "fio after the faults"; return 1; }
	dd if=/dev/urandom of=/tmp/after bs=1M count=$BF_AFTER_LEN_MIB 2>/dev/null
	dd if=/tmp/after of=/dev/xvda bs=1M seek=$BF_AFTER_MIB oflag=direct conv=fsync 2>/dev/null ||
		{ bf_fail "writing after the faults"; return 1; }
	lab_metric after_sha256 "$(sha256sum </tmp/after | cut -d' ' -f1)" hash
	rm /tmp/after
	echo "the disk works after the faults"
}
