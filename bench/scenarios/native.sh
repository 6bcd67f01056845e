# native: the ceiling every split driver is compared with, measured in Dom0
# itself in the same boot: the fio workloads on the same kind of backing
# store (a loop device on a sparse file in Dom0's tmpfs) and iperf3 over
# Dom0's loopback.  No guest.
#
# Parameters: disk_size= (512M), runtime= (s, 10).

scenario_dom0() {
	local disk server rt=${runtime:-10}
	disk=$(lab_disk native "${disk_size:-512M}") || { lab_fail "no loop device"; return 1; }
	lab_fio_workloads "$disk" || lab_fail "fio on $disk failed"
	losetup -d "$disk"
	rm -f /tmp/native.img
	iperf3 -s -B 127.0.0.1 --logfile "$RESULTS/iperf3-server.log" &
	server=$!
	sleep 1
	lab_iperf3 loopback -c 127.0.0.1 -t "$rt" || lab_fail "iperf3 over loopback failed"
	kill "$server"
}
