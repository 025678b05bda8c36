#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Boundary-clock faults and domain separation with real peers, all in one
# ptpsw run (six af_packet ports, three BC domains at once):
#
#   p0  gm1: ptp4l GM domain 24 (priority1 1, UDPv4)
#            + ptp4l GM domain 26 (UDPv6)
#   p1  gm2: ptp4l GM domain 24 (priority1 2)
#   p2  rog: onestep_gm.py domain 24, priority1 0 (better than both), NOT
#            in acceptable_time_transmitters (which lists gm1 and gm2)
#   p3  g25: onestep_gm.py domain 25 serving CLOCK_REALTIME + 5 ms
#            + onestep_gm.py domain 27 running 1500 ppm fast
#   p4  r24: ptp4l time receiver domain 24 (UDPv4, multicast Delay_Req)
#            + ptp4l time receiver domain 26 (UDPv6, unicast Delay_Req)
#   p5  r25: ptp4l time receiver domain 25
#
#   BC 24 udpv4 on p0 p1 p2 p4; BC 25 udpv4 on p3 p5; BC 26 udpv6 on p0 p4
#   (its own Delay_Req upstream unicast: IPv6 neighbour discovery both ways);
#   BC 27 udpv4 on p3 p5.
#
# Asserts:
#   EP-22  each receiver sees its own domain's time only: every namespace
#          shares one system clock, so r24 (nullf) reports about 0 and r25
#          about -5 ms (ptp4l's "master offset" is local - master, and the
#          domain-25 master is 5 ms ahead);
#   EP-17  the rogue is never BC 24's grandmaster (pmc polled through the
#          whole run) and telemetry's rogue_rejected counter grows;
#   EP-12/10  gm1 killed by PID: BC 24's grandmaster becomes gm2 within
#          20 s (announce receipt timeout 4 s + qualification), r24 follows;
#   EP-02/01  the IPv6 BC (26) runs with the IPv4 ones: its port p0 SLAVE,
#          the UDPv6 receiver collects samples through it, ND resolved;
#   follow BC 27's parent runs 1500 ppm fast, beyond the servo's 900 ppm:
#          one warning line "cannot follow its parent", the status line's
#          cannot-follow, the dump's line, telemetry's follow and
#          follow_lost; BC 26 (a ptp4l GM within reach) never says so;
#   link   a switch-side veth set down: if the PMD reports the link (not
#          af_packet, see below), the BC port must become FAULTY and recover
#          (test_bc_link.sh proves it on a net_tap port, which does).
#
# Accuracy bounds are generous (MAX_MEAN_NS, 2 ms): software timestamps on
# a loaded 2-CPU host.

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-30}
SKIP_S=${SKIP_S:-12}
MAX_MEAN_NS=${MAX_MEAN_NS:-2000000}
OFF25_NS=5000000
FAILOVER_S=20
PY=python3

it_init 1 ptp4l pmc ethtool python3 dpdk-telemetry.py
SW=("${PFX}a0" "${PFX}a1" "${PFX}a2" "${PFX}a3" "${PFX}a4" "${PFX}a5")
SOCK=$IT_TMP/mgmt.sock
GMTOOL=$SRCDIR/tests/integration/onestep_gm.py

# cid NS: the EUI-64 clock identity ptp4l derives from NS's ptp0 MAC.
cid()
{
	ip -n "$1" -o link show "$NS_IF" |
		sed -n 's/.*link\/ether \([0-9a-f:]*\) .*/\1/p' |
		awk -F: '{ printf "%s%s%s.fffe.%s%s%s\n", $1, $2, $3, $4, $5, $6 }'
}

faults_config()
{
	local i
	cat <<CFG
eal = [ "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
        "--file-prefix", "$PFX" ];
lcores = { control = 0; workers = [ 1 ]; };
ports = (
CFG
	for i in 0 1 2 3 4 5; do
		printf '  { name = "p%d"; device = "net_af_packet%d,iface=%s"; ipv4 = "10.66.0.%d/24"; ipv6 = "fd66::f%d/64"; }%s\n' \
			$i $i "${SW[$i]}" $((240 + i)) $i "$([ $i = 5 ] || echo ,)"
	done
	cat <<CFG
);
transparent_clock = { enabled = true; mode = "one-step"; domains = "all"; };
boundary_clocks = (
  { domain = 24; transport = "udpv4"; ports = [ "p0", "p1", "p2", "p4" ];
    clock_class = 248; log_sync_interval = -3; log_min_delay_req_interval = -3;
    acceptable_time_transmitters = [ "$GM1", "$GM2" ];
    servo = { kp = 0.1; ki = 0.01; }; },
  { domain = 25; transport = "udpv4"; ports = [ "p3", "p5" ];
    clock_class = 248; log_sync_interval = -3; log_min_delay_req_interval = -3;
    servo = { kp = 0.1; ki = 0.01; step_threshold_ns = 3000000; }; },
  { domain = 26; transport = "udpv6"; ports = [ "p0", "p4" ];
    clock_class = 248; log_sync_interval = -3; log_min_delay_req_interval = -3;
    delay_req = "unicast";
    servo = { kp = 0.1; ki = 0.01; }; },
  { domain = 27; transport = "udpv4"; ports = [ "p3", "p5" ];
    clock_class = 248; log_sync_interval = -3; log_min_delay_req_interval = -3;
    servo = { kp = 0.1; ki = 0.01; }; }
);
management = { socket = "$SOCK"; };
mbufs = 8192;
CFG
}

pmc_get() { pmc -u -s "$SOCK" -d "$1" -b 0 "$2" 2> /dev/null; }
field() { awk -v k="$1" '$1 == k { print $2; exit }'; }
bc_gm() { pmc_get "$1" "GET PARENT_DATA_SET" | field grandmasterIdentity; }

# rogue_watch: BC 24's grandmaster now; records every one seen.
SEEN=
rogue_watch()
{
	local g
	g=$(bc_gm 24)
	[ -n "$g" ] && case " $SEEN " in *" $g "*) ;; *) SEEN+=" $g" ;; esac
	echo "$g"
}

rogue_count() { it_tv /ptpsw/bc "r['24']['rogue_rejected']"; }
# bc_true PYTHON-EXPR: the expression over /ptpsw/bc's reply r is True
bc_true() { [ "$(it_tv /ptpsw/bc "$1")" = True ]; }

N=1
for n in gm1 gm2 rog g25 r24 r25; do
	ns_node "$PFX-$n" "${SW[$((N - 1))]}" $N || exit 1
	N=$((N + 1))
done
GM1=$(cid "$PFX-gm1"); GM2=$(cid "$PFX-gm2"); ROGUE=$(cid "$PFX-rog")
echo "figures: gm1 $GM1 gm2 $GM2 rogue $ROGUE"
faults_config > "$IT_TMP/ptpsw.cfg"
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1

# ARP/ND through ptpsw to its own addresses before ptp4l starts (a late
# software TX stamp of a first unicast Delay_Req faults ptp4l)
it_check "ARP and ND of ptpsw's addresses resolved" ns_resolve 8 \
	"$PFX-gm1:10.66.0.240" "$PFX-gm1:fd66::f0" "$PFX-gm2:10.66.0.241" \
	"$PFX-r24:10.66.0.244" "$PFX-r24:fd66::f4" "$PFX-r25:10.66.0.245"

ns_ptp4l "$PFX-gm1" "$NS_IF" gm "$IT_TMP/gm1.log" --domainNumber=24 \
	--tx_timestamp_timeout=100 --uds_address="$IT_TMP/gm1.uds"
GM1_PID=$NS_LAST_PID
ns_ptp4l "$PFX-gm1" "$NS_IF" gm "$IT_TMP/gm26.log" --domainNumber=26 \
	--network_transport=UDPv6 --tx_timestamp_timeout=100 \
	--uds_address="$IT_TMP/gm26.uds"
ns_ptp4l "$PFX-gm2" "$NS_IF" gm "$IT_TMP/gm2.log" --domainNumber=24 \
	--priority1=2 --tx_timestamp_timeout=100 --uds_address="$IT_TMP/gm2.uds"
ns_spawn "$PFX-rog" "$IT_TMP/rogue.log" "$PY" "$GMTOOL" "$NS_IF" \
	--domain 24 --priority1 0 --clock-class 6
ns_spawn "$PFX-g25" "$IT_TMP/g25.log" "$PY" "$GMTOOL" "$NS_IF" \
	--domain 25 --offset-ns $OFF25_NS --priority1 1
ns_spawn "$PFX-g25" "$IT_TMP/g27.log" "$PY" "$GMTOOL" "$NS_IF" \
	--domain 27 --drift-ppm 1500 --priority1 1
ns_ptp4l "$PFX-r24" "$NS_IF" tr-multicast "$IT_TMP/r24.log" --domainNumber=24 \
	--tx_timestamp_timeout=100 --uds_address="$IT_TMP/r24.uds"
ns_ptp4l "$PFX-r24" "$NS_IF" tr-unicast "$IT_TMP/r26.log" --domainNumber=26 \
	--network_transport=UDPv6 --tx_timestamp_timeout=100 \
	--uds_address="$IT_TMP/r26.uds"
ns_ptp4l "$PFX-r25" "$NS_IF" tr-multicast "$IT_TMP/r25.log" --domainNumber=25 \
	--tx_timestamp_timeout=100 --uds_address="$IT_TMP/r25.uds"

echo "running for $RUN_S s (BC 24's grandmaster polled every second)"
for ((i = 0; i < RUN_S; i++)); do
	rogue_watch > /dev/null
	sleep 1
done
it_tel /ptpsw/neigh "$IT_TMP/neigh1.json" || it_fail "/ptpsw/neigh answers"
sed 's/^/telemetry: /' "$IT_TMP/neigh1.json"
R1=$(rogue_count)

# ---- (c) EP-22: each receiver sees its own domain's time ----------------
# (p3 may be UNCALIBRATED for a moment: software-timestamp noise of a
# loaded host beyond the 3 ms step threshold resets the servo)
G25=$(cid "$PFX-g25")
it_check "BC 25 follows g25 ($G25) on p3, p5 MASTER" bc_true \
	"r['25']['parent_port_identity'] == '$G25-1' and r['25']['grandmaster_identity'] == '$G25' and r['25']['port_states']['p3'] in ('SLAVE', 'UNCALIBRATED') and r['25']['port_states']['p5'] == 'MASTER'"
it_load_report
for r in 24:0 25:-$OFF25_NS; do
	d=${r%%:*}; want=${r#*:}
	s=$(ns_offsets "$IT_TMP/r$d.log" "$SKIP_S")
	mean=$(ns_field "$s" mean); n=$(ns_field "$s" n)
	echo "figures: r$d (domain $d) $s (mean $(ns_us "$mean") us, expected $(ns_us "$want") us)"
	it_check "r$d: $n samples >= 40" [ "$n" -ge 40 ]
	it_check "r$d: mean master offset $mean ns within $MAX_MEAN_NS ns of $want ns" \
		awk -v m="$mean" -v w="$want" -v b="$MAX_MEAN_NS" 'BEGIN { d = m - w; exit !(d < b && d > -b) }'
done
# the two domains differ by the 5 ms; neither receiver sees the other's
it_check "r24 never saw a domain-25 master, r25 never a domain-24 one" eval '! grep -q "$G25" "$IT_TMP/r24.log" && ! grep -qE "$GM1|$GM2" "$IT_TMP/r25.log"'

# ---- (d) EP-02: the IPv6 BC with the IPv4 ones --------------------------
it_check "BC 26 (udpv6) port p0 SLAVE, p4 MASTER" bc_true \
	"r['26']['port_states']['p0'] == 'SLAVE' and r['26']['port_states']['p4'] == 'MASTER'"
s=$(ns_offsets "$IT_TMP/r26.log" "$SKIP_S")
echo "figures: r26 (UDPv6, unicast Delay_Req) $s"
it_check "r26 (UDPv6 via BC 26): $(ns_field "$s" n) samples >= 40" [ "$(ns_field "$s" n)" -ge 40 ]
it_check "BC 26 answered unicast Delay_Req on p4" \
	[ "$(it_tv /ptpsw/bc,26 "r['port_counters']['p4']['delay_resp_unicast'] > 0")" = True ]
it_jcheck "ND: NS answered and the receiver resolved" "$IT_TMP/neigh1.json" \
	"r['ns_rx'] > 0 and r['na_tx'] > 0 and any(e['port'] == 'p4' and e['address'] == 'fd66:0:0:0:0:0:0:5' and e['state'] == 'resolved' for e in r['entries'].values())"

# ---- a parent beyond the servo's reach, said at once --------------------
it_check "log: BC 27 cannot follow its parent (warning)" \
	grep -q "boundary clock domain 27: cannot follow its parent" "$IT_TMP/ptpsw.log"
grep -m1 "boundary clock domain 27: cannot follow" "$IT_TMP/ptpsw.log" | sed 's/^/figures: /'
it_check "status line: bc27 cannot-follow" \
	grep -q " bc27:[A-Z_]*\( off=-\?[0-9]*ns\)\? cannot-follow" "$IT_TMP/ptpsw.log"
it_check "telemetry: BC 27 follow at-limit or stepping, follow_lost >= 1" bc_true \
	"r['27']['follow'] in ('at-limit', 'stepping') and r['27']['follow_reference'] == 'parent' and r['27']['follow_lost'] >= 1"
it_dump_ptpsw > "$IT_TMP/dump1.txt"
it_check "dump: bc 27: cannot follow its parent" \
	grep -q "^bc 27: cannot follow its parent: " "$IT_TMP/dump1.txt"
echo "figures: BC 26 follow $(it_tv /ptpsw/bc "r['26']['follow'], r['26']['follow_lost']")"
it_check "BC 26 (ptp4l GM) follows, never lost it" bc_true \
	"r['26']['follow'] == 'follows' and r['26']['follow_lost'] == 0"
it_check "no cannot-follow warning for BC 26" eval \
	'! grep -q "boundary clock domain 26: cannot follow" "$IT_TMP/ptpsw.log"'

# ---- (b) EP-17: the rogue is never followed ----------------------------
g=$(rogue_watch)
echo "figures: BC 24 grandmaster $g; seen during the run:$SEEN"
it_check "BC 24 follows gm1 ($GM1)" [ "$g" = "$GM1" ]
it_check "rogue announces refused (rogue_rejected $R1 > 0)" [ "${R1:-0}" -gt 0 ]

# ---- (a) failover: kill gm1 (domain 24) by PID --------------------------
echo "killing gm1 (PID $GM1_PID)"
ns_stop "$GM1_PID" ptp4l TERM 3
T0=$(date +%s.%N)
took=
for ((i = 0; i < FAILOVER_S * 2; i++)); do
	sleep 0.5
	g=$(rogue_watch)
	if [ "$g" = "$GM2" ]; then
		took=$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
		break
	fi
done
echo "figures: failover to gm2 after ${took:-(none)} s"
it_check "BC 24 grandmaster is gm2 within $FAILOVER_S s (${took:-none} s)" [ -n "$took" ]
par=$(pmc_get 24 "GET PARENT_DATA_SET" | field parentPortIdentity)
it_check "BC 24 parent is gm2's port ($par)" [ "$par" = "$GM2-1" ]
# rogue watched for at least 10 s more
for ((i = 0; i < 10; i++)); do rogue_watch > /dev/null; sleep 1; done
echo "figures: BC 24 grandmasters seen:$SEEN"
it_check "the rogue ($ROGUE) was never BC 24's grandmaster" eval 'case " $SEEN " in *" $ROGUE "*) false ;; *) true ;; esac'
R2=$(rogue_count)
it_check "rogue_rejected grew ($R1 -> $R2)" [ "${R2:-0}" -gt "${R1:-0}" ]
it_check "BC 24 port p1 (gm2) SLAVE" bc_true "r['24']['port_states']['p1'] == 'SLAVE'"
rg=$(pmc -u -b 0 -d 24 -s "$IT_TMP/r24.uds" "GET PARENT_DATA_SET" 2> /dev/null | field grandmasterIdentity)
it_check "r24's grandmaster is now gm2 ($rg)" [ "$rg" = "$GM2" ]

# ---- link down / up on p5 (BC 25) ---------------------------------------
# af_packet (DPDK 22.11) reports its link up whatever the interface does:
# only a PMD that reports link changes turns the port FAULTY. The unit
# test (test_bc "link down") covers the logic; here it is asserted only
# when ptpsw logged the link change.
ip link set "${SW[5]}" down
sleep 3
if grep -q "port p5: link down" "$IT_TMP/ptpsw.log"; then
	it_check "link down: BC 25 port p5 FAULTY" bc_true "r['25']['port_states']['p5'] == 'FAULTY'"
	ip link set "${SW[5]}" up
	sleep 8
	it_check "link up: BC 25 port p5 MASTER again" bc_true "r['25']['port_states']['p5'] == 'MASTER'"
else
	echo "note: the PMD reported no link change for ${SW[5]} (af_packet): link fault not observable here"
	ip link set "${SW[5]}" up
fi

it_stop_ptpsw
for p in $(awk '$1 == "pid" && ($3 == "ptp4l" || $3 == "python3") { print $2 }' "$NS_STATE"); do
	ns_pid_is "$p" "" && ns_stop "$p" "" TERM 3
done
exit 0
