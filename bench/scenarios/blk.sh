# blk: the block split driver, checked for content across the boundary, on
# a guest with less memory than its disk and two disks: xvda read-write,
# xvdb read-only.  Driver sets: front=, back=, blk_front=, blk_back=.
#
# - verify: the guest runs the verified fio jobs (lab_verify_jobs: 512 B
#   to 1 MiB, random and sequential, mixes, QD 1 to 64) with O_DIRECT;
#   Dom0 then verifies the same jobs on the backing store, so a block the
#   driver lost, misplaced or corrupted fails even where the guest's fio
#   saw it as it wrote it.
# - read-only: xvdb says so, a direct write to it fails, and the guest
#   reads exactly what Dom0 put there.
# - discard: a discarded range reads back as zeros from Dom0's side (the
#   loop device punches holes); the range beside it keeps the guest's data.
# - flush: the frontend sees a write cache to flush, fsync-heavy I/O
#   completes.
# - persistent grants: each side advertises feature-persistent as it was
#   told to (persistent=, default 1), whatever the other side does; our
#   blkfront says whether it uses them, and our blkback how many segments
#   its persistent grants served and how many it mapped as they came:
#   persistent grants must serve some, and most, or none with them off.
#   Once warm, they must serve all: 1 MiB reads at QD8, the most grants in
#   flight, must cost our blkback less than one mapped grant per read (of
#   256 segments and 8 indirect pages), as a frontend keeps no more grants
#   than a backend keeps mapped.  Our blkfront, at that limit, must still
#   send an indirect request on a slot that never carried one.
#
# Parameters: disk_size= (512M), memory= (guest MiB, 384), persistent=
# (1), guest_timeout=.

DISCARD_AT_MIB=200	# past the verified jobs' regions (lab_verify_jobs)
FSYNC_AT_MIB=216

# Whether the guest runs the warm persistent-grant job (pgsteady).
blk_steady_check() {
	[ "${persistent:-1}" = 1 ] && [ "${blk_back:-$BACK}" = ours ]
}

scenario_dom0() {
	local rw ro ro_sum domid watcher=""
	lab_use_backends || return 1
	rw=$(lab_disk blk-rw "${disk_size:-512M}") && ro=$(lab_disk blk-ro 16M) ||
		{ lab_fail "no loop device"; return 1; }
	dd if=/dev/urandom of="$ro" bs=1M count=16 2>/dev/null
	ro_sum=$(sha256sum <"$ro" | cut -d' ' -f1)
	lab_guest_start g1 "disk=$rw" "rodisk=$ro" "memory=${memory:-384}" || return 1
	domid=$(xl domid g1)
	check_persistent_keys "$domid"
	if blk_steady_check; then
		lab_events_watch g1 >/tmp/events &
		watcher=$!
	fi
	lab_guest_wait g1 "${guest_timeout:-720}"
	[ -n "$watcher" ] && kill "$watcher"
	if lab_guest_collect g1; then
		check_verify_jobs "$rw"
		check_read_only "$ro_sum"
		check_discard "$rw"
		check_persistent_use "$domid"
		[ -z "$watcher" ] || check_persistent_steady /tmp/events
	fi
	losetup -d "$rw"
	losetup -d "$ro"
	rm -f /tmp/blk-rw.img /tmp/blk-ro.img
}

check_verify_jobs() {
	LAB_OUT=$RESULTS/dom0-verify
	mkdir -p "$LAB_OUT"
	lab_verify_jobs "$1" --verify_only ||
		lab_fail "the backing store does not hold what the guest wrote"
}

# xvda's feature-persistent on both sides, once the backend is Connected:
# what each was told to offer, not what they agreed on.
check_persistent_keys() {
	local want=${persistent:-1} back="/local/domain/0/backend/vbd/$1/51712"
	local front="/local/domain/$1/device/vbd/51712" side got
	lab_wait_for 120 sh -c "[ \"\$(xenstore-read $back/state 2>/dev/null)\" = 4 ]" ||
		{ lab_fail "xvda's backend never reached Connected"; return 1; }
	for side in "$back" "$front"; do
		got=$(xenstore-read "$side/feature-persistent" 2>/dev/null)
		[ "$got" = "$want" ] ||
			lab_fail "$side/feature-persistent is '$got', not $want"
	done
}

# Whether xvda's I/O went through persistent grants, where our drivers
# say so: our blkback when the guest's disks disconnected, our blkfront
# when it connected (metric front_persistent).
check_persistent_use() {
	local want=${persistent:-1} line through mapped
	if [ "${blk_front:-$FRONT}" = ours ]; then
		[ "$(lab_metric_value front_persistent)" = "$want" ] ||
			lab_fail "our blkfront's use of persistent grants is '$(lab_metric_value front_persistent)', not $want"
	fi
	[ "${blk_back:-$BACK}" = ours ] || return 0
	# Said as the backend disconnects, which may be after the guest is gone.
	lab_wait_for 30 sh -c "dmesg | grep -q 'vbd-$1-51712: .* segments so far'"
	line=$(dmesg | grep "vbd-$1-51712: .* segments so far" | tail -n 1)
	through=$(echo "$line" | sed -n 's/.*: \([0-9]*\) through persistent grants.*/\1/p')
	mapped=$(echo "$line" | sed -n 's/.*grants, \([0-9]*\) mapped as they came.*/\1/p')
	[ -n "$through" ] && [ -n "$mapped" ] ||
		{ lab_fail "our blkback did not say how xvda's segments were mapped"; return 1; }
	lab_result_metric segs_persistent "$through" segments
	lab_result_metric segs_mapped "$mapped" segments
	if [ "$want" = 1 ]; then
		[ "$through" -gt "$mapped" ] ||
			lab_fail "persistent grants served $through segments of xvda, $mapped were mapped as they came"
	else
		[ "$through" = 0 ] ||
			lab_fail "persistent grants served $through segments with them off"
	fi
}

# From lab_events_watch's file $1: the grants our blkback mapped during
# the guest's warm job pgsteady, which must be fewer than its reads.
check_persistent_steady() {
	local ios mapped
	ios=$(lab_metric_value pgsteady_ios)
	mapped=$(lab_events_delta "$1" pgsteady 4)
	[ "${ios:-0}" -gt 0 ] && [ -n "$mapped" ] ||
		{ lab_fail "no count of the warm job: ${ios:-no} reads, mapped '${mapped}'"; return 1; }
	lab_result_metric pgsteady_grants_mapped "$mapped" grants
	[ "$mapped" -lt "$ios" ] ||
		lab_fail "warm persistent grants: our blkback mapped $mapped grants for $ios 1 MiB reads"
}

check_read_only() {
	[ "$(lab_metric_value ro_sha256)" = "$1" ] ||
		lab_fail "the guest read other data from the read-only disk than Dom0 wrote"
}

check_discard() {
	local zeros got
	zeros=$(head -c 4194304 /dev/zero | sha256sum | cut -d' ' -f1)
	got=$(dd if="$1" bs=1M skip=$DISCARD_AT_MIB count=4 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$zeros" ] ||
		lab_fail "the discarded range does not read back as zeros in Dom0"
	got=$(dd if="$1" bs=1M skip=$((DISCARD_AT_MIB + 4)) count=4 2>/dev/null |
		sha256sum | cut -d' ' -f1)
	[ "$got" = "$(lab_metric_value kept_sha256)" ] ||
		lab_fail "the range beside the discard lost the guest's data"
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
	dd if=/tmp/data of=/dev/xvda bs=1M seek=$DISCARD_AT_MIB conv=fsync 2>/dev/null || return 1
	lab_metric kept_sha256 "$(dd if=/tmp/data bs=1M skip=4 2>/dev/null |
		sha256sum | cut -d' ' -f1)" hash
	rm /tmp/data
	lab_run blkdiscard -o $((DISCARD_AT_MIB << 20)) -l 4194304 /dev/xvda
}

guest_flush() {
	[ "$(cat /sys/block/xvda/queue/write_cache)" = "write back" ] ||
		{ echo "xvda has no write cache to flush"; return 1; }
	lab_fio fsync /dev/xvda --offset=${FSYNC_AT_MIB}M --size=4M --rw=randwrite \
		--bs=4k --iodepth=1 --fsync=1
}

scenario_guest() {
	lab_frontends || return 1
	lab_wait_for 30 test -b /dev/xvdb || { echo "no /dev/xvdb after 30 s"; return 1; }
	if [ "${blk_front:-$FRONT}" = ours ]; then
		# xvdb may have connected first.
		lab_wait_for 30 sh -c 'dmesg | grep -q "xvda: [0-9]* sectors"' ||
			{ echo "our blkfront never said xvda connected"; return 1; }
		if dmesg | grep -q "xvda: .*, persistent grants"; then
			lab_metric front_persistent 1 flag
		else
			lab_metric front_persistent 0 flag
		fi
	fi
	lab_verify_jobs /dev/xvda && guest_read_only && guest_discard && guest_flush &&
		guest_persistent_steady
}

# Persistent grants once warm, with either half ours: 1 MiB reads at QD8
# warm them; with our blkback the same reads are then counted (pgsteady).
# Our blkfront is then at its grant limit: 4 KiB reads at QD64 take slots
# that never carried an indirect request, and a 128 KiB read after them,
# indirect, must still go out (which slot it gets depends on which read
# ended last: 8 times).
guest_persistent_steady() {
	local i read
	[ "${persistent:-1}" = 1 ] || return 0
	[ "${blk_front:-$FRONT}" = ours ] || blk_steady_check || return 0
	lab_fio pgwarm /dev/xvda --rw=read --bs=1M --iodepth=8 --size=64M \
		--time_based --runtime=5 || return 1
	if blk_steady_check; then
		lab_fio_events pgsteady /dev/xvda --rw=read --bs=1M --iodepth=8 \
			--size=64M --time_based --runtime=5 || return 1
	fi
	[ "${blk_front:-$FRONT}" = ours ] || return 0
	for i in 1 2 3 4 5 6 7 8; do
		lab_fio "pgmix-$i" /dev/xvda --rw=randread --bs=4k --iodepth=64 \
			--size=64M --time_based --runtime=1 || return 1
		# In the background: a read stuck in the block layer is reported.
		dd if=/dev/xvda of=/dev/null bs=128k count=1 iflag=direct 2>/dev/null &
		read=$!
		lab_wait_for 30 sh -c "! kill -0 $read 2>/dev/null" ||
			{ echo "a 128 KiB read after 4 KiB reads at QD64 is stuck ($i)"; return 1; }
		wait "$read" ||
			{ echo "a 128 KiB read after 4 KiB reads at QD64 failed ($i)"; return 1; }
	done
	echo "a 128 KiB read after 4 KiB reads at QD64 went out, 8 times"
}
