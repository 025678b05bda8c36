#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The lab library's process handling (scripts/lib/netns.sh), which every
# integration test, the demo and the benches use to stop what they
# started:
# - ns_stop of a process that exits the way a multi-threaded one can
#   (leader_exit.py: the main thread leaves first, another thread ends
#   the process 0-20 ms later), 60 times: it returns the exit status (0)
#   and never says "did not stop" (a process reaped between two reads of
#   /proc once read as still running: a false "PID N did not stop on
#   SIGINT, killing" in about one stop in ten of this kind);
# - ns_stop of a process that ignores the signal: it says so and kills
#   it (status 137) after the timeout;
# - ns_pid_is matches the program's name.
# Needs no root and no ptpsw.

set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$SRCDIR/scripts/lib/netns.sh"

T=$(mktemp -d /tmp/ptpsw-harness.XXXXXX) || exit 1
NS_STATE=$T/state
: > "$NS_STATE"
trap 'ns_cleanup "$NS_STATE"; rm -rf "$T"' EXIT
FAILS=0
ok() { echo "ok: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
HELPER=$SRCDIR/tests/integration/leader_exit.py

# start_helper DELAY: leader_exit.py in the background, waits for "ready"
start_helper()
{
	: > "$T/out"
	python3 "$HELPER" "$1" > "$T/out" 2>&1 &
	P=$!
	ns_record pid "$P" python3
	for _ in $(seq 500); do		# 10 s: python3 starts slowly on a loaded machine
		grep -q ready "$T/out" && return 0
		sleep 0.02
	done
	return 1
}

N=60 said=0 badrc=0
for i in $(seq "$N"); do
	d=$(awk -v r="$RANDOM" 'BEGIN { printf "%.4f", (r % 200) / 10000 }')
	start_helper "$d" || { fail "leader_exit.py did not start"; break; }
	ns_stop "$P" python3 TERM 10 2> "$T/err"
	rc=$?
	if [ -s "$T/err" ]; then
		said=$((said + 1))
		echo "run $i (ends ${d} s after its leader): $(cat "$T/err")"
	fi
	[ "$rc" = 0 ] || { badrc=$((badrc + 1)); echo "run $i: status $rc"; }
done
echo "figures: $N stops, $said said \"did not stop\", $badrc with a status other than 0"
if [ "$said" = 0 ]; then ok "ns_stop: no false \"did not stop\" in $N stops of an exiting multi-threaded process"
else fail "ns_stop said \"did not stop\" of $said exiting processes of $N"; fi
if [ "$badrc" = 0 ]; then ok "ns_stop returned their exit status 0 ($N of $N)"
else fail "ns_stop returned another status for $badrc of $N"; fi

# a process that ignores SIGTERM: said and killed after 1 s
python3 -c 'import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print("ready", flush=True); time.sleep(60)' > "$T/out" 2>&1 &
P=$!
ns_record pid "$P" python3
for _ in $(seq 500); do grep -q ready "$T/out" && break; sleep 0.02; done
if ns_pid_is "$P" python3 && ! ns_pid_is "$P" ptpsw; then ok "ns_pid_is matches the program's name"
else fail "ns_pid_is: python3 $(ns_pid_is "$P" python3; echo $?), ptpsw $(ns_pid_is "$P" ptpsw; echo $?)"; fi
ns_stop "$P" python3 TERM 1 2> "$T/err"
rc=$?
echo "figures: ignoring SIGTERM: status $rc, said: $(cat "$T/err")"
if [ "$rc" = 137 ] && grep -q "did not stop on SIGTERM" "$T/err"; then
	ok "ns_stop says so of a process that ignores the signal and kills it (137)"
else
	fail "ns_stop of a process that ignores SIGTERM: status $rc"
fi
if ns_pid_is "$P" ""; then fail "PID $P still runs"; else ok "nothing left running"; fi

if [ "$FAILS" = 0 ]; then echo PASS; exit 0; fi
echo "FAILED ($FAILS)"
exit 1
