#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# TX stamps that stop and come back: ptpsw's two-step TC between a ptp4l
# GM and a ptp4l time receiver, started with the test-only switch
# PTPSW_TEST_TX_STAMPS_OFF=FILE (app/txstamp.h): while FILE exists every
# port drops the kernel TX stamps it reads, as a kernel that stops giving
# them would. Asserts:
#   - `ptpsw --check --probe` runs the ports' self-tests and prints them;
#   - at start every port has proven its RX and TX stamps (banner);
#   - with stamps: telemetry's ts_tx_state is "stamped", stamps are taken;
#   - stamps off: one warning line per port that sends event messages
#     ("TX stamps stopped"), the status line names them
#     (tx-stamps-lost), ts_tx_state "lost", the TC goes on correcting
#     with the predicted egress time and the receiver keeps its samples;
#   - stamps on again: "TX stamps are back", ts_tx_state "stamped",
#     new stamps are taken.

set -u
. "$(dirname "$0")/lib.sh"

PHASE_S=${PHASE_S:-10}

it_init 1 ptp4l dpdk-telemetry.py
[ "$IT_SWITCH" = ptpsw ] || it_skip "the test switch is ptpsw's (IT_SWITCH=$IT_SWITCH)"

ns_lab_create "$PFX" "${SW[@]}" || exit 1
it_config "$IT_TMP/ptpsw.cfg" 's/mode = "one-step"/mode = "two-step"/' || exit 1
# --check --probe: the same self-tests, printed, without forwarding
"$PTPSW" -c "$IT_TMP/ptpsw.cfg" --check --probe "${IT_EAL_EXTRA[@]}" > "$IT_TMP/probe.out" 2>&1
rc=$?
it_check "--check --probe exits 0 ($rc)" [ "$rc" = 0 ]
n=$(grep -c '^    tx stamps: kernel software stamps (error queue), self-test [0-9.]* us$' "$IT_TMP/probe.out")
it_check "--check --probe: all 3 ports proved kernel TX stamps ($n)" [ "$n" = 3 ]
it_check "--check without --probe points to it" \
	eval '"$PTPSW" -c "$IT_TMP/ptpsw.cfg" --check | grep -q "check --probe runs the same self-tests"'

OFF=$IT_TMP/tx-stamps-off
export PTPSW_TEST_TX_STAMPS_OFF=$OFF
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1
LOG=$IT_TMP/ptpsw.log

n=$(grep -c '^    tx stamps: kernel software stamps (error queue), self-test [0-9.]* us$' "$LOG")
it_check "banner: all 3 ports proved kernel TX stamps at start ($n)" [ "$n" = 3 ]
n=$(grep -c '^    rx stamps: kernel receive time (ring), self-test [0-9.]* us$' "$LOG")
it_check "banner: all 3 ports proved ring RX stamps at start ($n)" [ "$n" = 3 ]

ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log"

# stamped: TX stamps taken, over the ports; corrected: messages the TC
# corrected; tx_states: each port's ts_tx_state (telemetry)
stamped() { it_tv /ptpsw/ports "sum(p['ts_tx_stamped'] for p in r.values())"; }
corrected() { it_tv /ptpsw/tc "r['corrected_sync'] + r['corrected_delay_req'] + r['corrected_follow_up'] + r['corrected_delay_resp']"; }
tx_states() { it_tv /ptpsw/ports "' '.join(p['ts_tx_state'] for p in r.values())"; }
samples() { grep -c 'master offset' "$IT_TMP/tr1.log"; }

echo "== phase 1: stamps on, $PHASE_S s"
sleep "$PHASE_S"
s1=$(stamped); c1=$(corrected); st=$(tx_states)
it_check "phase 1: TX stamps taken ($s1)" [ "${s1:-0}" -gt 50 ]
it_check "phase 1: every port is stamped ($st)" [ "$st" = "stamped stamped stamped" ]

echo "== phase 2: stamps off, $PHASE_S s"
: > "$OFF"
n1=$(samples)
sleep "$PHASE_S"
s2=$(stamped); c2=$(corrected); n2=$(samples); st=$(tx_states)
w=$(grep -c 'port p[0-9]: TX stamps stopped (8 sent in a row got none)' "$LOG")
it_check "phase 2: one warning per port that sends event messages ($w)" \
	eval '[ "$w" -ge 2 ] && [ "$w" -le 3 ]'
it_check "phase 2: the status line names the ports" grep -q 'tx-stamps-lost p[0-9]' "$LOG"
it_check "phase 2: a port's TX stamps are lost ($st)" grep -qw lost <<< "$st"
echo "figures: stamped $s1 -> $s2, corrected $c1 -> $c2, receiver samples $n1 -> $n2"
it_check "phase 2: the TC goes on correcting ($c1 -> $c2)" [ "${c2:-0}" -gt $((${c1:-0} + 50)) ]
it_check "phase 2: the receiver keeps its samples ($n1 -> $n2)" [ "$n2" -gt $((n1 + 30)) ]
# the switch is read once a second: stamps until then
it_check "phase 2: few stamps taken ($s1 -> $s2)" [ $((${s2:-0} - ${s1:-0})) -lt $((${s1:-0} / 2)) ]

echo "== phase 3: stamps on again, $PHASE_S s"
rm -f "$OFF"
sleep "$PHASE_S"
s3=$(stamped); st=$(tx_states)
b=$(grep -c 'TX stamps are back' "$LOG")
it_check "phase 3: stamps are back, logged per port ($b)" [ "$b" = "$w" ]
it_check "phase 3: every port is stamped again ($st)" [ "$st" = "stamped stamped stamped" ]
it_check "phase 3: new stamps taken ($s2 -> $s3)" [ "${s3:-0}" -gt $((${s2:-0} + 50)) ]
it_sync_stats "tr1 (multicast Delay_Req), whole run" "$IT_TMP/tr1.log" 5 60 200000 2000000
it_stop_ptpsw
exit 0
