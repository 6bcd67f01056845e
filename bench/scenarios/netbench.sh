# netbench: network throughput for one driver set (front=, back=,
# net_front=, net_back=), two guests on routed vifs through Dom0.  g1 runs
# every measurement; g2 is the far end of guest -> guest and otherwise idle.
#
#   iperf3 TCP guest -> Dom0 and Dom0 -> guest, 1 and 4 streams;
#   iperf3 TCP guest -> guest (g1 -> g2, forwarded by Dom0);
#   iperf3 UDP 64-byte datagrams guest -> Dom0, unthrottled: packets/s.
#
# Dom0's loopback (the native scenario) is the ceiling.
#
# Parameters: runtime= (s, 10), guest_timeout= (s, 600).

PORT_G2_DONE=5010

scenario_dom0() {
	local server
	lab_use_backends || return 1
	echo 1 >/proc/sys/net/ipv4/ip_forward
	iperf3 -s --logfile "$RESULTS/iperf3-server.log" &
	server=$!
	lab_guest_start g2 net=2 || return 1
	lab_guest_start g1 net=1 || return 1
	lab_guest_wait g1 "${guest_timeout:-600}"
	lab_guest_collect g1
	lab_guest_wait g2 60
	lab_guest_collect g2
	kill "$server"
}

# g1 measures; g2 serves guest -> guest until g1 says it is done.
scenario_guest() {
	lab_frontends || return 1
	lab_guest_net || return 1
	# The other guest's subnet is behind Dom0.
	ip route add 10.0.0.0/8 via "$PEER_IP" || return 1
	case "$GUEST_IP" in
	10.2.*) netbench_far_end ;;
	*) netbench_measure ;;
	esac
}

netbench_far_end() {
	iperf3 -s &
	netcheck wait $PORT_G2_DONE "${guest_timeout:-600}"
	local rc=$?
	kill $!
	return $rc
}

netbench_measure() {
	local rt=${runtime:-10} rc=0 g2=10.2.0.2 i
	lab_iperf3 guest-to-dom0-1 -c "$PEER_IP" -t "$rt" || rc=1
	lab_iperf3 guest-to-dom0-4 -c "$PEER_IP" -t "$rt" -P 4 || rc=1
	lab_iperf3 dom0-to-guest-1 -c "$PEER_IP" -t "$rt" -R || rc=1
	lab_iperf3 dom0-to-guest-4 -c "$PEER_IP" -t "$rt" -R -P 4 || rc=1
	lab_iperf3 udp64-guest-to-dom0 -c "$PEER_IP" -t "$rt" -u -l 64 -b 0 || rc=1
	if lab_wait_for 60 ping -c 1 -W 1 "$g2"; then
		lab_iperf3 guest-to-guest -c "$g2" -t "$rt" || rc=1
	else
		echo "no answer from $g2 through Dom0"
		rc=1
	fi
	# A datagram may be lost: say it a few times.
	for i in 1 2 3; do netcheck signal "$g2" $PORT_G2_DONE; sleep 1; done
	return $rc
}
