#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Live capture with Debian's dpdk-dumpcap attached to a running ptpsw.
# ptpsw runs as an EAL primary with hugepages and shared config (no
# --no-huge, no --no-shconf), its own --file-prefix and a hugetlbfs mount
# of this test; a ptp4l GM and two time receivers send PTP through it.
# dpdk-dumpcap (a secondary process) captures port p0 (the GM's port) for
# a few seconds into a pcapng (-i takes the DPDK device name or the ethdev
# port id, not the ptpsw port name).
#
# Asserts: ptpsw says capture is available (log and /ptpsw/info);
# dumpcap lists ptpsw's ports; the pcapng
# decodes with tshark and holds PTP: Sync and Announce from the GM
# (received on p0), Delay_Req towards the GM (sent on p0, already
# corrected by the one-step TC: correctionField != 0), good UDP checksums;
# ptpsw keeps forwarding after the capture detaches (/ptpsw/ports rx_pkts
# of p0 grows) and exits 0.
#
# Hugepages: 2 MB pages are reserved for the test (at least 256 in total)
# and the previous count is restored at exit; the hugetlbfs mount is the
# test's own and is removed at exit. No hugepages to be had: exit 77.

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-6}
CAP_S=${CAP_S:-5}
DUMPCAP=${DPDK_DUMPCAP:-$(command -v dpdk-dumpcap)}

it_init 1 ptp4l tshark dpdk-telemetry.py
[ -n "$DUMPCAP" ] && [ -x "$DUMPCAP" ] ||
	it_skip "dpdk-dumpcap not installed (Debian package dpdk-dev)"
[ "$IT_SWITCH" = ptpsw ] || it_skip "capture needs ptpsw (IT_SWITCH=$IT_SWITCH)"

it_hugepages 256

ns_lab_create "$PFX" "${SW[@]}" || exit 1
# lab.cfg's EAL list without --no-huge / --no-shconf, with our hugetlbfs.
it_config "$IT_TMP/ptpsw.cfg" "$IT_HUGE_SED" || exit 1
grep -q -- '--no-huge\|--no-shconf' "$IT_TMP/ptpsw.cfg" && {
	echo "config still has --no-huge/--no-shconf:"; grep eal "$IT_TMP/ptpsw.cfg"; exit 1; }
grep '^eal' "$IT_TMP/ptpsw.cfg"
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1

it_check "ptpsw reports live capture available" \
	grep -q "live capture: dpdk-dumpcap" "$IT_TMP/ptpsw.log"
cap=$(it_tv /ptpsw/info "r['capture']")
it_check "/ptpsw/info capture = 1 ($cap)" [ "$cap" = 1 ]

it_lab_peers "$RUN_S"

timeout 20 "$DUMPCAP" --file-prefix="$PFX" -D > "$IT_TMP/list.log" 2>&1
sed 's/^/dumpcap -D: /' "$IT_TMP/list.log"
it_check "dumpcap lists ptpsw's ports by device name" \
	eval 'grep -q "^0\. net_af_packet0" "$IT_TMP/list.log" && grep -q "^2\. net_af_packet2" "$IT_TMP/list.log"'

CAP=$IT_TMP/p0.pcapng
timeout $((CAP_S + 20)) "$DUMPCAP" --file-prefix="$PFX" -q -i net_af_packet0 -a "duration:$CAP_S" \
	-w "$CAP" > "$IT_TMP/dumpcap.log" 2>&1
rc=$?
sed 's/^/dumpcap: /' "$IT_TMP/dumpcap.log" | tail -n 5
it_check "dpdk-dumpcap exits 0 ($rc)" [ "$rc" = 0 ]
it_check "pcapng written" [ -s "$CAP" ]

n_all=$(tshark -r "$CAP" 2> /dev/null | wc -l)
read -r n_ptp n_sync n_ann n_dreq n_dreq_cf n_bad < <(it_counts "$CAP" ptp \
	"ptp.v2.messagetype == 0 && ip.src == $NS_NET4.1" \
	"ptp.v2.messagetype == 0xb && ip.src == $NS_NET4.1" \
	"ptp.v2.messagetype == 1" \
	"ptp.v2.messagetype == 1 && ptp.v2.correction.ns != 0" \
	"udp.checksum.status == 0")
echo "figures: capture $n_all frames, PTP $n_ptp (Sync $n_sync, Announce $n_ann, Delay_Req $n_dreq of which corrected $n_dreq_cf), bad UDP checksums $n_bad"
it_check "tshark decodes PTP frames ($n_ptp)" [ "$n_ptp" -gt 0 ]
it_check "GM's Syncs captured (${CAP_S} s at 8/s: $n_sync)" [ "$n_sync" -ge $((CAP_S * 4)) ]
it_check "GM's Announce captured ($n_ann)" [ "$n_ann" -ge 1 ]
it_check "Delay_Req sent towards the GM captured ($n_dreq)" [ "$n_dreq" -ge 1 ]
it_check "captured Delay_Req carry the TC's correction ($n_dreq_cf of $n_dreq)" \
	eval '[ "$n_dreq" -ge 1 ] && [ "$n_dreq_cf" = "$n_dreq" ]'
it_check "no bad UDP checksum in the capture" [ "$n_bad" = 0 ]
it_check "capture is pcapng" eval 'capinfos -t "$CAP" 2> /dev/null | grep -q pcapng || file "$CAP" | grep -qi pcapng'

before=$(it_tv /ptpsw/ports,p0 "r['rx_pkts']")
sleep 3
after=$(it_tv /ptpsw/ports,p0 "r['rx_pkts']")
echo "figures: p0 rx after the capture $before -> $after"
it_check "ptpsw still forwards after dumpcap detached" [ "${after:-0}" -gt "${before:-0}" ]
exit 0
