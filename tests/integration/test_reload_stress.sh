#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Many reloads under traffic: ptpsw gets N_HUP SIGHUPs (0.2 to 0.6 s
# apart, sometimes three at once) while a 20 Mbit/s UDP stream crosses
# it and a ptp4l grandmaster (domain 0, through the TC) serves a
# receiver. Before each, the file is rewritten at random: the TC's mode,
# syntonize, domains and per-port latencies, the worker's idle sleep, the
# MAC aging, the status interval and log level, the boundary clocks
# (domain 24 with a random priority1 always, domain 26 sometimes, so
# that it starts and stops), now and then mbufs (restart) and now and
# then a file with an error (refused).
#
# Asserts: ptpsw stays up; every SIGHUP it handled was applied or refused
# (signals sent close together may merge into one), and the reloads it
# refused are exactly the bad files it read; the stream loses at most
# MAX_LOSS_PCT; the receiver still gets samples at the end; ptpsw exits 0
# (it exits 1 when mbufs leaked) and its log has no sanitizer report. Run
# it with a sanitizer build of ptpsw (PTPSW=.../ptpsw built with
# -Db_sanitize=address,undefined, see docs/operations.md, "Reload") to
# check the workers' view swaps for use after free and leaks.

set -u
. "$(dirname "$0")/lib.sh"

N_HUP=${N_HUP:-60}
MAX_LOSS_PCT=${MAX_LOSS_PCT:-1}
SEED=${SEED:-$RANDOM}

it_init 1 ptp4l iperf3 ethtool dpdk-telemetry.py
[ "$IT_SWITCH" = ptpsw ] || it_skip "reload needs ptpsw (IT_SWITCH=$IT_SWITCH)"
echo "seed $SEED (SEED=$SEED reproduces the sequence of files)"
RANDOM=$SEED

SOCK=$IT_TMP/mgmt.sock
CFG=$IT_TMP/ptpsw.cfg
BAD_WRITTEN=0

pick() { local a=("$@"); echo "${a[RANDOM % ${#a[@]}]}"; }

# random_config [bad]: one random configuration on stdout.
random_config()
{
	local bc26= mbufs=8192 prio=$((RANDOM % 250 + 1))
	[ $((RANDOM % 2)) = 0 ] && bc26=',
  { domain = 26; transport = "udpv4"; ports = [ "p0", "p2" ];
    priority1 = '$((RANDOM % 250 + 1))'; }'
	[ $((RANDOM % 8)) = 0 ] && mbufs=4096
	[ "${1:-}" = bad ] && prio=300
	cat <<EOF
eal = [ "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
        "--file-prefix", "$PFX" ];
lcores = { control = 0; workers = [ 1 ]; };
ports = (
  { name = "p0"; device = "net_af_packet0,iface=${SW[0]}"; ipv4 = "10.66.0.250/24";
    ingress_latency_ns = $((RANDOM % 1001 - 500)); egress_latency_ns = $((RANDOM % 1001 - 500)); },
  { name = "p1"; device = "net_af_packet1,iface=${SW[1]}"; ipv4 = "10.66.0.251/24";
    ingress_latency_ns = $((RANDOM % 1001 - 500)); },
  { name = "p2"; device = "net_af_packet2,iface=${SW[2]}"; ipv4 = "10.66.0.252/24"; }
);
transparent_clock = { enabled = $(pick true true true false);
  mode = "$(pick one-step two-step)"; syntonize = $(pick true false);
  domains = $(pick '"all"' '[ 0 ]' '[ 0, 4 ]' '[ 4 ]'); };
boundary_clocks = (
  { domain = 24; transport = "udpv4"; ports = [ "p0", "p1" ];
    priority1 = $prio; log_sync_interval = $(pick -3 -2 0); }$bc26
);
management = { socket = "$SOCK"; };
status_interval_ms = $(pick 0 500 1000);
log_level = "$(pick notice info)";
mac_aging_s = $(pick 1 30 300);
worker_idle_sleep_us = $(pick 0 0 50);
mbufs = $mbufs;
EOF
}

ns_lab_create "$PFX" "${SW[@]}" || exit 1
random_config > "$CFG"
sed -i 's/^mbufs = .*/mbufs = 8192;/' "$CFG"
it_start_switch "$CFG" || exit 1
ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log"
sleep 3

ns_spawn "$PFX-gm" "$IT_TMP/iperf3-s.json" iperf3 -s -1 -J -B 10.66.0.1
SPID=$NS_LAST_PID
sleep 1
STREAM_S=$((N_HUP * 4 / 10 + 6))
ip netns exec "$PFX-tr2" timeout $((STREAM_S + 15)) \
	iperf3 -c 10.66.0.1 -u -b 20M -l 1200 -t "$STREAM_S" -J \
	> "$IT_TMP/iperf3.json" 2> "$IT_TMP/iperf3.err" &
CPID=$!
sleep 2
for ((i = 0; i < N_HUP; i++)); do
	if [ $((RANDOM % 6)) = 0 ]; then
		random_config bad > "$CFG.new"
	else
		random_config > "$CFG.new"
	fi
	mv "$CFG.new" "$CFG"
	kill -HUP "$IT_SW_PID" || break
	if [ $((RANDOM % 10)) = 0 ]; then	# merged or deferred
		kill -HUP "$IT_SW_PID"; kill -HUP "$IT_SW_PID"
	fi
	sleep "0.$((RANDOM % 5 + 2))"
done
wait "$CPID"
sleep 1
ns_stop "$SPID" iperf3 TERM 3

it_check "ptpsw still running after $N_HUP SIGHUPs" ns_pid_is "$IT_SW_PID" ptpsw
read -r gen req app ref < <(it_tv /ptpsw/info \
	"'%d %d %d %d' % (r['config_generation'], r['reload_requests'], r['reloads_applied'], r['reloads_refused'])")
echo "figures: generation ${gen:-?}, SIGHUPs handled ${req:-?}, applied ${app:-?}, refused ${ref:-?} (/ptpsw/info)"
nbad=$(grep -c "reload: refused, .*priority1: value 300 out of range" "$IT_TMP/ptpsw.log")
it_check "every SIGHUP handled ($req of $N_HUP sent, some merge) was applied ($app) or refused ($ref)" \
	eval '[ -n "$req" ] && [ "$req" -ge $((N_HUP / 2)) ] && [ $((app + ref)) = "$req" ] && [ "$gen" = $((app + 1)) ]'
it_check "the refused ones are the bad files read ($nbad)" [ "${ref:-x}" = "$nbad" ]
it_check "each applied reload logged" eval '[ "$(grep -c "reload: generation [0-9]* applied" "$IT_TMP/ptpsw.log")" = "$app" ]'

loss=$(python3 - "$IT_TMP/iperf3.json" "$IT_TMP/iperf3-s.json" <<'EOF' 2> /dev/null
import json, sys
c = json.load(open(sys.argv[1]))["end"]["sum"]
t = open(sys.argv[2]).read()
s = json.loads(t[t.index("{"):])["end"]["sum"]
got = s["packets"] - s["lost_packets"]
print("%.4f %d %d" % (100.0 * (c["packets"] - got) / c["packets"],
                      c["packets"], got))
EOF
)
echo "figures: UDP 20 Mbit/s for $STREAM_S s across $req reloads: loss % sent received = ${loss:-none}"
it_check "UDP loss ${loss%% *} % <= $MAX_LOSS_PCT %" awk -v l="${loss%% *}" -v m="$MAX_LOSS_PCT" \
	'BEGIN { exit !(l ~ /^-?[0-9.]+$/ && l <= m) }'

n0=$(grep -c "master offset" "$IT_TMP/tr1.log")
sleep 3
n1=$(grep -c "master offset" "$IT_TMP/tr1.log")
it_check "the receiver (domain 0, through the TC) still gets samples ($n0 -> $n1)" [ "$n1" -gt "$n0" ]

it_stop_ptpsw
grep -E "mbufs in use at exit" "$IT_TMP/ptpsw.log" | sed 's/^/ptpsw: /'
it_check "no sanitizer report in the log" eval '! grep -qE "AddressSanitizer|LeakSanitizer|runtime error:" "$IT_TMP/ptpsw.log"'
for p in $(awk '$1 == "pid" && $3 == "ptp4l" { print $2 }' "$NS_STATE"); do
	ns_stop "$p" ptp4l TERM 3
done
exit 0
