# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared code of the integration tests: real ptp4l peers in network
# namespaces joined through ptpsw. Each test is a standalone script run as
# root by `meson test --suite integration` with PTPSW=<binary> and
# SRCDIR=<repo>. Exit status: 0 pass, 1 fail, 77 skip.
#
# Every test uses its own names: namespaces and switch-facing veths carry
# a random prefix "pt<4 hex>", ptpsw gets its own --file-prefix and a config
# generated from config/lab.cfg with those veth names. A trap removes
# everything (processes by PID) even when the test fails.
#
# IT_SWITCH=bridge runs the same test through a Linux bridge instead of
# ptpsw (to check the test itself: the TC assertions must then fail).
# IT_KEEP=1 keeps the temp dir with logs and captures.

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NS_SRCDIR=$SRCDIR
. "$SRCDIR/scripts/lib/netns.sh"

IT_SWITCH=${IT_SWITCH:-ptpsw}
IT_FAILS=0
IT_SW_PID=
IT_TMP=
PFX=
SW=()

# it_skip MSG: exit 77.
it_skip() { echo "SKIP: $*"; exit 77; }

# it_fail MSG: record a failed assertion (the test goes on, exits 1 at the end).
it_fail() { echo "FAIL: $*"; IT_FAILS=$((IT_FAILS + 1)); }
it_ok() { echo "ok: $*"; }

# it_check DESCRIPTION COMMAND...: run COMMAND; ok if it succeeds.
it_check()
{
	local d=$1
	shift
	if "$@"; then it_ok "$d"; else it_fail "$d"; fi
}

# it_init NEED_ROOT [PROGRAM...]: skip unless root (when NEED_ROOT=1) and the
# programs exist; make the temp dir, names, state file and the exit trap.
it_init()
{
	local need_root=$1 p
	shift
	if [ "$need_root" = 1 ] && [ "$(id -u)" != 0 ]; then
		it_skip "needs root (network namespaces)"
	fi
	for p in "$@"; do
		ns_have "$p" || it_skip "$p not installed"
	done
	if [ "$IT_SWITCH" = ptpsw ]; then
		[ -n "${PTPSW:-}" ] && [ -x "$PTPSW" ] || it_skip "PTPSW not set or not executable (${PTPSW:-})"
	fi
	IT_TMP=$(mktemp -d /tmp/ptpsw-it.XXXXXX) || exit 1
	PFX=pt$(ns_rand_hex4)
	# unlikely, but never reuse another run's names
	while ns_link_exists "${PFX}a0" || [ -e "/run/netns/$PFX-gm" ]; do
		PFX=pt$(ns_rand_hex4)
	done
	SW=("${PFX}a0" "${PFX}a1" "${PFX}a2")
	NS_STATE=$IT_TMP/state
	: > "$NS_STATE"
	trap it_exit EXIT
	trap 'exit 1' INT TERM
	echo "test $(basename "$0"): prefix $PFX, temp dir $IT_TMP, switch $IT_SWITCH"
}

it_exit()
{
	local rc=$?
	trap - EXIT INT TERM
	it_stop_ptpsw
	ns_cleanup "$NS_STATE"
	if [ "$rc" = 0 ] && [ "$IT_FAILS" != 0 ]; then
		rc=1
	fi
	if [ "${IT_KEEP:-0}" = 1 ] || { [ "$rc" = 1 ] && [ "${IT_KEEP_ON_FAIL:-0}" = 1 ]; }; then
		echo "logs kept in $IT_TMP"
	else
		[ -n "$IT_TMP" ] && rm -rf "$IT_TMP"
	fi
	case $rc in
	0) echo "PASS" ;;
	77) ;;
	*) echo "FAILED ($IT_FAILS assertion(s), status $rc)"; rc=1 ;;
	esac
	exit "$rc"
}

# it_config OUT [SED_EXPR...]: a ptpsw config from config/lab.cfg with this
# test's veth names (plswN -> PFXaN) and EAL file prefix; each SED_EXPR is
# applied too (e.g. to switch the TC to two-step).
it_config()
{
	local out=$1 e args=()
	shift
	[ -f "$SRCDIR/config/lab.cfg" ] || { echo "config/lab.cfg missing" >&2; return 1; }
	args=(-e "s/plsw\([0-9]\)/${PFX}a\1/g"
	      -e "s/\(\"--file-prefix\", *\"\)[^\"]*\"/\1$PFX\"/")
	for e in "$@"; do args+=(-e "$e"); done
	# IT_PORTS=N (> 3): more af_packet ports plsw3.. after p2
	local i extra=
	for ((i = 3; i < ${IT_PORTS:-3}; i++)); do
		extra+=",\\n  { name = \"p$i\"; device = \"net_af_packet$i,iface=plsw$i\"; }"
	done
	sed -e "s/^\(  { name = \"p2\";.*}\)\$/\1$extra/" "$SRCDIR/config/lab.cfg" |
		sed "${args[@]}" > "$out"
	# own management socket, in the temp dir
	grep -q '^management' "$out" ||
		printf 'management = { socket = "%s"; };\n' "$IT_TMP/mgmt.sock" >> "$out"
	grep -q -- "\"$PFX\"" "$out" || {
		# lab.cfg has no file prefix: append one on the command line
		IT_EAL_EXTRA=(-- "--file-prefix=$PFX")
	}
	return 0
}
IT_EAL_EXTRA=()

# it_start_switch CFG: start ptpsw with CFG (or a bridge with IT_SWITCH=bridge)
# over the switch-facing veths. Waits until ptpsw prints something and is
# still alive after 2 s. Returns 0/1.
it_start_switch()
{
	if [ "$IT_SWITCH" = bridge ]; then
		ns_bridge "${PFX}br" "${SW[@]}"
		return
	fi
	ns_spawn - "$IT_TMP/ptpsw.log" "$PTPSW" -c "$1" "${IT_EAL_EXTRA[@]}"
	IT_SW_PID=$NS_LAST_PID
	sleep 2
	if ! ns_pid_is "$IT_SW_PID" ptpsw; then
		echo "ptpsw did not start:"; tail -n 30 "$IT_TMP/ptpsw.log"
		IT_SW_PID=
		return 1
	fi
	return 0
}

# it_dump_ptpsw: SIGUSR1 ptpsw; print the new part of its log (the counter
# dump) to stdout. Returns 1 if ptpsw is not running.
it_dump_ptpsw()
{
	local before
	[ -n "$IT_SW_PID" ] && ns_pid_is "$IT_SW_PID" ptpsw || return 1
	before=$(wc -c < "$IT_TMP/ptpsw.log")
	kill -USR1 "$IT_SW_PID"
	sleep 1
	tail -c +"$((before + 1))" "$IT_TMP/ptpsw.log"
}

# it_stop_ptpsw: SIGINT ptpsw, assert it exits 0 in time.
it_stop_ptpsw()
{
	local rc
	[ -n "$IT_SW_PID" ] || return 0
	ns_stop "$IT_SW_PID" ptpsw INT 10
	rc=$?
	IT_SW_PID=
	if [ "$rc" = 0 ]; then it_ok "ptpsw exited 0 on SIGINT"
	else it_fail "ptpsw exit status $rc on SIGINT"; tail -n 20 "$IT_TMP/ptpsw.log"; fi
}

# it_capture NS FILE: tcpdump of PTP (UDP 319/320) on the namespace's veth.
# Sets NS_LAST_PID. Waits until the capture runs.
it_capture()
{
	ns_spawn "$1" "$2.log" tcpdump -i "$NS_IF" -n -U -s 0 -w "$2" 'udp port 319 or udp port 320'
	ns_wait_log "$2.log" "listening on" 5
}

# it_sync_stats NAME LOG SKIP MIN_N MAX_RMS_NS MAX_ABS_NS: print the figures
# of a receiver and assert the bounds.
it_sync_stats()
{
	local name=$1 log=$2 s n rms mx
	s=$(ns_offsets "$log" "$3")
	n=$(ns_field "$s" n); rms=$(ns_field "$s" rms); mx=$(ns_field "$s" max)
	echo "figures: $name $s"
	if [ "$n" -ge "$4" ]; then it_ok "$name: $n samples >= $4"
	else it_fail "$name: $n samples < $4"; tail -n 5 "$log"; return; fi
	if [ "$rms" -lt "$5" ]; then it_ok "$name: rms ${rms} ns < $5 ns"
	else it_fail "$name: rms ${rms} ns >= $5 ns"; fi
	if [ "$mx" -lt "$6" ]; then it_ok "$name: max |offset| ${mx} ns < $6 ns"
	else it_fail "$name: max |offset| ${mx} ns >= $6 ns"; fi
}

# it_tshark FILE FILTER FIELD...: tshark fields of the matching packets.
it_tshark()
{
	local f=$1 flt=$2 a=()
	shift 2
	for x in "$@"; do a+=(-e "$x"); done
	tshark -n -r "$f" -o udp.check_checksum:TRUE -Y "$flt" -T fields "${a[@]}" 2> /dev/null
}

# it_count FILE FILTER: number of packets matching FILTER.
it_count() { it_tshark "$1" "$2" frame.number | wc -l; }

# it_iperf SRC_NS DST_NS DST_ADDR SECONDS: a TCP iperf3 run across the
# switch. Prints the receiver's throughput; returns iperf3's status.
it_iperf()
{
	local rc
	ns_spawn "$2" "$IT_TMP/iperf3-s.log" iperf3 -s -1 -B "$3"
	local spid=$NS_LAST_PID
	sleep 1
	ip netns exec "$1" timeout $(($4 + 10)) iperf3 -c "$3" -t "$4" > "$IT_TMP/iperf3-c.log" 2>&1
	rc=$?
	grep -E "receiver" "$IT_TMP/iperf3-c.log" | sed 's/^/figures: iperf3 /'
	ns_stop "$spid" iperf3 TERM 3
	return $rc
}

# it_ping SRC_NS DST: ICMP echo across the switch if ping is installed.
it_ping()
{
	if ! ns_have ping; then
		echo "note: ping not installed, ICMP check skipped"
		return 0
	fi
	ip netns exec "$1" ping -c 3 -i 0.2 -W 2 "$2" > "$IT_TMP/ping.log" 2>&1
}
