#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The mbuf pool against ports whose PMD keeps copies in it: two net_pcap
# ports replaying 4097-frame files with infinite_rx=1 (net_pcap copies
# every frame of its file into the pool at RX queue set-up), EAL without
# hugepages, no network namespaces.
#
# 1. No `mbufs` key: ptpsw sizes the pool from the ports (the log says
#    so, with more than 2 x 4097 mbufs), says `ports 2/2 up` and forwards:
#    its status line's tx grows, /ptpsw/info shows mbufs_auto and no RX
#    starvation, the PMD's /ethdev/stats count the same frames.
# 2. `mbufs = 8192`: the second port's copies do not fit; ptpsw refuses to
#    start (exit 1) with one line naming the pool and the numbers.
# 3. `mbufs = 8200`: both ports' copies fit, 6 mbufs are left: ptpsw
#    starts, warns that the pool is short (naming pool and numbers), then
#    says once that RX cannot get buffers; the status line carries
#    RX-NO-MBUFS and /ptpsw/info rx_no_mbufs; it exits 0 on SIGINT.
# 4. Port b replays a shuffled copy: the same MACs on both ports, so
#    they keep moving; one warning, MAC-MOVES, /ptpsw/info mac_flapping.

set -u
. "$(dirname "$0")/lib.sh"

FRAMES=4097
it_init 0 python3
[ "$IT_SWITCH" = ptpsw ] || it_skip "needs ptpsw (IT_SWITCH=$IT_SWITCH)"
HAVE_TEL=0
command -v dpdk-telemetry.py > /dev/null && HAVE_TEL=1
it_gen_pcaps "$FRAMES"

# cfg OUT [EXTRA-LINE]: the two net_pcap ports, EAL without hugepages
cfg() { it_pcap_config "$1" '"--no-huge", "-m", "512", "--no-pci", "--no-shconf"' "${2:-}"; }

echo "--- 1: no mbufs key"
cfg "$IT_TMP/auto.cfg"
it_start_switch "$IT_TMP/auto.cfg" || exit 1
sleep 3
L=$IT_TMP/ptpsw.log
grep 'mempool ptpsw_mbufs' "$L"
size=$(sed -n 's/.*mempool ptpsw_mbufs: \([0-9]*\) mbufs (sized from the ports).*/\1/p' "$L")
it_check "pool sized from the ports, more than 2 x $FRAMES (${size:-none})" \
	[ "${size:-0}" -gt $((2 * FRAMES)) ]
it_check "banner: both ports up" grep -q 'link up' "$L"
it_check_forwarding 2/2
it_check "no RX starvation reported" eval '! grep -q "RX cannot get buffers\|RX-NO-MBUFS" "$L"'
if [ "$HAVE_TEL" = 1 ]; then
	it_tel_check /ptpsw/info "$IT_TMP/info.json" \
		"/ptpsw/info: mbufs_auto, no rx_no_mbufs, mbufs_free > 0" \
		"r['mbufs_auto'] == 1 and r['rx_no_mbufs'] == 0 and r['mbufs_free'] > 0 and r['mbufs'] == $size"
	it_tel_check /ethdev/stats,1 "$IT_TMP/eth1.json" \
		"/ethdev/stats,1: the PMD received and sent frames (port b)" \
		"r['opackets'] > 0 and r['ipackets'] > 0"
else
	echo "note: dpdk-telemetry.py not installed, telemetry not checked"
fi
it_stop_ptpsw

echo "--- 2: mbufs = 8192 (too small for the copies)"
cfg "$IT_TMP/small.cfg" "mbufs = 8192;"
timeout 30 "$PTPSW" -c "$IT_TMP/small.cfg" > "$IT_TMP/small.log" 2>&1
rc=$?
grep 'ptpsw_mbufs\|mbufs' "$IT_TMP/small.log"
it_check "ptpsw refuses to start (exit $rc)" [ "$rc" = 1 ]
it_check "one line names the pool, the copies and what is free" \
	grep -q "port b: its PMD keeps $FRAMES frames of its input in mempool ptpsw_mbufs, which has $((8192 - FRAMES)) of 8192 mbufs free: not starting" "$IT_TMP/small.log"

echo "--- 3: mbufs = 8200 (6 left after the copies)"
cfg "$IT_TMP/short.cfg" "mbufs = 8200;"
: > "$L"
it_start_switch "$IT_TMP/short.cfg" || exit 1
sleep 4
grep 'ptpsw_mbufs' "$L"
it_check "start-up warning names the pool and the numbers" \
	grep -q 'mempool ptpsw_mbufs: the ports hold 8194 of 8200 mbufs after start, 6 free, forwarding needs [0-9]* free: RX will run out of buffers' "$L"
n=$(grep -c 'mempool ptpsw_mbufs: RX cannot get buffers' "$L")
it_check "RX starvation said in one log line ($n)" [ "$n" = 1 ]
s=$(grep '^ptpsw: up ' "$L" | tail -n 1)
echo "status: $s"
it_check "status line shows RX-NO-MBUFS" grep -q 'RX-NO-MBUFS (ptpsw_mbufs [0-9]*/8200 free)' <<< "$s"
if [ "$HAVE_TEL" = 1 ]; then
	it_tel_check /ptpsw/info "$IT_TMP/info2.json" \
		"/ptpsw/info: rx_no_mbufs, mbufs_short, not auto" \
		"r['rx_no_mbufs'] == 1 and r['mbufs_short'] == 1 and r['mbufs_auto'] == 0 and r['rx_no_mbufs_events'] == 1"
fi
it_stop_ptpsw

# 4. The same source MACs on both ports, in another order on b (parts 1-3
#    replay one MAC order on both, in step, so b never sees a MAC first):
#    MACs keep moving between the ports; ptpsw says so once (warning, the
#    status line, /ptpsw/info) and forwards on.
echo "--- 4: the same MACs on both ports (a shuffled copy on b)"
/usr/bin/python3 "$SRCDIR/bench/gen_pcap.py" "$IT_TMP/shuf" --shuffled 5000 \
	--frames "$FRAMES" || { echo "gen_pcap.py failed"; exit 1; }
cfg "$IT_TMP/flap.cfg"
sed -i "s|$IT_TMP/pcap/mix-100.pcap|$IT_TMP/shuf/mix-1.pcap|" "$IT_TMP/flap.cfg"
: > "$L"
it_start_switch "$IT_TMP/flap.cfg" || exit 1
sleep 4
grep 'fdb:' "$L"
n=$(grep -c 'fdb: MACs keep moving between ports: [0-9]* moves in the last second (last 02:00:00:00:[0-9a-f:]* [ab]->[ab])' "$L")
it_check "MAC moves said in one warning line ($n)" [ "$n" = 1 ]
s=$(grep '^ptpsw: up ' "$L" | tail -n 1)
echo "status: $s"
it_check "status line shows MAC-MOVES" grep -q ' MAC-MOVES ([0-9]*/s, last 02:00:00:00:' <<< "$s"
it_check_forwarding 2/2
kill -USR1 "$IT_SW_PID"
sleep 1
d=$(grep '^fdb: ' "$L" | tail -n 1)
echo "dump: $d"
it_check "dump's fdb line: last move and flapping" \
	grep -q 'last-move 02:00:00:00:[0-9a-f:]* [ab]->[ab] flapping yes (1 periods)' <<< "$d"
if [ "$HAVE_TEL" = 1 ]; then
	it_tel_check /ptpsw/info "$IT_TMP/info4.json" \
		"/ptpsw/info: mac_flapping, moves counted" \
		"r['mac_flapping'] == 1 and r['mac_moves_last_s'] >= 20 and r['mac_flapping_events'] == 1 and r['fdb_moved'] > 0"
fi
it_stop_ptpsw
exit 0
