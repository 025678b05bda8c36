#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ptpsw as a one-step end-to-end transparent clock between real ptp4l peers
# over UDP/IPv6 (ptp4l multicast group FF0E::181): a two-step GM, tr1 with
# multicast Delay_Req, tr2 with unicast Delay_Req (hybrid_e2e).
#
# Asserts: both receivers sync within generous bounds; every UDP checksum
# reaching the GM and tr2 is good (a zero UDP checksum is illegal over
# IPv6); tr2's Delay_Req stays unicast and tr1's multicast (EP-20); Sync is
# corrected by the TC; TCP (iperf3) crosses the switch over IPv6.

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-20}
SKIP_S=5
V6=(--network_transport=UDPv6)

it_init 1 ptp4l tcpdump tshark ethtool iperf3

ns_lab_create "$PFX" "${SW[@]}" || exit 1
if [ "$IT_SWITCH" = ptpsw ]; then
	it_config "$IT_TMP/ptpsw.cfg" || exit 1
fi
# ptpsw without CAP_SYS_ADMIN (as in a container that does not grant
# it): no private loopback for the send warm-up (pmd_glue/sendwarm.h),
# which it says, and one-step works on without it
IT_SW_WRAP=(setpriv --bounding-set=-sys_admin --inh-caps=-sys_admin)
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1

it_capture "$PFX-gm" "$IT_TMP/gm.pcap" || it_fail "capture in gm"
CAP_GM=$NS_LAST_PID
it_capture "$PFX-tr2" "$IT_TMP/tr2.pcap" || it_fail "capture in tr2"
CAP_TR2=$NS_LAST_PID

ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log" "${V6[@]}"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log" "${V6[@]}"
ns_ptp4l "$PFX-tr2" "$NS_IF" tr-unicast "$IT_TMP/tr2.log" "${V6[@]}"
echo "running ptp4l over UDPv6 for $RUN_S s"
it_load_mark
sleep "$RUN_S"
it_load_report
ns_stop "$CAP_GM" tcpdump INT
ns_stop "$CAP_TR2" tcpdump INT

it_sync_stats "tr1 (multicast Delay_Req)" "$IT_TMP/tr1.log" $SKIP_S 50 200000 2000000
it_sync_stats "tr2 (unicast Delay_Req)" "$IT_TMP/tr2.log" $SKIP_S 50 200000 2000000

GM=$IT_TMP/gm.pcap
TR=$IT_TMP/tr2.pcap

n=$(it_count "$GM" "ptp.v2.messagetype == 1 && ipv6.src == fd66::3")
dst=$(it_tshark "$GM" "ptp.v2.messagetype == 1 && ipv6.src == fd66::3" ipv6.dst | sort -u | tr '\n' ' ')
echo "figures: tr2 Delay_Req seen at the GM: $n, destinations: $dst"
it_check "tr2's Delay_Req reach the GM ($n)" [ "$n" -gt 10 ]
it_check "tr2's Delay_Req are still unicast to fd66::1" [ "$dst" = "fd66::1 " ]
dst=$(it_tshark "$GM" "ptp.v2.messagetype == 1 && ipv6.src == fd66::2" ipv6.dst | sort -u | tr '\n' ' ')
it_check "tr1's Delay_Req are still multicast ($dst)" eval '[ "${dst:0:2}" = ff ] && [ "${dst% }" = "${dst%% *}" ]'

for f in "$GM" "$TR"; do
	read -r tot good < <(it_counts "$f" "udp" "udp.checksum.status == 1")
	echo "figures: $(basename "$f"): $tot UDP over IPv6, $good good checksums"
	it_check "every UDP checksum good in $(basename "$f")" eval '[ "$tot" -gt 50 ] && [ "$good" = "$tot" ]'
done

read -r s_tr s_tr_cf < <(it_counts "$TR" "ptp.v2.messagetype == 0 && ipv6.src == fd66::1" \
	"ptp.v2.messagetype == 0 && ipv6.src == fd66::1 && ptp.v2.correction.ns != 0")
echo "figures: Sync at tr2 $s_tr, with non-zero correctionField $s_tr_cf"
it_check "Sync reaches tr2 corrected" eval '[ "$s_tr" -gt 50 ] && [ "$s_tr_cf" = "$s_tr" ]'
it_cf_transit "Sync gm -> tr2 (Sync CF)" 50 "$GM" "$TR" \
	"ptp.v2.messagetype == 0 && ipv6.src == fd66::1" \
	"$TR" "ptp.v2.messagetype == 0 && ipv6.src == fd66::1"
it_cf_transit "Delay_Req tr2 -> gm (Delay_Req CF)" 50 "$TR" "$GM" \
	"ptp.v2.messagetype == 1 && ipv6.src == fd66::3" \
	"$GM" "ptp.v2.messagetype == 1 && ipv6.src == fd66::3"

it_check "TCP over IPv6 (iperf3 3 s) tr1 -> gm" it_iperf "$PFX-tr1" "$PFX-gm" fd66::1 3

if [ "$IT_SWITCH" = ptpsw ]; then
	it_dump_ptpsw > "$IT_TMP/dump.txt"
	sed 's/^/ptpsw: /' "$IT_TMP/dump.txt"
	why='no private loopback to warm sends on: unshare(CLONE_NEWNET): Operation not permitted'
	it_check "banner: no send warm-up without CAP_SYS_ADMIN, and why" \
		grep -qF "send warm-up: none: $why" "$IT_TMP/ptpsw.log"
	n=$(grep -cF "transparent clock: $why: the first event message" "$IT_TMP/ptpsw.log")
	it_check "one warning line says so ($n)" [ "$n" = 1 ]
	it_check "the status line says so" \
		grep -q '^ptpsw: up .* no-send-warmup' "$IT_TMP/ptpsw.log"
	it_check "dump: the warm-up line says none, nothing sent" \
		grep -qF "tc: send warm-up none: $why: sent 0 failed 0 of" "$IT_TMP/dump.txt"
	w=$(it_tv /ptpsw/tc "r['send_warmup'][:5]")
	it_check "telemetry: send_warmup says none ($w)" [ "$w" = "none:" ]
fi
exit 0
