# hostile-back: our frontends against a backend that lies, in one boot.
# Dom0 unloads every real backend and loads the test-only hostile one
# (tests/hostile, splitio_hostile_back); one guest with our frontends
# gets a disk, then a vif, attached once per way of answering, and each
# detached again before the next.
#
#   honest, the control: every request answered.  The frontend must not
#       complain, and the device works (a disk reads, a vif transmits).
#   the attacks (back_vbd.c, back_vif.c): ids beyond the ring, another
#       operation, an answer twice, an answer with nothing in flight, the
#       response index far past the requests.  The frontend must log that
#       the backend broke the protocol, fail the disk's I/O at once (not
#       hang) or disconnect the vif, and the guest lives on.
#
# Each device must go away on detach, the guest's splitio_core counters
# must be 0 at the end (no grant or event channel kept), and Dom0 must
# have logged each attack as sent: a case that never ran cannot pass.
#
# Parameters: front= must be ours; guest_timeout=.

HB_VBD_ATTACKS="honest bad-id wrong-op double unsolicited prod-overflow"
HB_VIF_ATTACKS="honest tx-bad-id tx-unsolicited tx-overflow rx-bad-id rx-overflow"
HB_PARAMS=/sys/module/splitio_hostile_back/parameters
HB_REAL_BACKENDS="splitio_blkback splitio_netback xen_blkback xen_netback"
HB_MAC=00:16:3e:00:06:01
HB_BACKEND=/local/domain/0/backend

hb_backend_gone() { ! xenstore-exists "$1" 2>/dev/null; }

# One device's life: attack $3 on class $1, attached by $4, detached by $5.
hb_dom0_case() {
	local class=$1 i=$2 attack=$3 attach=$4 detach=$5 tag
	tag=$(echo "$class" | tr a-z A-Z)
	echo "$attack" >"$HB_PARAMS/$class" &&
		$attach &&
		lab_guest_marker hb "HB-$tag $i " HB-FAIL 180 ||
		{ lab_fail "$class $attack: the guest never judged it"; dmesg | tail -n 20; return 1; }
	$detach &&
		lab_wait_for 30 hb_backend_gone "$HB_BACKEND/$class/$HB_DOMID" &&
		lab_guest_marker hb "HB-$tag-GONE $i\\." HB-FAIL 120 ||
		{ lab_fail "$class $attack: detach"; return 1; }
	# "sent ..." for an attack, "answered N" (N > 0) for the control.
	dmesg | grep -q "HOSTILE-BACK $class-$HB_DOMID-[0-9]* $attack: \(sent\|answered [1-9]\)" ||
		{ lab_fail "$class $attack: Dom0 never logged it as sent"; return 1; }
}

hb_attach_vbd() { xl block-attach hb "format=raw,vdev=xvda,access=rw,script=/etc/xen/scripts/splitio-block,target=$HB_DISK"; }
hb_detach_vbd() { timeout 60 xl block-detach hb xvda; }
hb_attach_vif() { xl network-attach hb mac=$HB_MAC ip=10.6.0.2 script=/etc/xen/scripts/splitio-vif; }
hb_detach_vif() { timeout 60 xl network-detach hb 0; }

scenario_dom0() {
	local mod attack i left
	[ "${blk_front:-$FRONT}" = ours ] && [ "${net_front:-$FRONT}" = ours ] ||
		{ lab_fail "hostile-back needs front=ours"; return 1; }
	for mod in $HB_REAL_BACKENDS; do
		if grep -q "^$mod " /proc/modules; then
			lab_run rmmod "$mod" || { lab_fail "cannot unload $mod"; return 1; }
		fi
	done
	HB_DISK=$(lab_disk hback 64M) || { lab_fail "no loop device"; return 1; }
	lab_holdings >/tmp/hb-before
	lab_run modprobe splitio_hostile_back ||
		{ lab_fail "cannot load splitio_hostile_back"; return 1; }
	if lab_guest_start hb memory=384 &&
	   lab_guest_marker hb HB-READY HB-FAIL "${guest_timeout:-300}"; then
		HB_DOMID=$(xl domid hb)
		i=0
		for attack in $HB_VBD_ATTACKS; do
			i=$((i + 1))
			hb_dom0_case vbd $i "$attack" hb_attach_vbd hb_detach_vbd ||
				{ HB_VIF_ATTACKS=""; break; }
		done
		i=0
		for attack in $HB_VIF_ATTACKS; do
			i=$((i + 1))
			hb_dom0_case vif $i "$attack" hb_attach_vif hb_detach_vif || break
		done
		lab_guest_wait hb "${guest_timeout:-300}"
		lab_guest_collect hb
		dmesg | grep 'HOSTILE-BACK' | tee "$RESULTS/hostile-back.txt"
		lab_result_metric hostile_back_lines "$(wc -l <"$RESULTS/hostile-back.txt")" lines
		left=$(lab_xenstore_left "$HB_DOMID") ||
			lab_fail "XenStore still holds hb's $left"
	else
		lab_fail "the guest did not start"
	fi
	lab_run rmmod splitio_hostile_back || lab_fail "cannot unload splitio_hostile_back"
	losetup -d "$HB_DISK"
	rm -f /tmp/hback.img
	lab_holdings >/tmp/hb-after
	lab_compare_holdings hostile_back /tmp/hb-before /tmp/hb-after
}

hb_fail() { echo "HB-FAIL $*"; dmesg | tail -n 15; return 1; }

# Runs $2... for at most $1 s and returns its status, or 124 if it is
# still running then: a read stuck in the block layer ignores timeout's
# signal, and the judging must go on to say so.
hb_bounded() {
	local limit=$1 pid
	shift
	"$@" &
	pid=$!
	lab_wait_for "$limit" sh -c "! kill -0 $pid 2>/dev/null" || return 124
	wait $pid
}

hb_count() { dmesg | grep -c "$1"; }
# True once the kernel log holds more than $2 lines matching $1.
hb_complained() { [ "$(hb_count "$1")" -gt "$2" ]; }

HB_VBD_BROKEN="backend broke the protocol: failing all I/O"
HB_VIF_BROKEN="queue 0: .*: disconnecting"

# A disk from backend $1: readable if honest, else failing at once.
hb_guest_vbd() {
	local attack=$1 before=$2 rc
	if [ "$attack" = honest ]; then
		hb_bounded 60 dd if=/dev/xvda of=/dev/null bs=64k count=16 iflag=direct ||
			{ hb_fail "vbd honest: reading failed"; return 1; }
		! hb_complained "$HB_VBD_BROKEN" "$before" ||
			{ hb_fail "vbd honest: the frontend called it broken"; return 1; }
		return 0
	fi
	lab_wait_for 60 hb_complained "$HB_VBD_BROKEN" "$before" ||
		{ hb_fail "vbd $attack: never called broken"; return 1; }
	hb_bounded 30 dd if=/dev/xvda of=/dev/null bs=4k count=1 iflag=direct
	rc=$?
	[ $rc != 0 ] && [ $rc != 124 ] ||
		{ hb_fail "vbd $attack: a read after it ended with $rc, not an error"; return 1; }
}

# A vif from backend $1: transmitting if honest, else disconnected.
hb_guest_vif() {
	local attack=$1 before=$2 sent
	ip link set eth0 up && ip addr add 10.6.0.2/24 dev eth0 ||
		{ hb_fail "vif $attack: no eth0"; return 1; }
	# ARP requests, answered by no one: packets on the transmit ring.
	ping -c 3 -W 1 10.6.0.1 >/dev/null 2>&1
	if [ "$attack" = honest ]; then
		sleep 3
		sent=$(cat /sys/class/net/eth0/statistics/tx_packets)
		[ "$sent" -gt 0 ] || { hb_fail "vif honest: nothing transmitted"; return 1; }
		! hb_complained "$HB_VIF_BROKEN" "$before" ||
			{ hb_fail "vif honest: the frontend called it broken"; return 1; }
		return 0
	fi
	lab_wait_for 60 hb_complained "$HB_VIF_BROKEN" "$before" ||
		{ hb_fail "vif $attack: never called broken"; return 1; }
}

# Device $2 of class $1 comes once per attack; each is judged, then goes.
hb_guest_class() {
	local class=$1 dev=$2 attacks=$3 broken=$4 tag attack before i=0
	tag=$(echo "$class" | tr a-z A-Z)
	for attack in $attacks; do
		i=$((i + 1))
		before=$(hb_count "$broken")
		lab_wait_for 120 test -e "$dev" || { hb_fail "$class $attack: $dev never came"; return 1; }
		"hb_guest_$class" "$attack" "$before" || return 1
		echo "HB-$tag $i $attack ok"
		lab_wait_for 120 sh -c "! test -e $dev" ||
			{ hb_fail "$class $attack: $dev stayed"; return 1; }
		echo "HB-$tag-GONE $i."
	done
}

scenario_guest() {
	lab_frontends || { hb_fail "no frontends"; return 1; }
	echo HB-READY
	hb_guest_class vbd /dev/xvda "$HB_VBD_ATTACKS" "$HB_VBD_BROKEN" &&
		hb_guest_class vif /sys/class/net/eth0 "$HB_VIF_ATTACKS" "$HB_VIF_BROKEN" ||
		return 1
	lab_wait_for 30 lab_core_idle ||
		{ hb_fail "splitio_core holds $(lab_core_counters)"; return 1; }
	lab_metric hostile_back_cases "$(echo $HB_VBD_ATTACKS $HB_VIF_ATTACKS | wc -w)" cases
}
