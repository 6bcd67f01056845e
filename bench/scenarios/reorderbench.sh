# reorderbench: 4 KiB random writes at queue depth 16 from one or two
# guests on one disk (a partition each, lab_shared_disk), through blkback
# with reordering on or off, or through the kernel's blkback (issue 7).
#
# What it reports, per run:
#   iops               the guests' I/Os per second, summed
#   seek_per_io        the disk's seek distance per I/O, in sectors: the
#                      sum of |start - end of the one before| over the
#                      requests the loop device issued (tracepoint
#                      block_rq_issue), divided by their number.  Its I/O
#                      scheduler is "none", so this is the order the
#                      backend submitted in, whichever backend it is.
#   reorder_seek_before, reorder_seek_after, reorder_batches: ours with
#                      reordering on, from statistics/ (stats.c)
#
# Parameters: guests= (1 or 2), reorder= (0 or 1, blk_back=ours), runtime=
# (s, 20), guest_timeout= (s, 600).  The disk lives in Dom0's memory, so a
# seek costs nothing here: read seek_per_io as what a disk with a head
# would have been spared, and iops as the price of the work that took.

TRACING=/sys/kernel/tracing

scenario_dom0() {
	local disk rc=0 g guests=${guests:-1}
	lab_use_backends || return 1
	if [ "${blk_back:-$BACK}" = ours ]; then
		echo "${reorder:-0}" >/sys/module/splitio_blkback/parameters/reorder
	elif [ "${reorder:-0}" = 1 ]; then
		lab_fail "reorder=1 needs blk_back=ours"; return 1
	fi
	disk=$(lab_shared_disk reorderbench 256) ||
		{ lab_fail "no shared disk with two partitions"; return 1; }
	echo none >"/sys/block/${disk#/dev/}/queue/scheduler"
	trace_start "$disk" || lab_fail "cannot trace the disk's requests"
	SCENARIO_ARGS="$SCENARIO_ARGS start_at=$(($(date +%s) + 60 + 50 * guests))"
	for g in $(seq 1 "$guests"); do
		lab_guest_start "g$g" "disk=${disk}p$g" memory=384 || { rc=1; break; }
	done
	[ "$rc" = 0 ] && read_counters "$guests"
	for g in $(seq 1 "$guests"); do
		lab_guest_wait "g$g" "${guest_timeout:-600}"
		lab_guest_collect "g$g" || rc=1
	done
	trace_stop
	[ "$rc" = 0 ] && report "$guests"
	for g in $(seq 1 "$guests"); do xl destroy "g$g" 2>/dev/null; done
	echo 0 >/sys/module/splitio_blkback/parameters/reorder 2>/dev/null
	losetup -d "$disk"
	rm -f /tmp/reorderbench.img
	return $rc
}

# Every request the disk issues, from now on, into /tmp/reorderbench.trace.
trace_start() {
	local devt
	grep -q " $TRACING tracefs " /proc/mounts || mount -t tracefs nodev $TRACING || return 1
	# The kernel's dev_t in a trace event: major << 20 | minor.
	set -- $(stat -L -c '%t %T' "$1")
	devt=$(( (0x$1 << 20) | 0x$2 ))
	echo 0 >$TRACING/tracing_on
	: >$TRACING/trace
	echo "dev == $devt" >$TRACING/events/block/block_rq_issue/filter &&
		echo 1 >$TRACING/events/block/block_rq_issue/enable || return 1
	echo 1 >$TRACING/tracing_on
	cat $TRACING/trace_pipe >/tmp/reorderbench.trace &
	echo $! >/tmp/reorderbench.tracer
}

trace_stop() {
	echo 0 >$TRACING/events/block/block_rq_issue/enable
	sleep 1
	kill "$(cat /tmp/reorderbench.tracer)" 2>/dev/null
}

# The counters of ours, while the devices are still there: once every
# guest has said its job is done, as each waits a little before it goes.
# One disk, so every device shows the same ones.
read_counters() {
	local dir name g
	[ "${blk_back:-$BACK}" = ours ] && [ "${reorder:-0}" = 1 ] || return 0
	for g in $(seq 1 "$1"); do
		lab_wait_for 600 grep -q '^@@BENCH-DONE' "$CONSOLE_DIR/guest-g$g.log" ||
			return 0
	done
	dir=$(ls -d /sys/bus/xen-backend/devices/vbd-"$(xl domid g1)"-* | head -n 1)
	for name in batches seek_before seek_after; do
		lab_result_metric "reorder_$name" "$(cat "$dir/statistics/reorder_$name")" count
	done
}

# "... block_rq_issue: 7,0 WS 4096 () 123456 + 8 [comm]": sector + count.
report() {
	local ios seek
	ios=0
	for g in $(seq 1 "$1"); do
		ios=$((ios + $(lab_metric_value "g${g}_ios")))
	done
	lab_result_metric iops $((ios / ${runtime:-20})) iops
	seek=$(awk '{ for (i = 2; i < NF; i++) if ($i == "+") {
			s = $(i - 1); n = $(i + 1)
			if (have) d += s > end ? s - end : end - s
			end = s + n; have = 1; c++ }
		} END { if (c) printf "%d %d", d / c, c; else print "0 0" }' /tmp/reorderbench.trace)
	set -- $seek
	[ "$2" -gt 0 ] || { lab_fail "no request of the disk was traced"; return 1; }
	lab_result_metric seek_per_io "$1" sectors
	lab_result_metric traced_requests "$2" count
}

scenario_guest() {
	lab_shared_disk_job "$GUEST_NAME" randwrite "${runtime:-20}" || return 1
	echo "@@BENCH-DONE"
	sleep 10	# for Dom0 to read the counters: read_counters
}
