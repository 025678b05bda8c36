#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boundary-clock port fault on a real link change. af_packet (DPDK 22.11)
# reports its link up whatever the interface does, so the upstream port
# here is a net_tap port, whose link follows its kernel interface (UP and
# RUNNING): the tap is bridged to the grandmaster's veth, and the test
# sets the tap interface down and up again.
#
#   gm  (ptp4l GM, domain 24) --veth-- SW0 ==bridge== PFXt0 (net_tap) p0
#   tr1 (ptp4l receiver, nullf) --veth-- SW1 (net_af_packet) p1
#
# Asserts: p0 SLAVE to the GM; link down -> ptpsw logs it, p0 FAULTY,
# the BC becomes its own grandmaster (holdover counted when it was
# locked), p1 stays MASTER; link up -> p0 SLAVE to the GM again within
# RECOVER_S; ptpsw exits 0 with no mbuf leaked.

set -u
. "$(dirname "$0")/lib.sh"

DOM=24
UP_S=${UP_S:-40}		# first lock
RECOVER_S=${RECOVER_S:-40}	# after link up: LISTENING, qualification, lock

it_init 1 ptp4l pmc ethtool dpdk-telemetry.py
TAP=${PFX}t0
BR=${PFX}br

link_config()
{
	cat <<CFG
eal = [ "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
        "--file-prefix", "$PFX" ];
lcores = { control = 0; workers = [ 1 ]; };
ports = (
  { name = "p0"; device = "net_tap0,iface=$TAP"; ipv4 = "10.66.0.250/24"; },
  { name = "p1"; device = "net_af_packet1,iface=${SW[1]}"; ipv4 = "10.66.0.251/24"; }
);
transparent_clock = { enabled = true; mode = "one-step"; domains = "all"; };
boundary_clocks = (
  { domain = $DOM; transport = "udpv4"; ports = [ "p0", "p1" ];
    clock_class = 248; log_sync_interval = -3; log_min_delay_req_interval = -3;
    servo = { kp = 0.1; ki = 0.01; }; }
);
management = { socket = "$IT_TMP/mgmt.sock"; };
CFG
}

# wait_bc PYTHON-EXPR SECONDS: /ptpsw/bc once a second until the
# expression is true of its reply r (the last one kept in
# $IT_TMP/last.json). Returns 0/1.
wait_bc()
{
	local i
	for ((i = 0; i < $2; i++)); do
		it_tel /ptpsw/bc "$IT_TMP/last.json" > /dev/null &&
			python3 -c "import json, sys
r = list(json.load(open(sys.argv[1])).values())[0]
sys.exit(0 if ($1) is True else 1)" "$IT_TMP/last.json" 2> /dev/null &&
			return 0
		sleep 1
	done
	return 1
}
B="r['$DOM']"

ns_node "$PFX-gm" "${SW[0]}" 1 || exit 1
ns_node "$PFX-tr1" "${SW[1]}" 2 || exit 1
link_config > "$IT_TMP/ptpsw.cfg"
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1
# the tap exists while ptpsw runs (and goes with it): bridge it to SW0
sysctl -qw "net.ipv6.conf.$TAP.disable_ipv6=1"
it_check "tap $TAP bridged to the GM's veth" ns_bridge "$BR" "${SW[0]}" "$TAP"

ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log" --domainNumber=$DOM \
	--tx_timestamp_timeout=100 --uds_address="$IT_TMP/gm.uds"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log" \
	--domainNumber=$DOM --tx_timestamp_timeout=100
GMID=
for ((i = 0; i < 50; i++)); do
	GMID=$(sed -n 's/.*selected local clock \([0-9a-f.]*\) as best master.*/\1/p' "$IT_TMP/gm.log" | head -n 1)
	[ -n "$GMID" ] && break
	sleep 0.2
done
echo "figures: GM $GMID"

it_check "p0 SLAVE to the GM (within $UP_S s)" \
	wait_bc "$B['port_states']['p0'] == 'SLAVE'" "$UP_S"
it_jcheck "BC's grandmaster is the ptp4l GM" "$IT_TMP/last.json" \
	"$B['parent_port_identity'] == '$GMID-1' and $B['grandmaster_identity'] == '$GMID'"

# ---- link down ----
ip link set "$TAP" down
it_check "ptpsw logs p0's link down" ns_wait_log "$IT_TMP/ptpsw.log" "port p0: link down" 10
it_check "link down: p0 FAULTY" wait_bc "$B['port_states']['p0'] == 'FAULTY'" 10
cp "$IT_TMP/last.json" "$IT_TMP/down.json"
it_dump_ptpsw | grep -E "^bc $DOM: (port|parent|state-)" | sed 's/^/ptpsw: /'
BCID=$(sed -n "s/^boundary clock: domain $DOM .*clockIdentity \([0-9a-f.]*\) .*/\1/p" "$IT_TMP/ptpsw.log" | head -n 1)
it_jcheck "link down: the BC is its own grandmaster ($BCID)" "$IT_TMP/down.json" \
	"$B['parent_port_identity'] == '$BCID-0' and $B['grandmaster_identity'] == '$BCID'"
it_jcheck "link down: p1 still MASTER" "$IT_TMP/down.json" "$B['port_states']['p1'] == 'MASTER'"
it_jcheck "link down: holdover entered" "$IT_TMP/down.json" "$B['holdover_entered'] > 0"

# ---- link up ----
ip link set "$TAP" up
t_up=$SECONDS
it_check "ptpsw logs p0's link up" ns_wait_log "$IT_TMP/ptpsw.log" "port p0: link up" 10
it_check "link up: p0 SLAVE to the GM again (within $RECOVER_S s)" \
	wait_bc "$B['port_states']['p0'] == 'SLAVE'" "$RECOVER_S"
it_jcheck "link up: the GM is the BC's grandmaster again" "$IT_TMP/last.json" \
	"$B['parent_port_identity'] == '$GMID-1' and $B['grandmaster_identity'] == '$GMID'"
echo "figures: p0 SLAVE again $((SECONDS - t_up)) s after link up (queries 1 s apart)"
grep -E "port p0: link (up|down)|p0 FAULTY \(link|p0 fault cleared" "$IT_TMP/ptpsw.log" | sed 's/^/figures: /'

it_stop_ptpsw
grep "mbufs in use at exit" "$IT_TMP/ptpsw.log" | sed 's/^/figures: /'
it_check "no mbuf leaked" grep -q "mbufs in use at exit: 0 " "$IT_TMP/ptpsw.log"
exit 0
