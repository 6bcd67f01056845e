# net: the network split driver, checked for content across the boundary,
# one guest on a routed vif.  Driver sets: front=, back=, net_front=,
# net_back=.  Every check runs both ways, guest -> Dom0 and Dom0 -> guest:
#
# - TCP: $bytes of a seeded pseudo-random stream (bench/vm/netcheck.c); the
#   receiver's sha256 must be the stream's.  Then $v6_bytes of another one
#   over IPv6 (the guest fd00:1::2, Dom0's vif fd00:1::1): the IPv6
#   checksum offload and TCPv6 GSO paths.
# - UDP: numbered datagrams with payloads fixed by their number.  None may
#   arrive corrupt or twice, and every one lost must be counted as dropped
#   somewhere: the interfaces' drop and error counters on both sides and
#   the UDP/IP discard counters of both kernels.
# - ping with payloads of 0 to 65000 bytes (fragmented above the MTU).
# - with our backend: its statistics are in `ethtool -S`, and splitio_core's
#   counters are back to zero once the guest is gone.
#
# - flip=1: our netfront is loaded with rx_flip=1 (guest-init) and must
#   receive by page flipping when the backend is ours, by copy when it is the kernel's
#   (request-rx-copy is read from XenStore).  While flipping, the page
#   counts Xen keeps for the guest and for Dom0 (xentop) must be the same,
#   within $FLIP_SLACK_KIB, before and after the traffic, and no transfer
#   may have failed.
# - bulk=SIZE (iperf3's K/M/G): after the checks above, the guest also
#   receives SIZE bytes from Dom0 with iperf3 -R -n (no sha256: hashing is
#   what limits the checked transfers under emulation), so that with
#   flip=1 the page counts are compared after that much received.
#
# Parameters: bytes= (TCP, each way, 256M), v6_bytes= (16M), udp_count= (20000), udp_size=
# (1200), udp_pps= (4000), mtu= (1500, both ends), offload= (on|off:
# checksum, SG and TSO in the guest), queues= (the guest's vCPUs, and so
# its queues: 1), flip= (0), bulk= (none), memory=, guest_timeout= (s, 540).

SEED_TO_GUEST=1001
SEED_TO_DOM0=2002
PORT_TCP_TO_GUEST=5001
PORT_TCP_TO_DOM0=5002
PORT_UDP_TO_DOM0=5003
PORT_UDP_TO_GUEST=5004
PORT_GUEST_READY=5005
PORT_DOM0_DONE=5006
PORT_GUEST_UP=5007
PORT_DOM0_COUNTED=5008
SEED6_TO_GUEST=3001
SEED6_TO_DOM0=4002
PORT_TCP6_TO_GUEST=5009
PORT_TCP6_TO_DOM0=5010

# A few pages either way: page tables, Xen's own per-domain pages.
FLIP_SLACK_KIB=64
PING_SIZES="0 1 56 1400 1472 1473 4000 8972 9000 16384 32000 65000"

net_bytes() { echo "${bytes:-256M}"; }

# The sha256 the receiver of stream $1, of $2 bytes, must get.
net_stream_sha() { netcheck gen "$1" "$2" | sha256sum | cut -d' ' -f1; }

# The IPv6 address of host $2 (1: Dom0, 2: the guest) on the link of the
# guest at IPv4 address $1 (10.N.0.2): fd00:N::$2.
net_ip6() { echo "fd00:$(echo "$1" | cut -d. -f2)::$2"; }

net_ping_sweep() {
	local peer=$1 size bad=""
	for size in $PING_SIZES; do
		ping -c 1 -W 10 -s "$size" "$peer" >/dev/null 2>&1 || bad="$bad $size"
	done
	[ -z "$bad" ] || { echo "ping $peer failed for sizes:$bad"; return 1; }
}

# ---- Dom0 ----

scenario_dom0() {
	lab_use_backends || return 1
	# The checksums to expect, worked out while the guest boots.
	net_stream_sha $SEED_TO_GUEST "$(net_bytes)" >/tmp/want-to-guest.sha &
	net_stream_sha $SEED_TO_DOM0 "$(net_bytes)" >/tmp/want-to-dom0.sha &
	net_stream_sha $SEED6_TO_GUEST "${v6_bytes:-16M}" >/tmp/want6-to-guest.sha &
	net_stream_sha $SEED6_TO_DOM0 "${v6_bytes:-16M}" >/tmp/want6-to-dom0.sha &
	netcheck serve $PORT_TCP_TO_GUEST $SEED_TO_GUEST "$(net_bytes)" &
	netcheck sink $PORT_TCP_TO_DOM0 | sha256sum | cut -d' ' -f1 >"$RESULTS/tcp-to-dom0.sha" &
	netcheck serve $PORT_TCP6_TO_GUEST $SEED6_TO_GUEST "${v6_bytes:-16M}" &
	netcheck sink $PORT_TCP6_TO_DOM0 | sha256sum | cut -d' ' -f1 >"$RESULTS/tcp6-to-dom0.sha" &
	netcheck udp-recv $PORT_UDP_TO_DOM0 "${udp_count:-20000}" "${udp_size:-1200}" 5000 \
		>"$RESULTS/udp-to-dom0" &
	netcheck udp-serve $PORT_UDP_TO_GUEST >"$RESULTS/udp-to-guest.sender" &
	[ -z "${bulk:-}" ] || iperf3 -s -1 --logfile "$RESULTS/iperf3-bulk-server.log" &
	net_dom0_side g1 10.1.0.2 "$(lab_stack_drops)" &
	lab_guest_start g1 net=1 "memory=${memory:-512}" "vcpus=${queues:-1}" \
		${mtu:+"mtu=$mtu"} || return 1
	lab_guest_wait g1 "${guest_timeout:-540}"
	lab_guest_collect g1 || return 1
	wait
	net_check_content
	net_check_udp
	lab_core_counters_zero
}

# Is the guest's netfront to flip?  Ours asked to, with our backend.
net_flipping() {
	[ "${flip:-0}" = 1 ] && [ "${net_front:-$FRONT}" = ours ] &&
		[ "${net_back:-$BACK}" = ours ]
}

# flip=1: once the guest's interface is up, the receive mode it chose, and
# the page counts before any traffic.
net_flip_before() {
	local name=$1 ip=$2 want=1 got
	rm -f /tmp/flip-done
	netcheck wait $PORT_GUEST_UP "${guest_timeout:-540}" || return
	net_flipping && want=0
	got=$(xenstore-read "/local/domain/$(xl domid "$name")/device/vif/0/request-rx-copy")
	[ "$got" = "$want" ] ||
		lab_fail "flip=1: request-rx-copy is '$got', not $want"
	lab_log "flip=1: request-rx-copy = $got"
	sleep 1
	echo "$(lab_domain_kib "$name") $(lab_domain_kib Domain-0)" >/tmp/flip-kib-before
	lab_log "flip: guest and Dom0 at $(cat /tmp/flip-kib-before) KiB"
	netcheck signal "$ip" $PORT_DOM0_COUNTED
	net_flip_progress "$name" &
}

# Slow emulation makes a long transfer look hung: say how far it got.
net_flip_progress() {
	local stats
	stats=/sys/class/net/vif$(xl domid "$1" 2>/dev/null).0/statistics
	while sleep 30 && [ -e "$stats" ] && [ ! -e /tmp/flip-done ]; do
		lab_log "flip: $(cat "$stats/tx_bytes" 2>/dev/null) bytes to the guest so far"
	done
}

# flip=1, the traffic done: the page counts again, and the transfer errors.
net_flip_after() {
	local name=$1 vif=$2 guest0 dom00 guest1 dom01 errors change
	touch /tmp/flip-done
	net_flipping || return 0
	read -r guest0 dom00 </tmp/flip-kib-before
	guest1=$(lab_domain_kib "$name")
	dom01=$(lab_domain_kib Domain-0)
	lab_log "flip: guest $guest0 -> $guest1 KiB, Dom0 $dom00 -> $dom01 KiB, $(cat "/sys/class/net/$vif/statistics/tx_bytes") bytes received"
	lab_result_metric flip_guest_kib_change $(( guest1 - guest0 )) KiB
	lab_result_metric flip_dom0_kib_change $(( dom01 - dom00 )) KiB
	for change in $(( guest1 - guest0 )) $(( dom01 - dom00 )); do
		[ "${change#-}" -le $FLIP_SLACK_KIB ] ||
			lab_fail "flip: a page count moved by $change KiB"
	done
	errors=$(awk '/to_guest_drop_transfer_error/ { n += $2 } END { print n + 0 }' \
		"$RESULTS/ethtool-$vif.txt")
	[ "$errors" = 0 ] || lab_fail "flip: $errors packets failed to transfer"
}

# While the guest runs: once it says its own checks are done, read the
# vif's counters (the vif goes with the guest), ping it, and let it go.
net_dom0_side() {
	local name=$1 ip=$2 stack_before=$3 vif i
	if [ "${flip:-0}" = 1 ]; then
		net_flip_before "$name" "$ip" || return
	fi
	netcheck wait $PORT_GUEST_READY "${guest_timeout:-540}" || return
	vif=$(ls /sys/class/net | grep "^vif$(xl domid "$name")\." | head -n 1)
	echo $(( $(lab_iface_drops "$vif") + $(lab_stack_drops) - stack_before )) \
		>"$RESULTS/dom0-drops"
	if [ "${net_back:-$BACK}" = ours ]; then
		ethtool -S "$vif" >"$RESULTS/ethtool-$vif.txt" 2>&1 ||
			lab_fail "ethtool -S $vif: $(cat "$RESULTS/ethtool-$vif.txt")"
	fi
	[ "${flip:-0}" != 1 ] || net_flip_after "$name" "$vif"
	net_ping_sweep "$ip" >"$RESULTS/ping-to-guest" 2>&1 ||
		lab_fail "$(cat "$RESULTS/ping-to-guest")"
	for i in 1 2 3 4 5; do
		# Once the guest has its signal it powers off: later ones fail.
		netcheck signal "$ip" $PORT_DOM0_DONE 2>/dev/null || break
		sleep 1
	done
}

# TCP over IPv4 (tcp) and IPv6 (tcp6): what each end received.
net_check_content() {
	local tcp
	for tcp in tcp tcp6; do
		[ "$(lab_metric_value ${tcp}_to_guest_sha256)" = "$(cat /tmp/want${tcp#tcp}-to-guest.sha)" ] ||
			lab_fail "$tcp Dom0 -> guest: the guest received other bytes than Dom0 sent"
		[ "$(cat "$RESULTS/$tcp-to-dom0.sha")" = "$(cat /tmp/want${tcp#tcp}-to-dom0.sha)" ] ||
			lab_fail "$tcp guest -> Dom0: Dom0 received other bytes than the guest sent"
	done
	lab_log "TCP: $(net_bytes) each way over IPv4, ${v6_bytes:-16M} over IPv6, arrived intact"
}

# Losses are allowed only as far as some layer counted them as drops.
net_check_udp() {
	local r=$RESULTS/udp-to-dom0 bad lost counted
	bad=$(( $(lab_report_value "$r" corrupt) + $(lab_report_value "$r" duplicate) +
		$(lab_metric_value udp_to_guest_corrupt) + $(lab_metric_value udp_to_guest_duplicate) ))
	[ "$bad" = 0 ] || lab_fail "UDP: $bad datagrams arrived corrupt or twice"
	lost=$(( $(lab_report_value "$r" lost) + $(lab_metric_value udp_to_guest_lost) ))
	counted=$(( $(cat "$RESULTS/dom0-drops") + $(lab_metric_value guest_drops) ))
	[ "$lost" -le "$counted" ] ||
		lab_fail "UDP: $lost datagrams lost but only $counted drops counted"
	lab_log "UDP: $lost lost, $counted drops counted, none corrupt"
	lab_result_metric udp_lost "$lost" datagrams
}

# ---- guest ----

scenario_guest() {
	local sha drops_before got peer6 r=/tmp/udp
	lab_frontends || return 1
	lab_guest_net || return 1
	echo 0 >/proc/sys/net/ipv6/conf/eth0/accept_dad
	ip -6 addr add "$(net_ip6 "$GUEST_IP" 2)/64" dev eth0 || return 1
	if [ "${flip:-0}" = 1 ]; then
		# Listening before Dom0 can answer: a signal is one datagram.
		netcheck wait $PORT_DOM0_COUNTED 120 & got=$!
		netcheck signal "$PEER_IP" $PORT_GUEST_UP
		wait $got || { echo "Dom0 never counted pages"; return 1; }
		lab_log "Dom0 counted pages"
	fi
	if [ -n "${mtu:-}" ]; then
		lab_run ip link set eth0 mtu "$mtu" || return 1
	fi
	# One queue per vCPU, as both frontends choose.
	got=$(ls /sys/class/net/eth0/queues | grep -c '^tx-')
	[ "$got" = "${queues:-1}" ] || { echo "eth0 has $got queues, not ${queues:-1}"; return 1; }
	if [ "${offload:-on}" = off ]; then
		# One at a time: a driver may refuse some, and these two matter.
		for f in tx rx sg tso gso gro; do lab_run ethtool -K eth0 "$f" off; done
		ethtool -k eth0 | grep -q '^tx-checksumming: off' &&
			ethtool -k eth0 | grep -q '^scatter-gather: off' ||
			{ echo "checksum offload or SG still on"; ethtool -k eth0; return 1; }
	fi
	drops_before=$(( $(lab_iface_drops eth0) + $(lab_stack_drops) ))

	sha=$(netcheck fetch "$PEER_IP" $PORT_TCP_TO_GUEST | sha256sum | cut -d' ' -f1)
	lab_metric tcp_to_guest_sha256 "$sha" hash
	lab_run netcheck send "$PEER_IP" $PORT_TCP_TO_DOM0 $SEED_TO_DOM0 "$(net_bytes)" ||
		return 1
	peer6=$(net_ip6 "$GUEST_IP" 1)
	sha=$(netcheck fetch "$peer6" $PORT_TCP6_TO_GUEST | sha256sum | cut -d' ' -f1)
	lab_metric tcp6_to_guest_sha256 "$sha" hash
	lab_run netcheck send "$peer6" $PORT_TCP6_TO_DOM0 $SEED6_TO_DOM0 "${v6_bytes:-16M}" ||
		{ echo "sending over IPv6 failed"; return 1; }

	lab_run netcheck udp-send "$PEER_IP" $PORT_UDP_TO_DOM0 "${udp_count:-20000}" \
		"${udp_size:-1200}" "${udp_pps:-4000}" || return 1
	lab_run netcheck udp-request "$PEER_IP" $PORT_UDP_TO_GUEST "${udp_count:-20000}" \
		"${udp_size:-1200}" "${udp_pps:-4000}" 5000 >$r || return 1
	cat $r
	for key in corrupt duplicate lost; do
		lab_metric udp_to_guest_$key "$(lab_report_value $r $key)" datagrams
	done

	net_ping_sweep "$PEER_IP" || return 1
	if [ -n "${bulk:-}" ]; then
		lab_iperf3 bulk-to-guest -c "$PEER_IP" -R -n "$bulk" || return 1
	fi
	if [ "${net_front:-$FRONT}" = ours ]; then
		lab_run ethtool -S eth0 || return 1
	fi
	lab_metric guest_drops \
		$(( $(lab_iface_drops eth0) + $(lab_stack_drops) - drops_before )) drops
	netcheck signal "$PEER_IP" $PORT_GUEST_READY
	netcheck wait $PORT_DOM0_DONE 300 || { echo "Dom0 never finished pinging us"; return 1; }
}
