# reorder: splitio_blkback with request reordering on (issue 7).  Needs
# blk_back=ours; any frontend.
#
# - verify: the guest runs the verified fio jobs (lab_verify_jobs) with
#   reordering on; Dom0 then verifies the same jobs on the backing store.
# - counters: the device's reorder switch reads 1, and its counters show
#   batches and reordered requests, and no more seeking after ordering
#   than before (statistics/reorder_*), and flushes.
# - write-ahead log: under random read/write noise, the guest writes
#   record after record, each with O_DIRECT then a flush (dd conv=fsync),
#   the next only once the flush is done, and prints each one it saw
#   complete.  Dom0 destroys the guest mid-run and checks that the backing
#   store holds every record up to the last one printed, then that the
#   backend released every grant, mapping and event channel.
#
# - barrier=1: the backend offers barriers only (its feature_flush_cache
#   parameter off), so the frontend's flushes and FUA writes arrive as
#   WRITE_BARRIER, and the log's records are written with O_SYNC (a FUA
#   write) instead of a write then fsync; the backend must have seen
#   barriers and no flush.
#
# Parameters: disk_size= (512M), memory= (guest MiB, 384), guest_timeout=
# (s for the verify part, 600), wal_records= (records seen before the
# destroy, 30), barrier= (0); share=1 runs the two-guest check below
# instead.

WAL_AT_MIB=220		# past the verified jobs' regions (lab_verify_jobs)
NOISE_AT_MIB=256
WAL_BLOCK=4096

scenario_dom0() {
	local rc
	[ "${blk_back:-$BACK}" = ours ] ||
		{ lab_fail "reorder needs blk_back=ours"; return 1; }
	lab_use_backends || return 1
	lab_run sh -c 'echo 1 >/sys/module/splitio_blkback/parameters/reorder' ||
		{ lab_fail "cannot switch reordering on"; return 1; }
	[ "${barrier:-0}" = 1 ] &&
		echo 0 >/sys/module/splitio_blkback/parameters/feature_flush_cache
	if [ "${share:-0}" = 1 ]; then
		share_dom0
	else
		wal_dom0
	fi
	rc=$?
	echo 0 >/sys/module/splitio_blkback/parameters/reorder
	echo 1 >/sys/module/splitio_blkback/parameters/feature_flush_cache
	return $rc
}

wal_dom0() {
	local disk
	disk=$(lab_disk reorder "${disk_size:-512M}") ||
		{ lab_fail "no loop device"; return 1; }
	lab_guest_start g1 "disk=$disk" "memory=${memory:-384}" || return 1
	if wait_for_wal; then
		check_counters
		destroy_mid_run
		check_wal "$disk"
		check_verify_jobs "$disk"
		check_released
	else
		xl destroy g1 2>/dev/null
		lab_wait_for 30 lab_guest_gone g1
	fi
	collect_console
	losetup -d "$disk"
	rm -f /tmp/reorder.img
}

console() { tr -d '\r' <"$CONSOLE_DIR/guest-g1.log"; }

# The last record the guest saw complete after its flush.
wal_last() { console | sed -n 's/^WAL-DONE \([0-9][0-9]*\)$/\1/p' | tail -n 1; }

wal_reached() { [ "$(wal_last)" -ge "$1" ] 2>/dev/null; }

# The log got that far, or the guest gave up: it exits only on a failure.
wal_ended() { wal_reached "$1" || lab_guest_exited g1; }

# The guest verifies first, then logs; it only exits if something failed.
wait_for_wal() {
	local limit=${guest_timeout:-600}
	lab_wait_for "$limit" sh -c "grep -q -e '^REORDER-VERIFIED' -e '^@@GUEST-EXIT' '$CONSOLE_DIR/guest-g1.log'"
	if ! console | grep -q '^REORDER-VERIFIED'; then
		lab_fail "the guest's verify part failed or did not end within $limit s; console tail:"
		console | tail -n 30 | sed 's/^/    /'
		return 1
	fi
	lab_wait_for 300 wal_ended "${wal_records:-30}"
	if ! wal_reached "${wal_records:-30}"; then
		lab_fail "the guest did not log ${wal_records:-30} records within 300 s; console tail:"
		console | tail -n 30 | sed 's/^/    /'
		return 1
	fi
}

vbd_dir() { ls -d /sys/bus/xen-backend/devices/vbd-"$(xl domid g1)"-* | head -n 1; }

check_counters() {
	local dir name value
	dir=$(vbd_dir) || { lab_fail "no backend device for g1"; return 1; }
	[ "$(cat "$dir/reorder")" = 1 ] ||
		lab_fail "the device's reorder switch does not read 1"
	for name in batches requests reordered merges seek_before seek_after; do
		value=$(cat "$dir/statistics/reorder_$name")
		lab_result_metric "reorder_$name" "$value" count
	done
	lab_result_metric flushes "$(cat "$dir/statistics/f_req")" count
	lab_result_metric barriers "$(cat "$dir/statistics/br_req")" count
	[ "$(lab_metric_value reorder_batches)" -gt 0 ] ||
		lab_fail "no batch was reordered"
	[ "$(lab_metric_value reorder_reordered)" -gt 0 ] ||
		lab_fail "no request was issued out of arrival order"
	[ "$(lab_metric_value reorder_seek_after)" -le "$(lab_metric_value reorder_seek_before)" ] ||
		lab_fail "ordering made the disk seek further"
	if [ "${barrier:-0}" = 1 ]; then
		[ "$(lab_metric_value barriers)" -gt 0 ] ||
			lab_fail "the backend saw no barrier"
		[ "$(lab_metric_value flushes)" = 0 ] ||
			lab_fail "the backend saw flushes it did not offer"
	else
		[ "$(lab_metric_value flushes)" -gt 0 ] ||
			lab_fail "the backend saw no flush"
	fi
}

# The log's end as the guest last reported it, before it is gone.
destroy_mid_run() {
	lab_run xl destroy g1
	lab_wait_for 30 lab_guest_gone g1 || lab_fail "g1 did not go away"
	lab_result_metric wal_seen "$(wal_last)" records
}

# Every record up to the last one the guest saw flushed is on the disk.
check_wal() {
	local last i want got
	last=$(lab_metric_value wal_seen)
	i=1
	while [ "$i" -le "$last" ]; do
		want=$(printf 'WAL %08d' "$i")
		got=$(dd if="$1" bs=$WAL_BLOCK skip=$(((WAL_AT_MIB << 20) / WAL_BLOCK + i)) \
			count=1 2>/dev/null | head -c 12)
		if [ "$got" != "$want" ]; then
			lab_fail "record $i of $last, flushed before the destroy, is not on the backing store (found '$got')"
			return 1
		fi
		i=$((i + 1))
	done
	lab_result_metric wal_on_disk "$last" records
}

check_verify_jobs() {
	LAB_OUT=$RESULTS/dom0-verify
	mkdir -p "$LAB_OUT"
	lab_verify_jobs "$1" --verify_only ||
		lab_fail "the backing store does not hold what the guest wrote"
	LAB_OUT=$RESULTS
}

check_released() {
	lab_wait_for 30 lab_core_idle ||
		lab_fail "splitio_core's counters not back to 0 after the destroy: $(lab_core_counters)"
}

# The guest never exits cleanly: keep its console and files all the same.
collect_console() {
	lab_unfollow "$(cat /tmp/g1.follower)"
	console >"$RESULTS/guest-g1.log"
	awk -v dir="$RESULTS" '
		/^@@FILE / { file = dir "/" $2; printf "" > file; next }
		/^@@F /    { if (file) print substr($0, 5) >> file; next }
		/^@@F$/    { if (file) print "" >> file; next }
		/^@@EOF/   { close(file); file = ""; next }
	' "$RESULTS/guest-g1.log"
}

# Record $1: its header, then zeros to a whole block.
guest_wal_record() {
	printf 'WAL %08d\n' "$1" >/tmp/record
	head -c $((WAL_BLOCK - 13)) /dev/zero >>/tmp/record
}

# Record $1 to the disk, seen complete only once it is stable: a write then
# a flush, or with barrier=1 one O_SYNC write (a FUA write; busybox's dd
# has no oflag=dsync, fio writes the header over the whole block).
guest_wal_write() {
	local at=$((WAL_AT_MIB * 1048576 + $1 * WAL_BLOCK))
	if [ "${barrier:-0}" = 1 ]; then
		fio --name=wal --filename=/dev/xvda --ioengine=psync --direct=1 --sync=1 \
			--rw=write --bs=$WAL_BLOCK --size=$WAL_BLOCK --offset=$at \
			--buffer_pattern="\"$(printf 'WAL %08d' "$1")\"" --output=/dev/null
		return
	fi
	guest_wal_record "$1"
	dd if=/tmp/record of=/dev/xvda bs=$WAL_BLOCK count=1 seek=$((at / WAL_BLOCK)) \
		oflag=direct conv=fsync,notrunc 2>/dev/null
}

guest_wal() {
	local i=1
	fio --name=noise --filename=/dev/xvda --direct=1 --ioengine=libaio \
		--offset=${NOISE_AT_MIB}M --size=64M --rw=randrw --bs=4k --iodepth=32 \
		--time_based --runtime=3600 --eta=never --output=/dev/null &
	while :; do
		guest_wal_write "$i" || { echo "record $i: write failed"; return 1; }
		echo "WAL-DONE $i"
		i=$((i + 1))
	done
}

scenario_guest() {
	if [ "${share:-0}" = 1 ]; then
		share_guest
	else
		wal_guest
	fi
}

wal_guest() {
	lab_run modprobe "$(lab_driver_module "${blk_front:-$FRONT}" blkfront)" || return 1
	lab_wait_for 30 test -b /dev/xvda || { echo "no /dev/xvda after 30 s"; return 1; }
	[ "$(cat /sys/block/xvda/queue/write_cache)" = "write back" ] ||
		{ echo "xvda has no write cache to flush"; return 1; }
	lab_verify_jobs /dev/xvda || return 1
	echo REORDER-VERIFIED
	guest_wal
}

# share=1: two guests, each on its own partition of one loop device, so
# that both queue on the same disk and one dispatcher orders them both.
# They run the same random read/write job for share_seconds (30), started
# together on the wall clock, and must both make progress: the busier one
# does at most share_ratio (2) times the I/O of the other.
share_dom0() {
	local disk ok
	disk=$(lab_shared_disk reorder-share 256) ||
		{ lab_fail "no shared disk with two partitions"; return 1; }
	# Both guests boot at once; they start their jobs at this time.
	SCENARIO_ARGS="$SCENARIO_ARGS start_at=$(($(date +%s) + ${share_boot:-200}))"
	if lab_guest_start g1 "disk=${disk}p1" "memory=${memory:-384}" &&
	   lab_guest_start g2 "disk=${disk}p2" "memory=${memory:-384}"; then
		lab_guest_wait g1 "${guest_timeout:-600}"
		lab_guest_wait g2 60
		lab_guest_collect g1
		ok=$?
		lab_guest_collect g2 && [ "$ok" = 0 ] && check_share
	fi
	xl destroy g1 2>/dev/null
	xl destroy g2 2>/dev/null
	losetup -d "$disk"
	rm -f /tmp/reorder-share.img
}

share_ios() { sed -n "s/^@@METRIC share_ios \([0-9]*\) .*/\1/p" "$RESULTS/guest-$1.log" | tail -n 1; }

check_share() {
	local a b ratio=${share_ratio:-2}
	a=$(share_ios g1)
	b=$(share_ios g2)
	lab_result_metric share_ios_g1 "$a" ios
	lab_result_metric share_ios_g2 "$b" ios
	[ "${a:-0}" -gt 0 ] && [ "${b:-0}" -gt 0 ] ||
		{ lab_fail "a guest made no progress on the shared disk ($a, $b)"; return 1; }
	[ "$a" -le $((b * ratio)) ] && [ "$b" -le $((a * ratio)) ] ||
		lab_fail "unfair share of the disk: $a against $b I/Os, more than $ratio times"
}

share_guest() {
	lab_shared_disk_job share randrw "${share_seconds:-30}"
}
