#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two PTP domains through one ptpsw transparent clock (EP-08): GM0 in
# domain 0 and GM4 in domain 4, each in its own namespace, with one time
# receiver per domain (domain 0 with unicast Delay_Req, domain 4 with
# multicast). Four af_packet ports. Both receivers must sync and the
# per-domain counters of ptpsw's telemetry (/ptpsw/tc) must show
# corrected PTP messages in both domains.

set -u
. "$(dirname "$0")/lib.sh"

RUN_S=${RUN_S:-20}
SKIP_S=5

it_init 1 ptp4l ethtool
[ "$IT_SWITCH" != ptpsw ] || ns_have dpdk-telemetry.py ||
	it_skip "dpdk-telemetry.py not installed (Debian package dpdk-dev)"
SW+=("${PFX}a3")
IT_PORTS=4

# gm0 .1, tr0 .2, tr4 .3, gm4 .4
ns_node "$PFX-gm0" "${SW[0]}" 1 && ns_node "$PFX-tr0" "${SW[1]}" 2 &&
	ns_node "$PFX-tr4" "${SW[2]}" 3 && ns_node "$PFX-gm4" "${SW[3]}" 4 || exit 1
if [ "$IT_SWITCH" = ptpsw ]; then
	it_config "$IT_TMP/ptpsw.cfg" || exit 1
fi
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1
# tr0 sends unicast Delay_Req to gm0: resolve ARP first (see ns_lab_arp)
it_check "ARP resolves through the switch" \
	ns_resolve 5 "$PFX-tr0:$NS_NET4.1" "$PFX-gm0:$NS_NET4.2"

ns_ptp4l "$PFX-gm0" "$NS_IF" gm "$IT_TMP/gm0.log" --domainNumber=0
ns_ptp4l "$PFX-gm4" "$NS_IF" gm "$IT_TMP/gm4.log" --domainNumber=4
ns_ptp4l "$PFX-tr0" "$NS_IF" tr-unicast "$IT_TMP/tr0.log" --domainNumber=0
ns_ptp4l "$PFX-tr4" "$NS_IF" tr-multicast "$IT_TMP/tr4.log" --domainNumber=4
echo "running two domains for $RUN_S s"
it_load_mark
sleep "$RUN_S"
it_load_report

it_sync_stats "domain 0 receiver (unicast Delay_Req)" "$IT_TMP/tr0.log" $SKIP_S 50 200000 2000000
it_sync_stats "domain 4 receiver (multicast Delay_Req)" "$IT_TMP/tr4.log" $SKIP_S 50 200000 2000000

# each receiver must follow its own domain's GM (clock identities differ)
for d in 0 4; do
	gm=$(grep -m1 -o "selected best master clock [0-9a-f.]*" "$IT_TMP/tr$d.log" | awk '{print $5}')
	own=$(grep -m1 -o "selected local clock [0-9a-f.]*" "$IT_TMP/gm$d.log" | awk '{print $4}')
	echo "figures: domain $d receiver follows $gm, GM$d is $own"
	it_check "domain $d receiver follows GM$d" eval '[ -n "$gm" ] && [ "$gm" = "$own" ]'
done

if [ "$IT_SWITCH" = ptpsw ]; then
	it_tel /ptpsw/tc "$IT_TMP/tc.json" &&
		python3 -m json.tool "$IT_TMP/tc.json" | sed 's/^/telemetry: /'
	for d in 0 4; do
		c=$(it_tv /ptpsw/tc "r['domains']['$d']['corrected']")
		echo "figures: domain $d corrected ${c:-none}"
		it_check "domain $d: corrected counter > 0 (/ptpsw/tc)" eval '[ "${c:-0}" -gt 0 ]'
		# the rate ratio follows that domain's GM (its port 1)
		own=$(grep -m1 -o "selected local clock [0-9a-f.]*" "$IT_TMP/gm$d.log" | awk '{print $4}')
		src=$(it_tv /ptpsw/tc "r['domains']['$d']['rate_source']")
		echo "figures: domain $d rate source ${src:-none}"
		it_check "domain $d: rate_source is GM$d ($own-1)" eval '[ -n "$own" ] && [ "$src" = "$own-1" ]'
	done
	doms=$(it_tv /ptpsw/tc "' '.join(sorted(r['domains']))")
	it_check "no other domain counted (domains: $doms)" [ "$doms" = "0 4" ]
fi
exit 0
