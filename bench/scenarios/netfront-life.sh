# netfront-life: a frontend's life cycle against the backend given by
# net_back= (or back=), the frontend by net_front= (or front=).
#
# The guest sends a random file to Dom0 over TCP and gets it back, so the
# data crosses the driver both ways and must come back intact (Dom0 also
# checks what it received); pings of many sizes, up to 65000 bytes; then
# the connected device is unbound and the frontend unloaded, splitio_core's
# counters must read zero, and after a reload it reconnects and the
# transfer runs again.  Not in a suite yet: run it on its own.
#
# Parameters: mib= (file size, 32), rounds= (load/unload rounds, 2),
# guest_timeout= (s).

NF_PORT=5001	# round N uses ports NF_PORT + 2N (up) and + 2N + 1 (down)

scenario_dom0() {
	local server round
	lab_use_backends || return 1
	nf_dom0_server &
	server=$!
	lab_guest_start g1 net=1 || { kill "$server"; return 1; }
	lab_guest_wait g1 "${guest_timeout:-900}"
	lab_guest_collect g1
	kill "$server" 2>/dev/null
	for round in $(seq 1 "${rounds:-2}"); do
		[ "$(sha256sum </tmp/nf-up-$round | cut -d' ' -f1)" = \
		  "$(lab_metric_value nf_sha256)" ] ||
			lab_fail "round $round: Dom0 received other data than the guest sent"
		rm -f /tmp/nf-up-$round
	done
}

# Per round: receive the guest's file, then send it back.  A receiving nc
# quits when its stdin ends: hold stdin open on a FIFO.
nf_dom0_server() {
	local round up
	mkfifo /tmp/nf-hold
	exec 3<>/tmp/nf-hold
	for round in $(seq 1 "${rounds:-2}"); do
		up=$((NF_PORT + 2 * round))
		nc -l -p "$up" <&3 >/tmp/nf-up-$round
		nc -l -p $((up + 1)) </tmp/nf-up-$round
	done
}

nf_counters_zero() {
	lab_core_counters
	lab_core_idle || { echo "FAIL: counters not 0"; return 1; }
}

# Up to Dom0 and back; what comes back must be what went.
nf_round_trip() {
	local round=$1 up=$((NF_PORT + 2 * $1)) start end
	start=$(date +%s)
	lab_wait_for 30 nc "$PEER_IP" "$up" </tmp/nf-file ||
		{ echo "FAIL: round $round: upload"; return 1; }
	lab_wait_for 30 sh -c "nc $PEER_IP $((up + 1)) <&3 >/tmp/nf-back" ||
		{ echo "FAIL: round $round: download"; return 1; }
	end=$(date +%s)
	[ "$(sha256sum </tmp/nf-back | cut -d' ' -f1)" = "$NF_SUM" ] ||
		{ echo "FAIL: round $round: the file came back changed"; return 1; }
	echo "round $round: ${mib:-32} MiB up and back intact in $((end - start)) s"
	rm -f /tmp/nf-back
}

nf_pings() {
	local size
	for size in 0 1 56 1472 1473 3000 4096 8000 9000 16384 32768 65000; do
		ping -c 2 -W 10 -s "$size" "$PEER_IP" >/dev/null ||
			{ echo "FAIL: ping -s $size"; return 1; }
	done
	echo "pings 0..65000 bytes answered"
}

scenario_guest() {
	local round
	mkfifo /tmp/nf-hold
	exec 3<>/tmp/nf-hold
	dd if=/dev/urandom of=/tmp/nf-file bs=1M count="${mib:-32}" 2>/dev/null
	NF_SUM=$(sha256sum </tmp/nf-file | cut -d' ' -f1)
	lab_metric nf_sha256 "$NF_SUM" hash
	for round in $(seq 1 "${rounds:-2}"); do
		lab_run modprobe "$(lab_driver_module "${net_front:-$FRONT}" netfront)" ||
			return 1
		lab_guest_net || return 1
		nf_round_trip "$round" || return 1
		nf_pings || return 1
		cat /sys/class/net/eth0/statistics/rx_packets \
		    /sys/class/net/eth0/statistics/tx_packets
		[ "${net_front:-$FRONT}" = ours ] || continue
		# Closed while connected, then unloaded: everything must be
		# given back.  A bound device pins its driver's module, so
		# unbind it first; the reload's probe binds it again.
		echo vif-0 >/sys/bus/xen/drivers/splitio_netfront/unbind || return 1
		lab_run rmmod splitio_netfront || return 1
		nf_counters_zero || return 1
	done
}
