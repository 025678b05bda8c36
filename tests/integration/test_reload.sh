#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# SIGHUP reloads the configuration while traffic and PTP flow (issue 21).
#
# ptpsw runs a boundary clock in domain 24 (UDP/IPv4 on p0 and p1) behind
# a ptp4l grandmaster on p0, with a ptp4l time receiver (nullf servo: it
# reports the BC's error, never steers) on p1, and the one-step TC for
# every other domain. A 20 Mbit/s UDP stream (iperf3) runs from tr2 to
# the gm namespace through the switch. During the stream:
#   1. the file is edited (BC 24 priority1 200 -> 77, a new BC in domain
#      26, TC domains "all" -> [ 4, 5 ], status interval, log level, and
#      mbufs, which needs a restart) and ptpsw gets SIGHUP;
#   2. the file is broken (priority1 out of range) and ptpsw gets SIGHUP
#      again.
# Asserts: `ptpsw --check -c NEW --against RUNNING` names each changed key
# as reload or restart; ptpsw stays up and exits 0 at the end; the UDP
# stream loses at most MAX_LOSS_PCT (0.5 %) across both reloads; the log
# says what was applied and names mbufs as needing a restart, and names
# the broken file as FILE:LINE; pmc reads priority1 77 from domain 24 and
# the new clock in domain 26, also after the bad file; telemetry shows the
# new TC domains, generation 2, two SIGHUPs, one applied (needing a
# restart), one refused; domain 24's BC stays LOCKED without a new step
# (telemetry's servo and servo_steps), and the
# receiver of domain 24 (its BC's domain and ports
# unchanged) keeps following the BC: its port only goes between
# UNCALIBRATED and SLAVE after the reload, with bounded offsets.

set -u
. "$(dirname "$0")/lib.sh"

SETTLE_S=${SETTLE_S:-20}
STREAM_S=${STREAM_S:-16}
MAX_LOSS_PCT=${MAX_LOSS_PCT:-0.5}
# |offset| bound of the receiver after the reload (software stamps on a
# 2-CPU host, as test_bc's MAX_ABS_NS)
MAX_ABS_NS=${MAX_ABS_NS:-2000000}

it_init 1 ptp4l pmc iperf3 ethtool
[ "$IT_SWITCH" = ptpsw ] || it_skip "reload needs ptpsw (IT_SWITCH=$IT_SWITCH)"

SOCK=$IT_TMP/mgmt.sock
CFG=$IT_TMP/ptpsw.cfg

# reload_config PRIO1 TC_DOMAINS EXTRA_BC STATUS_MS LOG MBUFS
reload_config()
{
	cat <<EOF
eal = [ "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
        "--file-prefix", "$PFX" ];
lcores = { control = 0; workers = [ 1 ]; };
ports = (
  { name = "p0"; device = "net_af_packet0,iface=${SW[0]}"; ipv4 = "10.66.0.250/24"; },
  { name = "p1"; device = "net_af_packet1,iface=${SW[1]}"; ipv4 = "10.66.0.251/24"; },
  { name = "p2"; device = "net_af_packet2,iface=${SW[2]}"; ipv4 = "10.66.0.252/24"; }
);
transparent_clock = { enabled = true; mode = "one-step"; domains = $2; };
boundary_clocks = (
  { domain = 24; transport = "udpv4"; ports = [ "p0", "p1" ];
    priority1 = $1; priority2 = 128;
    log_sync_interval = -3; log_min_delay_req_interval = -3; }$3
);
management = { socket = "$SOCK"; };
status_interval_ms = $4;
log_level = "$5";
mbufs = $6;
EOF
}

pmc_get() { pmc -u -s "$SOCK" -d "$1" -b 0 "$2" 2> /dev/null; }
field() { awk -v k="$1" '$1 == k { print $2; exit }'; }

# tel CMD OUT: one telemetry query (the JSON reply line into OUT).
CLIENT=$(command -v dpdk-telemetry.py)
tel()
{
	echo "$1" | timeout 10 python3 "$CLIENT" -f "$PFX" > "$2.raw" 2> "$2.err"
	grep '^{' "$2.raw" | tail -n 1 > "$2"
	[ -s "$2" ]
}

# jval FILE PYTHON-EXPR: the expression over r, the single reply in FILE.
jval()
{
	python3 - "$1" "$2" <<'EOF' 2> /dev/null
import json, sys
r = list(json.load(open(sys.argv[1])).values())[0]
print(eval(sys.argv[2]))
EOF
}

ns_lab_create "$PFX" "${SW[@]}" || exit 1
reload_config 200 '"all"' "" 1000 info 8192 > "$CFG"
cp "$CFG" "$IT_TMP/running.cfg"
reload_config 77 '[ 4, 5 ]' ',
  { domain = 26; transport = "udpv4"; ports = [ "p0", "p2" ]; }' 500 debug 4096 > "$IT_TMP/new.cfg"

# ---- --check --against: what a reload would do, without a switch ----
"$PTPSW" --check -c "$IT_TMP/new.cfg" --against "$IT_TMP/running.cfg" > "$IT_TMP/check.txt" 2>&1
rc=$?
sed -n '/^compared with/,$p' "$IT_TMP/check.txt" | sed 's/^/check: /'
it_check "--check --against exits 0 on a good file" [ "$rc" = 0 ]
it_check "--check --against: priority1 is reloaded" grep -qE "^ +reload +boundary_clocks.\[0\].priority1 \(200 -> 77\)" "$IT_TMP/check.txt"
it_check "--check --against: the TC domains are reloaded" grep -qE "^ +reload +transparent_clock.domains" "$IT_TMP/check.txt"
it_check "--check --against: mbufs needs a restart" grep -qE "^ +restart +mbufs \(8192 -> 4096\)" "$IT_TMP/check.txt"
it_check "--check --against: the summary counts 1 restart key" grep -q "1 need a restart" "$IT_TMP/check.txt"

# ---- the running switch ----
it_start_switch "$CFG" || exit 1
ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log" --domainNumber=24 \
	--tx_timestamp_timeout=100 --uds_address="$IT_TMP/gm.uds"
ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log" \
	--domainNumber=24 --uds_address="$IT_TMP/tr1.uds" \
	--tx_timestamp_timeout=100
echo "settling for $SETTLE_S s"
sleep "$SETTLE_S"
out=$(pmc_get 24 "GET DEFAULT_DATA_SET")
it_check "before: domain 24 priority1 200" eval '[ "$(echo "$out" | field priority1)" = 200 ]'
ns_wait_log "$IT_TMP/tr1.log" "on RS_SLAVE" 20 ||
	echo "note: tr1 has not chosen the BC as its master yet"

# the servo's steps so far (a step when the BC, its own grandmaster at
# start, first locks to the GM is expected): the reloads add none
steps0=$(it_tv /ptpsw/bc "r['24']['servo_steps']")

# ---- the stream, and two SIGHUPs during it ----
ns_spawn "$PFX-gm" "$IT_TMP/iperf3-s.json" iperf3 -s -1 -J -B 10.66.0.1
SPID=$NS_LAST_PID
sleep 1
ip netns exec "$PFX-tr2" timeout $((STREAM_S + 15)) \
	iperf3 -c 10.66.0.1 -u -b 20M -l 1200 -t "$STREAM_S" -J \
	> "$IT_TMP/iperf3.json" 2> "$IT_TMP/iperf3.err" &
CPID=$!
sleep 4
L0=$(wc -l < "$IT_TMP/tr1.log")
cp "$IT_TMP/new.cfg" "$CFG"
kill -HUP "$IT_SW_PID"
ns_wait_log "$IT_TMP/ptpsw.log" "reload: generation 2 applied" 5 ||
	echo "note: no 'generation 2 applied' within 5 s"
sleep 4
# a broken file: the running configuration must stay
sed 's/priority1 = 77;/priority1 = 300;/' "$IT_TMP/new.cfg" > "$CFG"
kill -HUP "$IT_SW_PID"
ns_wait_log "$IT_TMP/ptpsw.log" "reload: refused" 5 ||
	echo "note: no 'reload: refused' within 5 s"
wait "$CPID"
sleep 1
ns_stop "$SPID" iperf3 TERM 3

it_check "ptpsw still running after both SIGHUPs" ns_pid_is "$IT_SW_PID" ptpsw
# loss from both ends: what the client sent against what the server got
# (a stream cut short by a dead switch has no gaps at the server)
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
echo "figures: UDP 20 Mbit/s for $STREAM_S s across two reloads: loss % sent received = ${loss:-none}"
it_check "UDP loss ${loss%% *} % <= $MAX_LOSS_PCT %" awk -v l="${loss%% *}" -v m="$MAX_LOSS_PCT" \
	'BEGIN { exit !(l ~ /^-?[0-9.]+$/ && l <= m) }'

grep -E "reload:" "$IT_TMP/ptpsw.log" | sed 's/^/ptpsw: /'
it_check "log: generation 2 applied, naming priority1" grep -q "reload: generation 2 applied: .*boundary_clocks.\[0\].priority1 (200 -> 77)" "$IT_TMP/ptpsw.log"
it_check "log: mbufs named as needing a restart" grep -q "reload: not applied, need a restart: mbufs (8192 -> 4096)" "$IT_TMP/ptpsw.log"
it_check "log: the bad file refused as FILE:LINE: key: problem" grep -qE "reload: refused, the running configuration \(generation 2\) stays: $CFG:[0-9]+: boundary_clocks.\[0\].priority1: " "$IT_TMP/ptpsw.log"
it_check "log: boundary clock domain 26 started" grep -q "boundary clock domain 26: started (reload)" "$IT_TMP/ptpsw.log"

out=$(pmc_get 24 "GET DEFAULT_DATA_SET")
echo "$out" | sed 's/^/pmc: /'
it_check "pmc: domain 24 priority1 77 (after the bad file too)" eval '[ "$(echo "$out" | field priority1)" = 77 ]'
out=$(pmc_get 26 "GET DEFAULT_DATA_SET")
it_check "pmc: the new clock answers in domain 26" eval '[ "$(echo "$out" | field domainNumber)" = 26 ]'

if tel /ptpsw/config "$IT_TMP/tc.json"; then
	d=$(jval "$IT_TMP/tc.json" 'r["transparent_clock"]["domains"]')
	echo "figures: telemetry TC domains $d"
	it_check "telemetry: TC domains [4, 5]" [ "$d" = "[4, 5]" ]
else
	it_fail "telemetry /ptpsw/config: no reply"
fi
if tel /ptpsw/info "$IT_TMP/info.json"; then
	g=$(jval "$IT_TMP/info.json" '(r["config_generation"], r["reload_requests"], r["reloads_applied"], r["reloads_refused"], r["reloads_restart_needed"], r["last_reload_outcome"])')
	echo "figures: telemetry (generation, SIGHUPs, applied, refused, restart-needed, last) $g"
	it_check "telemetry: generation 2, 2 SIGHUPs, 1 applied, 1 refused, 1 restart-needed, last refused" [ "$g" = "(2, 2, 1, 1, 1, 'refused')" ]
	it_check "telemetry: the last reload's time" eval '[ "$(jval "$IT_TMP/info.json" "r[\"last_reload\"] != \"never\" and r[\"last_reload_unix_s\"] > 0")" = True ]'
	it_check "telemetry: the restart key" eval '[ "$(jval "$IT_TMP/info.json" "r[\"restart_needed_keys\"]")" = "mbufs (8192 -> 4096)" ]'
else
	it_fail "telemetry /ptpsw/info: no reply"
fi

# domain 24's BC kept its clock and servo: locked, never stepped
read -r servo1 steps1 < <(it_tv /ptpsw/bc "'%s %d' % (r['24']['servo'], r['24']['servo_steps'])")
it_check "telemetry: bc 24 servo ${servo1:-?}, no step across the reloads (${steps0:-?} -> ${steps1:-?})" \
	eval '[ "$servo1" = LOCKED ] && [ -n "$steps0" ] && [ "$steps0" = "$steps1" ]'

# the receiver of domain 24 kept following the BC through the reload:
# before it and after it, bounded offsets after it. nullf reports its
# servo locked only on a sample of exactly 0 ns (ptp4l: UNCALIBRATED to
# SLAVE on MASTER_CLOCK_SELECTED) and unlocked on the next (SLAVE to
# UNCALIBRATED on SYNCHRONIZATION_FAULT): those are not a change of
# master, any other state (LISTENING, MASTER, FAULTY ...) would be
sleep 5
head -n "$L0" "$IT_TMP/tr1.log" > "$IT_TMP/tr1-before.log"
tail -n +"$((L0 + 1))" "$IT_TMP/tr1.log" > "$IT_TMP/tr1-after.log"
s=$(ns_offsets "$IT_TMP/tr1-after.log" 0)
echo "figures: tr1 after the first SIGHUP: $s"
grep -E " to [A-Z_]+ on " "$IT_TMP/tr1.log" | sed 's/^/tr1: /'
tr1_left_bc() {
	grep -E " to [A-Z_]+ on " "$IT_TMP/tr1-after.log" |
		grep -vE " to (UNCALIBRATED|SLAVE) on "
}
echo "figures: tr1 nullf locks (a sample of 0 ns) after the reload: $(grep -cE " to SLAVE on " "$IT_TMP/tr1-after.log")"
it_check "tr1: follows the BC before the reload" grep -qE " to (UNCALIBRATED|SLAVE) on " "$IT_TMP/tr1-before.log"
it_check "tr1: only UNCALIBRATED / SLAVE after the reload (never left the BC)" eval '[ -z "$(tr1_left_bc)" ]'
it_check "tr1: $(ns_field "$s" n) samples after the reload (>= 60)" eval '[ "$(ns_field "$s" n)" -ge 60 ]'
it_check "tr1: |offset| max $(ns_field "$s" max) ns < $MAX_ABS_NS ns after the reload" eval '[ "$(ns_field "$s" max)" -lt "$MAX_ABS_NS" ]'

it_stop_ptpsw
for p in $(awk '$1 == "pid" && $3 == "ptp4l" { print $2 }' "$NS_STATE"); do
	ns_stop "$p" ptp4l TERM 3
done
exit 0
