#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Frame order through the worker: plain frames for one port leave straight
# from the RX burst (the burst's run) while PTP event messages of a TC
# domain go through the port's TX buffer; frames from one source to one
# destination must still leave in the order they came (IEEE 802.1Q keeps
# the order per source, destination and priority).
#
# tr1 sends rounds of back-to-back UDP datagrams to the GM's address
# (order_send.py), alternately plain (port 9) and PTP Delay_Req (port 319,
# every other one in TC domain 0, the rest in domain 9, which the TC does
# not correct: switched byte for byte), each with the next IPv4
# identification. The worker sleeps
# between polls when idle (worker_idle_sleep_us), so several frames wait
# in the af_packet ring and come in one burst, mixed.
#
# Each round also carries two frames to tr1's own MAC (learned on tr1's
# port), first and in the middle of the round: the switch must drop them
# (counted as filtered), and they must not reach the GM.
#
# Asserts: the GM receives every datagram, in the order sent (IPv4 ids
# strictly increasing in its capture); the domain 0 Delay_Req got a
# correction, the domain 9 ones none and a valid UDP checksum, and ptpsw
# counts all of them as PTP received;
# no frame to tr1's own MAC reaches the GM, and ptpsw counts them filtered.

set -u
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-60}
PER_ROUND=${PER_ROUND:-16}

it_init 1 tcpdump tshark dpdk-telemetry.py
/usr/bin/python3 -c 'import scapy.all' 2>/dev/null || it_skip "python3-scapy not installed"

ns_lab_create "$PFX" "${SW[@]}" || exit 1
it_config "$IT_TMP/ptpsw.cfg" \
	's/^worker_idle_sleep_us = .*/worker_idle_sleep_us = 500;/' \
	's/^  domains = "all";/  domains = [ 0 ];/' || exit 1
grep -q '^  domains = \[ 0 \];' "$IT_TMP/ptpsw.cfg" ||
	it_fail "config: transparent_clock.domains not set"
grep -q '^worker_idle_sleep_us = 500;' "$IT_TMP/ptpsw.cfg" ||
	it_fail "config: worker_idle_sleep_us not set"
it_start_switch "$IT_TMP/ptpsw.cfg" || exit 1

it_capture "$PFX-gm" "$IT_TMP/gm.pcap" "udp port 9 or udp port 319 or udp port 7" ||
	it_fail "capture in gm"
CAP_GM=$NS_LAST_PID
sleep 1

sent=$(ip netns exec "$PFX-tr1" /usr/bin/python3 "$SRCDIR/tests/integration/order_send.py" \
	"$NS_IF" "$NS_NET4.2" "$NS_NET4.1" "$ROUNDS" "$PER_ROUND" 2>"$IT_TMP/send.err") ||
	{ cat "$IT_TMP/send.err"; it_fail "sending from tr1"; }
sleep 1
ns_stop "$CAP_GM" tcpdump INT

GM=$IT_TMP/gm.pcap
SEL="ip.src == $NS_NET4.2 && (udp.dstport == 9 || udp.dstport == 319)"
it_tshark "$GM" "$SEL" ip.id > "$IT_TMP/ids"
got=$(wc -l < "$IT_TMP/ids")
# ids print as hex (0x...)
inversions=$(while read -r id; do echo $((id)); done < "$IT_TMP/ids" |
	awk 'NR > 1 && $1 <= prev {n++} {prev = $1} END {print n + 0}')
read -r cf d9 d9_as_is self < <(it_counts "$GM" \
	"$SEL && ptp.v2.messagetype == 1 && ptp.v2.domainnumber == 0 && ptp.v2.correction.ns != 0" \
	"$SEL && ptp.v2.messagetype == 1 && ptp.v2.domainnumber == 9" \
	"$SEL && ptp.v2.messagetype == 1 && ptp.v2.domainnumber == 9 && ptp.v2.correction.ns == 0 && udp.checksum.status == 1" \
	"udp.dstport == 7")
echo "figures: sent ${sent:-0}, received $got, out of order $inversions, domain 0 Delay_Req with a correction $cf, domain 9 Delay_Req $d9 (unchanged, valid checksum: $d9_as_is), to tr1's own MAC at the GM $self"
it_check "the GM receives every datagram (${sent:-0})" [ "${sent:-0}" -gt 0 -a "$got" = "${sent:-0}" ]
it_check "in the order sent" [ "$inversions" = 0 ]
it_check "the domain 0 Delay_Req were corrected ($cf of $((${sent:-0} / 4)))" [ "$cf" -ge $((${sent:-0} / 8)) ]
it_check "the domain 9 Delay_Req arrive unchanged ($d9_as_is of $d9, $((${sent:-0} / 4)) sent)" \
	[ "$d9" = $((${sent:-0} / 4)) -a "$d9_as_is" = "$d9" ]
it_check "no frame to tr1's own MAC reaches the GM ($self)" [ "$self" = 0 ]
# port 1 (tr1's) counts them: drops_by_reason filtered
read -r filtered ptp_rx < <(it_tv /ptpsw/ports,p1 "'%d %d' % (r['drops_by_reason']['filtered'], r['ptp_rx'])")
echo "figures: filtered at port 1: ${filtered:-0}, PTP received at port 1: ${ptp_rx:-0}"
it_check "ptpsw counts every Delay_Req as PTP received (${ptp_rx:-0} of $((${sent:-0} / 2)))" \
	[ "${ptp_rx:-0}" -ge $((${sent:-0} / 2)) ]
it_check "ptpsw counts the frames to tr1's own MAC as filtered (${filtered:-0} of $((ROUNDS * 2)))" \
	[ "${filtered:-0}" -ge $((ROUNDS * 2)) ]
exit 0
