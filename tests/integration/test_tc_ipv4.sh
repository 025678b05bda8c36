#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ptpsw as a one-step end-to-end transparent clock between real ptp4l peers
# over UDP/IPv4: a two-step GM (ptp4l default), tr1 with multicast
# Delay_Req, tr2 with unicast Delay_Req (hybrid_e2e).
#
# Asserts: both receivers sync (samples; rms and max within generous
# bounds unless the machine is contended, see lib.sh);
# on the wire (tcpdump in the GM's and tr2's namespaces, decoded by tshark):
# unicast Delay_Req stays unicast and multicast stays multicast (EP-20),
# no bad UDP checksum after the correctionField edit, Announce forwarded
# byte for byte (EP-25), Sync leaves the GM with correctionField 0 and
# reaches tr2 with a non-zero one, and every Sync and Delay_Req correction
# lies within the message's transit between the two captures; TCP (iperf3)
# and ICMP cross the switch, and none of that unicast traffic between tr1
# and the GM is flooded to tr2's port (MAC learning).

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-20}
SKIP_S=5

it_init 1 ptp4l tcpdump tshark ethtool iperf3
[ "$IT_SWITCH" != ptpsw ] || ns_have dpdk-telemetry.py ||
	it_skip "dpdk-telemetry.py not installed (Debian package dpdk-dev)"

ns_lab_create "$PFX" "${SW[@]}" || exit 1
if [ "$IT_SWITCH" = ptpsw ]; then
	it_config "$IT_TMP/ptpsw.cfg" || exit 1
fi
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1

it_capture "$PFX-gm" "$IT_TMP/gm.pcap" || it_fail "capture in gm"
CAP_GM=$NS_LAST_PID
it_capture "$PFX-tr2" "$IT_TMP/tr2.pcap" || it_fail "capture in tr2"
CAP_TR2=$NS_LAST_PID

ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log"
ns_ptp4l "$PFX-tr2" "$NS_IF" tr-unicast "$IT_TMP/tr2.log"
echo "running ptp4l for $RUN_S s"
it_load_mark
sleep "$RUN_S"
it_load_report
ns_stop "$CAP_GM" tcpdump INT
ns_stop "$CAP_TR2" tcpdump INT

it_sync_stats "tr1 (multicast Delay_Req)" "$IT_TMP/tr1.log" $SKIP_S 50 200000 2000000
it_sync_stats "tr2 (unicast Delay_Req)" "$IT_TMP/tr2.log" $SKIP_S 50 200000 2000000

GM=$IT_TMP/gm.pcap
TR=$IT_TMP/tr2.pcap

# EP-20: the transmission mode is kept.
n=$(it_count "$GM" "ptp.v2.messagetype == 1 && ip.src == $NS_NET4.3")
dst=$(it_tshark "$GM" "ptp.v2.messagetype == 1 && ip.src == $NS_NET4.3" ip.dst | sort -u | tr '\n' ' ')
echo "figures: tr2 Delay_Req seen at the GM: $n, destinations: $dst"
it_check "tr2's Delay_Req reach the GM ($n)" [ "$n" -gt 10 ]
it_check "tr2's Delay_Req are still unicast to $NS_NET4.1" [ "$dst" = "$NS_NET4.1 " ]
dst=$(it_tshark "$GM" "ptp.v2.messagetype == 1 && ip.src == $NS_NET4.2" ip.dst | sort -u | tr '\n' ' ')
it_check "tr1's Delay_Req are still multicast ($dst)" [ "$dst" = "224.0.1.129 " ]
n=$(it_count "$TR" "ptp.v2.messagetype == 9 && ip.dst == $NS_NET4.3 && ip.src == $NS_NET4.1")
it_check "unicast Delay_Resp reach tr2 ($n)" [ "$n" -gt 10 ]

# UDP checksums after the correctionField edit (0 is legal for IPv4).
for f in "$GM" "$TR"; do
	read -r tot bad good zero < <(it_counts "$f" "udp" "udp.checksum.status == 0" \
		"udp.checksum.status == 1" "udp.checksum == 0")
	echo "figures: $(basename "$f"): $tot UDP, $good good checksums, $zero zero, $bad bad"
	it_check "no bad UDP checksum in $(basename "$f")" eval '[ "$bad" = 0 ] && [ "$tot" -gt 0 ]'
	it_check "all UDP checksums good or zero in $(basename "$f")" [ $((good + zero)) = "$tot" ]
done

# EP-25: Announce byte for byte (same sequenceId on both sides).
it_tshark "$GM" "ptp.v2.messagetype == 0xb && ip.src == $NS_NET4.1" ptp.v2.sequenceid udp.payload | sort > "$IT_TMP/ann.gm"
it_tshark "$TR" "ptp.v2.messagetype == 0xb && ip.src == $NS_NET4.1" ptp.v2.sequenceid udp.payload | sort > "$IT_TMP/ann.tr"
both=$(join "$IT_TMP/ann.gm" "$IT_TMP/ann.tr" | wc -l)
diffr=$(join "$IT_TMP/ann.gm" "$IT_TMP/ann.tr" | awk '$2 != $3' | wc -l)
echo "figures: Announce matched by sequenceId: $both, differing: $diffr"
it_check "Announce seen on both sides ($both)" [ "$both" -ge 5 ]
it_check "Announce forwarded unchanged" [ "$diffr" = 0 ]

# One-step TC: the residence time goes into the Sync's correctionField.
read -r s_gm s_gm_cf < <(it_counts "$GM" "ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1" \
	"ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1 && ptp.v2.correction.ns != 0")
read -r s_tr s_tr_cf < <(it_counts "$TR" "ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1" \
	"ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1 && ptp.v2.correction.ns != 0")
cf=$(it_tshark "$TR" "ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1" ptp.v2.correction.ns |
	sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "min %d median %d max %d ns", v[1], v[int((NR + 1) / 2)], v[NR] }')
echo "figures: Sync at GM $s_gm (CF != 0: $s_gm_cf), at tr2 $s_tr (CF != 0: $s_tr_cf), tr2 CF $cf"
it_check "GM sends Sync with correctionField 0" eval '[ "$s_gm" -gt 50 ] && [ "$s_gm_cf" = 0 ]'
it_check "Sync reaches tr2 with non-zero correctionField" eval '[ "$s_tr" -gt 50 ] && [ "$s_tr_cf" = "$s_tr" ]'
# Every correction lies inside the transit the captures saw (any load).
it_cf_transit "Sync gm -> tr2 (Sync CF)" 50 "$GM" "$TR" \
	"ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1" \
	"$TR" "ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1"
it_cf_transit "Delay_Req tr2 -> gm (Delay_Req CF)" 50 "$TR" "$GM" \
	"ptp.v2.messagetype == 1 && ip.src == $NS_NET4.3" \
	"$GM" "ptp.v2.messagetype == 1 && ip.src == $NS_NET4.3"
f_cf=$(it_count "$TR" "ptp.v2.messagetype == 8 && ptp.v2.correction.ns != 0")
it_check "Follow_Up not corrected by a one-step TC ($f_cf)" [ "$f_cf" = 0 ]

# Other traffic crosses the switch, and only to where it is going: with
# both MACs learned (from their PTP traffic), tr2's port sees none of it.
if [ "$IT_SWITCH" = ptpsw ]; then
	it_capture "$PFX-tr2" "$IT_TMP/uc.pcap" 'icmp or tcp' 128 ||
		it_fail "capture of ICMP/TCP in tr2"
	CAP_UC=$NS_LAST_PID
fi
it_check "ICMP echo tr1 -> gm" it_ping "$PFX-tr1" "$NS_NET4.1"
it_check "TCP (iperf3 3 s) tr1 -> gm" it_iperf "$PFX-tr1" "$PFX-gm" "$NS_NET4.1" 3
if [ "$IT_SWITCH" = ptpsw ]; then
	ns_stop "$CAP_UC" tcpdump INT
	n=$(it_count "$IT_TMP/uc.pcap" \
		"(ip.src == $NS_NET4.2 && ip.dst == $NS_NET4.1) || (ip.src == $NS_NET4.1 && ip.dst == $NS_NET4.2)")
	echo "figures: tr1 <-> gm ICMP/TCP frames seen on tr2's port: $n"
	# learning broken would flood all of iperf3's frames (thousands)
	it_check "unicast tr1 <-> gm not flooded to tr2 ($n frames)" \
		[ "${n:-999999}" -le 3 ]
fi

# Profile watchdog: one Pdelay_Req (forbidden by RFC 9760) from the GM's
# namespace, domain 99 (no receiver's), is counted on the GM's port p0.
if [ "$IT_SWITCH" = ptpsw ]; then
	ip netns exec "$PFX-gm" python3 -c '
import socket, struct, sys
hdr = struct.pack("!BBHBBH8s4s10sHBb", 0x02, 0x02, 54, 99, 0, 0,
		  bytes(8), bytes(4), bytes(8) + b"\x00\x01", 1, 5, 0x7f)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
	     socket.inet_aton(sys.argv[1]))
s.sendto(hdr + bytes(20), ("224.0.0.107", 319))' "$NS_NET4.1"
	sleep 0.5
	it_dump_ptpsw > "$IT_TMP/dump.txt"
	sed 's/^/ptpsw: /' "$IT_TMP/dump.txt"
	wd=$(it_tv /ptpsw/ports,p0 "r['watchdog']['pdelay']")
	it_check "watchdog counts the Pdelay_Req on p0 ($wd)" [ "${wd:-0}" -ge 1 ]
	# af_packet ports stamp sent frames; one-step mode says that
	# two-step would use those stamps
	n=$(grep -c '^  port .*timestamps af_packet-ring (auto), tx stamped,' "$IT_TMP/ptpsw.log")
	it_check "banner: af_packet ports have TX stamps ($n of 3)" [ "$n" = 3 ]
	it_check "banner: one-step mode points to two-step" \
		grep -q '^note: one-step mode predicts the egress time; 3 of 3 ports' "$IT_TMP/ptpsw.log"
	# one-step on ports with TX stamps: each event message sent alone,
	# its stamp a sample of the port's send latency (pmd_glue/tc_hwtx.h)
	read -r os ost < <(it_tv /ptpsw/tc "'%d %d' % (r['hwtx_onestep'], r['hwtx_onestep_stamped'])")
	lat=$(it_tv /ptpsw/ports "' '.join('%s:%d/%d' % (k, p['onestep_latency_ns'], p['onestep_latency_samples']) for k, p in r.items())")
	sm=$(it_tv /ptpsw/ports "max(p['onestep_latency_samples'] for p in r.values())")
	echo "figures: one-step sent alone ${os:-?}, stamped ${ost:-?}; per port latency ns/samples: $lat"
	it_check "one-step messages go out alone for their TX stamps (${os:-0}, stamped ${ost:-0}), a port with ${sm:-0} latency samples" \
		eval '[ "${os:-0}" -gt 50 ] && [ $(( ${ost:-0} * 10 )) -ge $(( ${os:-0} * 9 )) ] && [ "${sm:-0}" -ge 64 ]'
	# the send path is warmed through a private loopback before the
	# first stamped send after an idle millisecond (pmd_glue/sendwarm.h):
	# Syncs come every 125 ms, so most of the sends follow an idle span
	it_check "banner: stamped sends warmed through a private loopback" \
		grep -q '^send warm-up: private loopback' "$IT_TMP/ptpsw.log"
	read -r wm ws wf < <(it_tv /ptpsw/tc "'%s %d %d' % (r['send_warmup'].replace(' ', '-'), r['send_warmup_sent'], r['send_warmup_failed'])")
	echo "figures: one-step warm-up ${wm:-?}: sent ${ws:-?} failed ${wf:-?} of ${os:-?} one-step sends"
	it_check "warm-ups sent before a part of the one-step sends (${ws:-0} of ${os:-0}), none refused (${wf:-?})" \
		eval '[ "$wm" = private-loopback ] && [ "${ws:-0}" -ge 10 ] && [ "${ws:-0}" -le "${os:-0}" ] && [ "${wf:-1}" = 0 ]'
	it_check "dump: the warm-up's line" \
		grep -q '^tc: send warm-up private loopback: sent [1-9]' "$IT_TMP/dump.txt"
fi
exit 0
