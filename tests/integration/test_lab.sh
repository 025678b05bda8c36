#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's lab demo end to end: scripts/lab.sh run, which
# scripts/demo.sh starts after installing and building, with
# config/lab.cfg as it ships (two-step TC) and the captures the demo takes
# (CAPTURE=auto). Asserts that it exits 0, that both time receivers
# (multicast and unicast Delay_Req) collect samples within generous bounds,
# that the breakdown on exit covers both receivers with the switch's part
# down to the kernel's own TX path (bench/sync-breakdown), and that
# nothing of the lab is left behind.
# The lab uses the fixed veth names plsw0..2: skipped while another lab
# holds them.

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-25}
PY=/usr/bin/python3

it_init 1 ptp4l tcpdump tshark ethtool "$PY"
[ "$IT_SWITCH" = ptpsw ] || it_skip "the lab script runs ptpsw (IT_SWITCH=$IT_SWITCH)"
for p in plsw0 plsw1 plsw2; do
	ns_link_exists "$p" && it_skip "link $p exists: a lab is running on this machine"
done

BUILD=$(cd "$(dirname "$PTPSW")/.." && pwd)
OUT=$IT_TMP/lab.out
# the lab's namespaces are psw<PID>-*: other tests may run meanwhile
lab_ns() { ip netns list | awk '$1 ~ /^psw[0-9]+-/ {print $1}' | sort; }
ns_before=$(lab_ns)

echo "== scripts/lab.sh run, $RUN_S s, config/lab.cfg, CAPTURE=auto"
LAB_STATE=$IT_TMP/lab.state BUILD=$BUILD DURATION=$RUN_S \
	CONFIG=$SRCDIR/config/lab.cfg SWITCH=ptpsw TRANSPORT=UDPv4 DOMAIN=0 \
	SKIP=5 PTPSW_ARGS= LOGDIR=$IT_TMP/lab CAPTURE=auto \
	"$SRCDIR/scripts/lab.sh" run > "$OUT" 2>&1
rc=$?
tail -n 20 "$OUT" | sed 's/^/lab: /'
it_check "lab.sh exits 0" [ "$rc" = 0 ]

it_sync_stats "lab tr1 (multicast Delay_Req)" "$IT_TMP/lab/tr1.log" 5 80 200000 2000000
it_sync_stats "lab tr2 (unicast Delay_Req)" "$IT_TMP/lab/tr2.log" 5 80 200000 2000000
it_check "lab prints a result line per receiver" \
	eval '[ "$(grep -c "^result tr[12] " "$OUT")" = 2 ]'
it_check "the screen shows each port's stamps and the send warm-up" \
	eval '[ "$(grep -c "^  p[012]: rx kernel receive time (ring), self-test .*; tx kernel software stamps (error queue)" "$OUT")" -ge 3 ] &&
	      grep -q "^  send warm-up: private loopback$" "$OUT"'

# "tr1: N Syncs, us ..." then "  uncovered  MED P1 P99 MIN MAX"
for r in tr1 tr2; do
	s=$(awk -v r="$r" '
		$1 == r ":" { n = $2; on = 1; next }
		on && $1 == "gm->switch" { g = $2 }
		on && $1 == "uncovered" { u = $2; p = $4; on = 0 }
		END { printf "n=%d gm=%s med=%s p99=%s\n", n, g, u, p }' "$OUT")
	echo "figures: breakdown $r: $s (us)"
	n=$(ns_field "$s" n); med=$(ns_field "$s" med); gm=$(ns_field "$s" gm)
	it_check "breakdown: $r has Syncs ($n)" [ "$n" -ge 80 ]
	# the two-step TC's correction covers the switch up to its kernel TX
	# stamp: what is left is the kernel's TX path after that stamp (the
	# error-queue delivery and the veth's hand-over, 0.3 - 1.5 us at the
	# median; 4 - 12 us with the predicted egress time instead)
	it_check "breakdown: $r uncovered median within -0.1 .. 2.5 us ($med)" \
		awk -v v="$med" 'BEGIN { exit !(v != "" && v < 2.5 && v > -0.1) }'
	it_check "breakdown: $r gm->switch median positive ($gm)" \
		awk -v v="$gm" 'BEGIN { exit !(v != "" && v > 0) }'
done

# nothing left: veths, namespaces, processes of the lab's state file
for p in plsw0 plsw1 plsw2; do
	it_check "no link $p left" eval '! ns_link_exists '"$p"
done
it_check "lab state file removed" [ ! -e "$IT_TMP/lab.state" ]
ns_after=$(lab_ns)
it_check "no namespace left (before: $(echo $ns_before | wc -w), after: $(echo $ns_after | wc -w))" \
	[ "$ns_before" = "$ns_after" ]
exit 0
