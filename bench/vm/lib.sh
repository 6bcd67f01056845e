# Shell library shared by the Dom0 and the guest side of the lab (busybox sh).
#
# Everything a scenario reports travels as marked lines on a console:
#   @@SPLITIO <id> <event> ...    Dom0 progress, read live by the host
#   @@METRIC <name> <value> <unit>
#   @@FILE <name> / @@F <line> / @@EOF   a file, line by line; kernel messages
#                                 that interleave carry no @@F and drop out
#   @@GUEST-EXIT <rc>             a guest's scenario ended with rc

export PATH=/usr/lib/xen-4.17/bin:/usr/sbin:/usr/bin:/sbin:/bin

lab_log() { echo "[lab] $*"; }

# Run a command, echoing it first, so that every log says what was done.
lab_run() { echo "+ $*"; "$@"; }

lab_mount_basics() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
	# Hung tasks are failures in the lab; find them in a scenario's
	# lifetime, not after the default two minutes.
	sysctl -qw kernel.hung_task_timeout_secs=30 2>/dev/null
	ip link set lo up
}

# Value of key=value on the kernel command line (or a default).
lab_cmdline() {
	local word
	for word in $(cat /proc/cmdline); do
		case "$word" in
		"$1"=*) echo "${word#*=}"; return 0 ;;
		esac
	done
	echo "$2"
}

# Wait until a command succeeds, up to $1 seconds; returns its status.
lab_wait_for() {
	local limit=$1 waited=0
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$waited" -ge "$limit" ] && return 1
		sleep 1
		waited=$((waited + 1))
	done
}

# Copy a growing file to the console with a prefix, in the background, in
# a session of its own: the caller stops it with lab_unfollow $!.  The
# lines of emitted files stay out of the live log.
lab_follow() {
	setsid sh -c 'tail -f "$1" 2>/dev/null | awk -v p="$2" "
		/^@@F/ { next }
		{ sub(/\r\$/, \"\"); print p \$0; fflush() }"' follow "$1" "$2" &
}

lab_unfollow() { kill -- "-$1" 2>/dev/null; }

lab_metric() { echo "@@METRIC $1 $2 $3"; }

# splitio_core's leak counters, its read-only module parameters: grants
# mapped, grant references held, event channels bound, frameless pages.
LAB_CORE_PARAMS=/sys/module/splitio_core/parameters
LAB_CORE_COUNTERS="grants_mapped grefs_held evtchns_bound frames_detached"

# True if every counter is 0, or splitio_core is not loaded; a counter
# that cannot be read is not 0.
lab_core_idle() {
	local counter
	[ -d "$LAB_CORE_PARAMS" ] || return 0
	for counter in $LAB_CORE_COUNTERS; do
		[ "$(cat "$LAB_CORE_PARAMS/$counter" 2>/dev/null)" = 0 ] || return 1
	done
}

# The counters, as "name=value ...".
lab_core_counters() {
	local counter out=""
	for counter in $LAB_CORE_COUNTERS; do
		out="$out $counter=$(cat "$LAB_CORE_PARAMS/$counter" 2>/dev/null)"
	done
	echo "${out# }"
}

# Emit a file on the console so that Dom0 can carry it to the results.
# It starts on a line of its own whatever was printed before.
lab_emit_file() {
	printf '\n@@FILE %s\n' "$1"
	sed 's/^/@@F /' "$2"
	echo "@@EOF"
}

# The module names of a driver set, for one side and one device class.
# "kernel" is Linux's xen-* pair, "ours" is splitio's.
lab_driver_module() {
	local set=$1 role=$2
	case "$set" in
	kernel) echo "xen-$role" ;;
	ours) echo "splitio_$role" ;;
	*) echo "unknown driver set '$set'" >&2; return 1 ;;
	esac
}

# fio on a block device; its JSON report goes to $LAB_OUT/fio-LABEL.json
# and is kept (lab_keep_file: Dom0 writes straight into the results, a
# guest emits the file on its console).
lab_fio() {
	local label=$1 dev=$2 json
	shift 2
	json="$LAB_OUT/fio-$label.json"
	fio --output-format=json --output="$json" --name="$label" --filename="$dev" \
		--direct=1 --ioengine=libaio --eta=never "$@" ||
		{ echo "fio $label failed:"; cat "$json"; return 1; }
	lab_keep_file "$json"
}

# The block workloads every driver set and Dom0 native are measured with,
# after a verified write pass.  Parameters: runtime= (s), offset= (where
# fio starts on the device), verify_size=, events=1 (count notifications,
# lab_fio_events).
lab_fio_workloads() {
	local dev=$1 rt=${runtime:-10} at=${offset:-0} run=lab_fio
	lab_fio verify "$dev" --offset="$at" --size="${verify_size:-32M}" \
		--rw=randwrite --bs=4k --iodepth=16 --verify=crc32c --verify_fatal=1 || return 1
	[ "${events:-0}" = 1 ] && run=lab_fio_events
	for job in "randread-4k-qd32 randread 4k 32" "randwrite-4k-qd32 randwrite 4k 32" \
		   "randread-64k-qd8 randread 64k 8" "seqread-1m-qd8 read 1M 8" \
		   "seqwrite-1m-qd8 write 1M 8"; do
		set -- $job
		$run "$1" "$dev" --offset="$at" --rw="$2" --bs="$3" --iodepth="$4" \
			--time_based --runtime="$rt" || return 1
	done
}

# The I/Os fio job $1 did, summed over its read, write and trim parts.
lab_fio_ios() {
	sed -n 's/.*"total_ios" : \([0-9]*\).*/\1/p' "$LAB_OUT/fio-$1.json" |
		awk '{ s += $1 } END { print s + 0 }'
}

# Event notifications received so far on the interrupts whose names match
# $1 (grep), summed over CPUs.  The block drivers' names: a frontend's in
# a guest (the kernel's "blkif", ours "xvdX-ringN"), a backend's in Dom0
# (the kernel's "blkif-backend", ours "vbd-D-N-qN").
LAB_BLKFRONT_IRQS=' blkif *$\|xvd[a-z]*-ring[0-9]'
LAB_BLKBACK_IRQS=' blkif-backend *$\|vbd-[0-9]*-[0-9]*-q[0-9]'
lab_irq_count() {
	grep -e "$1" /proc/interrupts |
		awk '{ for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i } END { print s + 0 }'
}

# lab_fio, with the notifications it caused counted: those the guest
# received here (metric LABEL_events_to_guest), those Dom0 received by
# Dom0 when it sees the "@@EVENTS LABEL begin|end" lines (lab_events_watch).
# The guest idles after each line, so that Dom0 counts between jobs.
lab_fio_events() {
	local label=$1 before after
	echo "@@EVENTS $label begin"
	sleep 3
	before=$(lab_irq_count "$LAB_BLKFRONT_IRQS")
	lab_fio "$@" || return 1
	after=$(lab_irq_count "$LAB_BLKFRONT_IRQS")
	echo "@@EVENTS $label end"
	sleep 3
	lab_metric "${label}_ios" "$(lab_fio_ios "$label")" ios
	lab_metric "${label}_events_to_guest" $((after - before)) events
}

# The job of guests on one shared disk (lab_shared_disk): 4 KiB random
# I/O ($2: fio's rw) at QD16 over 100 MiB of xvda for $3 s, started at the
# wall-clock second start_at (a parameter Dom0 adds) so that all of them
# run at once.  fio's report is fio-$1.json; metric $1_ios, the I/Os done.
lab_shared_disk_job() {
	local label=$1 rw=$2 seconds=$3
	lab_run modprobe "$(lab_driver_module "${blk_front:-$FRONT}" blkfront)" || return 1
	lab_wait_for 30 test -b /dev/xvda || { echo "no /dev/xvda after 30 s"; return 1; }
	[ "$(date +%s)" -lt "${start_at:-0}" ] ||
		{ echo "booted after the common start time"; return 1; }
	while [ "$(date +%s)" -lt "$start_at" ]; do sleep 1; done
	lab_fio "$label" /dev/xvda --size=100M --rw="$rw" --bs=4k --iodepth=16 \
		--time_based --runtime="$seconds" || return 1
	lab_metric "${label}_ios" "$(lab_fio_ios "$label")" ios
}

# iperf3 as a client, its JSON report kept as iperf3-LABEL.json.  With -J
# iperf3 exits 0 even when it could not connect: the report tells.
lab_iperf3() {
	local label=$1 json
	shift
	json="$LAB_OUT/iperf3-$label.json"
	iperf3 -J "$@" >"$json" && ! grep -q '"error":' "$json" ||
		{ echo "iperf3 $label failed:"; cat "$json"; return 1; }
	lab_keep_file "$json"
}

# The verified block jobs: block sizes 512 B to 1 MiB, random and
# sequential, read/write mixes, queue depths 1 to 64, each on a region of
# its own.  Written and verified by a guest through the split driver, the
# same jobs are then verified again by Dom0 on the backing store with
# --verify_only (fio's seeds are fixed, so it recomputes the same blocks):
# what the guest wrote is what Dom0 stores.
LAB_VERIFY_JOBS="
v512-rand-qd1    --offset=0   --size=1M  --rw=randwrite --bs=512     --iodepth=1
v4k-rand-qd64    --offset=8M  --size=16M --rw=randwrite --bs=4k      --iodepth=64
v4k-seq-qd4      --offset=24M --size=8M  --rw=write     --bs=4k      --iodepth=4
v16k-mix-qd32    --offset=40M --size=16M --rw=randrw    --bsrange=4k-64k --rwmixread=30 --iodepth=32
v64k-seq-qd16    --offset=56M --size=32M --rw=write     --bs=64k     --iodepth=16
v1m-rand-qd8     --offset=88M --size=96M --rw=randwrite --bs=1M      --iodepth=8
"

# Run every verified job on $1 with the extra fio options that follow.
lab_verify_jobs() {
	local dev=$1 label args
	shift
	echo "$LAB_VERIFY_JOBS" | while read -r label args; do
		[ -n "$label" ] || continue
		lab_fio "$label" "$dev" $args --verify=crc32c --verify_fatal=1 "$@" ||
			return 1
	done
}

# Drops an interface counted, and drops UDP and IP counted in this kernel:
# between them, every layer a datagram crosses.  UDP's InErrors already
# holds its RcvbufErrors.
lab_iface_drops() {
	local total=0 c
	for c in rx_dropped tx_dropped rx_errors tx_errors; do
		total=$((total + $(cat "/sys/class/net/$1/statistics/$c")))
	done
	echo $total
}

lab_stack_drops() {
	awk '
		$1 == "Udp:" && !uh { for (i = 2; i <= NF; i++) u[i] = $i; uh = 1; next }
		$1 == "Udp:" { for (i = 2; i <= NF; i++)
			if (u[i] ~ /^(InErrors|SndbufErrors)$/) t += $i }
		$1 == "Ip:" && !ih { for (i = 2; i <= NF; i++) p[i] = $i; ih = 1; next }
		$1 == "Ip:" { for (i = 2; i <= NF; i++)
			if (p[i] ~ /^(InDiscards|OutDiscards)$/) t += $i }
		END { print t + 0 }' /proc/net/snmp
}

# One value from netcheck's "key=value ..." report in file $1.
lab_report_value() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"; }
