#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# DPDK's own tools attached to a running ptpsw on hugepages (EAL
# multi-process: shared config, ptpsw's --file-prefix).
#
# A. The lab (af_packet ports, ptp4l GM and two time receivers): three
#    `dpdk-proc-info -- --stats` runs exit 0 and show, for port 0, the
#    RX and TX counts ptpsw's own telemetry shows (/ptpsw/ports,p0,
#    bracketed by a query before and one after); dpdk-telemetry.py reads
#    /ethdev/stats,0 the same way;
#    ptpsw keeps all ports up and forwarding afterwards.
# B. Two net_pcap ports replaying files (infinite_rx=1): proc-info
#    --stats shows both ports' counters (DPDK 22.11's net_pcap then
#    crashes in proc-info's own exit, closing the port twice: its exit
#    status is compared with testpmd's in C),
#    and dpdk-dumpcap captures 100 frames of port 0 and exits 0. Both
#    tools stop their own view of the ports when they exit, which writes
#    "link down" into the state they share with ptpsw: ptpsw must keep
#    the ports up and forwarding (its status line's tx grows).
# C. The same two net_pcap ports under dpdk-testpmd: proc-info --stats
#    exits against it exactly as against ptpsw (so its exit status in B
#    is DPDK's, not ptpsw's doing).
#
# Hugepages: lib.sh's it_hugepages (reserved for the test, restored at
# exit); no hugepages: exit 77.

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-6}
PROCINFO=${DPDK_PROCINFO:-$(command -v dpdk-proc-info)}
DUMPCAP=${DPDK_DUMPCAP:-$(command -v dpdk-dumpcap)}

it_init 1 ptp4l python3 dpdk-telemetry.py
[ -n "$PROCINFO" ] && [ -x "$PROCINFO" ] ||
	it_skip "dpdk-proc-info not installed (Debian package dpdk)"
[ "$IT_SWITCH" = ptpsw ] || it_skip "needs ptpsw (IT_SWITCH=$IT_SWITCH)"
it_hugepages 256

# p0_counts: ptpsw's "rx_pkts tx_pkts ts_tx_sent" of port p0 (/ptpsw/ports);
# ts_tx_sent: event messages the port sent on its TX stamp socket, which
# ptpsw's tx counts and the PMD's counters (proc-info, /ethdev/stats) do not
p0_counts()
{
	it_tv /ptpsw/ports,p0 "'%d %d %d' % (r['rx_pkts'], r['tx_pkts'], r['ts_tx_sent'])"
}

# pi_count FILE PORT FIELD(RX|TX): proc-info's packets of a port
pi_count()
{
	awk -v p="NIC statistics for port $2 " -v f="$3-packets:" \
		'index($0, p) { s = 1 } s && $1 == f { print $2; exit }' "$1"
}

# between LO X HI: LO <= X <= HI (numbers)
between() { [ -n "$2" ] && [ "$1" -le "$2" ] && [ "$2" -le "$3" ]; }

echo "--- A: af_packet lab"
ns_lab_create "$PFX" "${SW[@]}" || exit 1
it_config "$IT_TMP/ptpsw.cfg" "$IT_HUGE_SED" || exit 1
grep '^eal' "$IT_TMP/ptpsw.cfg"
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1
it_lab_peers "$RUN_S"

read -r rx1 tx1 ss1 < <(p0_counts)
for i in 1 2 3; do
	timeout 30 "$PROCINFO" --file-prefix "$PFX" -- --stats > "$IT_TMP/pi$i.log" 2>&1
	echo "$?" > "$IT_TMP/pi$i.rc"
done
it_tel /ethdev/stats,0 "$IT_TMP/eth0.json"
read -r rx2 tx2 ss2 < <(p0_counts)
echo "figures: ptpsw port 0 rx $rx1 -> $rx2, tx $tx1 -> $tx2 (on the stamp socket ${ss1:-0} -> ${ss2:-0})"
# what the PMD sent: ptpsw's tx less the stamp socket's
etx1=$((${tx1:-0} - ${ss2:-0})); etx2=$((${tx2:-0} - ${ss1:-0}))
for i in 1 2 3; do
	rc=$(cat "$IT_TMP/pi$i.rc")
	prx=$(pi_count "$IT_TMP/pi$i.log" 0 RX); ptx=$(pi_count "$IT_TMP/pi$i.log" 0 TX)
	echo "figures: proc-info run $i: exit $rc, port 0 RX-packets ${prx:-?} TX-packets ${ptx:-?}"
	it_check "proc-info --stats run $i exits 0 ($rc)" [ "$rc" = 0 ]
	it_check "run $i: port 0 RX-packets within ptpsw's rx ($rx1 <= ${prx:-?} <= $rx2 + 32)" \
		between "${rx1:-0}" "$prx" $((${rx2:-0} + 32))
	it_check "run $i: port 0 TX-packets within ptpsw's PMD tx ($etx1 <= ${ptx:-?} <= $etx2 + 32)" \
		between "$etx1" "$ptx" $((etx2 + 32))
done
[ "$(cat "$IT_TMP/pi1.rc")" = 0 ] || sed 's/^/proc-info: /' "$IT_TMP/pi1.log" | tail -n 20
it_jcheck "dpdk-telemetry.py /ethdev/stats,0 within ptpsw's rx and tx" "$IT_TMP/eth0.json" \
	"${rx1:-0} <= r['ipackets'] <= ${rx2:-0} + 32 and $etx1 <= r['opackets'] <= $etx2 + 32"
sleep 2
read -r rx3 _ < <(p0_counts)
it_check "ptpsw still has 3/3 ports up" \
	[ "$(it_tv /ptpsw/ports "sorted(p['link'] for p in r.values())")" = "['up', 'up', 'up']" ]
it_check "ptpsw still forwards (port 0 rx $rx2 -> $rx3)" [ "${rx3:-0}" -gt "${rx2:-0}" ]
it_stop_ptpsw
ns_cleanup "$NS_STATE"
: > "$NS_STATE"

echo "--- B: net_pcap ports"
it_gen_pcaps 1000
it_pcap_config "$IT_TMP/pcap.cfg" "\"--no-pci\", \"--huge-dir\", \"$IT_HUGEDIR\", \"-m\", \"256\""
L=$IT_TMP/ptpsw.log
: > "$L"
it_start_switch "$IT_TMP/pcap.cfg" || exit 1
timeout 30 "$PROCINFO" --file-prefix "$PFX" -- --stats > "$IT_TMP/pib.log" 2>&1
rc=$?
PI_RC_PTPSW=$rc
echo "figures: proc-info against net_pcap ports: exit $rc (DPDK 22.11 net_pcap closes the port twice in a secondary: 139 = SIGSEGV)"
prx0=$(pi_count "$IT_TMP/pib.log" 0 RX); prx1=$(pi_count "$IT_TMP/pib.log" 1 RX)
it_check "proc-info shows both ports' RX counts (${prx0:-?}, ${prx1:-?})" \
	eval '[ "${prx0:-0}" -gt 0 ] && [ "${prx1:-0}" -gt 0 ]'
if [ -n "$DUMPCAP" ] && [ -x "$DUMPCAP" ]; then
	CAP=$IT_TMP/a.pcapng
	timeout 30 "$DUMPCAP" --file-prefix="$PFX" -q -i net_pcap0 -c 100 -w "$CAP" > "$IT_TMP/dumpcap.log" 2>&1
	rc=$?
	n=$(tshark -r "$CAP" 2> /dev/null | wc -l)
	it_check "dpdk-dumpcap on net_pcap0 exits 0 ($rc)" [ "$rc" = 0 ]
	it_check "dpdk-dumpcap captured 100 frames or more ($n)" [ "$n" -ge 100 ]
else
	echo "note: dpdk-dumpcap not installed, capture not checked"
fi
sleep 2
echo "after the tools exited:"
it_check_forwarding 2/2
it_check "ptpsw says why it ignores the link-down" grep -q 'port a: net_pcap reports its link down while ptpsw has the port started' "$L"

echo "--- C: the same net_pcap ports under dpdk-testpmd"
it_stop_ptpsw
TESTPMD=${DPDK_TESTPMD:-$(command -v dpdk-testpmd)}
if [ -n "$TESTPMD" ] && [ -x "$TESTPMD" ]; then
	# the same prefix and hugepage mount (ptpsw has stopped), the same
	# vdevs; --stats-period keeps testpmd from waiting on its stdin
	"$TESTPMD" --no-pci --huge-dir "$IT_HUGEDIR" -m 256 -l 0-1 \
		--file-prefix "$PFX" \
		--vdev "net_pcap0,rx_pcap=$IT_TMP/pcap/mix-1.pcap,infinite_rx=1" \
		--vdev "net_pcap1,rx_pcap=$IT_TMP/pcap/mix-100.pcap,infinite_rx=1" \
		-- --forward-mode=mac --auto-start --stats-period 1 \
		> "$IT_TMP/testpmd.log" 2>&1 < /dev/null &
	TP_PID=$!
	ns_record pid "$TP_PID" dpdk-testpmd
	for _ in $(seq 100); do
		grep -q 'Tx-pps' "$IT_TMP/testpmd.log" && break
		kill -0 "$TP_PID" 2> /dev/null || break
		sleep 0.1
	done
	timeout 30 "$PROCINFO" --file-prefix "$PFX" -- --stats > "$IT_TMP/pic.log" 2>&1
	rc=$?
	trx0=$(pi_count "$IT_TMP/pic.log" 0 RX)
	ns_stop "$TP_PID" dpdk-testpmd INT 10
	echo "figures: proc-info against dpdk-testpmd on the same ports: exit $rc, port 0 RX-packets ${trx0:-?}"
	it_check "proc-info read testpmd's port 0 (${trx0:-?} RX-packets)" [ "${trx0:-0}" -gt 0 ]
	it_check "proc-info exits against ptpsw as against dpdk-testpmd on the same ports ($PI_RC_PTPSW, $rc)" \
		[ "$PI_RC_PTPSW" = "$rc" ]
else
	echo "note: dpdk-testpmd not installed, the comparison not made"
fi
exit 0
