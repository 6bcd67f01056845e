# hostile: a guest that attacks our blkback and netback through the
# test-only hostile frontend (tests/hostile), beside a well-behaved guest
# on the same backends, in one boot.
#
#   g2, well-behaved: our frontends, a disk and a vif; rounds of fio
#       random writes with crc32c verify (any I/O over 10 s fails it) and
#       a seeded TCP stream from Dom0 checked by sha256, until Dom0 says
#       stop.  Every round must pass, each within HOSTILE_ROUND_MAX s.
#   g1, hostile: a disk and a vif and no frontend of its own; it loads
#       splitio_hostile once per attack (HOSTILE_VBD_ATTACKS, then
#       HOSTILE_VIF_ATTACKS), each on a fresh connection.  The module
#       reports each case (what it sent, what the backend did, ok or
#       WRONG); every case must be ok.  It never posts a receive buffer,
#       and Dom0 pings it meanwhile, with netback's rx_stall_ms at 3 s.
#
# Dom0 checks afterwards that our backends named the device in their
# ratelimited lines (invalid requests, bad packets, the broken rings,
# the receive stall), and that what it holds is what it held before
# either guest started: splitio_core's counters, its backends' threads,
# event channels, XenStore nodes, and memory (lab_holdings).
#
# Parameters: back= must be ours for the backend checks; guest_timeout=.

HOSTILE_VBD_ATTACKS="requests prod-overflow flap abi32 xs-ring-ref-text
	xs-ring-ref-beyond xs-ring-ref-negative xs-evtchn-text xs-evtchn-unbound
	xs-order-huge xs-queues-huge xs-queues-zero xs-protocol xs-persistent-text"
HOSTILE_VIF_ATTACKS="packets endless-packet packet-past-prod prod-overflow
	xs-tx-ring-ref-text xs-rx-ring-ref-beyond xs-evtchn-unbound
	xs-rx-copy-text xs-rx-notify-off xs-queues-huge"
# (abi32 is no attack: requests in the x86_32 layout, which must work.)
# The verdicts those attacks print, one each but for vbd's requests, 20
# (16 bad or odd requests, a revoked grant, the double fetch, the storm,
# the answers), abi32's 2 and vif's packets, 15 (13 packets, the storm,
# the answers).
HOSTILE_VERDICTS=$((34 + 24))
HOSTILE_RX_STALL_MS=3000
HOSTILE_PORT_STOP=5120
HOSTILE_PORT_STREAM=5121
HOSTILE_SEED=4242
HOSTILE_STREAM=8M
HOSTILE_ROUND_MAX=180
HOSTILE_STALL_PARAM=/sys/module/splitio_netback/parameters/rx_stall_ms

# Our backends' lines name the device the attacks came from.
hostile_check_log() {
	local vbd="vbd-$1-51712" vif="vif$1.0" want
	for want in "$vbd: queue 0: invalid request" \
		    "$vbd: queue 0: frontend's request index is impossible" \
		    "$vif: queue 0: dropping a packet" \
		    "$vif: disconnecting dom$1: packet of more than" \
		    "$vif: disconnecting dom$1: packet past the producer index" \
		    "$vif: disconnecting dom$1: TX producer index out of range" \
		    "$vif: queue 0: guest took no packet"; do
		dmesg | grep -q "$want" || lab_fail "our backends never logged '$want'"
	done
	lab_result_metric hostile_vbd_lines "$(dmesg | grep -c "$vbd")" lines
	lab_result_metric hostile_vif_lines "$(dmesg | grep -c "$vif")" lines
}

scenario_dom0() {
	local good bad server d1 left stall pinger
	[ "${blk_back:-$BACK}" = ours ] && [ "${net_back:-$BACK}" = ours ] ||
		{ lab_fail "hostile needs back=ours"; return 1; }
	lab_use_backends || return 1
	good=$(lab_disk hgood 256M) && bad=$(lab_disk hbad 64M) ||
		{ lab_fail "no loop device"; return 1; }
	lab_holdings >/tmp/hostile-before
	# A session of its own, so that it goes whole with its server.
	setsid sh -c "while :; do netcheck serve $HOSTILE_PORT_STREAM $HOSTILE_SEED $HOSTILE_STREAM; done" \
		>/dev/null 2>&1 &
	server=$!
	stall=$(cat $HOSTILE_STALL_PARAM)
	echo $HOSTILE_RX_STALL_MS >$HOSTILE_STALL_PARAM
	if lab_guest_start g2 "disk=$good" net=2 memory=384 &&
	   lab_guest_marker g2 GOOD-RUNNING HOSTILE-FAIL "${guest_timeout:-600}" &&
	   lab_guest_start g1 "disk=$bad" net=3 memory=384; then
		d1=$(xl domid g1)
		# Frames for g1, which never takes one: ARP for it, in vain.
		# (ping ends when the vif is gone, between attacks: again.)
		setsid sh -c "while :; do ping -i 0.5 10.3.0.2; sleep 1; done" >/dev/null 2>&1 &
		pinger=$!
		lab_guest_wait g1 "${guest_timeout:-900}"
		kill -- "-$pinger"
		lab_guest_collect g1
		lab_guest_signal g2 10.2.0.2 $HOSTILE_PORT_STOP GOOD-HEARD ||
			lab_fail "g2 never heard the attacks were over"
		lab_guest_wait g2 "${guest_timeout:-600}"
		lab_guest_collect g2
		hostile_check_log "$d1"
		left=$(lab_xenstore_left "$d1") ||
			lab_fail "XenStore still holds g1's $left"
	else
		lab_fail "the guests did not start"
		xl destroy g2 2>/dev/null
	fi
	kill -- "-$server" 2>/dev/null
	echo "$stall" >$HOSTILE_STALL_PARAM
	losetup -d "$good"
	losetup -d "$bad"
	rm -f /tmp/hgood.img /tmp/hbad.img
	lab_wait_for 30 lab_core_idle
	lab_holdings >/tmp/hostile-after
	lab_compare_holdings hostile /tmp/hostile-before /tmp/hostile-after
}

hostile_fail() { echo "HOSTILE-FAIL $*"; return 1; }

# g1: one module load per attack on device $2 of class $1; the module's
# "done" line ends each.
hostile_guest_attack() {
	local class=$1 dev=$2 attack=$3
	lab_run modprobe splitio_hostile "$class=$attack" ||
		{ hostile_fail "cannot load splitio_hostile"; return 1; }
	lab_wait_for 300 sh -c "dmesg | grep -q 'HOSTILE $dev done $attack:'" ||
		{ hostile_fail "$class attack $attack never ended"; return 1; }
	# XenBus holds the module while the device is bound to it.
	echo "$dev" >"/sys/bus/xen/drivers/splitio_hostile_$class/unbind" &&
		lab_run rmmod splitio_hostile ||
		{ hostile_fail "cannot unload splitio_hostile"; return 1; }
}

hostile_guest_bad() {
	local attack ok wrong out="$LAB_OUT/hostile.txt"
	for attack in $HOSTILE_VBD_ATTACKS; do
		hostile_guest_attack vbd vbd-51712 "$attack" || break
	done
	for attack in $HOSTILE_VIF_ATTACKS; do
		hostile_guest_attack vif vif-0 "$attack" || break
	done
	dmesg | sed -n 's/.*\(HOSTILE .*\)/\1/p' >"$out"
	cat "$out"
	lab_keep_file "$out"
	ok=$(grep -c ': ok$' "$out")
	wrong=$(grep -c -v ': ok$\| done \| rx-never-posted: ' "$out")
	lab_metric hostile_cases_ok "$ok" cases
	[ "$wrong" = 0 ] || { hostile_fail "$wrong line(s) not ok"; return 1; }
	[ "$ok" = $HOSTILE_VERDICTS ] ||
		{ hostile_fail "$ok cases ok, $HOSTILE_VERDICTS expected"; return 1; }
	[ "$(grep -c ' done .*: ran, 0 case(s) wrong' "$out")" = \
	  "$(echo $HOSTILE_VBD_ATTACKS $HOSTILE_VIF_ATTACKS | wc -w)" ] ||
		{ hostile_fail "not every attack ran"; return 1; }
}

# g2: verified I/O and a verified stream, round after round, until told.
hostile_guest_good() {
	local want got waiter round=0 start took
	lab_frontends && lab_guest_net || { hostile_fail "no disk or network"; return 1; }
	lab_wait_for 30 test -b /dev/xvda || { hostile_fail "no /dev/xvda"; return 1; }
	want=$(netcheck gen $HOSTILE_SEED $HOSTILE_STREAM | sha256sum | cut -d' ' -f1)
	# The marker tells Dom0 at once that its signal arrived.
	(netcheck wait $HOSTILE_PORT_STOP "${guest_timeout:-1500}" && echo GOOD-HEARD) &
	waiter=$!
	while [ $round = 0 ] || kill -0 $waiter 2>/dev/null; do
		round=$((round + 1))
		start=$(date +%s)
		fio --output=/tmp/good.txt --name=good --filename=/dev/xvda --direct=1 \
			--ioengine=libaio --size=16M --offset=$(( (round % 8) * 16 ))M \
			--rw=randwrite --bs=4k --iodepth=16 --verify=crc32c --verify_fatal=1 \
			--max_latency=10s --eta=never ||
			{ cat /tmp/good.txt; hostile_fail "round $round: fio"; return 1; }
		got=$(netcheck fetch "$PEER_IP" $HOSTILE_PORT_STREAM | sha256sum | cut -d' ' -f1)
		[ "$got" = "$want" ] ||
			{ hostile_fail "round $round: the stream arrived wrong"; return 1; }
		took=$(($(date +%s) - start))
		[ $took -le $HOSTILE_ROUND_MAX ] ||
			{ hostile_fail "round $round took $took s"; return 1; }
		echo "GOOD-ROUND $round ok in $took s"
		[ $round = 1 ] && echo GOOD-RUNNING
	done
	wait $waiter || { hostile_fail "never told to stop"; return 1; }
	lab_metric hostile_good_rounds $round rounds
	[ $round -ge 2 ] || { hostile_fail "only $round round: none beside the attacks"; return 1; }
}

scenario_guest() {
	case "$GUEST_NAME" in
	g1) hostile_guest_bad ;;
	g2) hostile_guest_good ;;
	esac
}
