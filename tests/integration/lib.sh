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
# IT_CLOCK_WAIT_S=N: at most N s (default 600) that it_init waits while
# something moves CLOCK_REALTIME beyond 100 ppm (it_clock_steady).

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NS_SRCDIR=$SRCDIR
# Debian's programs first: the tests use Debian's python3 and its packages
# (python3-scapy), and a version manager's python3 shim ahead of it in PATH
# (pyenv's is a shell script) costs some 0.2 s at each of the tests'
# hundreds of python3 calls.
PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
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
# it_clock_rate: CLOCK_REALTIME's rate against CLOCK_MONOTONIC_RAW in ppm
# over 0.25 s (bracketed pairs: about 1 ppm).
it_clock_rate()
{
	python3 - <<'EOF'
import time
def pair():
    best = None
    for _ in range(5):
        a = time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW)
        r = time.clock_gettime_ns(time.CLOCK_REALTIME)
        b = time.clock_gettime_ns(time.CLOCK_MONOTONIC_RAW)
        if best is None or b - a < best[0]:
            best = (b - a, (a + b) // 2, r)
    return best[1], best[2]
m0, r0 = pair()
time.sleep(0.25)
m1, r1 = pair()
print("%.1f" % (((r1 - r0) / (m1 - m0) - 1) * 1e6))
EOF
}

# it_clock_steady: every peer's offset (ptp4l with the nullf servo) and
# every boundary clock is measured against the host's CLOCK_REALTIME, so
# a test means something only while nothing slews that clock hard. On
# the lab VM something does for a few minutes after each snapshot of the
# VM (docs/operations.md, Banner: REALTIME-RATE). Wait, checking every
# 5 s, while it runs beyond 100 ppm against CLOCK_MONOTONIC_RAW, at most
# IT_CLOCK_WAIT_S (default 600) s; then go on and say so.
it_clock_steady()
{
	local t0=$SECONDS ppm said=
	while :; do
		ppm=$(it_clock_rate) || return 0
		awk -v p="$ppm" 'BEGIN { exit !(p < 100 && p > -100) }' && break
		if [ $((SECONDS - t0)) -ge "${IT_CLOCK_WAIT_S:-600}" ]; then
			echo "note: CLOCK_REALTIME still runs $ppm ppm against CLOCK_MONOTONIC_RAW after $((SECONDS - t0)) s: going on"
			return 0
		fi
		[ -n "$said" ] || echo "note: CLOCK_REALTIME runs $ppm ppm against CLOCK_MONOTONIC_RAW (something slews the system clock): waiting until it runs within 100 ppm"
		said=1
		sleep 5
	done
	[ -z "$said" ] || echo "note: CLOCK_REALTIME within 100 ppm again after $((SECONDS - t0)) s ($ppm ppm)"
}

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
	it_clock_steady
	IT_TMP=$(mktemp -d /tmp/ptpsw-it.XXXXXX) || exit 1
	PFX=pt$(ns_rand_hex4)
	# unlikely, but never reuse another run's names
	while ns_link_exists "${PFX}a0" || [ -e "/run/netns/$PFX-gm" ] ||
		[ -e "$(ns_dpdk_runtime_dir "$PFX")" ]; do
		PFX=pt$(ns_rand_hex4)
	done
	SW=("${PFX}a0" "${PFX}a1" "${PFX}a2")
	NS_STATE=$IT_TMP/state
	: > "$NS_STATE"
	trap it_exit EXIT
	trap it_abort INT TERM
	echo "test $(basename "$0"): prefix $PFX, temp dir $IT_TMP, switch $IT_SWITCH"
}

# it_abort: SIGINT/SIGTERM (meson's timeout sends SIGTERM to the whole
# process group and SIGKILL 0.5 s later, before a normal clean-up could
# finish): hand the state file to a clean-up in its own session, which
# the SIGKILL does not reach, and exit.
it_abort()
{
	trap - INT TERM
	if [ -n "$NS_STATE" ] && [ -f "$NS_STATE" ]; then
		# outside IT_TMP, which it_exit may remove meanwhile
		mv "$NS_STATE" "$IT_TMP.state" && NS_STATE=$IT_TMP.state
		setsid bash -c '. "$1/scripts/lib/netns.sh"; ns_cleanup "$2"' \
			it-cleanup "$SRCDIR" "$NS_STATE" < /dev/null > /dev/null 2>&1 &
		NS_STATE=
	fi
	IT_SW_PID=
	echo "aborted by a signal"
	exit 1
}

it_exit()
{
	local rc=$?
	trap - EXIT INT TERM
	it_stop_ptpsw
	it_hugepages_release
	ns_cleanup "$NS_STATE"
	it_runtime_release
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
# test's veth names (plswN -> PFXaN) and EAL file prefix, and the TC in
# one-step mode (lab.cfg runs two-step; most checks look at in-place
# corrections); each SED_EXPR is applied after that (test_tc_two_step
# switches back to two-step).
it_config()
{
	local out=$1 e args=()
	shift
	[ -f "$SRCDIR/config/lab.cfg" ] || { echo "config/lab.cfg missing" >&2; return 1; }
	args=(-e "s/plsw\([0-9]\)/${PFX}a\1/g"
	      -e "s/\(\"--file-prefix\", *\"\)[^\"]*\"/\1$PFX\"/"
	      -e 's/mode = "two-step"/mode = "one-step"/')
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

# it_bc_config OUT ENTRY...: a ptpsw config with the eal, lcores and ports
# of config/bc-lab.cfg (this test's veths and EAL prefix, addresses
# 10.66.0.250..252), the two-step TC for every other domain, and the
# boundary clocks given as libconfig group texts ENTRY... .
it_bc_config()
{
	local out=$1 first=1 e
	shift
	{
		sed -n '/^eal = /,/^);/p' "$SRCDIR/config/bc-lab.cfg" |
			sed -e "s/plsw\([0-9]\)/${PFX}a\1/g" \
			    -e "s/\(\"--file-prefix\", *\"\)[^\"]*\"/\1$PFX\"/"
		echo 'transparent_clock = { enabled = true; mode = "two-step"; domains = "all"; };'
		echo 'boundary_clocks = ('
		for e in "$@"; do
			[ "$first" = 1 ] || echo ','
			first=0
			echo "$e"
		done
		echo ');'
		echo 'mbufs = 8192;'
		printf 'management = { socket = "%s"; };\n' "$IT_TMP/mgmt.sock"
	} > "$out"
}

# it_bc_entry DOMAIN [KEY = VALUE; ...]: a boundary clock on p0, p1, p2 at
# 8 Sync/s, two-step, udpv4 unless the extra settings given set transport.
it_bc_entry()
{
	local d=$1 tr='transport = "udpv4"; '
	shift
	case "$*" in *transport*) tr= ;; esac
	echo "  { domain = $d; ${tr}ports = [ \"p0\", \"p1\", \"p2\" ];"
	echo "    log_sync_interval = -3; log_min_delay_req_interval = -3; $* }"
}

# it_start_switch CFG: start ptpsw with CFG (or a bridge with IT_SWITCH=bridge)
# over the switch-facing veths (through the command in the array
# IT_SW_WRAP, if set: one that execs ptpsw, such as setpriv). Waits until
# ptpsw says "forwarding" (at most 10 s) and is still alive 0.5 s later,
# or until it exits. In the three-node lab (ns_lab_create) it then
# resolves ARP/ND through the switch (ns_lab_arp) and asserts that it
# worked. Returns 0/1.
it_start_switch()
{
	if [ "$IT_SWITCH" = bridge ]; then
		ns_bridge "${PFX}br" "${SW[@]}" || return 1
	else
		ns_spawn - "$IT_TMP/ptpsw.log" ${IT_SW_WRAP[@]+"${IT_SW_WRAP[@]}"} \
			"$PTPSW" -c "$1" "${IT_EAL_EXTRA[@]}"
		IT_SW_PID=$NS_LAST_PID
		for _ in $(seq 100); do
			grep -q '^forwarding$' "$IT_TMP/ptpsw.log" 2> /dev/null && break
			kill -0 "$IT_SW_PID" 2> /dev/null || break	# exited
			sleep 0.1
		done
		sleep 0.5
		if ! ns_pid_is "$IT_SW_PID" ptpsw; then
			echo "ptpsw did not start:"; tail -n 30 "$IT_TMP/ptpsw.log"
			IT_SW_PID=
			return 1
		fi
	fi
	if [ -e "/run/netns/$PFX-gm" ] && [ -e "/run/netns/$PFX-tr1" ] &&
	   [ -e "/run/netns/$PFX-tr2" ]; then
		it_check "ARP and ND resolve through the switch" ns_lab_arp "$PFX" 5
	fi
	it_load_mark
	return 0
}

# --- machine contention ------------------------------------------------------
#
# With af_packet ports and TSC timestamps, a frame that waits in the
# af_packet ring while the worker lcore thread is descheduled waits
# outside the TC's two timestamps: that time is not corrected. On a busy
# machine (other jobs, parallel builds) the receivers' error then grows to
# milliseconds whatever the TC does. The accuracy bounds of it_sync_stats
# are enforced only if the worker thread got at least IT_MIN_WORKER_CPU
# percent (85) of a CPU since the last it_load_mark; otherwise they are
# printed as notes (IT_STRICT=1 enforces them anyway). Sample counts and
# the correctionField checks (it_cf_transit) are always enforced.

IT_MIN_WORKER_CPU=${IT_MIN_WORKER_CPU:-85}
IT_LOAD_T0=
IT_LOAD_TICKS0=
IT_WORKER_SHARE=
IT_LOAD_REPORTED=0

# it_worker_ticks: "N TICKS" of ptpsw's worker threads (ns_worker_ticks).
it_worker_ticks()
{
	[ -n "$IT_SW_PID" ] && ns_worker_ticks "$IT_SW_PID"
}

# it_load_mark: start a contention measurement window (now).
it_load_mark()
{
	local w
	IT_LOAD_T0=$(date +%s.%N)
	IT_LOAD_REPORTED=0
	w=$(it_worker_ticks) && IT_LOAD_TICKS0=${w#* } || IT_LOAD_TICKS0=
}

# it_load_report: print the worker threads' CPU share since it_load_mark
# and the load average; sets IT_WORKER_SHARE (percent, empty if unknown).
it_load_report()
{
	local w n k
	IT_WORKER_SHARE=
	IT_LOAD_REPORTED=1
	if [ -n "$IT_LOAD_TICKS0" ] && w=$(it_worker_ticks); then
		n=${w% *}; k=${w#* }
		IT_WORKER_SHARE=$(ns_cpu_share "$n" "$IT_LOAD_TICKS0" "$k" \
			"$IT_LOAD_T0" "$(date +%s.%N)")
	fi
	echo "figures: worker lcore CPU share ${IT_WORKER_SHARE:-n/a} % (need $IT_MIN_WORKER_CPU for the accuracy bounds), load average $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
}

# it_contended: true if the accuracy bounds are not to be enforced.
it_contended()
{
	[ "${IT_STRICT:-0}" = 1 ] && return 1
	[ -n "$IT_WORKER_SHARE" ] && [ "$IT_WORKER_SHARE" -lt "$IT_MIN_WORKER_CPU" ]
}

# it_dump_ptpsw: SIGUSR1 ptpsw; print the new part of its log (the counter
# dump, once its "=== end ===" line is there, at most 5 s) to stdout.
# Returns 1 if ptpsw is not running.
it_dump_ptpsw()
{
	local before
	[ -n "$IT_SW_PID" ] && ns_pid_is "$IT_SW_PID" ptpsw || return 1
	before=$(wc -c < "$IT_TMP/ptpsw.log")
	kill -USR1 "$IT_SW_PID"
	for _ in $(seq 50); do
		sleep 0.1
		tail -c +"$((before + 1))" "$IT_TMP/ptpsw.log" |
			grep -q '^=== end ===$' && break
	done
	tail -c +"$((before + 1))" "$IT_TMP/ptpsw.log"
}

# it_lab_peers SECONDS: in the three-node lab, a ptp4l GM and two time
# receivers (multicast and unicast Delay_Req) as ptp4l starts them; wait.
it_lab_peers()
{
	ns_ptp4l "$PFX-gm" "$NS_IF" gm "$IT_TMP/gm.log"
	ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$IT_TMP/tr1.log"
	ns_ptp4l "$PFX-tr2" "$NS_IF" tr-unicast "$IT_TMP/tr2.log"
	echo "running ptp4l for $1 s"
	sleep "$1"
}

# it_pcap_config OUT EAL [EXTRA-LINE]: a ptpsw config with two net_pcap
# ports a and b replaying $IT_TMP/pcap/mix-1.pcap and mix-100.pcap
# (bench/gen_pcap.py) with infinite_rx=1, EAL list EAL (quoted items,
# without the brackets) plus this test's --file-prefix.
it_pcap_config()
{
	cat > "$1" <<CFG
eal = [ $2, "--file-prefix", "$PFX" ];
lcores = { control = 0; workers = [ 1 ]; };
ports = (
  { name = "a"; device = "net_pcap0,rx_pcap=$IT_TMP/pcap/mix-1.pcap,infinite_rx=1"; timestamping = "software"; },
  { name = "b"; device = "net_pcap1,rx_pcap=$IT_TMP/pcap/mix-100.pcap,infinite_rx=1"; timestamping = "software"; }
);
transparent_clock = { enabled = true; mode = "one-step"; domains = "all"; };
management = { socket = "$IT_TMP/mgmt.sock"; };
status_interval_ms = 1000;
${3:-}
CFG
}

# it_gen_pcaps FRAMES: bench/gen_pcap.py's mixes of FRAMES frames each in
# $IT_TMP/pcap; skips the test (77) without python3-scapy.
it_gen_pcaps()
{
	/usr/bin/python3 -c 'import scapy.all' 2> /dev/null ||
		it_skip "python3-scapy not installed (bench/gen_pcap.py needs it)"
	/usr/bin/python3 "$SRCDIR/bench/gen_pcap.py" "$IT_TMP/pcap" --frames "$1" ||
		{ echo "gen_pcap.py failed"; exit 1; }
}

# it_status_tx: the "tx N" of ptpsw's last status line
it_status_tx()
{
	grep '^ptpsw: up ' "$IT_TMP/ptpsw.log" | tail -n 1 |
		sed -n 's/.* tx \([0-9]*\) .*/\1/p'
}

# it_check_forwarding UP: ptpsw's status line says "ports UP up" (e.g.
# 2/2) and its tx grows over 2 s.
it_check_forwarding()
{
	local t1 t2 s
	t1=$(it_status_tx)
	sleep 2
	t2=$(it_status_tx)
	s=$(grep '^ptpsw: up ' "$IT_TMP/ptpsw.log" | tail -n 1)
	echo "status: $s"
	it_check "status line: ports $1 up" grep -q "ports $1 up" <<< "$s"
	it_check "forwards: status tx grows (${t1:-?} -> ${t2:-?})" \
		[ "${t2:-0}" -gt "${t1:-0}" ]
}

# --- hugepages (EAL multi-process: dpdk-dumpcap, dpdk-proc-info) -----------

IT_HP=/proc/sys/vm/nr_hugepages
IT_HP_OLD=
IT_HUGEDIR=
IT_HUGE_SED=

# it_hugepages NEED: at least NEED free 2 MB hugepages (what is missing is
# reserved; the previous count comes back at exit) and a hugetlbfs mount
# of this test in IT_HUGEDIR (removed at exit). IT_HUGE_SED turns
# lab.cfg's EAL list (--no-huge, --no-shconf) into one on that mount, for
# it_config. Skips the test (77), saying why, when it cannot.
it_hugepages()
{
	local need=$1 free
	[ -w "$IT_HP" ] || it_skip "cannot reserve hugepages ($IT_HP not writable)"
	IT_HP_OLD=$(cat "$IT_HP")
	free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	if [ "$free" -lt "$need" ]; then
		echo $((IT_HP_OLD + need - free)) > "$IT_HP" 2> /dev/null
		free=$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)
	fi
	echo "hugepages: $(cat "$IT_HP") reserved ($IT_HP_OLD before), $free free"
	[ "$free" -ge "$need" ] || it_skip "only $free free 2 MB hugepages, need $need"
	IT_HUGEDIR=$(mktemp -d /tmp/ptpsw-huge.XXXXXX) || exit 1
	mount -t hugetlbfs -o pagesize=2M nodev "$IT_HUGEDIR" ||
		{ rmdir "$IT_HUGEDIR"; IT_HUGEDIR=; it_skip "cannot mount hugetlbfs"; }
	IT_HUGE_SED="s|\"--no-huge\", *\"-m\", *\"512\", *\"--no-pci\", *\"--no-shconf\",|\"--no-pci\", \"--huge-dir\", \"$IT_HUGEDIR\", \"-m\", \"256\",|"
}

# it_runtime_release: remove the EAL runtime directory of this test's
# --file-prefix (ns_dpdk_runtime_dir), which EAL leaves behind. Only this
# test's (its prefix is unique, it_init) and only when every process on
# the prefix has stopped.
it_runtime_release()
{
	[ -n "$PFX" ] || return 0
	rm -rf "$(ns_dpdk_runtime_dir "$PFX")"
}

# it_hugepages_release: undo it_hugepages (ptpsw must have stopped: it
# holds the hugepage files).
it_hugepages_release()
{
	if [ -n "$IT_HUGEDIR" ]; then
		rm -f "$IT_HUGEDIR"/* 2> /dev/null
		umount "$IT_HUGEDIR" && rmdir "$IT_HUGEDIR"
		IT_HUGEDIR=
	fi
	[ -n "$IT_HP_OLD" ] && echo "$IT_HP_OLD" > "$IT_HP"
	IT_HP_OLD=
}

# it_tel CMD OUT: one telemetry query with dpdk-telemetry.py (TEL_CLIENT,
# found on PATH if unset) on ptpsw's --file-prefix; OUT gets the reply
# line (JSON). Returns 1 (and prints what came back) without a reply.
it_tel()
{
	local client=${TEL_CLIENT:-$(command -v dpdk-telemetry.py)}
	echo "$1" | timeout 10 python3 "$client" -f "$PFX" > "$2.raw" 2> "$2.err"
	grep '^{' "$2.raw" | tail -n 1 > "$2"
	[ -s "$2" ] || { echo "no reply to $1:"; cat "$2.raw" "$2.err"; return 1; }
}

# it_jcheck DESCRIPTION FILE PYTHON-EXPR: ok if the expression (over `r`,
# the reply of the single command in FILE) is true.
it_jcheck()
{
	local out
	out=$(python3 - "$2" "$3" <<'EOF' 2>&1
import json, sys
j = json.load(open(sys.argv[1]))
r = list(j.values())[0]
v = eval(sys.argv[2])
print(v)
sys.exit(0 if v is True else 1)
EOF
	)
	if [ $? = 0 ]; then it_ok "$1"; else it_fail "$1 ($out)"; fi
}

# it_tel_check CMD FILE DESCRIPTION PYTHON-EXPR: it_tel CMD into FILE,
# then it_jcheck; a command without a reply is a failed assertion.
it_tel_check()
{
	if it_tel "$1" "$2"; then it_jcheck "$3" "$2" "$4"
	else it_fail "$1 answers ($3)"; fi
}

# it_tv CMD PYTHON-EXPR: one value of a telemetry reply, the expression
# over r (the reply of CMD) printed as Python prints it; e.g.
#   it_tv /ptpsw/bc "r['24']['port_states']['p0']"      -> SLAVE
#   it_tv /ptpsw/ports,p0 "r['drops_by_reason']['filtered']"
# What every counter key counts: it_tv /ptpsw/counters r. Prints nothing
# and returns 1 without a reply or when the expression fails (a missing
# key), so [ "$(it_tv ...)" = X ] is a failed check then.
it_tv()
{
	local f rc
	f=$(mktemp "$IT_TMP/tv.XXXXXX") || return 1
	it_tel "$1" "$f" > /dev/null || { rm -f "$f" "$f.raw" "$f.err"; return 1; }
	python3 - "$f" "$2" <<'EOF'
import json, sys
r = list(json.load(open(sys.argv[1])).values())[0]
try:
    print(eval(sys.argv[2]))
except Exception as e:
    print("it_tv: %s: %r" % (sys.argv[2], e), file=sys.stderr)
    sys.exit(1)
EOF
	rc=$?
	rm -f "$f" "$f.raw" "$f.err"
	return $rc
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

# it_capture NS FILE [FILTER [SNAPLEN]]: tcpdump on the namespace's veth,
# of PTP (UDP 319/320) unless a pcap FILTER is given, whole frames unless
# a SNAPLEN is. Sets NS_LAST_PID. Waits until the capture runs.
it_capture()
{
	ns_spawn "$1" "$2.log" tcpdump -i "$NS_IF" -n -U -s "${4:-0}" \
		--time-stamp-precision=nano -w "$2" \
		"${3:-udp port 319 or udp port 320}"
	ns_wait_log "$2.log" "listening on" 5
}

# it_capture_sw IDX FILE: capture PTP on the switch's own end of lab veth
# IDX (root namespace, ${SW[IDX]}), nanosecond stamps. A frame the switch
# receives there carries the kernel's receive stamp, the same one an
# af_packet port of ptpsw reads as its ingress time.
it_capture_sw()
{
	ns_capture_ptp - "${SW[$1]}" "$2" -Q in
}

# it_sync_stats NAME LOG SKIP MIN_N MAX_RMS_NS MAX_ABS_NS: print the figures
# of a receiver and assert the bounds.
it_sync_stats()
{
	local name=$1 log=$2 s n rms mx
	s=$(ns_offsets "$log" "$3")
	n=$(ns_field "$s" n); rms=$(ns_field "$s" rms); mx=$(ns_field "$s" max)
	[ "$IT_LOAD_REPORTED" = 1 ] || it_load_report
	echo "figures: $name $s (us: rms $(ns_us "$rms") max $(ns_us "$mx") mean $(ns_us "$(ns_field "$s" mean)") path delay $(ns_us "$(ns_field "$s" delay)"))"
	if [ "$n" -ge "$4" ]; then it_ok "$name: $n samples >= $4"
	else
		it_fail "$name: $n samples < $4"
		grep -E "FAULT|timed out|failed" "$log" | head -n 5
		tail -n 5 "$log"
		return
	fi
	it_bound "$name: rms" "$rms" "$5"
	it_bound "$name: max |offset|" "$mx" "$6"
}

# it_bound WHAT VALUE_NS LIMIT_NS: an accuracy bound; a note instead of a
# failure when the machine is contended (it_contended).
it_bound()
{
	if [ "$2" -lt "$3" ]; then
		it_ok "$1 $2 ns < $3 ns"
	elif it_contended; then
		echo "note: $1 $2 ns >= $3 ns, not enforced: the worker lcore had ${IT_WORKER_SHARE} % of a CPU (machine contended; IT_STRICT=1 enforces)"
	else
		it_fail "$1 $2 ns >= $3 ns"
	fi
}

# it_cf_transit NAME MIN_N FROM_PCAP TO_PCAP EV_FILTER CF_PCAP CF_FILTER:
# check the correctionField a TC added against the event's transit time.
# FROM_PCAP/TO_PCAP are captures in the sender's and the receiver's
# namespace (one clock: the kernel's software stamps); EV_FILTER selects
# the event messages (same in both), CF_FILTER the messages carrying the
# correction (the event itself for one-step, its Follow_Up/Delay_Resp for
# two-step), matched by sequenceId. The residence the TC measured lies
# inside the transit, so every matched message must have
# 0 < CF < transit: this catches a TC that is off, adds garbage, the wrong
# sign or unit, or corrects the wrong message, whatever the machine load.
# Prints transit, CF and transit - CF (what the TC left uncorrected) in us.
it_cf_transit()
{
	local name=$1 min=$2 from=$3 to=$4 ev=$5 cfp=$6 cff=$7 s n bad
	{
		it_tshark "$from" "$ev" ptp.v2.sequenceid frame.time_epoch | sed 's/^/A /'
		it_tshark "$to" "$ev" ptp.v2.sequenceid frame.time_epoch | sed 's/^/B /'
		it_tshark "$cfp" "$cff" ptp.v2.sequenceid ptp.v2.correction.ns | sed 's/^/C /'
	} > "$IT_TMP/cft.txt"
	s=$(awk '
	function us(v) { return sprintf("%.1f", v / 1000) }
	$1 == "A" { a[$2] = $3 } $1 == "B" { b[$2] = $3 } $1 == "C" { c[$2] = $3 }
	END {
		for (q in a) {
			if (!(q in b) || !(q in c))
				continue
			t = (b[q] - a[q]) * 1e9; f = c[q] + 0; r = t - f
			n++; st += t; st2 += t * t; sf += f; sr += r; sr2 += r * r
			if (f <= 0 || f >= t) bad++
			if (n == 1 || f < fmin) fmin = f
			if (n == 1 || f > fmax) fmax = f
		}
		if (!n) { print "n=0 bad=0"; exit }
		mt = st / n; mr = sr / n
		vt = st2 / n - mt * mt; vr = sr2 / n - mr * mr
		printf "n=%d bad=%d transit_us=%s/sd%s cf_us=%s/min%s/max%s uncorrected_us=%s/sd%s\n",
		       n, bad + 0, us(mt), us(sqrt(vt > 0 ? vt : 0)), us(sf / n),
		       us(fmin), us(fmax), us(mr), us(sqrt(vr > 0 ? vr : 0))
	}' "$IT_TMP/cft.txt")
	echo "figures: $name: $s"
	n=$(ns_field "$s" n); bad=$(ns_field "$s" bad)
	if [ "$n" -lt "$min" ]; then
		it_fail "$name: $n matched messages < $min"
	elif [ "$bad" != 0 ]; then
		it_fail "$name: $bad of $n corrections outside (0, transit)"
	else
		it_ok "$name: all $n corrections within (0, transit)"
	fi
}

# it_cf_exact NAME MIN_N IN_PCAP OUT_PCAP EV_FILTER CF_PCAP CF_FILTER LO:HI:
# how much of the switch's span the correction leaves uncovered, to the
# nanosecond stamp. IN_PCAP is captured on the switch's ingress veth end
# (it_capture_sw: the stamp ptpsw's af_packet port reads), OUT_PCAP in the
# receiver's namespace (its kernel receive stamp). For every event message
# matched by sequenceId in both and in CF_PCAP, d = OUT - IN - CF: the part
# of the path from the switch's receive stamp to the receiver's that the
# correction did not cover. ptpsw's TX stamp is the kernel's software
# stamp in the veth's xmit, so d is the kernel's own TX path after that
# stamp (the error-queue delivery and the hand-over to the peer, a few
# hundred ns to a few us), never negative beyond noise. Passes if
# LO < d < HI (ns) for at least 90 % of them (the TC falls back to a
# predicted egress time when a TX stamp is late, as its dump counts).
# Times are compared in integer nanoseconds (a double holds an epoch
# time only to about 240 ns). Prints the median and extremes of d in ns.
it_cf_exact()
{
	local name=$1 min=$2 s n good
	{
		it_tshark "$3" "$5" ptp.v2.sequenceid frame.time_epoch | sed 's/^/A /'
		it_tshark "$4" "$5" ptp.v2.sequenceid frame.time_epoch | sed 's/^/B /'
		it_tshark "$6" "$7" ptp.v2.sequenceid ptp.v2.correction.ns | sed 's/^/C /'
	} > "$IT_TMP/cfx.txt"
	s=$(awk -v lo="${8%%:*}" -v hi="${8##*:}" '
	# "S.FFFFFFFFF" -> seconds and nanoseconds, kept apart
	function sec(t) { split(t, p, "."); return p[1] + 0 }
	function nsec(t,  f) { split(t, p, "."); f = substr(p[2] "000000000", 1, 9); return f + 0 }
	$1 == "A" && !($2 in as) { as[$2] = sec($3); an[$2] = nsec($3) }
	$1 == "B" && !($2 in bs) { bs[$2] = sec($3); bn[$2] = nsec($3) }
	$1 == "C" && !($2 in c) { c[$2] = $3 }
	END {
		for (q in as) {
			if (!(q in bs) || !(q in c))
				continue
			d = (bs[q] - as[q]) * 1000000000 + (bn[q] - an[q]) - c[q]
			v[++n] = d
			if (d > lo && d < hi) good++
		}
		if (!n) { print "n=0 good=0"; exit }
		for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
			if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
		printf "n=%d good=%d uncovered_ns=median%d/min%d/max%d\n",
		       n, good + 0, v[int((n + 1) / 2)], v[1], v[n]
	}' "$IT_TMP/cfx.txt")
	echo "figures: $name: $s"
	n=$(ns_field "$s" n); good=$(ns_field "$s" good)
	if [ "$n" -lt "$min" ]; then
		it_fail "$name: $n matched messages < $min"
	elif [ $((good * 10)) -lt $((n * 9)) ]; then
		it_fail "$name: only $good of $n leave ${8%%:*} .. ${8##*:} ns uncovered"
	else
		it_ok "$name: $good of $n leave ${8%%:*} .. ${8##*:} ns uncovered"
	fi
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

# it_counts FILE FILTER...: one line, the number of packets matching each
# FILTER (as it_count), from one pass of tshark (its io,stat table, which
# takes no commas in a filter). A capture of fewer than two frames has no
# row in that table: then it_count for each.
it_counts()
{
	local f=$1 spec=io,stat,0 x line
	shift
	for x in "$@"; do
		case $x in *,*) echo "it_counts: a comma in filter '$x'" >&2; return 1 ;; esac
		spec+=",$x"
	done
	line=$(tshark -n -r "$f" -o udp.check_checksum:TRUE -q -z "$spec" 2> /dev/null |
		awk -v n=$# '/<>/ {
			k = split($0, c, "|")
			if (k < 2 * n + 3) exit
			for (i = 1; i <= n; i++) {
				v = c[2 * i + 1]; gsub(/ /, "", v)
				printf "%s%s", (i > 1 ? " " : ""), v
			}
			print ""; exit
		}')
	if [ -z "$line" ]; then
		for x in "$@"; do line+="${line:+ }$(it_count "$f" "$x")"; done
	fi
	echo "$line"
}

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
