#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/ptp_shapes.py's mixes through ptpsw: two net_pcap ports replaying
# two of them (infinite_rx=1), one-step TC for all domains, EAL without
# hugepages, no network namespaces. Every frame of every shape is
# well-formed (random MACs, 8 destinations, a VLAN tag, IPv6, each PTP
# type at its own length, PTP over Ethernet), so for each pair:
# - ptpsw forwards both ways and drops nothing (status line: drop 0);
# - it counts the PTP it received, and where a mix carries Syncs or
#   Delay_Reqs the TC corrects some;
# - PTP over Ethernet and Pdelay are counted by the profile watchdog
#   (RFC 9760 forbids both) and forwarded all the same.

set -u
. "$(dirname "$0")/lib.sh"

it_init 0 python3
[ "$IT_SWITCH" = ptpsw ] || it_skip "needs ptpsw (IT_SWITCH=$IT_SWITCH)"
/usr/bin/python3 -c 'import scapy.all' 2> /dev/null ||
	it_skip "python3-scapy not installed (bench/ptp_shapes.py needs it)"
/usr/bin/python3 "$SRCDIR/bench/ptp_shapes.py" --out "$IT_TMP/shapes" \
	--frames 500 > /dev/null || { echo "ptp_shapes.py failed"; exit 1; }

# status FIELD: the number after FIELD in ptpsw's last status line
status() {
	grep '^ptpsw: up ' "$IT_TMP/ptpsw.log" | tail -n 1 |
		sed -n "s/.* $1 \([0-9]*\) .*/\1/p"
}

# pair A B WANT_CORRECTED: ports a and b replay shapes A and B
pair() {
	local cfg=$IT_TMP/$1-$2.cfg drop ptp corr wd
	cat > "$cfg" <<CFG
eal = [ "--no-huge", "-m", "512", "--no-pci", "--no-shconf", "--file-prefix", "$PFX" ];
lcores = { control = 0; workers = [ 1 ]; };
ports = (
  { name = "a"; device = "net_pcap0,rx_pcap=$IT_TMP/shapes/$1.pcap,infinite_rx=1"; timestamping = "software"; },
  { name = "b"; device = "net_pcap1,rx_pcap=$IT_TMP/shapes/$2.pcap,infinite_rx=1"; timestamping = "software"; }
);
transparent_clock = { enabled = true; mode = "one-step"; domains = "all"; };
status_interval_ms = 1000;
CFG
	echo "--- $1 (port a) and $2 (port b)"
	it_start_switch "$cfg" || exit 1
	sleep 1
	it_check_forwarding 2/2
	grep '^ptpsw: up ' "$IT_TMP/ptpsw.log" | tail -n 1
	drop=$(status drop)
	ptp=$(status ptp)
	corr=$(status ptp-corrected)
	it_check "$1 + $2: nothing dropped (drop ${drop:-?})" [ "${drop:-x}" = 0 ]
	it_check "$1 + $2: PTP counted (${ptp:-0})" [ "${ptp:-0}" -gt 0 ]
	if [ "$3" = yes ]; then
		it_check "$1 + $2: the TC corrected Syncs or Delay_Reqs (${corr:-0})" \
			[ "${corr:-0}" -gt 0 ]
	fi
	kill -USR1 "$IT_SW_PID"
	sleep 0.5
	wd=$(grep '^ *watchdog:' "$IT_TMP/ptpsw.log" | tail -n 2)
	echo "$wd"
	case "$1 $2" in
	*pdelay*) it_check "the watchdog counts Pdelay" \
		grep -q 'pdelay [1-9]' <<< "$wd" ;;
	esac
	case "$1 $2" in
	*l2-*) it_check "the watchdog counts PTP over Ethernet" \
		grep -q 'raw_l2 [1-9]' <<< "$wd" ;;
	esac
	it_stop_ptpsw
}

pair general-1 twostep-100 yes
pair ev4v6-100 vlan-1 yes
pair dests8-1 pdelay-100 yes
pair v6-0 l2-100 yes
exit 0
