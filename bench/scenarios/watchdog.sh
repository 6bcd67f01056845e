# watchdog: the lab's own time bounds work.  A guest that never finishes
# must be destroyed when its bound runs out, with the tail of its console
# and a failure recorded.  Here that failure is the expected outcome, so it
# is judged in a results folder of its own and this scenario passes only if
# it happened.
#
# Parameters: none.

scenario_dom0() {
	local judged=/tmp/watchdog-results
	lab_guest_start g1 || return 1
	lab_wait_for 180 grep -q WATCHDOG-SLEEPING "$CONSOLE_DIR/guest-g1.log" ||
		{ lab_fail "the guest never reached its endless sleep"; return 1; }
	mkdir -p "$judged"
	if (RESULTS=$judged; lab_guest_wait g1 10) >"$judged/out" 2>&1; then
		lab_fail "a guest that never finished was not caught"
		return 1
	fi
	cat "$judged/out"
	grep -q "did not finish within 10 s" "$judged/failures" ||
		lab_fail "no failure recorded for the hung guest"
	grep -q WATCHDOG-SLEEPING "$judged/out" ||
		lab_fail "the hung guest's console tail was not shown"
	lab_wait_for 30 lab_guest_gone g1 || lab_fail "the hung guest was not destroyed"
}

scenario_guest() {
	echo WATCHDOG-SLEEPING
	sleep 100000
}
