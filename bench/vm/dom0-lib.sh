# Dom0's side of a scenario: driver sets, backing disks, guests.
# Sourced by dom0-init after lib.sh; $ID is the running scenario's id and
# $RESULTS its results folder.

CONSOLE_DIR=/var/log/xen/console
LAB_OUT=$RESULTS

# Files a scenario writes into $LAB_OUT are in the results already.
lab_keep_file() { :; }

lab_fail() {
	echo "$*" >>"$RESULTS/failures"
	echo "@@SPLITIO $ID FAIL $*"
}

# The value a guest (or Dom0) reported for metric $1.
lab_metric_value() { awk -v m="$1" '$1 == m { print $2 }' "$RESULTS/metrics" 2>/dev/null; }

lab_result_metric() {
	echo "$1 $2 $3" >>"$RESULTS/metrics"
	echo "@@SPLITIO $ID METRIC $1 $2 $3"
}

# Load the backends a scenario asked for: back= picks the set for both
# device classes, net_back= and blk_back= override it per class.  The other
# set's backend of a class is unloaded first (it must be idle between
# scenarios): both would claim the same device type.  persistent=0 has
# the blkback, ours or the kernel's, not offer persistent grants; any
# other scenario of the boot has it offer them again.  notify_holdoff=N
# sets our blkback's event hold-off (blkback/ring.c), 0 (off) unless given.
lab_use_backends() {
	local role set other mod
	for role in netback blkback; do
		case "$role" in
		netback) set=${net_back:-$BACK} ;;
		blkback) set=${blk_back:-$BACK} ;;
		esac
		case "$set" in
		kernel) other=ours ;;
		ours) other=kernel ;;
		*) lab_fail "unknown driver set '$set' for $role"; return 1 ;;
		esac
		mod=$(lab_driver_module "$other" "$role" | tr - _)
		if grep -q "^$mod " /proc/modules; then
			lab_run rmmod "$mod" || { lab_fail "cannot unload $mod"; return 1; }
		fi
		lab_run modprobe "$(lab_driver_module "$set" "$role")" ||
			{ lab_fail "cannot load the $set $role"; return 1; }
	done
	mod=$(lab_driver_module "${blk_back:-$BACK}" blkback | tr - _)
	if [ "${persistent:-1}" = 0 ]; then set=N; else set=Y; fi
	echo $set >"/sys/module/$mod/parameters/feature_persistent" ||
		{ lab_fail "cannot set feature_persistent of $mod"; return 1; }
	# Written each time too: a scenario before may have changed it.
	[ "$mod" = splitio_blkback ] || return 0
	echo "${notify_holdoff:-0}" >"/sys/module/$mod/parameters/notify_holdoff" ||
		{ lab_fail "cannot set notify_holdoff of $mod"; return 1; }
}

# A backing disk: a sparse file in Dom0's tmpfs on a loop device; prints the
# device.  Sparse, so only what a guest writes takes Dom0 memory.
lab_disk() {
	local name=$1 size=$2
	local dev
	truncate -s "$size" "/tmp/$name.img" || return 1
	dev=$(losetup -f) && losetup "$dev" "/tmp/$name.img" && echo "$dev"
}

# A disk two guests share, each on a partition of its own: a file of $2
# MiB on a loop device, partitions p1 and p2 of equal size one after the
# other; prints the device.  Written with zeros, not sparse, so that no
# guest or run pays for Dom0 allocating its pages.
lab_shared_disk() {
	local name=$1 mib=$2
	local half=$(( ($2 - 2) / 2 )) dev
	dd if=/dev/zero of="/tmp/$name.img" bs=1M count="$mib" 2>/dev/null || return 1
	printf 'o\nn\np\n1\n2048\n+%dM\nn\np\n2\n%d\n+%dM\nw\n' \
		"$half" $((2048 + half * 2048)) "$half" |
		fdisk "/tmp/$name.img" >"$RESULTS/fdisk-$name.log" 2>&1
	dev=$(losetup -f) && losetup -P "$dev" "/tmp/$name.img" || return 1
	lab_wait_for 10 test -b "${dev}p2" || { losetup -d "$dev"; return 1; }
	echo "$dev"
}

# Start a guest.  Options: disk=DEV and rodisk=DEV (read-only), repeatable:
# the guest sees them as xvda, xvdb, ... in the order given; net=N
# (the guest's subnet number: it is 10.N.0.2, Dom0's vif end 10.N.0.1),
# vfr=N instead (a vif on the firewall-router, script vif-vfr: the guest is
# 10.9.0.N and its MAC 00:16:3e:09:00:NN), bridge=N (the same on br0),
# mtu=N for that vif (the hotplug script sets it in Dom0), memory=MiB,
# vcpus=N.  The scenario's parameters ride along on the kernel command
# line, so the guest runs the same scenario with the same settings.
lab_guest_start() {
	# busybox sh expands all of a "local" line before assigning any of it
	local name=$1
	local cfg="/tmp/$name.cfg" disks="" vifs="" memory=512 vcpus=1 net="" access
	local vif_extra="" script
	local args="splitio.scenario=$SCENARIO splitio.front=$FRONT splitio.back=$BACK splitio.name=$1"
	local letters="a b c d" letter opt
	shift
	for opt in "$@"; do
		case "$opt" in
		disk=*|rodisk=*)
			letter=${letters%% *}; letters=${letters#* }
			access=rw
			case "$opt" in rodisk=*) access=ro ;; esac
			disks="$disks'format=raw,vdev=xvd$letter,access=$access,script=/etc/xen/scripts/splitio-block,target=${opt#*disk=}',"
			;;
		mtu=*) vif_extra="$vif_extra,$opt" ;;
		net=*)
			net=${opt#net=}
			vifs="'mac=00:16:3e:00:$(printf %02x "$net"):01,ip=10.$net.0.2,script=/etc/xen/scripts/splitio-vif@VIF_EXTRA@',"
			args="$args splitio.ip=10.$net.0.2 splitio.peer=10.$net.0.1"
			;;
		vfr=*|bridge=*)
			# 10.9.0.N, Dom0 10.9.0.1: on the firewall-router or br0.
			net=${opt#*=}
			script=vif-vfr
			case "$opt" in bridge=*) script=splitio-bridge ;; esac
			vifs="'mac=00:16:3e:09:00:$(printf %02x "$net"),ip=10.9.0.$net,script=/etc/xen/scripts/$script@VIF_EXTRA@',"
			args="$args splitio.ip=10.9.0.$net splitio.peer=10.9.0.1"
			;;
		memory=*) memory=${opt#memory=} ;;
		vcpus=*) vcpus=${opt#vcpus=} ;;
		esac
	done
	vifs=$(echo "$vifs" | sed "s/@VIF_EXTRA@/$vif_extra/")
	cat >"$cfg" <<CFG
name = "$name"
type = "pv"
kernel = "/boot/vmlinuz"
ramdisk = "/boot/guest.img"
memory = $memory
vcpus = $vcpus
on_poweroff = "destroy"
on_crash = "destroy"
extra = "console=hvc0 loglevel=4 $args splitio.args=$(echo $SCENARIO_ARGS | tr ' ' ',')"
disk = [ ${disks%,} ]
vif = [ ${vifs%,} ]
CFG
	rm -f "$CONSOLE_DIR/guest-$name.log"
	: >"$CONSOLE_DIR/guest-$name.log"
	lab_follow "$CONSOLE_DIR/guest-$name.log" "[$name] "
	echo $! >"/tmp/$name.follower"
	# xl waits for the backends and hotplug scripts; bound it and keep
	# its verbose log for when it fails.
	echo "+ xl create $cfg"
	if ! timeout 120 xl -vvv create "$cfg" >"$RESULTS/xl-create-$name.log" 2>&1; then
		lab_fail "xl create $name failed; xl's log ends:"
		tail -n 25 "$RESULTS/xl-create-$name.log" | sed 's/^/    /'
		xl destroy "$name" 2>/dev/null
		return 1
	fi
}

# Waits at most $4 seconds for guest $1 to print marker $2 on its console;
# fails at once if it prints $3, the marker of its part having failed.
lab_guest_marker() {
	local log="$CONSOLE_DIR/guest-$1.log"
	lab_wait_for "$4" grep -q -e "$2" -e "$3" "$log" && ! grep -q -e "$3" "$log" ||
		{ lab_fail "guest $1 never reached $2"; return 1; }
}

# What XenStore still holds of domain $1 (a domid), which is gone: its
# own directory, its devices' backend directories in Dom0's.  Prints the
# paths; true if there are none.
lab_xenstore_left() {
	local path left=""
	for path in "/local/domain/$1" "/local/domain/0/backend/vif/$1" \
		    "/local/domain/0/backend/vbd/$1"; do
		xenstore-exists "$path" 2>/dev/null && left="$left $path"
	done
	echo "${left# }"
	[ -z "$left" ]
}

# Tells guest $1, at address $2, that something happened: one datagram to
# its port $3 (netcheck wait), sent until its console shows marker $4,
# which it prints once it got one.  Up to 2 minutes.
lab_guest_signal() {
	local i
	for i in $(seq 60); do
		grep -q "$4" "$CONSOLE_DIR/guest-$1.log" && return 0
		netcheck signal "$2" "$3" 2>/dev/null
		sleep 2
	done
	return 1
}

lab_guest_exited() { grep -q '^@@GUEST-EXIT' "$CONSOLE_DIR/guest-$1.log" 2>/dev/null; }
lab_guest_gone() { ! xl domid "$1" >/dev/null 2>&1; }

# Wait for a guest to finish its part and power off, at most $2 seconds.
# A guest that does not finish is destroyed and the scenario fails with the
# tail of its console: never a silent hang.
lab_guest_wait() {
	local name=$1 limit=$2
	if ! lab_wait_for "$limit" lab_guest_exited "$name"; then
		lab_fail "guest $name did not finish within $limit s; console tail:"
		tail -n 30 "$CONSOLE_DIR/guest-$name.log" | sed 's/^/    /'
		xl destroy "$name"
		return 1
	fi
	lab_wait_for 30 lab_guest_gone "$name" || {
		lab_fail "guest $name did not power off"; xl destroy "$name"; }
}

# Carry a finished guest's console, metrics and files into the results and
# fail the scenario if the guest's part failed.
lab_guest_collect() {
	local name=$1
	local log="$RESULTS/guest-$name.log" rc
	lab_unfollow "$(cat "/tmp/$name.follower")"
	tr -d '\r' <"$CONSOLE_DIR/guest-$name.log" >"$log"
	awk -v dir="$RESULTS" '
		/^@@FILE / { file = dir "/" $2; printf "" > file; next }
		/^@@F /    { if (file) print substr($0, 5) >> file; next }
		/^@@F$/    { if (file) print "" >> file; next }
		/^@@EOF/   { close(file); file = ""; next }
	' "$log"
	grep '^@@METRIC ' "$log" | while read -r _ m v u; do
		lab_result_metric "$m" "$v" "$u"
	done
	rc=$(sed -n 's/^@@GUEST-EXIT //p' "$log" | tail -n 1)
	[ "$rc" = 0 ] || { lab_fail "guest $name: its part failed (rc=${rc:-none})"; return 1; }
}

# splitio_core's counters are back to zero: nothing leaked once every
# guest is gone.
lab_core_counters_zero() {
	lab_core_idle ||
		lab_fail "splitio_core's counters not 0 after the guest is gone: $(lab_core_counters)"
}

# The memory Xen counts for domain $1 (a name; Dom0 is Domain-0), in KiB:
# its page count, as xentop reads it.
lab_domain_kib() {
	xentop -b -i 1 2>/dev/null | awk -v n="$1" '$1 == n { print $5 }'
}

# Dom0 (10.9.0.1) reaches guest $1 (at $2), whose vif is on the
# firewall-router, through that vif, as vif-route would set it up.
lab_vfr_link() {
	local vif
	vif=vif$(xl domid "$1").0
	ip addr add 10.9.0.1/32 dev "$vif" 2>/dev/null
	ip route add "$2/32" dev "$vif"
}

# What Dom0 holds, one "name=value" per line: splitio_core's counters,
# threads of our backends (named after their devices and disks),
# interrupts of event channels, XenStore nodes under the backend and error
# directories, and memory available.  Taken with no guest, before and
# after a scenario.
lab_holdings() {
	lab_core_counters | tr ' ' '\n'
	echo "backend_threads=$(cat /proc/[0-9]*/comm 2>/dev/null | grep -c '^vbd-\|^vif\|^blkback-')"
	echo "event_channels=$(grep -c 'xen-dyn' /proc/interrupts)"
	echo "xenstore_backend=$(xenstore-ls /local/domain/0/backend 2>/dev/null | wc -l)"
	echo "xenstore_error=$(xenstore-ls /local/domain/0/error 2>/dev/null | wc -l)"
	echo "mem_available_kib=$(awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo)"
}

# Available memory may fall this much between two lab_holdings: slab and
# page cache move a little on their own.
LAB_MEM_SLACK_KIB=32768

# Compares lab_holdings files $2 (before) and $3 (after), reporting each
# as metrics named $1_NAME_before/_after: all must be equal but memory.
lab_compare_holdings() {
	local name before after
	while IFS== read -r name before; do
		after=$(sed -n "s/^$name=//p" "$3")
		lab_result_metric "$1_${name}_before" "$before" count
		lab_result_metric "$1_${name}_after" "$after" count
		case "$name" in
		mem_available_kib)
			[ "$after" -ge $((before - LAB_MEM_SLACK_KIB)) ] ||
				lab_fail "Dom0's available memory fell from $before to $after KiB"
			;;
		*)
			[ "$after" = "$before" ] && continue
			lab_fail "Dom0's $name was $before before the guests and is $after after"
			case "$name" in
			xenstore_*) xenstore-ls -f /local/domain/0 2>/dev/null |
					grep "^/local/domain/0/${name#xenstore_}" | sed 's/^/    /' | head -n 20 ;;
			esac
			;;
		esac
	done <"$2"
}

# Grants our blkback mapped as they came, for segments and for indirect
# pages, over all its disks so far (0 with the kernel's, which does not
# count them).
lab_grants_mapped() {
	cat /sys/bus/xen-backend/devices/vbd-*/statistics/seg_mapped \
	    /sys/bus/xen-backend/devices/vbd-*/statistics/indirect_mapped 2>/dev/null |
		awk '{ s += $1 } END { print s + 0 }'
}

# In the background while guest $1 runs fio with events=1: at each
# "@@EVENTS LABEL begin|end" line on its console, the notifications
# Dom0's block backends received so far and the grants our blkback
# mapped so far, as "LABEL begin|end EVENTS GRANTS".
lab_events_watch() {
	local log="$CONSOLE_DIR/guest-$1.log" seen=0 n
	while :; do
		n=$(grep -c '^@@EVENTS ' "$log")
		while [ "$seen" -lt "$n" ]; do
			seen=$((seen + 1))
			echo "$(grep '^@@EVENTS ' "$log" | sed -n "${seen}p" | tr -d '\r' |
				cut -d' ' -f2-3) $(lab_irq_count "$LAB_BLKBACK_IRQS") $(lab_grants_mapped)"
		done
		sleep 1
	done
}

# From lab_events_watch's file $1: how much column $3 (3 notifications,
# 4 grants mapped) grew over job $2; nothing if a line of it is missing.
lab_events_delta() {
	awk -v l="$2" -v c="$3" '$1 == l { n[$2] = $c }
		END { if (("begin" in n) && ("end" in n)) print n["end"] - n["begin"] }' "$1"
}

# From lab_events_watch's file $1 and the guest's metrics: each job's
# notifications per I/O, to Dom0 (requests announced) and to the guest
# (responses announced), and with our blkback the grants it mapped per
# I/O (segments and indirect pages not served by persistent grants).  No
# job announced, or a job with I/O and no notification at all (the
# interrupts were not found), is a failure.
lab_events_report() {
	local label ios to_guest to_dom0 mapped
	[ -s "$1" ] || { lab_fail "the guest announced no fio job to count"; return 1; }
	for label in $(cut -d' ' -f1 "$1" | sort -u); do
		to_dom0=$(lab_events_delta "$1" "$label" 3)
		mapped=$(lab_events_delta "$1" "$label" 4)
		ios=$(lab_metric_value "${label}_ios")
		to_guest=$(lab_metric_value "${label}_events_to_guest")
		[ "${ios:-0}" -gt 0 ] && [ "${to_dom0:-0}" -gt 0 ] && [ "${to_guest:-0}" -gt 0 ] ||
			{ lab_fail "$label: $ios I/Os, $to_dom0 notifications to Dom0, ${to_guest:-none} to the guest"; continue; }
		lab_result_metric "${label}_events_to_dom0" "$to_dom0" events
		lab_result_metric "${label}_events_per_io_to_dom0" \
			"$(awk -v e="$to_dom0" -v n="$ios" 'BEGIN { printf "%.3f", e / n }')" ratio
		lab_result_metric "${label}_events_per_io_to_guest" \
			"$(awk -v e="$to_guest" -v n="$ios" 'BEGIN { printf "%.3f", e / n }')" ratio
		if [ "${blk_back:-$BACK}" = ours ]; then
			lab_result_metric "${label}_grants_mapped_per_io" \
				"$(awk -v m="$mapped" -v n="$ios" 'BEGIN { printf "%.3f", m / n }')" ratio
		fi
	done
}
