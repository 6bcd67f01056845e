# vfr: the virtual firewall-router with two guests on it, their vifs put
# there by the shipped hotplug script (dist/hotplug/vif-vfr, with ip=), and
# Dom0's IP forwarding off, so that only the VFR can carry guest-to-guest
# traffic.  g1 (10.9.0.2) sends, g2 (10.9.0.3) receives; each flow has its
# own UDP port, and g2 and Dom0 count, per port, the distinct numbered
# datagrams that reach them (netcheck pkt-count, on a packet socket, so
# frames are counted whatever their destination MAC).
#
#   TCP g1 -> g2, $bytes: sha256 equal at both ends (switched by the VFR)
#   ALLOW:  UDP g1 -> g2, none lost unless counted, none corrupt
#   DROP:   a drop rule: g2 gets none, the rule counts every one
#   COUNT:  a count rule: g2 gets all, the rule counts every one
#   to Dom0: UDP g1 -> Dom0, Dom0 gets all (so Dom0's counts can fail)
#   REDIRECT: UDP to Dom0, redirected to g2's vif: g2 gets all, Dom0 none
#   spoofing (raw frames): another source IP to g2 and to Dom0, another
#     source MAC to g2: nobody gets any; the same frames with g1's own
#     addresses reach g2 (so these checks can fail)
#   CHANGE: a drop rule added while the flow runs: what g2 got plus what
#     the rule counted is what g1 sent, and each is more than zero
#   Throughout, Dom0 adds and deletes unrelated rules; g1's vif counts as
#   filtered exactly the frames the rules and its policy dropped: the
#   changing table lost nothing else.  Afterwards vif-vfr's offline action
#   left no rule behind and splitio_core's counters are zero.
#
# Needs our backend (back=ours); any frontend.  Parameters: bytes= (TCP,
# 16M), guest_timeout= (s, 600).

P_ALLOW=6001
P_DROP=6002
P_COUNT=6003
P_REDIRECT=6004
P_SPOOF_IP=6005
P_SPOOF_IP_DOM0=6006
P_SPOOF_MAC=6007
P_RAW=6008
P_CHANGE=6009
P_TCP=6010
P_TO_DOM0=6011
P_STOP=6099
P_CHANGE_START=6100
P_DOM0_DONE=6101
SEED=3003
N=500		# datagrams per flow, sent at 500/s
N_FLOW=2000
G1=10.9.0.2
G2=10.9.0.3
G2_MAC=00:16:3e:09:00:03
DOM0=10.9.0.1
DOM0_MAC=fe:ff:ff:ff:ff:ff	# every vif of our netback has it

vfr_bytes() { echo "${bytes:-16M}"; }

# netcheck pkt-count's figure for port $2 in file $1.
vfr_count() { sed -n "s/^port=$2 frames=//p" "$1" | grep . || echo 0; }

# ---- Dom0 ----

# Adds a rule; prints its id.
vfr_add() { vfrctl add "$@" | sed -n 's/^rule //p'; }

vfr_rule_packets() {
	vfrctl list -j | grep "\"id\":$1," | sed -n 's/.*"packets":\([0-9]*\).*/\1/p'
}

# A counter of netback's ethtool -S, summed over the queues; "none" when the
# vif is gone, which no expected count matches.
vfr_vif_stat() {
	local stats
	stats=$(ethtool -S "$1") || { echo none; return; }
	echo "$stats" | awk -v s="$2" '
		$1 == s ":" || $1 ~ ("^q[0-9]+_" s ":$") { t += $2 } END { print t + 0 }'
}


# Unrelated rules come and go until /tmp/vfr-churn-stop appears.
vfr_churn() {
	local i=0 id
	while [ ! -e /tmp/vfr-churn-stop ]; do
		id=$(vfr_add vif "$1" dir in proto tcp dport $((7000 + i % 500)) \
			priority 50 action drop) || break
		vfrctl del "$id" >/dev/null || break
		i=$((i + 1))
	done
	echo "$i" >/tmp/vfr-churn
}

vfr_no_rules() { [ -z "$(vfrctl list)" ]; }

vfr_expect() {
	if [ "$2" = "$3" ]; then
		lab_log "$1: $2"
	else
		lab_fail "$1: $2, expected $3"
	fi
}

scenario_dom0() {
	local b a vif_a vif_b r_drop r_count r_redirect r_change="" pc churn
	local c=$RESULTS/g2-count d=$RESULTS/dom0-count filtered changed got i
	[ "${net_back:-$BACK}" = ours ] || { lab_fail "vfr needs back=ours"; return 1; }
	lab_use_backends || return 1
	echo 0 >/proc/sys/net/ipv4/ip_forward
	rm -f /tmp/vfr-churn-stop /tmp/vfr-churn

	lab_guest_start g2 vfr=3 || return 1
	b=$(xl domid g2)
	vif_b=vif$b.0
	lab_vfr_link g2 $G2
	# g1's own rules are in place before it boots: Xen gives it the next
	# domain id, which is checked below.
	a=$((b + 1))
	vif_a=vif$a.0
	r_drop=$(vfr_add vif $vif_a dir in proto udp dport $P_DROP priority 10 action drop)
	r_count=$(vfr_add vif $vif_a dir in proto udp dport $P_COUNT priority 10 action count)
	r_redirect=$(vfr_add vif $vif_a dir in dst $DOM0 proto udp dport $P_REDIRECT \
		priority 10 action redirect $vif_b)
	[ -n "$r_drop" ] && [ -n "$r_count" ] && [ -n "$r_redirect" ] ||
		{ lab_fail "vfrctl add refused a rule"; xl destroy g2; return 1; }
	lab_guest_start g1 vfr=2 || { xl destroy g2; return 1; }
	[ "$(xl domid g1)" = "$a" ] ||
		lab_fail "g1 is domain $(xl domid g1), not $a: its rules name another vif"
	lab_vfr_link g1 $G1
	lab_run vfrctl list

	netcheck pkt-count "$vif_a" $P_STOP 600 >"$d" &
	pc=$!
	vfr_churn "$vif_a" &
	churn=$!
	# The rule that changes while its flow runs: g1 says when it starts.
	if netcheck wait $P_CHANGE_START "${guest_timeout:-600}"; then
		sleep 2
		r_change=$(vfr_add vif $vif_a dir in proto udp dport $P_CHANGE priority 10 action drop)
	fi
	wait $pc || lab_fail "Dom0's count on $vif_a never saw g1's stop"
	touch /tmp/vfr-churn-stop
	wait $churn
	lab_log "rules added and deleted while the traffic flowed: $(cat /tmp/vfr-churn)"
	lab_run vfrctl list
	lab_run ethtool -S "$vif_a" | grep -v ': 0$'
	lab_run ethtool -S "$vif_b" | grep -v ': 0$'

	# Rule counters, then the vifs' own counters, before the guests go.
	vfr_expect "drop rule counted" "$(vfr_rule_packets "$r_drop")" $N
	vfr_expect "count rule counted" "$(vfr_rule_packets "$r_count")" $N
	vfr_expect "redirect rule counted" "$(vfr_rule_packets "$r_redirect")" $N
	changed=0
	if [ -n "$r_change" ]; then
		changed=$(vfr_rule_packets "$r_change")
	else
		lab_fail "g1 never announced the changing flow"
	fi
	filtered=$(vfr_vif_stat "$vif_a" from_guest_drop_filtered)
	vfr_expect "frames from g1 the VFR dropped" "$filtered" \
		$((N + 3 * N + changed))
	vfr_expect "frames for g2 its egress rules dropped" \
		"$(vfr_vif_stat "$vif_b" vfr_to_guest_drop_filtered)" 0
	# The guests wait for this before they go, and their vifs with them.
	for i in 1 2 3 4 5 6 7 8 9 10; do
		lab_guest_exited g1 && lab_guest_exited g2 && break
		netcheck signal $G1 $P_DOM0_DONE 2>/dev/null
		netcheck signal $G2 $P_DOM0_DONE 2>/dev/null
		sleep 1
	done

	lab_guest_wait g1 "${guest_timeout:-600}"
	lab_guest_collect g1
	lab_guest_wait g2 120
	lab_guest_collect g2

	# What reached g2 and Dom0, per flow.
	vfr_expect "g2 got of the dropped flow" "$(vfr_count "$c" $P_DROP)" 0
	vfr_expect "g2 got of the counted flow" "$(vfr_count "$c" $P_COUNT)" $N
	vfr_expect "g2 got of the redirected flow" "$(vfr_count "$c" $P_REDIRECT)" $N
	vfr_expect "Dom0 got of a flow for it" "$(vfr_count "$d" $P_TO_DOM0)" $N
	vfr_expect "Dom0 got of the redirected flow" "$(vfr_count "$d" $P_REDIRECT)" 0
	vfr_expect "g2 got with a spoofed source IP" "$(vfr_count "$c" $P_SPOOF_IP)" 0
	vfr_expect "Dom0 got with a spoofed source IP" "$(vfr_count "$d" $P_SPOOF_IP_DOM0)" 0
	vfr_expect "g2 got with a spoofed source MAC" "$(vfr_count "$c" $P_SPOOF_MAC)" 0
	vfr_expect "g2 got of the same raw frames, not spoofed" "$(vfr_count "$c" $P_RAW)" $N
	got=$(vfr_count "$c" $P_CHANGE)
	vfr_expect "changing flow: g2 got + the new rule counted" $((got + changed)) $N_FLOW
	[ "$got" -gt 0 ] && [ "$changed" -gt 0 ] ||
		lab_fail "changing flow: g2 got $got, the rule counted $changed: the change did not fall inside the flow"

	# vif-vfr's offline action takes the rules of both vifs away.
	lab_wait_for 30 vfr_no_rules
	vfr_expect "rules left after both guests are gone" "$(vfrctl list | wc -l)" 0
	lab_core_counters_zero
}

# ---- guests ----

# UDP at 500 datagrams/s; fails if the sender's own kernel refused any, so
# that every count above is exact.
vfr_send() {
	local out
	out=$(netcheck udp-send "$1" "$2" "$3" 200 500) || return 1
	echo "udp $1:$2 $out"
	case "$out" in *refused=0*) ;; *) return 1 ;; esac
}

# Every flow in turn; g1's part.
vfr_flows() {
	local mac rc=0 i
	mac=$(cat /sys/class/net/eth0/address)
	lab_wait_for 30 ping -c 1 -W 1 $G2 || { echo "no answer from g2 through the VFR"; return 1; }
	lab_run netcheck send $G2 $P_TCP $SEED "$(vfr_bytes)" || rc=1
	vfr_send $G2 $P_ALLOW $N_FLOW || rc=1
	vfr_send $G2 $P_DROP $N || rc=1
	vfr_send $G2 $P_COUNT $N || rc=1
	vfr_send $DOM0 $P_TO_DOM0 $N || rc=1
	vfr_send $DOM0 $P_REDIRECT $N || rc=1
	lab_run netcheck pkt-send eth0 "$mac" $G2_MAC 10.9.0.99 $G2 $P_SPOOF_IP $N || rc=1
	lab_run netcheck pkt-send eth0 "$mac" $DOM0_MAC 10.9.0.99 $DOM0 $P_SPOOF_IP_DOM0 $N || rc=1
	lab_run netcheck pkt-send eth0 02:00:00:00:00:99 $G2_MAC $G1 $G2 $P_SPOOF_MAC $N || rc=1
	lab_run netcheck pkt-send eth0 "$mac" $G2_MAC $G1 $G2 $P_RAW $N || rc=1
	for i in 1 2 3; do netcheck signal $DOM0 $P_CHANGE_START; done
	vfr_send $G2 $P_CHANGE $N_FLOW || rc=1
	return $rc
}

vfr_sender() {
	local rc=0 i
	vfr_flows || rc=1
	sleep 2
	# Datagrams may be lost: say it a few times.
	for i in 1 2 3; do
		netcheck signal $G2 $P_STOP
		netcheck signal $DOM0 $P_STOP
		sleep 1
	done
	return $rc
}

vfr_receiver() {
	local rc=0 pc udp sha want drops_before lost counted
	drops_before=$(( $(lab_iface_drops eth0) + $(lab_stack_drops) ))
	netcheck pkt-count eth0 $P_STOP "${guest_timeout:-600}" >/tmp/count &
	pc=$!
	netcheck udp-recv $P_ALLOW $N_FLOW 200 8000 >/tmp/allow &
	udp=$!
	want=$(netcheck gen $SEED "$(vfr_bytes)" | sha256sum | cut -d' ' -f1)
	sha=$(netcheck sink $P_TCP | sha256sum | cut -d' ' -f1)
	if [ "$sha" = "$want" ]; then
		echo "TCP from g1: $(vfr_bytes) intact"
	else
		echo "TCP from g1: other bytes arrived"
		rc=1
	fi
	wait $udp || rc=1
	wait $pc || rc=1
	cat /tmp/allow /tmp/count
	lab_emit_file g2-count /tmp/count
	# The allowed flow: nothing corrupt or twice, losses only as counted.
	lost=$(lab_report_value /tmp/allow lost)
	counted=$(( $(lab_iface_drops eth0) + $(lab_stack_drops) - drops_before ))
	[ "$(lab_report_value /tmp/allow corrupt)" = 0 ] &&
		[ "$(lab_report_value /tmp/allow duplicate)" = 0 ] ||
		{ echo "allowed flow: datagrams corrupt or twice"; rc=1; }
	[ "${lost:-1}" -le "$counted" ] ||
		{ echo "allowed flow: $lost lost, $counted drops counted"; rc=1; }
	return $rc
}

scenario_guest() {
	local f rc
	# No IPv6 chatter: every frame g1 sends is one the counts expect.
	for f in /proc/sys/net/ipv6/conf/all/disable_ipv6 \
		 /proc/sys/net/ipv6/conf/default/disable_ipv6; do
		[ -e "$f" ] && echo 1 >"$f"
	done
	lab_frontends || return 1
	lab_guest_net || return 1
	case "$GUEST_IP" in
	$G2) vfr_receiver ;;
	*) vfr_sender ;;
	esac
	rc=$?
	netcheck wait $P_DOM0_DONE 300 || echo "Dom0 never said it was done"
	return $rc
}
