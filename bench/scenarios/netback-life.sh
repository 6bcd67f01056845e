# netback-life: a vif's life cycle against the chosen netback (net_back=).
# Guest g1 runs iperf3 to Dom0 and is destroyed in the middle of it: its
# vif must go away and splitio_core's counters must return to zero.  Guest
# g2 then pings Dom0 with sizes from 0 to 65000 bytes and runs iperf3 both
# ways, then unbinds and rebinds its netfront so that the vif reconnects;
# then, with the backend's module refused unloading while the vif is
# attached, Dom0 detaches g2's vif (`xl network-detach`) while g2 runs iperf3
# to it: the vif goes, the counters return to zero, and after
# `xl network-attach` g2 has network again.  After g2 powers off the
# counters must be zero again, nothing of either guest may be left in
# XenStore, and the backend must unload.
#
# flip=1: our netfront receives by page flipping, g1 is destroyed and
# g2's vif detached while receiving (iperf3 -R), and Dom0's page count (xentop) must be what it
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

# Starts iperf3's server, logging to $1, in place of $server if running:
# a server may be stuck on a connection whose guest or vif went away.
iperf3_server() {
	[ -z "$server" ] || kill "$server"
	iperf3 -s --logfile "$RESULTS/$1" &
	server=$!
}

scenario_dom0() {
	local server mod dom0_kib change domids domid
	lab_use_backends || return 1
	server=""
	iperf3_server iperf3-server.log
	dom0_kib=$(lab_domain_kib Domain-0)

	lab_guest_start g1 net=1 || { kill "$server"; return 1; }
	domids=$(xl domid g1)
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
	lab_wait_for 30 sh -c "! ip link show vif$domids.0 >/dev/null 2>&1" ||
		lab_fail "vif of the destroyed guest still there"
	check_released "after destroying a guest mid-transfer"
	iperf3_server iperf3-server-2.log	# a fresh one for g2

	lab_guest_start g2 net=2 || { kill "$server"; return 1; }
	domids="$domids $(xl domid g2)"
	mod=$(lab_driver_module "${net_back:-$BACK}" netback | tr - _)
	if lab_guest_marker g2 NETBACK-LIFE-DETACH NETBACK-LIFE-FAIL "${guest_timeout:-420}"; then
		# XenBus holds the module of every bound device's driver.
		if rmmod "$mod" 2>/dev/null; then
			lab_fail "$mod unloaded while a guest's vif was attached"
			modprobe "$mod"
		fi
		sleep 5	# iperf3 under way
		lab_log "detaching g2's vif in the middle of iperf3"
		lab_run timeout 60 xl network-detach g2 0 || lab_fail "xl network-detach failed"
		lab_wait_for 30 sh -c '[ -z "$(xl network-list g2 | sed 1d)" ]' ||
			lab_fail "the vif is still listed after network-detach"
		check_released "after detaching a vif under traffic"
		# Not before g2 saw it go: its XenBus acts on the device's
		# directory as it finds it when the watch fires, and would miss a
		# removal that an attach had already undone.
		lab_guest_marker g2 "eth0 went away" NETBACK-LIFE-FAIL 150
		iperf3_server iperf3-server-3.log
		lab_run xl network-attach g2 mac=00:16:3e:00:02:01 ip=10.2.0.2 \
			script=/etc/xen/scripts/splitio-vif ||
			lab_fail "xl network-attach failed"
	fi
	lab_guest_wait g2 "${guest_timeout:-420}"
	lab_guest_collect g2
	kill "$server"
	check_released "after g2 powered off"
	for domid in $domids; do
		lab_wait_for 30 lab_xenstore_left "$domid" ||
			lab_fail "XenStore still holds $(lab_xenstore_left "$domid")"
	done
	lab_run rmmod "$mod" || lab_fail "cannot unload $mod with no guest left"
	check_released "after unloading $mod"
	change=$(( $(lab_domain_kib Domain-0) - dom0_kib ))
	lab_result_metric dom0_kib_change "$change" KiB
	[ "${change#-}" -le $DOM0_SLACK_KIB ] ||
		lab_fail "Dom0's page count moved by $change KiB"
}

life_fail() { echo "NETBACK-LIFE-FAIL $*"; return 1; }

scenario_guest() {
	local size front iperf reverse=""
	lab_frontends || return 1
	lab_guest_net || return 1
	# Flipping: the guests receive while their vif goes.
	[ "${flip:-0}" != 1 ] || reverse=-R
	if [ "$GUEST_IP" = 10.1.0.2 ]; then
		echo NETBACK-LIFE-IPERF
		iperf3 -c "$PEER_IP" -t 600 $reverse >/dev/null 2>&1
		return 1	# not reached: destroyed before
	fi
	for size in 0 1 56 1400 1472 1473 4000 9000 32768 65000; do
		ping -c 2 -W 5 -s "$size" "$PEER_IP" >/dev/null ||
			{ life_fail "ping -s $size failed"; return 1; }
	done
	echo "pings of 0 to 65000 bytes answered"
	lab_iperf3 guest-to-dom0 -c "$PEER_IP" -t "${runtime:-5}" ||
		{ life_fail "iperf3 to Dom0"; return 1; }
	lab_iperf3 dom0-to-guest -c "$PEER_IP" -t "${runtime:-5}" -R ||
		{ life_fail "iperf3 from Dom0"; return 1; }
	# Reconnection: the frontend closes and comes back on the same vif.
	# Unbinding, not rmmod: a bound device pins its driver's module.
	front=$(readlink -f /sys/bus/xen/devices/vif-0/driver) ||
		{ life_fail "vif-0 has no driver"; return 1; }
	echo vif-0 >"$front/unbind" || { life_fail "unbind"; return 1; }
	echo vif-0 >"$front/bind" || { life_fail "bind"; return 1; }
	lab_guest_net || { life_fail "no network after reconnecting"; return 1; }
	ping -c 3 -W 5 -s 8000 "$PEER_IP" >/dev/null ||
		{ life_fail "ping after reconnecting failed"; return 1; }
	echo "reconnected"

	# Detached under traffic, then attached again: a new device.
	iperf3 -c "$PEER_IP" -t 600 $reverse >/dev/null 2>&1 & iperf=$!
	echo NETBACK-LIFE-DETACH
	lab_wait_for 120 sh -c '! test -e /sys/class/net/eth0' ||
		{ kill -9 $iperf; life_fail "eth0 never went away"; return 1; }
	kill -0 $iperf 2>/dev/null ||
		{ life_fail "iperf3 had ended before its vif went"; return 1; }
	kill -9 $iperf
	wait $iperf
	echo "eth0 went away under traffic"
	lab_wait_for "${guest_timeout:-420}" test -e /sys/class/net/eth0 ||
		{ echo "eth0 never came back"; return 1; }
	lab_guest_net || { echo "no network after network-attach"; return 1; }
	ping -c 3 -W 5 -s 8000 "$PEER_IP" >/dev/null ||
		{ echo "ping after network-attach failed"; return 1; }
	lab_iperf3 after-attach -c "$PEER_IP" -t "${runtime:-5}" || return 1
	echo "network again after network-attach"
}
