# baseline: one guest with a disk and a vif, driver sets chosen by front=
# and back= (kernel or ours; blk_front=, net_front=, blk_back=, net_back=
# per device class).  The guest writes a block of random data that Dom0
# then checks on the backing store, runs the fio workloads (a verified
# write pass first) on its disk and iperf3 both ways to Dom0.
#
# Parameters: disk_size= (512M), runtime= (s, 10), guest_timeout= (s),
# events=1: each fio job's event notifications per I/O, both ways
# (lab_fio_events, lab_events_report).

CHECK_MIB=16	# the region at the start of the disk that Dom0 checks

scenario_dom0() {
	local disk server watcher=""
	lab_use_backends || return 1
	disk=$(lab_disk disk0 "${disk_size:-512M}") || { lab_fail "no loop device"; return 1; }
	# In the background, not -D: a daemon would leave the scenario's
	# session and outlive it.
	iperf3 -s --logfile "$RESULTS/iperf3-server.log" &
	server=$!
	lab_guest_start g1 "disk=$disk" net=1 || return 1
	if [ "${events:-0}" = 1 ]; then
		lab_events_watch g1 >/tmp/events &
		watcher=$!
	fi
	lab_guest_wait g1 "${guest_timeout:-540}"
	lab_guest_collect g1
	if [ -n "$watcher" ]; then
		kill "$watcher"
		lab_events_report /tmp/events
	fi
	kill "$server"
	check_disk_content "$disk"
	losetup -d "$disk"
	rm -f /tmp/disk0.img
}

# What the guest wrote through the split driver is what the backing store
# holds: compare the guest's checksum of the region with Dom0's.
check_disk_content() {
	local want got
	want=$(lab_metric_value disk_sha256)
	got=$(dd if="$1" bs=1M count=$CHECK_MIB 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ -n "$want" ] || { lab_fail "the guest reported no checksum"; return 1; }
	[ "$want" = "$got" ] || { lab_fail "backing store differs from what the guest wrote"; return 1; }
	lab_log "backing store holds the guest's data (sha256 $got)"
}

scenario_guest() {
	lab_frontends || return 1
	lab_wait_for 30 test -b /dev/xvda || { echo "no /dev/xvda after 30 s"; return 1; }
	lab_guest_net || return 1

	dd if=/dev/urandom of=/tmp/check bs=1M count=$CHECK_MIB 2>/dev/null
	dd if=/tmp/check of=/dev/xvda bs=1M conv=fsync 2>/dev/null || return 1
	lab_metric disk_sha256 "$(sha256sum /tmp/check | cut -d' ' -f1)" hash
	rm /tmp/check

	# fio stays clear of the checked region.
	offset=${CHECK_MIB}M lab_fio_workloads /dev/xvda || return 1
	lab_iperf3 guest-to-dom0 -c "$PEER_IP" -t "${runtime:-10}" || return 1
	lab_iperf3 dom0-to-guest -c "$PEER_IP" -t "${runtime:-10}" -R || return 1
}
