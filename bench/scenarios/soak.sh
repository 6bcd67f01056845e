# soak: the backends through many lives, in one boot; what Dom0 holds at
# the end must be what it held at the start (lab_holdings).
#
#   cycles= (2): a guest created with a disk and a vif, verified I/O (fio
#       random writes, crc32c) and a seeded TCP stream from Dom0 checked
#       by sha256, then powered off and destroyed; after each, nothing of
#       it in XenStore and splitio_core's counters at 0.
#   attach_cycles= (5): one guest, idle, has its disk detached and
#       attached again (xl block-detach/-attach), then its vif (xl
#       network-detach/-attach), that many times each; after each step the
#       backend directory is gone or Connected and the guest has seen the
#       device go or come; afterwards the guest reads back what it wrote
#       before the first cycle, and has network again.
#   reloads= (2): with no guest left, both backends unloaded and loaded
#       again that many times.
#
# `make test` runs the defaults; `bench/suites/soak` the full soak (50
# guests, 100 detach/attach cycles of each kind).

SOAK_PORT_STREAM=5131
SOAK_SEED=5151
SOAK_STREAM=4M
SOAK_KEEP_MIB=4

soak_log() { echo "$CONSOLE_DIR/guest-$1.log"; }

# One life: create, verified I/O and traffic, power off, gone.
soak_life() {
	local cycle=$1 disk=$2 domid left
	lab_guest_start soak "disk=$disk" net=4 memory=384 || return 1
	domid=$(xl domid soak)
	lab_guest_wait soak "${guest_timeout:-300}"
	lab_guest_collect soak || return 1
	lab_wait_for 30 lab_xenstore_left "$domid" ||
		{ lab_fail "cycle $cycle: XenStore still holds $(lab_xenstore_left "$domid")"; return 1; }
	lab_wait_for 30 lab_core_idle ||
		{ lab_fail "cycle $cycle: counters not 0: $(lab_core_counters)"; return 1; }
}

# Waits until the device at backend path $1 is gone (1) or Connected (4).
soak_backend_gone() { ! xenstore-exists "$1" 2>/dev/null; }
soak_backend_connected() { [ "$(xenstore-read "$1/state" 2>/dev/null)" = 4 ]; }

soak_attach_cycles() {
	local disk=$1 domid vbd vif i=0
	local spec="format=raw,vdev=xvda,access=rw,script=/etc/xen/scripts/splitio-block,target=$disk"
	lab_guest_start soaka "disk=$disk" net=5 memory=384 || return 1
	domid=$(xl domid soaka)
	vbd=/local/domain/0/backend/vbd/$domid/51712
	vif=/local/domain/0/backend/vif/$domid/0
	lab_guest_marker soaka SOAK-READY SOAK-FAIL "${guest_timeout:-300}" || return 1
	# Each step waits for the guest to have seen the one before: its
	# XenBus acts on a device's directory as it finds it when the watch
	# fires, and would miss a removal the next attach had already undone.
	while [ $i -lt "${attach_cycles:-5}" ]; do
		i=$((i + 1))
		timeout 60 xl block-detach soaka xvda &&
			lab_wait_for 30 soak_backend_gone $vbd &&
			lab_guest_marker soaka "SOAK-BLK-GONE $i\\." SOAK-FAIL 120 ||
			{ lab_fail "cycle $i: xl block-detach"; break; }
		xl block-attach soaka "$spec" &&
			lab_wait_for 30 soak_backend_connected $vbd &&
			lab_guest_marker soaka "SOAK-BLK-BACK $i\\." SOAK-FAIL 120 ||
			{ lab_fail "cycle $i: xl block-attach"; break; }
		timeout 60 xl network-detach soaka 0 &&
			lab_wait_for 30 soak_backend_gone $vif &&
			lab_guest_marker soaka "SOAK-NET-GONE $i\\." SOAK-FAIL 120 ||
			{ lab_fail "cycle $i: xl network-detach"; break; }
		xl network-attach soaka mac=00:16:3e:00:05:01 ip=10.5.0.2 \
			script=/etc/xen/scripts/splitio-vif &&
			lab_wait_for 30 soak_backend_connected $vif &&
			lab_guest_marker soaka "SOAK-NET-BACK $i\\." SOAK-FAIL 120 ||
			{ lab_fail "cycle $i: xl network-attach"; break; }
	done
	lab_result_metric soak_attach_cycles "$i" cycles
	lab_guest_wait soaka "${guest_timeout:-300}"
	lab_guest_collect soaka
}

scenario_dom0() {
	local disk server cycle i mod
	lab_use_backends || return 1
	disk=$(lab_disk soak 256M) || { lab_fail "no loop device"; return 1; }
	lab_holdings >/tmp/soak-before
	setsid sh -c "while :; do netcheck serve $SOAK_PORT_STREAM $SOAK_SEED $SOAK_STREAM; done" \
		>/dev/null 2>&1 &
	server=$!
	for cycle in $(seq "${cycles:-2}"); do
		soak_life "$cycle" "$disk" || break
	done
	lab_result_metric soak_lives "$cycle" guests
	soak_attach_cycles "$disk"
	kill -- "-$server" 2>/dev/null
	losetup -d "$disk"
	rm -f /tmp/soak.img
	lab_wait_for 30 lab_core_idle || lab_fail "counters not 0: $(lab_core_counters)"
	for i in $(seq "${reloads:-2}"); do
		for mod in "$(lab_driver_module "${blk_back:-$BACK}" blkback)" \
			   "$(lab_driver_module "${net_back:-$BACK}" netback)"; do
			rmmod "$mod" && modprobe "$mod" || { lab_fail "reload $i of $mod"; break 2; }
		done
	done
	lab_result_metric soak_reloads "$i" reloads
	lab_holdings >/tmp/soak-after
	lab_compare_holdings soak /tmp/soak-before /tmp/soak-after
}

soak_fail() { echo "SOAK-FAIL $*"; return 1; }

# A life: verified writes on a region of its own, the stream, and off.
soak_guest_life() {
	local want got
	lab_frontends && lab_guest_net || { soak_fail "no disk or network"; return 1; }
	lab_wait_for 30 test -b /dev/xvda || { soak_fail "no /dev/xvda"; return 1; }
	fio --output=/tmp/soak.txt --name=soak --filename=/dev/xvda --direct=1 \
		--ioengine=libaio --size=8M --offset=$(( $(date +%s) % 24 * 8 ))M \
		--rw=randwrite --bs=4k --iodepth=16 --verify=crc32c --verify_fatal=1 --eta=never ||
		{ cat /tmp/soak.txt; soak_fail "fio"; return 1; }
	want=$(netcheck gen $SOAK_SEED $SOAK_STREAM | sha256sum | cut -d' ' -f1)
	got=$(netcheck fetch "$PEER_IP" $SOAK_PORT_STREAM | sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || { soak_fail "the stream arrived wrong"; return 1; }
	echo "SOAK-LIFE ok"
}

# The guest whose devices come and go: it says what it sees go and come
# back, each step of each cycle; its data and network after.
soak_guest_attach() {
	local want got i=0
	lab_frontends && lab_guest_net || { soak_fail "no disk or network"; return 1; }
	lab_wait_for 30 test -b /dev/xvda || { soak_fail "no /dev/xvda"; return 1; }
	dd if=/dev/urandom of=/tmp/keep bs=1M count=$SOAK_KEEP_MIB 2>/dev/null
	dd if=/tmp/keep of=/dev/xvda bs=1M oflag=direct conv=fsync 2>/dev/null ||
		{ soak_fail "writing"; return 1; }
	want=$(sha256sum </tmp/keep | cut -d' ' -f1)
	echo SOAK-READY
	while [ $i -lt "${attach_cycles:-5}" ]; do
		i=$((i + 1))
		lab_wait_for 120 sh -c '! test -b /dev/xvda' || { soak_fail "xvda stayed, $i"; return 1; }
		echo "SOAK-BLK-GONE $i."
		lab_wait_for 120 test -b /dev/xvda || { soak_fail "xvda gone, $i"; return 1; }
		echo "SOAK-BLK-BACK $i."
		lab_wait_for 120 sh -c '! test -e /sys/class/net/eth0' || { soak_fail "eth0 stayed, $i"; return 1; }
		echo "SOAK-NET-GONE $i."
		lab_wait_for 120 test -e /sys/class/net/eth0 || { soak_fail "eth0 gone, $i"; return 1; }
		echo "SOAK-NET-BACK $i."
	done
	got=$(dd if=/dev/xvda bs=1M count=$SOAK_KEEP_MIB iflag=direct 2>/dev/null |
		sha256sum | cut -d' ' -f1)
	[ "$got" = "$want" ] || { soak_fail "xvda lost what was written before the cycles"; return 1; }
	lab_guest_net || { soak_fail "no network after the cycles"; return 1; }
	echo "SOAK-ATTACH ok after $i cycles"
}

scenario_guest() {
	case "$GUEST_NAME" in
	soak) soak_guest_life ;;
	soaka) soak_guest_attach ;;
	esac
}
