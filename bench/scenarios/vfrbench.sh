# vfrbench: guest -> guest TCP throughput (iperf3, one stream) through the
# firewall-router against the same through a Linux bridge in Dom0, with the
# same drivers (front=, back=; the VFR needs back=ours).
#
#   mode=bridge  both vifs on br0 (hotplug script splitio-bridge):
#                guest-to-guest
#   mode=vfr     both vifs on the VFR (vif-vfr, with its anti-spoofing
#                rules): guest-to-guest-0-rules, then, with 1,000 more
#                ingress rules on the sender's vif that the flow does not
#                match (addresses, ports and ranges of several shapes),
#                guest-to-guest-1000-rules
#
# g1 (10.9.0.2) measures, g2 (10.9.0.3) serves.  Parameters: mode=,
# runtime= (s, 10), guest_timeout= (s, 600).

P_RULES_WANTED=6200
P_RULES_DONE=6201
P_G1_DONE=6202

# 1,000 rules in four shapes, none matching g1's iperf3 flow to g2:5201.
vfrbench_rules() {
	awk -v vif="$1" 'BEGIN {
		r = "add vif " vif " dir in"
		for (i = 0; i < 400; i++)
			printf "%s priority 20 dst 172.16.%d.%d proto tcp dport 80 action drop\n",
				r, int(i / 250), i % 250 + 1
		for (i = 0; i < 300; i++)
			printf "%s priority 30 src 192.%d.%d.0/24 action drop\n",
				r, int(i / 256), i % 256
		for (i = 0; i < 200; i++)
			printf "%s priority 40 proto udp dport %d-%d action drop\n",
				r, 20000 + i * 10, 20005 + i * 10
		for (i = 0; i < 100; i++)
			printf "%s priority 50 dst 10.99.%d.0/24 proto tcp dport 5201 action count\n",
				r, i
	}'
}

scenario_dom0() {
	local a rc=0 i
	lab_use_backends || return 1
	echo 0 >/proc/sys/net/ipv4/ip_forward
	case "${mode:-vfr}" in
	bridge)
		modprobe bridge && brctl addbr br0 && ip link set br0 up &&
			ip addr add 10.9.0.1/24 dev br0 || { lab_fail "no bridge br0"; return 1; }
		lab_guest_start g2 bridge=3 || return 1
		lab_guest_start g1 bridge=2 || { xl destroy g2; return 1; }
		;;
	vfr)
		lab_guest_start g2 vfr=3 || return 1
		lab_vfr_link g2 10.9.0.3
		lab_guest_start g1 vfr=2 || { xl destroy g2; return 1; }
		lab_vfr_link g1 10.9.0.2
		a=$(xl domid g1)
		if netcheck wait $P_RULES_WANTED "${guest_timeout:-600}"; then
			vfrbench_rules "vif$a.0" | vfrctl -batch - >/dev/null ||
				lab_fail "vfrctl refused the 1,000 rules"
			lab_log "rules on the VFR: $(vfrctl list | wc -l)"
			for i in 1 2 3 4 5; do netcheck signal 10.9.0.2 $P_RULES_DONE; sleep 1; done
		fi
		;;
	*) lab_fail "mode is bridge or vfr"; return 1 ;;
	esac
	lab_guest_wait g1 "${guest_timeout:-600}"
	lab_guest_collect g1 || rc=1
	lab_guest_wait g2 60
	lab_guest_collect g2 || rc=1
	[ "${mode:-vfr}" = bridge ] && { ip link set br0 down; brctl delbr br0; }
	return $rc
}

vfrbench_measure() {
	local rt=${runtime:-10} rc=0 i
	lab_wait_for 60 ping -c 1 -W 1 10.9.0.3 || { echo "no answer from g2"; return 1; }
	if [ "${mode:-vfr}" = bridge ]; then
		lab_iperf3 guest-to-guest -c 10.9.0.3 -t "$rt" || rc=1
	else
		lab_iperf3 guest-to-guest-0-rules -c 10.9.0.3 -t "$rt" || rc=1
		( for i in 1 2 3 4 5; do netcheck signal 10.9.0.1 $P_RULES_WANTED; sleep 1; done ) &
		netcheck wait $P_RULES_DONE 300 || { echo "Dom0 never added the rules"; return 1; }
		lab_iperf3 guest-to-guest-1000-rules -c 10.9.0.3 -t "$rt" || rc=1
	fi
	for i in 1 2 3; do netcheck signal 10.9.0.3 $P_G1_DONE; sleep 1; done
	return $rc
}

scenario_guest() {
	lab_frontends || return 1
	lab_guest_net || return 1
	case "$GUEST_IP" in
	10.9.0.3)
		iperf3 -s &
		netcheck wait $P_G1_DONE "${guest_timeout:-600}"
		local rc=$?
		kill $!
		return $rc
		;;
	*) vfrbench_measure ;;
	esac
}
