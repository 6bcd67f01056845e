# flipbench: receive throughput and its CPU cost, page flipping against
# grant copy, for our pair (netfront rx_flip=$flip, netback offering both).
# Two guests on routed vifs; Dom0 drives every measurement itself, so that
# it can read, around each one, the CPU time Xen charged to each domain
# (`xl list`) and the bytes its vif handed the receiving guest.
#
#   iperf3 TCP Dom0 -> g1, 1 and 4 streams (iperf3 client in Dom0);
#   iperf3 TCP g2 -> g1, forwarded by Dom0 (g2's client, started on a
#   signal from Dom0).
#
# Each gives Gbit/s (iperf3) and CPU seconds per GiB received by g1, for
# Dom0 and for the guest(s).  Parameters: flip= (0|1), mtu= (1500),
# runtime= (s, 10), guest_timeout= (s, 600).

PORT_G2_GO=5011
PORT_G2_DONE=5012
PORT_END=5013
PORT_G1_UP=5014
PORT_G2_UP=5015
FLIPBENCH_G1=10.1.0.2
FLIPBENCH_G2=10.2.0.2

# CPU seconds Xen has charged domain $1 so far.
flipbench_cpu() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }

# Bytes Dom0 has sent to guest $1 through its vif.
flipbench_vif_bytes() {
	cat "/sys/class/net/vif$(xl domid "$1" 2>/dev/null).0/statistics/tx_bytes"
}

# Runs "$@" (one measurement, $1 its label) and reports the CPU seconds each
# domain spent per GiB that reached g1.
flipbench_measure() {
	local label=$1 d0 g1 g2 b0 d1 g11 g21 b1
	shift
	d0=$(flipbench_cpu Domain-0); g1=$(flipbench_cpu g1); g2=$(flipbench_cpu g2)
	b0=$(flipbench_vif_bytes g1)
	"$@" || { lab_fail "$label: $*"; return 1; }
	d1=$(flipbench_cpu Domain-0); g11=$(flipbench_cpu g1); g21=$(flipbench_cpu g2)
	b1=$(flipbench_vif_bytes g1)
	awk -v l="$label" -v b=$((b1 - b0)) -v d="$d0 $d1" -v g1="$g1 $g11" \
	    -v g2="$g2 $g21" 'BEGIN {
		gib = b / 1073741824	# busybox awk has no ^
		if (gib <= 0) exit 1
		split(d, x, " "); split(g1, y, " "); split(g2, z, " ")
		printf "%s_dom0_cpu_s_per_gib %.2f s\n", l, (x[2] - x[1]) / gib
		printf "%s_g1_cpu_s_per_gib %.2f s\n", l, (y[2] - y[1]) / gib
		printf "%s_g2_cpu_s_per_gib %.2f s\n", l, (z[2] - z[1]) / gib
		printf "%s_gib %.3f GiB\n", l, gib
	}' >/tmp/flipbench.m || { lab_fail "$label: nothing reached g1"; return 1; }
	while read -r name value unit; do
		lab_result_metric "$name" "$value" "$unit"
	done </tmp/flipbench.m
}

flipbench_g2_send() {
	netcheck signal "$FLIPBENCH_G2" $PORT_G2_GO &&
		netcheck wait $PORT_G2_DONE $(( ${runtime:-10} + 120 ))
}

# Signals are single datagrams: each side listens before the other can
# send one.  Both guests stay up until Dom0 has read their CPU time.
scenario_dom0() {
	local rt=${runtime:-10} i up1 up2
	lab_use_backends || return 1
	echo 1 >/proc/sys/net/ipv4/ip_forward
	netcheck wait $PORT_G1_UP "${guest_timeout:-600}" & up1=$!
	netcheck wait $PORT_G2_UP "${guest_timeout:-600}" & up2=$!
	lab_guest_start g2 net=2 ${mtu:+"mtu=$mtu"} || return 1
	lab_guest_start g1 net=1 ${mtu:+"mtu=$mtu"} || return 1
	if wait $up1 && wait $up2; then
		flipbench_measure dom0_to_guest_1 \
			lab_iperf3 dom0-to-guest-1 -c $FLIPBENCH_G1 -t "$rt"
		flipbench_measure dom0_to_guest_4 \
			lab_iperf3 dom0-to-guest-4 -c $FLIPBENCH_G1 -t "$rt" -P 4
		flipbench_measure guest_to_guest flipbench_g2_send
	else
		lab_fail "g1 never came up"
	fi
	# g2 may still wait for its turn if something failed first.
	for i in 1 2 3; do
		netcheck signal $FLIPBENCH_G2 $PORT_G2_GO 2>/dev/null
		netcheck signal $FLIPBENCH_G1 $PORT_END 2>/dev/null
		netcheck signal $FLIPBENCH_G2 $PORT_END 2>/dev/null
		sleep 1
	done
	lab_guest_wait g1 "${guest_timeout:-600}"
	lab_guest_collect g1
	lab_guest_wait g2 "${guest_timeout:-600}"
	lab_guest_collect g2
}

scenario_guest() {
	local rc=0 go end server
	lab_frontends || return 1
	lab_guest_net || return 1
	[ -z "${mtu:-}" ] || lab_run ip link set eth0 mtu "$mtu" || return 1
	ip route add 10.0.0.0/8 via "$PEER_IP" || return 1
	iperf3 -s >/dev/null 2>&1 & server=$!
	netcheck wait $PORT_END "${guest_timeout:-600}" & end=$!
	case "$GUEST_IP" in
	"$FLIPBENCH_G2")
		netcheck wait $PORT_G2_GO "${guest_timeout:-600}" & go=$!
		netcheck signal "$PEER_IP" $PORT_G2_UP
		wait $go || rc=1
		if [ $rc = 0 ] && lab_wait_for 60 ping -c 1 -W 1 $FLIPBENCH_G1; then
			lab_iperf3 guest-to-guest -c $FLIPBENCH_G1 -t "${runtime:-10}" || rc=1
		fi
		netcheck signal "$PEER_IP" $PORT_G2_DONE
		;;
	*)
		netcheck signal "$PEER_IP" $PORT_G1_UP
		;;
	esac
	wait $end || rc=1
	kill $server
	return $rc
}
