#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# CLOCK_REALTIME jumps under kernel stamps: ptpsw's one-step TC between a
# ptp4l GM and a ptp4l time receiver on af_packet ports, whose receive
# stamps are the kernel's CLOCK_REALTIME mapped onto the timebase. A jump
# of the system clock (ptp4l or phc2sys stepping it, NTP, date) leaves
# that map wrong until the control lcore renews it; a one-step TC that
# used it put the jump (100 ms of a 100 ms step back) into the
# correctionField of the Syncs it corrected meanwhile.
#
# The test does not touch the system clock: the test-only switch
# PTPSW_TEST_REALTIME_JUMP=FILE (app/rtjump.h) moves every port's map by
# -100 ms after each of 30 renewals (3 s), which is what a map meets
# after CLOCK_REALTIME steps back by 100 ms. Asserts:
#   - before: no "CLOCK_REALTIME jumped" line (no false alarm);
#   - during: the receiver's master offsets stay within 20 ms (the map's
#     error would put 100 ms into them), the TC goes on correcting;
#   - one warning line per port that received (at least the GM's),
#     the status line's REALTIME-JUMP, telemetry's ts_rx_map_stale and
#     the dump's realtime-jumps count;
#   - the one-step TC's TX stamps (its send-latency learning) that the
#     jump puts off are counted apart (ts_tx_map_stale), not as missing:
#     no "TX stamps stopped";
#   - after: the receiver's offsets within the usual bounds again.

set -u
. "$(dirname "$0")/lib.sh"

SETTLE_S=${SETTLE_S:-8}
JUMP_N=30			# renewals (100 ms each) with a moved map
MAX_JUMP_NS=20000000		# 100 ms would show there

it_init 1 ptp4l dpdk-telemetry.py
[ "$IT_SWITCH" = ptpsw ] || it_skip "the test switch is ptpsw's (IT_SWITCH=$IT_SWITCH)"

ns_lab_create "$PFX" "${SW[@]}" || exit 1
it_config "$IT_TMP/ptpsw.cfg" || exit 1	# one-step
JUMP=$IT_TMP/realtime-jump
export PTPSW_TEST_REALTIME_JUMP=$JUMP
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1
LOG=$IT_TMP/ptpsw.log

ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log"

corrected() { it_tv /ptpsw/tc "r['corrected_sync'] + r['corrected_delay_req']"; }
samples() { grep -c 'master offset' "$IT_TMP/tr1.log"; }
# max_abs FROM: the largest |master offset| of tr1's samples after line
# FROM of those lines (ns_offsets over them)
max_abs()
{
	ns_field "$(grep 'master offset' "$IT_TMP/tr1.log" |
		tail -n +"$(($1 + 1))" | ns_offsets - 0)" max
}

echo "== before: $SETTLE_S s"
sleep "$SETTLE_S"
n0=$(samples); c0=$(corrected)
it_check "before: no CLOCK_REALTIME jump reported" \
	eval '! grep -q "CLOCK_REALTIME jumped" "$LOG"'
it_check "before: the receiver has samples ($n0)" [ "$n0" -ge 10 ]

echo "== the maps moved by -100 ms after each of $JUMP_N renewals"
echo "-100000000 $JUMP_N" > "$JUMP"
ns_wait_log "$LOG" "test: CLOCK_REALTIME maps moved" 5 ||
	it_fail "ptpsw took the test switch"
sleep $((JUMP_N / 10 + 2))
n1=$(samples); c1=$(corrected); m1=$(max_abs "$n0")
echo "figures: during: samples $n0 -> $n1, max |offset| $m1 ns, corrected $c0 -> $c1"
it_check "during: samples came ($n0 -> $n1)" [ "$n1" -ge $((n0 + 15)) ]
it_check "during: max |master offset| $m1 ns < $MAX_JUMP_NS ns (no 100 ms)" \
	[ "$m1" -lt "$MAX_JUMP_NS" ]
it_check "during: the TC went on correcting ($c0 -> $c1)" \
	[ "${c1:-0}" -gt $((${c0:-0} + 20)) ]
grep -m 3 "CLOCK_REALTIME jumped" "$LOG" | sed 's/^/figures: /'
it_check "log: the GM's port p0 reported the jump" \
	grep -q "port p0: CLOCK_REALTIME jumped -100.0[0-9]* ms against the timebase" "$LOG"
it_check "status line: REALTIME-JUMP (p0 ...)" grep -q ' REALTIME-JUMP (p0' "$LOG"
st=$(it_tv /ptpsw/ports "r['p0']['ts_rx_map_stale'], r['p0']['ts_rx_map_err_ns']")
echo "figures: telemetry p0 (ts_rx_map_stale, ts_rx_map_err_ns): $st"
it_check "telemetry: p0 ts_rx_map_stale > 0, error about -100 ms" \
	[ "$(it_tv /ptpsw/ports "r['p0']['ts_rx_map_stale'] > 0 and abs(r['p0']['ts_rx_map_err_ns'] + 100000000) < 1000000")" = True ]
tx=$(it_tv /ptpsw/ports "sum(p['ts_tx_map_stale'] for p in r.values())")
echo "figures: TX stamps off by the jump (ts_tx_map_stale, all ports): $tx"
it_check "TX stamps off by the jump are not missing ones: no 'TX stamps stopped'" \
	eval '! grep -q "TX stamps stopped" "$LOG"'
it_dump_ptpsw > "$IT_TMP/dump.txt"
it_check "dump: port p0 counts realtime jumps" \
	grep -Eq '^port 0 p0: .* realtime-jumps [1-9][0-9]* last -[0-9]+ ns\)' "$IT_TMP/dump.txt"

echo "== after: $SETTLE_S s"
sleep "$SETTLE_S"
n2=$(samples)
it_check "after: samples came ($n1 -> $n2)" [ "$n2" -ge $((n1 + 20)) ]
m2=$(max_abs "$((n1 + 8))")
echo "figures: after: max |offset| $m2 ns"
it_bound "after: max |master offset|" "$m2" 2000000
it_stop_ptpsw
exit 0
