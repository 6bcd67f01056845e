# vfrctl: the VFR's control plane, the splitio_vfr generic netlink family in
# splitio_netback, driven through vfrctl in Dom0.  Rules are added, listed,
# refused, deleted and flushed; a dump larger than one netlink message
# returns every rule exactly once; unloading the module frees everything and
# a reload starts empty.  No guest: the data path is not involved.
#
# Parameters: none.

VFR_MANY=2000

# The ids in `vfrctl list -j`, one a line.
vfr_ids() { vfrctl list -j | grep -o '"id":[0-9]*' | cut -d: -f2; }

vfr_count() { vfr_ids | wc -l; }

# Fails unless `list -j` has a rule with all of the given "key":value pairs.
vfr_expect_rule() {
	local line pair
	line=$(vfrctl list -j | grep "\"id\":$1,") ||
		{ echo "FAIL: no rule $1 listed"; return 1; }
	shift
	for pair in "$@"; do
		case "$line" in
		*"$pair"*) ;;
		*) echo "FAIL: rule lacks $pair: $line"; return 1 ;;
		esac
	done
}

vfr_add_and_list() {
	lab_run vfrctl add priority 10 vif 1 dir in proto tcp dport 80 action accept &&
	lab_run vfrctl add priority 20 vif 2 dir out src 10.0.0.0/8 dst 192.168.1.1 \
		proto udp sport 1000-2000 action drop &&
	lab_run vfrctl add src-mac 02:00:00:00:00:01 ethertype ipv6 \
		src 2001:db8::/32 proto icmpv6 icmp-type 128 action count &&
	lab_run vfrctl add priority 5 vif 3 action redirect 4 ||
		{ echo "FAIL: adding rules"; return 1; }
	lab_run vfrctl list -j
	[ "$(vfr_count)" = 4 ] || { echo "FAIL: $(vfr_count) rules, not 4"; return 1; }
	vfr_expect_rule 1 '"dir":"in"' '"priority":10' '"in_vif":1' '"proto":"tcp"' \
		'"dport":"80"' '"action":"accept"' '"packets":0' '"bytes":0' &&
	vfr_expect_rule 2 '"dir":"out"' '"out_vif":2' '"src":"10.0.0.0/8"' \
		'"dst":"192.168.1.1/32"' '"proto":"udp"' '"sport":"1000-2000"' '"action":"drop"' &&
	vfr_expect_rule 3 '"priority":100' '"src_mac":"02:00:00:00:00:01"' \
		'"ethertype":"0x86dd"' '"src":"2001:db8::/32"' '"proto":"icmpv6"' \
		'"icmp_type":128' '"action":"count"' &&
	vfr_expect_rule 4 '"priority":5' '"action":"redirect"' '"redirect_vif":4'
}

vfr_refusals() {
	local out
	out=$(vfrctl add proto icmp dport 80 action drop 2>&1) &&
		{ echo "FAIL: a rule with ports and ICMP was accepted"; return 1; }
	echo "refused: $out"
	case "$out" in
	*"needs VFR_RULE_A_IP_PROTO 6 (TCP) or 17 (UDP), not 1"*) ;;
	*) echo "FAIL: the parser's message is missing"; return 1 ;;
	esac
	out=$(vfrctl add sport 20-10 action drop 2>&1) &&
		{ echo "FAIL: an inverted port range was accepted"; return 1; }
	echo "refused: $out"
	vfrctl add proto bogus action drop >/dev/null 2>&1 &&
		{ echo "FAIL: bad command line accepted"; return 1; }
	[ "$(vfr_count)" = 4 ] || { echo "FAIL: a refused rule changed the set"; return 1; }
	vfrctl del 99 2>&1 && { echo "FAIL: deleting no rule succeeded"; return 1; }
	return 0
}

vfr_del_flush_policy() {
	lab_run vfrctl del 2 || { echo "FAIL: del 2"; return 1; }
	[ "$(vfr_ids | tr '\n' ' ')" = "1 3 4 " ] ||
		{ echo "FAIL: after del: $(vfr_ids | tr '\n' ' ')"; return 1; }
	lab_run vfrctl flush vif 1 dir in || { echo "FAIL: flush vif 1 dir in"; return 1; }
	[ "$(vfr_ids | tr '\n' ' ')" = "3 4 " ] ||
		{ echo "FAIL: after flush vif: $(vfr_ids | tr '\n' ' ')"; return 1; }
	lab_run vfrctl policy vif 1 dir in drop &&
	lab_run vfrctl policy vif 1 dir in accept &&
	lab_run vfrctl policy vif 2 dir out drop || { echo "FAIL: policy"; return 1; }
	lab_run vfrctl attach 7 && lab_run vfrctl detach 7 || { echo "FAIL: attach"; return 1; }
	vfrctl detach 7 2>&1 && { echo "FAIL: detaching twice succeeded"; return 1; }
	lab_run vfrctl stats -j
	[ "$(vfrctl stats -j | grep -c '"packets":0,"bytes":0')" = 2 ] ||
		{ echo "FAIL: stats not at zero"; return 1; }
	lab_run vfrctl flush || { echo "FAIL: flush"; return 1; }
	[ "$(vfr_count)" = 0 ] || { echo "FAIL: rules left after flush"; return 1; }
}

# Many more rules than one dump message holds: each listed exactly once.
vfr_big_dump() {
	local i=0 listed
	# One process for all of them: a process start costs much under TCG.
	while [ $i -lt $VFR_MANY ]; do
		echo "add priority $i proto tcp dport $((i + 1)) action drop"
		i=$((i + 1))
	done >/tmp/vfr-rules
	vfrctl -batch /tmp/vfr-rules >/dev/null || { echo "FAIL: vfrctl -batch"; return 1; }
	listed=$(vfr_ids | sort -n | uniq | wc -l)
	echo "listed $(vfr_count) rules, $listed distinct"
	[ "$(vfr_count)" = $VFR_MANY ] && [ "$listed" = $VFR_MANY ] ||
		{ echo "FAIL: dump of $VFR_MANY rules"; return 1; }
	[ "$(vfrctl stats | wc -l)" = $VFR_MANY ] ||
		{ echo "FAIL: stats of $VFR_MANY rules"; return 1; }
}

vfr_reload() {
	lab_run rmmod splitio_netback || { echo "FAIL: rmmod with rules"; return 1; }
	lab_run modprobe splitio_netback || { echo "FAIL: modprobe again"; return 1; }
	[ "$(vfr_count)" = 0 ] || { echo "FAIL: rules survived a reload"; return 1; }
	lab_run rmmod splitio_netback || { echo "FAIL: rmmod"; return 1; }
}

vfr_all() {
	lab_run modprobe splitio_netback || { echo "FAIL: modprobe"; return 1; }
	vfr_add_and_list && vfr_refusals && vfr_del_flush_policy &&
		vfr_big_dump && vfr_reload
}

scenario_dom0() {
	vfr_all >"$RESULTS/vfrctl.log" 2>&1
	local rc=$?
	cat "$RESULTS/vfrctl.log"
	[ $rc = 0 ] || lab_fail "vfrctl: $(grep FAIL "$RESULTS/vfrctl.log" | head -n 1)"
}
