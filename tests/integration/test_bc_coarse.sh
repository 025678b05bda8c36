#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A boundary clock behind a coarse software grandmaster (issue 18 point 4):
# tests/integration/onestep_gm.py as a two-step GM at 8 Sync/s with
# software time only: its Follow_Up carries the time read after sendto,
# its Delay_Resp the time read in user space within +-30 us of noise (half
# the BC's delay measurements come out negative on a veth), and its
# Announce and Sync carry an originTimestamp with nanoseconds 0xFFFFFFFF
# (a field nobody reads; ptp4l takes such messages). The BC sends unicast
# Delay_Req to it. A ptp4l receiver (nullf) behind the BC.
#
# Asserts: the BC counts every Announce (>= 1 per second), stays SLAVE to
# the GM without holdover, takes servo samples at the Sync rate, and the
# receiver holds the GM's time within 1 ms (the GM's own noise is tens of
# microseconds; the bound is for a shared machine).

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-40}
SKIP_S=15
DOM=28

it_init 1 ptp4l python3
ns_lab_create "$PFX" "${SW[@]}" || exit 1
it_bc_config "$IT_TMP/ptpsw.cfg" "$(it_bc_entry $DOM 'delay_req = "unicast";')"
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1

ns_spawn "$PFX-gm" "$IT_TMP/gm.log" python3 "$SRCDIR/tests/integration/onestep_gm.py" \
	"$NS_IF" --domain $DOM --two-step --coarse-us 30 --bad-origin \
	--clock-id 0266aa.fffe.000028
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log" --domainNumber=$DOM
echo "running for $RUN_S s"
sleep "$RUN_S"

it_dump_ptpsw > "$IT_TMP/dump.txt"
grep -E "^bc $DOM:" "$IT_TMP/dump.txt" | sed 's/^/ptpsw: /'
ann=$(sed -n "s/^bc $DOM: port 1 p0 .* announce \([0-9]*\) .*/\1/p" "$IT_TMP/dump.txt")
read -r samples neg hold < <(sed -n "s/^bc $DOM: state-decisions .* servo-samples \([0-9]*\) .* negative-delay \([0-9]*\) .* holdovers \([0-9]*\)$/\1 \2 \3/p" "$IT_TMP/dump.txt")
bad=$(sed -n "s/^bc $DOM: .* bad-unused-ts \([0-9]*\) .*/\1/p" "$IT_TMP/dump.txt")
echo "figures: announces $ann, servo samples $samples, negative delays $neg, holdovers $hold, bad-unused-ts $bad in $RUN_S s"
it_check "BC p0 SLAVE to the coarse GM" grep -q "^bc $DOM: port 1 p0 SLAVE" "$IT_TMP/dump.txt"
it_check "BC's parent is the coarse GM" grep -q "^bc $DOM: parent 0266aa.fffe.000028-1 " "$IT_TMP/dump.txt"
it_check "every Announce counted (>= $((RUN_S - 4)))" [ "${ann:-0}" -ge $((RUN_S - 4)) ]
it_check "never in holdover" [ "${hold:-1}" = 0 ]
it_check "servo samples at the Sync rate (>= $((RUN_S * 4)))" [ "${samples:-0}" -ge $((RUN_S * 4)) ]
it_check "the GM's unread originTimestamps taken, counted" [ "${bad:-0}" -gt "$RUN_S" ]
it_sync_stats "tr1 behind the BC behind a coarse GM" "$IT_TMP/tr1.log" $SKIP_S 80 1000000 1000000

it_stop_ptpsw
for p in $(awk '$1 == "pid" && ($3 == "ptp4l" || $3 == "python3") { print $2 }' "$NS_STATE"); do
	ns_stop "$p" "" TERM 3
done
exit 0
