# modules: splitio's five modules load and unload cleanly on both sides, and
# splitio_core's resource counters read zero when nothing uses it.
#
# Parameters: none.

SPLITIO_MODULES="splitio_core splitio_netback splitio_blkback splitio_netfront splitio_blkfront"

# Load every module, check the counters, unload in reverse; twice, so that a
# module that leaves state behind on unload fails on the second load.
load_unload_all() {
	local round mod rev=""
	for round in 1 2; do
		for mod in $SPLITIO_MODULES; do
			lab_run modprobe "$mod" || { echo "FAIL: modprobe $mod"; return 1; }
			rev="$mod $rev"
		done
		lab_core_idle ||
			{ echo "FAIL: counters not 0 at rest: $(lab_core_counters)"; return 1; }
		for mod in $rev; do
			lab_run rmmod "$mod" || { echo "FAIL: rmmod $mod"; return 1; }
		done
		rev=""
		if grep -q '^splitio_' /proc/modules; then
			echo "FAIL: modules left: $(grep '^splitio_' /proc/modules)"
			return 1
		fi
	done
}

scenario_dom0() {
	load_unload_all >"$RESULTS/load-unload.log" 2>&1
	local rc=$?
	cat "$RESULTS/load-unload.log"
	[ $rc = 0 ] || lab_fail "load/unload in Dom0 failed"
	lab_guest_start g1 || return 1
	lab_guest_wait g1 "${guest_timeout:-120}"
	lab_guest_collect g1
}

scenario_guest() {
	load_unload_all
}
