# baseline: one guest with a disk and a vif, driver sets chosen by front=
# and back= (kernel or ours).  The guest runs fio with verify on its disk
# and iperf3 both ways; a block of random data written by the guest is
# checked from Dom0 on the backing store.  Results: fio and iperf3 JSON.
#
# Parameters: front=, back=, disk_size= (default 512M), runtime= (s, 10).

CHECK_MIB=16	# the region at the start of the disk that Dom0 checks

scenario_dom0() {
	local disk
	lab_use_backends "$BACK" || return 1
	disk=$(lab_disk disk0 "${disk_size:-512M}") || { lab_fail "no loop device"; return 1; }
	iperf3 -s -D --logfile "$RESULTS/iperf3-server.log" || { lab_fail "iperf3 -s"; return 1; }
	lab_guest_start g1 "disk=$disk" net=1 || return 1
	lab_guest_wait g1 "${guest_timeout:-420}"
	lab_guest_collect g1
	pkill iperf3
	check_disk_content "$disk"
	losetup -d "$disk"
	rm -f /tmp/disk0.img
}

# What the guest wrote through the split driver is what the backing store
# holds: compare the guest's checksum of the region with Dom0's.
check_disk_content() {
	local want got
	want=$(awk '$1 == "disk_sha256" {print $2}' "$RESULTS/metrics")
	got=$(dd if="$1" bs=1M count=$CHECK_MIB 2>/dev/null | sha256sum | cut -d' ' -f1)
	[ -n "$want" ] || { lab_fail "the guest reported no checksum"; return 1; }
	[ "$want" = "$got" ] || { lab_fail "backing store differs from what the guest wrote"; return 1; }
	lab_log "backing store holds the guest's data (sha256 $got)"
}

guest_fio() {
	local label=$1
	shift
	fio --output-format=json --output="/tmp/fio-$label.json" --name="$label" \
		--filename=/dev/xvda --direct=1 --ioengine=libaio "$@" ||
		{ echo "fio $label failed"; cat "/tmp/fio-$label.json"; return 1; }
	lab_emit_file "fio-$label.json" "/tmp/fio-$label.json"
}

guest_iperf3() {
	local label=$1
	shift
	iperf3 -c "$PEER_IP" -t "${runtime:-10}" -J "$@" >"/tmp/iperf3-$label.json" ||
		{ echo "iperf3 $label failed"; cat "/tmp/iperf3-$label.json"; return 1; }
	lab_emit_file "iperf3-$label.json" "/tmp/iperf3-$label.json"
}

scenario_guest() {
	local rt=${runtime:-10} sum
	lab_frontends || return 1
	lab_wait_for 30 test -b /dev/xvda || { echo "no /dev/xvda after 30 s"; return 1; }
	lab_guest_net || return 1

	dd if=/dev/urandom of=/tmp/check bs=1M count=$CHECK_MIB 2>/dev/null
	dd if=/tmp/check of=/dev/xvda bs=1M conv=fsync 2>/dev/null || return 1
	sum=$(sha256sum /tmp/check | cut -d' ' -f1)
	lab_metric disk_sha256 "$sum" hash

	# fio stays clear of the checked region.
	guest_fio verify --offset=${CHECK_MIB}M --size=64M --rw=randwrite --bs=4k \
		--iodepth=16 --verify=crc32c --verify_fatal=1 || return 1
	guest_fio randread-4k-qd32 --offset=${CHECK_MIB}M --rw=randread --bs=4k \
		--iodepth=32 --time_based --runtime="$rt" || return 1
	guest_fio seqwrite-1m-qd8 --offset=${CHECK_MIB}M --rw=write --bs=1M \
		--iodepth=8 --time_based --runtime="$rt" || return 1
	guest_iperf3 guest-to-dom0 || return 1
	guest_iperf3 dom0-to-guest -R || return 1
}
