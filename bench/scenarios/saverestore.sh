# saverestore: `xl save` and `xl restore` of a guest with a disk and a vif
# while both are busy, against the chosen drivers (front=, back=,
# net_front=, blk_front=, ...).  Guest g1 writes 16 MiB it will read back
# later, starts rounds of fio writes with crc32c verify on the rest of its
# disk, and starts fetching a seeded TCP stream from Dom0; then Dom0
# saves it to a file and restores it from there.  Afterwards:
#
# - every fio round verified, the 16 MiB read back unchanged, and the
#   stream that spanned the save arrived whole (sha256 of what came);
# - pings of 0 to 65000 bytes answered;
# - between save and restore, with g1 gone, the backends held nothing
#   (splitio_core's counters at zero, when our backends are loaded) and
#   nothing of the saved domain was left in XenStore;
# - Dom0's page count, and g1's, are what they were before the save.
#
# cycles=N saves and restores N times.  cancel=N makes the first N of
# them `xl save -c`: the guest's suspend is cancelled and it carries on
# where it was, on the connections it had.  flip=1: our netfront receives
# by page flipping, before the save and after the restore
# (request-rx-copy = 0).  delay=MS puts a device-mapper delay target
# between the disk and its backing store, so that requests are in flight
# when the guest suspends: our blkfront must report requeuing some.
#
# Parameters: cycles= (1), cancel= (0), flip= (0), delay= (ms, none),
# fio_size= (each round's span, 32M), stream= (bytes, 32M),
# guest_timeout= (s, 600).

SR_PORT_STREAM=5101
SR_PORT_RESUMED=5110	# + the cycle
SR_PORT_COUNTED=5102
SR_SEED=3003
SR_KEEP_MIB=16
SR_SAVE=/tmp/g1.save
# A few pages either way: page tables, Xen's own per-domain pages.
SR_DOM0_SLACK_KIB=64
# The guest's count also moves with the rx buffers it has posted when
# flipping: one 256-slot ring of pages, 1 MiB.
SR_GUEST_SLACK_KIB=1088

sr_wait_marker() { lab_guest_marker g1 "$1" SR-FAIL "${guest_timeout:-600}"; }

# g1, domain $1, is saved and gone: nothing of it may be left in the
# backends or in XenStore.
sr_check_gone() {
	lab_wait_for 30 lab_guest_gone g1 || { lab_fail "g1 still exists after xl save"; return 1; }
	lab_wait_for 30 lab_xenstore_left "$1" ||
		lab_fail "XenStore still holds $(lab_xenstore_left "$1") after the save"
	lab_wait_for 30 sh -c '! ls /sys/class/net | grep -q "^vif"' ||
		lab_fail "a vif is left after g1 was saved: $(ls /sys/class/net | grep vif)"
	lab_wait_for 30 lab_core_idle ||
		lab_fail "splitio_core's counters not 0 with g1 saved: $(lab_core_counters)"
}

# One save and restore (or a cancelled save), cycle $1; the first also
# reads g1's page count into guest_kib, and checks the stream is under way.
sr_cycle() {
	local cycle=$1 kib domid i log
	sr_wait_marker "SR-READY $cycle" || return 1
	sleep 1	# the stream and fio under way
	if [ "$cycle" = 1 ]; then
		guest_kib=$(lab_domain_kib g1)
		kill -0 "$server" 2>/dev/null ||
			lab_fail "the stream was over before the first save: it spans none"
	fi
	# xl's progress lines go to the results, not the console.
	log="$RESULTS/xl-save-$cycle.log"
	if [ "$cycle" -le "${cancel:-0}" ]; then
		lab_run timeout 300 xl save -c g1 "$SR_SAVE" >"$log" 2>&1 ||
			{ lab_fail "xl save -c g1 failed: $(tail -n 3 "$log")"; return 1; }
	else
		domid=$(xl domid g1)
		lab_run timeout 300 xl save g1 "$SR_SAVE" >"$log" 2>&1 ||
			{ lab_fail "xl save g1 failed: $(tail -n 3 "$log")"; return 1; }
		kib=$(du -k "$SR_SAVE" | cut -f1)
		lab_result_metric "save_file_kib_$cycle" "$kib" KiB
		sr_check_gone "$domid"
		log="$RESULTS/xl-restore-$cycle.log"
		lab_run timeout 300 xl restore "$SR_SAVE" >"$log" 2>&1 ||
			{ lab_fail "xl restore failed: $(tail -n 3 "$log")"; rm -f "$SR_SAVE"; return 1; }
	fi
	rm -f "$SR_SAVE"
	domid=$(xl domid g1) || { lab_fail "g1 is not running after the restore"; return 1; }
	lab_log "g1 runs again as domain $domid"
	if [ "${flip:-0}" = 1 ] && [ "${net_front:-$FRONT}" = ours ] &&
	   [ "${net_back:-$BACK}" = ours ]; then
		lab_wait_for 60 sh -c "[ \"\$(xenstore-read /local/domain/$domid/device/vif/0/request-rx-copy 2>/dev/null)\" = 0 ]" ||
			lab_fail "g1 does not ask to flip after the restore"
	fi
	# To a port of the cycle's own, so that a late signal ends no other
	# cycle.
	sr_signal $((SR_PORT_RESUMED + cycle)) "SR-RESUMED $cycle" ||
		{ lab_fail "g1 never heard that cycle $cycle was over"; return 1; }
}

sr_signal() { lab_guest_signal g1 10.1.0.2 "$@"; }

# A delay target over loop device $1 named sr-delay; prints its path,
# devtmpfs's node for it (Dom0 has no udev to make /dev/mapper's).
sr_delay_disk() {
	local minor
	modprobe dm-delay &&
	dmsetup create sr-delay --noudevsync \
		--table "0 $(blockdev --getsz "$1") delay $1 0 $delay" &&
	minor=$(dmsetup info -c --noheadings -o minor sr-delay | tr -d " ") &&
	lab_wait_for 10 test -b "/dev/dm-$minor" &&
	echo "/dev/dm-$minor"
}

scenario_dom0() {
	local loop disk server dom0_kib guest_kib change cycle domid
	lab_use_backends || return 1
	loop=$(lab_disk sr 256M) || { lab_fail "no loop device"; return 1; }
	disk=$loop
	if [ -n "${delay:-}" ]; then
		disk=$(sr_delay_disk "$loop") ||
			{ lab_fail "no delay target"; losetup -d "$loop"; return 1; }
	fi
	netcheck serve $SR_PORT_STREAM $SR_SEED "${stream:-32M}" &
	server=$!
	dom0_kib=$(lab_domain_kib Domain-0)
	lab_guest_start g1 "disk=$disk" net=1 memory=384 || { kill "$server"; return 1; }
	guest_kib=""	# sr_cycle 1 sets it
	for cycle in $(seq "${cycles:-1}"); do
		sr_cycle "$cycle" || break
	done
	domid=$(xl domid g1 2>/dev/null)
	if [ -n "$guest_kib" ] && sr_wait_marker SR-CHECKED; then
		change=$(( $(lab_domain_kib g1) - guest_kib ))
		lab_result_metric guest_kib_change "$change" KiB
		[ "${change#-}" -le $SR_GUEST_SLACK_KIB ] ||
			lab_fail "g1's page count moved by $change KiB across the save"
		# Only now may g1 power off: a dying domain's count falls.
		sr_signal $SR_PORT_COUNTED SR-COUNTED ||
			lab_fail "g1 never heard its pages were counted"
	fi
	if [ "${cycles:-1}" -le "${cancel:-0}" ]; then
		# xl stopped watching g1 when it suspended, so nobody acts on its
		# poweroff after a cancelled save: destroy it once it has halted.
		lab_wait_for "${guest_timeout:-600}" lab_guest_exited g1 &&
			lab_wait_for 30 sh -c "xl list g1 | awk 'NR == 2 && \$5 ~ /s/ { s = 1 } END { exit !s }'" &&
			xl destroy g1
	fi
	lab_guest_wait g1 "${guest_timeout:-600}"
	lab_guest_collect g1
	[ -z "$domid" ] || lab_wait_for 30 lab_xenstore_left "$domid" ||
		lab_fail "XenStore still holds $(lab_xenstore_left "$domid") after g1 powered off"
	kill "$server" 2>/dev/null
	lab_wait_for 30 lab_core_idle ||
		lab_fail "splitio_core's counters not 0 after g1 powered off: $(lab_core_counters)"
	change=$(( $(lab_domain_kib Domain-0) - dom0_kib ))
	lab_result_metric dom0_kib_change "$change" KiB
	[ "${change#-}" -le $SR_DOM0_SLACK_KIB ] ||
		lab_fail "Dom0's page count moved by $change KiB"
	[ "$disk" = "$loop" ] || dmsetup remove --noudevsync sr-delay
	losetup -d "$loop"
	rm -f /tmp/sr.img
}

sr_fail() { echo "SR-FAIL $*"; return 1; }

# Rounds of random writes, each read back and checked by fio, until
# /tmp/sr-stop appears; a round that fails leaves /tmp/sr-io-failed.
sr_io_rounds() {
	local round=0
	while [ ! -e /tmp/sr-stop ]; do
		round=$((round + 1))
		fio --name=sr --filename=/dev/xvda --direct=1 --ioengine=libaio \
			--rw=randwrite --bs=16k --iodepth=16 --offset=${SR_KEEP_MIB}M \
			--size="${fio_size:-32M}" --verify=crc32c --verify_fatal=1 --randseed=$round \
			--eta=never >/tmp/sr-fio.log 2>&1 ||
			{ cp /tmp/sr-fio.log /tmp/sr-io-failed; break; }
		echo $round >/tmp/sr-rounds
	done
}

scenario_guest() {
	local sha got cycle waiter fetch want rounds requeued
	lab_frontends || return 1
	lab_guest_net || return 1
	lab_wait_for 30 test -b /dev/xvda || { sr_fail "no /dev/xvda"; return 1; }
	dd if=/dev/urandom of=/tmp/keep bs=1M count=$SR_KEEP_MIB 2>/dev/null
	dd if=/tmp/keep of=/dev/xvda bs=1M oflag=direct conv=fsync 2>/dev/null ||
		{ sr_fail "write"; return 1; }
	sha=$(sha256sum </tmp/keep | cut -d' ' -f1)
	rm /tmp/keep
	sr_io_rounds &
	netcheck fetch "$PEER_IP" $SR_PORT_STREAM | sha256sum | cut -d' ' -f1 >/tmp/stream.sha &
	fetch=$!
	for cycle in $(seq "${cycles:-1}"); do
		netcheck wait $((SR_PORT_RESUMED + cycle)) "${guest_timeout:-600}" & waiter=$!
		echo "SR-READY $cycle"
		wait $waiter || { sr_fail "never told cycle $cycle was over"; return 1; }
		echo "SR-RESUMED $cycle"
	done
	# Our frontends say what they found in flight when they resumed.
	dmesg | grep 'resumed:' | sed 's/^/dmesg: /'
	if [ "${blk_front:-$FRONT}" = ours ]; then
		requeued=$(dmesg | sed -n 's/.*resumed: \([0-9]*\) request(s) in flight.*/\1/p' |
			awk '{ n += $1 } END { print n + 0 }')
		lab_metric requests_requeued "$requeued" requests
		[ -z "${delay:-}" ] || [ "$requeued" -gt 0 ] ||
			{ sr_fail "no request was in flight at a save, despite delay=$delay"; return 1; }
	fi

	touch /tmp/sr-stop
	lab_wait_for 300 sh -c '! kill -0 '$fetch' 2>/dev/null' ||
		{ sr_fail "the stream never ended"; return 1; }
	want=$(netcheck gen $SR_SEED "${stream:-32M}" | sha256sum | cut -d' ' -f1)
	[ "$(cat /tmp/stream.sha)" = "$want" ] ||
		{ sr_fail "the stream that spanned the save arrived damaged"; return 1; }
	echo "the stream that spanned the save arrived whole"
	wait
	[ ! -e /tmp/sr-io-failed ] ||
		{ cat /tmp/sr-io-failed; sr_fail "a fio round failed its verify"; return 1; }
	rounds=$(cat /tmp/sr-rounds 2>/dev/null)
	[ "${rounds:-0}" -ge 1 ] || { sr_fail "no fio round finished"; return 1; }
	lab_metric fio_rounds "$rounds" rounds
	echo "$rounds fio rounds verified"
	got=$(dd if=/dev/xvda bs=1M count=$SR_KEEP_MIB iflag=direct 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ "$got" = "$sha" ] || { sr_fail "data written before the save changed"; return 1; }
	echo "the $SR_KEEP_MIB MiB written before the save read back unchanged"

	for size in 0 1 56 1400 1473 9000 32768 65000; do
		ping -c 2 -W 5 -s "$size" "$PEER_IP" >/dev/null ||
			{ sr_fail "ping -s $size"; return 1; }
	done
	echo "pings of 0 to 65000 bytes answered"
	# Dom0 counts our pages now; a domain that is powering off gives
	# them back, so wait until it has.
	netcheck wait $SR_PORT_COUNTED 180 & waiter=$!
	echo SR-CHECKED
	wait $waiter || { sr_fail "Dom0 never counted our pages"; return 1; }
	echo SR-COUNTED
}
