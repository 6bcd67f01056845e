# native: the ceiling every split driver is compared with, measured in Dom0
# itself in the same boot: the fio workloads on the same kind of backing
# store (a loop device on a sparse file in Dom0's tmpfs) and iperf3 over
# Dom0's loopback.  No guest.
#
# Parameters: disk_size= (512M), runtime= (s, 10).

scenario_dom0() {
	local disk rt=${runtime:-10}
	disk=$(lab_disk native "${disk_size:-512M}") || { lab_fail "no loop device"; return 1; }
	lab_fio_workloads "$disk" || lab_fail "fio on $disk failed"
	losetup -d "$disk"
	rm -f /tmp/native.img
	iperf3 -s -D -B 127.0.0.1 --logfile "$RESULTS/iperf3-server.log" || { lab_fail "iperf3 -s"; return 1; }
	sleep 1
	iperf3 -c 127.0.0.1 -t "$rt" -J >"$RESULTS/iperf3-loopback.json" ||
		lab_fail "iperf3 over loopback failed"
	killall iperf3
}
