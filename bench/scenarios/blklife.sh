# blklife: a vbd's life cycle against the chosen block drivers (front=,
# back=, blk_front=, blk_back=).  One guest, one disk:
#
# - while the guest has the disk attached, the backend module cannot be
#   unloaded (XenBus holds a reference for each bound device);
# - capacity change: Dom0 grows the backing store, the guest sees its disk
#   grow (the backend notices when its queue next wakes) and uses the new
#   end of it;
# - idle detach (`xl block-detach`): the backend lets go of everything
#   (splitio_core's counters at zero with our backend) and the backing
#   store holds what the guest wrote; re-attach (`xl block-attach`): the
#   guest sees the disk again with the same data;
# - detach with I/O in flight: fio's random writes end with errors rather
#   than hang, the backend lets go of everything, and after re-attaching
#   the data written before is still there;
# - destroy with I/O in flight: the guest is destroyed under random writes
#   and everything is released, nothing of it left in XenStore; the
#   backend then unloads.
#
# The guest reports through console markers; Dom0 answers by detaching and
# re-attaching, which the guest sees as its disk going and coming back.
#
# Parameters: guest_timeout= (s, 300 per step).

LIFE_MIB=16
LIFE_GROWN_MIB=320	# from 256

life_log() { echo "$CONSOLE_DIR/guest-g1.log"; }

life_wait_marker() { lab_guest_marker g1 "$1" BLKLIFE-FAIL "${guest_timeout:-300}"; }

life_check_released() {
	lab_wait_for 30 lab_core_idle && return 0
	lab_fail "splitio_core's counters not back to zero $1: $(lab_core_counters)"
}

# Attaches the disk again (spec $2), but not before the guest printed $1
# to say it saw the disk go: its XenBus acts on the device's directory as
# it finds it when the watch fires, and would miss a removal that an
# attach had already undone.
life_attach_once_gone() {
	life_wait_marker "$1" || return 1
	lab_run xl block-attach g1 "$2" || lab_fail "xl block-attach failed"
}

scenario_dom0() {
	local disk mod spec want got domid
	lab_use_backends || return 1
	disk=$(lab_disk life 256M) || { lab_fail "no loop device"; return 1; }
	mod=$(lab_driver_module "${blk_back:-$BACK}" blkback | tr - _)
	spec="format=raw,vdev=xvda,access=rw,script=/etc/xen/scripts/splitio-block,target=$disk"
	lab_guest_start g1 "disk=$disk" memory=384 || return 1
	domid=$(xl domid g1)

	if life_wait_marker BLKLIFE-IDLE; then
		lab_log "growing the backing store to $LIFE_GROWN_MIB MiB"
		truncate -s ${LIFE_GROWN_MIB}M /tmp/life.img && losetup -c "$disk" ||
			lab_fail "cannot grow the backing store"
	fi
	if life_wait_marker BLKLIFE-RESIZED; then
		if rmmod "$mod" 2>/dev/null; then
			lab_fail "$mod unloaded while a guest's disk was attached"
			modprobe "$mod"
		fi
		lab_run xl block-detach g1 xvda || lab_fail "xl block-detach failed"
		lab_wait_for 30 sh -c '[ -z "$(xl block-list g1 | sed 1d)" ]' ||
			lab_fail "the vbd is still listed after block-detach"
		life_check_released "after block-detach"
		want=$(sed -n 's/^@@METRIC life_sha256 \([0-9a-f]*\).*/\1/p' "$(life_log)" | tr -d '\r')
		got=$(dd if="$disk" bs=1M count=$LIFE_MIB 2>/dev/null | sha256sum | cut -d' ' -f1)
		[ -n "$want" ] && [ "$want" = "$got" ] ||
			lab_fail "after detach the backing store lacks what the guest wrote"
		life_attach_once_gone BLKLIFE-GONE-IDLE "$spec"
	fi
	if life_wait_marker BLKLIFE-FIO; then
		sleep 5	# random writes in flight
		lab_log "detaching xvda under I/O"
		lab_run timeout 60 xl block-detach g1 xvda ||
			lab_fail "xl block-detach under I/O failed"
		lab_wait_for 30 sh -c '[ -z "$(xl block-list g1 | sed 1d)" ]' ||
			lab_fail "the vbd is still listed after block-detach under I/O"
		life_check_released "after block-detach under I/O"
		life_attach_once_gone BLKLIFE-GONE-BUSY "$spec"
	fi
	if life_wait_marker BLKLIFE-BUSY; then
		sleep 10	# random writes in flight
		lab_log "destroying g1 under I/O"
		lab_run xl destroy g1
	fi
	xl destroy g1 2>/dev/null
	lab_wait_for 30 lab_guest_gone g1 || lab_fail "g1 was not destroyed"
	lab_unfollow "$(cat /tmp/g1.follower)"
	tr -d '\r' <"$(life_log)" >"$RESULTS/guest-g1.log"
	grep -q 'BLKLIFE-FAIL' "$RESULTS/guest-g1.log" &&
		lab_fail "the guest's part failed: $(grep BLKLIFE-FAIL "$RESULTS/guest-g1.log")"
	life_check_released "after destroying the guest under I/O"
	lab_wait_for 30 lab_xenstore_left "$domid" ||
		lab_fail "XenStore still holds $(lab_xenstore_left "$domid")"
	lab_run rmmod "$mod" || lab_fail "cannot unload $mod with no guest left"
	losetup -d "$disk"
	rm -f /tmp/life.img
}

life_guest_fail() { echo "BLKLIFE-FAIL $*"; return 1; }

scenario_guest() {
	local sha got fio
	lab_run modprobe "$(lab_driver_module "${blk_front:-$FRONT}" blkfront)" || return 1
	lab_wait_for 30 test -b /dev/xvda || { life_guest_fail "no /dev/xvda"; return 1; }
	dd if=/dev/urandom of=/tmp/life bs=1M count=$LIFE_MIB 2>/dev/null
	dd if=/tmp/life of=/dev/xvda bs=1M oflag=direct conv=fsync 2>/dev/null ||
		{ life_guest_fail "write"; return 1; }
	sha=$(sha256sum </tmp/life | cut -d' ' -f1)
	lab_metric life_sha256 "$sha" hash
	echo BLKLIFE-IDLE
	# The backend looks at the size when its queue wakes: wake it.
	lab_wait_for 60 sh -c "dd if=/dev/xvda of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null
		[ \$(cat /sys/block/xvda/size) = $((LIFE_GROWN_MIB * 2048)) ]" ||
		{ life_guest_fail "xvda never grew to $LIFE_GROWN_MIB MiB"; return 1; }
	dd if=/dev/urandom of=/tmp/end bs=1M count=1 2>/dev/null
	dd if=/tmp/end of=/dev/xvda bs=1M seek=$((LIFE_GROWN_MIB - 1)) oflag=direct 2>/dev/null &&
		[ "$(dd if=/dev/xvda bs=1M skip=$((LIFE_GROWN_MIB - 1)) iflag=direct 2>/dev/null | sha256sum)" = \
		  "$(sha256sum </tmp/end)" ] ||
		{ life_guest_fail "the grown disk's last MiB does not read back"; return 1; }
	echo "xvda grew to $LIFE_GROWN_MIB MiB; its last MiB reads back"
	echo BLKLIFE-RESIZED
	lab_wait_for "${guest_timeout:-300}" sh -c '! test -b /dev/xvda' ||
		{ life_guest_fail "xvda never went away"; return 1; }
	echo BLKLIFE-GONE-IDLE
	lab_wait_for "${guest_timeout:-300}" test -b /dev/xvda ||
		{ life_guest_fail "xvda never came back"; return 1; }
	got=$(dd if=/dev/xvda bs=1M count=$LIFE_MIB iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$sha" ] || { life_guest_fail "data changed across detach/attach"; return 1; }
	echo "re-attached disk reads back the same $LIFE_MIB MiB"

	fio --name=detach --filename=/dev/xvda --direct=1 --rw=randwrite --bs=64k \
		--iodepth=16 --ioengine=libaio --offset=${LIFE_MIB}M --size=128M \
		--time_based --runtime=600 --eta=never >/tmp/detach-fio.log 2>&1 &
	fio=$!
	echo BLKLIFE-FIO
	lab_wait_for "${guest_timeout:-300}" sh -c '! test -b /dev/xvda' ||
		{ life_guest_fail "xvda never went away under I/O"; return 1; }
	echo BLKLIFE-GONE-BUSY
	lab_wait_for 120 sh -c "! kill -0 $fio 2>/dev/null" ||
		{ life_guest_fail "fio still runs 120 s after its disk went away"; return 1; }
	if wait $fio; then
		life_guest_fail "fio saw no error although its disk went away"
		return 1
	fi
	echo "fio ended with errors when its disk went away"
	lab_wait_for "${guest_timeout:-300}" test -b /dev/xvda ||
		{ life_guest_fail "xvda never came back after a detach under I/O"; return 1; }
	got=$(dd if=/dev/xvda bs=1M count=$LIFE_MIB iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$sha" ] ||
		{ life_guest_fail "data changed across a detach under I/O"; return 1; }
	echo "after a detach under I/O the disk reads back the same $LIFE_MIB MiB"
	echo BLKLIFE-BUSY
	fio --name=busy --filename=/dev/xvda --direct=1 --rw=randwrite --bs=64k \
		--iodepth=16 --ioengine=libaio --offset=${LIFE_MIB}M --size=128M \
		--time_based --runtime=600 --eta=never >/dev/null 2>&1
	life_guest_fail "still running after 600 s: never destroyed"
}
