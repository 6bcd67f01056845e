# netback-life: a vif's life cycle against the chosen netback (net_back=).
# Guest g1 runs iperf3 to Dom0 and is destroyed in the middle of it: its
# vif must go away and splitio_core's counters must return to zero.  Guest
# g2 then pings Dom0 with sizes from 0 to 65000 bytes and runs iperf3 both
# ways, then unbinds and rebinds its netfront so that the vif reconnects;
# after it powers off the counters must be zero again and the backend
# must unload.
#
# flip=1: our netfront receives by page flipping, g1 is destroyed while
# receiving (iperf3 -R), and Dom0's page count (xentop) must be what it
# was before g1 once everything is gone: no frame given away unreplaced.
#
# Parameters: runtime= (s, 5), flip= (0), guest_timeout= (s).

# A few pages either way: page tables, Xen's own per-domain pages.
DOM0_SLACK_KIB=64

check_released() {
	if lab_wait_for 30 lab_core_idle; then
		lab_log "counters back to 0 $1"
	else
		lab_fail "counters not back to 0 $1: $(lab_core_counters)"
	fi
}

scenario_dom0() {
	local server mod dom0_kib change
	lab_use_backends || return 1
	iperf3 -s --logfile "$RESULTS/iperf3-server.log" &
	server=$!
	dom0_kib=$(lab_domain_kib Domain-0)

	lab_guest_start g1 net=1 || { kill "$server"; return 1; }
	if lab_wait_for 240 grep -q NETBACK-LIFE-IPERF "$CONSOLE_DIR/guest-g1.log"; then
		sleep 5
		lab_log "destroying g1 in the middle of iperf3"
		lab_run xl destroy g1
	else
		lab_fail "g1 never started iperf3"
		xl destroy g1
	fi
	lab_wait_for 30 lab_guest_gone g1 || lab_fail "g1 not destroyed"
	lab_unfollow "$(cat /tmp/g1.follower)"
	lab_wait_for 30 sh -c '! ip link show vif1.0 >/dev/null 2>&1' ||
		lab_fail "vif of the destroyed guest still there"
	check_released "after destroying a guest mid-transfer"
	# The server may be stuck on the dead connection; a fresh one for g2.
	kill "$server"
	iperf3 -s --logfile "$RESULTS/iperf3-server-2.log" &
	server=$!

	lab_guest_start g2 net=2 || { kill "$server"; return 1; }
	lab_guest_wait g2 "${guest_timeout:-420}"
	lab_guest_collect g2
	kill "$server"
	check_released "after g2 powered off"
	mod=$(lab_driver_module "${net_back:-$BACK}" netback | tr - _)
	lab_run rmmod "$mod" || lab_fail "cannot unload $mod with no guest left"
	check_released "after unloading $mod"
	change=$(( $(lab_domain_kib Domain-0) - dom0_kib ))
	lab_result_metric dom0_kib_change "$change" KiB
	[ "${change#-}" -le $DOM0_SLACK_KIB ] ||
		lab_fail "Dom0's page count moved by $change KiB"
}

scenario_guest() {
	local size front reverse=""
	lab_frontends || return 1
	lab_guest_net || return 1
	if [ "$GUEST_IP" = 10.1.0.2 ]; then
		[ "${flip:-0}" != 1 ] || reverse=-R
		echo NETBACK-LIFE-IPERF
		iperf3 -c "$PEER_IP" -t 600 $reverse >/dev/null 2>&1
		return 1	# not reached: destroyed before
	fi
	for size in 0 1 56 1400 1472 1473 4000 9000 32768 65000; do
		ping -c 2 -W 5 -s "$size" "$PEER_IP" >/dev/null ||
			{ echo "ping -s $size failed"; return 1; }
	done
	echo "pings of 0 to 65000 bytes answered"
	lab_iperf3 guest-to-dom0 -c "$PEER_IP" -t "${runtime:-5}" || return 1
	lab_iperf3 dom0-to-guest -c "$PEER_IP" -t "${runtime:-5}" -R || return 1
	# Reconnection: the frontend closes and comes back on the same vif.
	# Unbinding, not rmmod: a bound device pins its driver's module.
	front=$(readlink -f /sys/bus/xen/devices/vif-0/driver) ||
		{ echo "vif-0 has no driver"; return 1; }
	echo vif-0 >"$front/unbind" || return 1
	echo vif-0 >"$front/bind" || return 1
	lab_guest_net || { echo "no network after reconnecting"; return 1; }
	ping -c 3 -W 5 -s 8000 "$PEER_IP" >/dev/null ||
		{ echo "ping after reconnecting failed"; return 1; }
	echo "reconnected"
}
