#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# lab.sh: the ptpsw lab. A ptp4l grandmaster and two ptp4l time receivers,
# each in its own network namespace, joined through ptpsw (or a reference
# switch) by veth pairs:
#
#   gm  (10.66.0.1, fd66::1) -- plsw0 \
#   tr1 (10.66.0.2, fd66::2) -- plsw1  } ptpsw -c config/lab.cfg
#   tr2 (10.66.0.3, fd66::3) -- plsw2 /
#
# tr1 sends multicast Delay_Req, tr2 unicast Delay_Req (hybrid_e2e). The
# receivers run `clock_servo nullf`: all namespaces share one clock, so the
# "master offset" they print is exactly the time transfer error.
#
# Usage: scripts/lab.sh [run|clean|status|help]
#   run     (default) build the lab, start the switch and ptp4l, show a live
#           table every second until Ctrl-C (or $DURATION seconds)
#   clean   remove what a previous run left (namespaces, veths, processes)
#   status  show whether a lab is running and its processes
#
# Environment:
#   BUILD=build          meson build dir holding app/ptpsw
#   CONFIG=config/lab.cfg
#   DURATION=            seconds to run (unset: until Ctrl-C)
#   SWITCH=ptpsw         ptpsw | bridge (Linux bridge) | ptp4l-tc (ptp4l
#                        E2E_TC; multicast PTP only, no other traffic)
#   TRANSPORT=UDPv4      UDPv4 | UDPv6
#   DOMAIN=0             PTP domain of the GM and receivers
#   SKIP=5               seconds of convergence left out of rms/max
#   LOGDIR=              keep logs there (default: a temp dir, removed)
#   LAB_STATE=/run/ptpsw-lab.state
#   PTPSW_ARGS=          extra arguments to ptpsw (e.g. "-- --file-prefix=x")
#   CAPTURE=             a directory: capture PTP on the switch's end of the
#                        GM's veth (gm-in.pcap) and in both receivers'
#                        namespaces (tr1.pcap, tr2.pcap), then show where
#                        each Sync's error comes from (bench/sync-breakdown);
#                        "auto": DIR is capture/ in the log directory;
#                        "no" (as for demo.sh) or empty: no captures

set -u

SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
. "$SRCDIR/scripts/lib/netns.sh"

BUILD=${BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$SRCDIR/$BUILD ;; esac
CONFIG=${CONFIG:-$SRCDIR/config/lab.cfg}
DURATION=${DURATION:-}
SWITCH=${SWITCH:-ptpsw}
TRANSPORT=${TRANSPORT:-UDPv4}
DOMAIN=${DOMAIN:-0}
SKIP=${SKIP:-5}
LAB_STATE=${LAB_STATE:-/run/ptpsw-lab.state}
PTPSW_ARGS=${PTPSW_ARGS:-}
CAPTURE=${CAPTURE:-}
SW_PORTS=(plsw0 plsw1 plsw2)
PFX=psw$$

usage()
{
	sed -n '4,/^$/s/^# \{0,1\}//p' "$0"
}

need_root()
{
	[ "$(id -u)" = 0 ] || ns_die "the lab needs root (namespaces, veths)"
}

# --- clean / status ---------------------------------------------------------

lab_clean()
{
	need_root
	local p n
	if [ -f "$LAB_STATE" ]; then
		echo "cleaning the lab recorded in $LAB_STATE"
		ns_cleanup "$LAB_STATE"
	fi
	# Left-overs of a run that could not write or finish its state file:
	# the fixed switch-facing veths, and lab namespaces whose owner is gone.
	for p in "${SW_PORTS[@]}"; do
		ns_link_exists "$p" && { echo "deleting link $p"; ip link del "$p"; }
	done
	ip link show plswbr > /dev/null 2>&1 && ip link del plswbr
	for n in $(ip netns list | awk '{print $1}' | grep -E '^psw[0-9]+-(gm|tr1|tr2)$'); do
		p=${n#psw}; p=${p%%-*}
		if [ ! -d "/proc/$p" ]; then
			echo "deleting namespace $n"
			ip netns pids "$n" | xargs -r kill -TERM 2> /dev/null
			ip netns del "$n"
		fi
	done
	return 0
}

lab_status()
{
	local kind a b
	if [ ! -f "$LAB_STATE" ]; then
		echo "no lab running (no $LAB_STATE)"
		return 1
	fi
	echo "lab state $LAB_STATE:"
	while read -r kind a b; do
		case $kind in
		pid)	if ns_pid_is "$a" "$b"; then echo "  process $a ($b) running"
			else echo "  process $a ($b) gone"; fi ;;
		ns)	echo "  namespace $a" ;;
		link)	echo "  link $a" ;;
		esac
	done < "$LAB_STATE"
}

# --- run ----------------------------------------------------------------------

SW_PID=
SW_COMM=
LOGDIR_TMP=

lab_exit()
{
	local rc=$?
	trap - EXIT INT TERM
	echo
	if [ -n "$SW_PID" ] && [ "$SWITCH" = ptpsw ]; then
		if ns_pid_is "$SW_PID" "$SW_COMM"; then
			kill -USR1 "$SW_PID" 2> /dev/null && sleep 0.3
			ns_stop "$SW_PID" "$SW_COMM" INT 10
			echo "ptpsw exited with status $?"
		fi
	fi
	ns_cleanup "$LAB_STATE"
	if [ -n "$CAPTURE" ] && [ -s "$CAPTURE/gm-in.pcap" ]; then
		echo "where each Sync's error comes from (bench/sync-breakdown, captures in $CAPTURE):"
		"$SRCDIR/bench/sync-breakdown" "$CAPTURE/gm-in.pcap" \
			"$CAPTURE/tr1.pcap" "$CAPTURE/tr2.pcap"
	fi
	if [ -n "$LOGDIR_TMP" ]; then
		rm -rf "$LOGDIR_TMP"
	else
		echo "logs kept in $LOGDIR"
	fi
	exit "$rc"
}

# one row of the live table
row()
{
	local name=$1 mode=$2 log=$3 s n
	s=$(ns_offsets "$log" "$SKIP")
	n=$(ns_field "$s" n)
	if [ "$n" = 0 ]; then
		printf '%-4s %-10s %8s %9s %9s %9s %7s\n' "$name" "$mode" - - - - 0
		return
	fi
	printf '%-4s %-10s %8s %9s %9s %9s %7s\n' "$name" "$mode" \
		"$(ns_us "$(ns_field "$s" last)")" "$(ns_us "$(ns_field "$s" rms)")" \
		"$(ns_us "$(ns_field "$s" max)")" "$(ns_us "$(ns_field "$s" delay)")" "$n"
}

status_line()
{
	local f=$LOGDIR/switch.log
	case $SWITCH in
	ptpsw)	grep -v '^[[:space:]]*$' "$f" 2> /dev/null | tail -n 1 | cut -c1-160 ;;
	bridge)	echo "Linux bridge plswbr" ;;
	ptp4l-tc) tail -n 1 "$f" 2> /dev/null | cut -c1-160 ;;
	esac
}

# What each ptpsw port's stamps really are (its start-up self-tests, from
# the banner): "  p0: rx ...; tx ...", the send warm-up's line, the
# system clock's where its reads are slow, the timebase's where the TSC
# is unreliable
stamp_lines()
{
	[ "$SWITCH" = ptpsw ] || return 0
	awk '/^  port [0-9]+ / { p = $3; sub(":", "", p) }
	     /^    rx stamps: / { sub("^    rx stamps: ", ""); rx = $0 }
	     /^    tx stamps: / { sub("^    tx stamps: ", ""); print "  " p ": rx " rx "; tx " $0 }
	     /^send warm-up: / { sub(" \\(a frame through it.*", ""); print "  " $0 }
	     /^system clock: .*: SLOW/ { print "  " $0 }
	     /^timebase: .*: UNRELIABLE/ { print "  " $0 }
	     /^workers:/ { exit }' "$LOGDIR/switch.log" 2> /dev/null | cut -c1-160
}

# CAPTURE=DIR: nanosecond-stamped PTP captures for bench/sync-breakdown,
# stopped by PID with the rest of the lab
lab_capture()
{
	ns_have tcpdump || { echo "tcpdump is missing (apt-get install tcpdump)" >&2; return 1; }
	ns_have tshark || { echo "tshark is missing (apt-get install tshark)" >&2; return 1; }
	mkdir -p "$CAPTURE" || return 1
	ns_lab_capture "$PFX" "${SW_PORTS[0]}" "$CAPTURE/" || return 1
	ns_log "capturing PTP into $CAPTURE (gm-in.pcap, tr1.pcap, tr2.pcap)"
}

lab_run()
{
	need_root
	local p t0 now el x extra=()

	for x in ptp4l ethtool; do
		ns_have "$x" || ns_die "$x is missing (apt-get install linuxptp ethtool)"
	done
	for p in "${SW_PORTS[@]}"; do
		ns_link_exists "$p" && ns_die "link $p exists: a lab is running or was left over. Run: scripts/lab.sh clean"
	done
	[ -f "$LAB_STATE" ] && ns_die "$LAB_STATE exists: a lab is running or was left over. Run: scripts/lab.sh clean"
	case $TRANSPORT in
	UDPv4|UDPv6) ;;
	*) ns_die "TRANSPORT must be UDPv4 or UDPv6" ;;
	esac
	if [ "$SWITCH" = ptpsw ]; then
		[ -x "$BUILD/app/ptpsw" ] || ns_die "$BUILD/app/ptpsw not found: build first (meson setup build && ninja -C build), or set BUILD"
		[ -f "$CONFIG" ] || ns_die "config $CONFIG not found"
	fi

	if [ -n "${LOGDIR:-}" ]; then
		mkdir -p "$LOGDIR"
	else
		LOGDIR_TMP=$(mktemp -d /tmp/ptpsw-lab.XXXXXX)
		LOGDIR=$LOGDIR_TMP
	fi
	[ "$CAPTURE" = auto ] && CAPTURE=$LOGDIR/capture
	[ "$CAPTURE" = no ] && CAPTURE=
	mkdir -p "$(dirname "$LAB_STATE")"
	NS_STATE=$LAB_STATE
	: > "$NS_STATE"
	trap lab_exit EXIT
	trap 'exit 0' INT TERM

	ns_log "creating namespaces $PFX-{gm,tr1,tr2} and veths ${SW_PORTS[*]}"
	ns_lab_create "$PFX" "${SW_PORTS[@]}" || ns_die "could not create the lab"

	case $SWITCH in
	ptpsw)
		ns_log "starting $BUILD/app/ptpsw -c $CONFIG $PTPSW_ARGS"
		# shellcheck disable=SC2086
		ns_spawn - "$LOGDIR/switch.log" "$BUILD/app/ptpsw" -c "$CONFIG" $PTPSW_ARGS
		SW_PID=$NS_LAST_PID; SW_COMM=ptpsw
		sleep 2
		ns_pid_is "$SW_PID" ptpsw || { cat "$LOGDIR/switch.log"; ns_die "ptpsw did not start"; }
		;;
	bridge)
		ns_bridge plswbr "${SW_PORTS[@]}" || ns_die "bridge failed"
		;;
	ptp4l-tc)
		x=(); for p in "${SW_PORTS[@]}"; do x+=(-i "$p"); done
		ns_spawn - "$LOGDIR/switch.log" ptp4l "${x[@]}" -m -q \
			-f "$NS_PTP4L_CFG/e2e-tc.cfg" --network_transport="$TRANSPORT" \
			--domainNumber="$DOMAIN"
		SW_PID=$NS_LAST_PID; SW_COMM=ptp4l
		;;
	*) ns_die "unknown SWITCH=$SWITCH" ;;
	esac

	# ARP/ND through the switch first: ptp4l faults a port whose unicast
	# Delay_Req waits for ARP (see ns_lab_arp in scripts/lib/netns.sh)
	if [ "$SWITCH" != ptp4l-tc ]; then
		ns_lab_arp "$PFX" 5 || ns_log "warning: ARP/ND through the switch incomplete"
	fi

	if [ -n "$CAPTURE" ]; then
		lab_capture || ns_die "could not start the captures in $CAPTURE"
	fi

	extra=(--network_transport="$TRANSPORT" --domainNumber="$DOMAIN")
	ns_ptp4l "$PFX-gm" "$NS_IF" gm "$LOGDIR/gm.log" "${extra[@]}"
	ns_ptp4l "$PFX-tr1" "$NS_IF" tr-multicast "$LOGDIR/tr1.log" "${extra[@]}"
	ns_ptp4l "$PFX-tr2" "$NS_IF" tr-unicast "$LOGDIR/tr2.log" "${extra[@]}"
	ns_log "ptp4l GM and receivers started ($TRANSPORT, domain $DOMAIN); first samples after about 5 s"

	t0=$(date +%s)
	while :; do
		sleep 1
		now=$(date +%s); el=$((now - t0))
		[ -t 1 ] && printf '\033[H\033[J'
		echo "ptpsw lab: switch=$SWITCH $TRANSPORT domain=$DOMAIN t=${el}s (rms/max after ${SKIP}s; Ctrl-C stops)"
		printf '%-4s %-10s %8s %9s %9s %9s %7s\n' rx "Delay_Req" "last/us" "rms/us" "max/us" "delay/us" samples
		row tr1 multicast "$LOGDIR/tr1.log"
		row tr2 unicast "$LOGDIR/tr2.log"
		echo "switch: $(status_line)"
		stamp_lines
		if [ -n "$SW_PID" ] && ! ns_pid_is "$SW_PID" "$SW_COMM"; then
			echo "the switch process exited:"; tail -n 20 "$LOGDIR/switch.log"
			exit 1
		fi
		[ -n "$DURATION" ] && [ "$el" -ge "$DURATION" ] && break
	done
	# final figures, one line per receiver, for scripts (demo.sh) to grep
	echo "result tr1 multicast $(ns_offsets "$LOGDIR/tr1.log" "$SKIP")"
	echo "result tr2 unicast $(ns_offsets "$LOGDIR/tr2.log" "$SKIP")"
	# the receivers' offsets are measured against this host's
	# CLOCK_REALTIME: say so when something moved it during the run
	if grep -q '^ptpsw: CLOCK_REALTIME runs ' "$LOGDIR/switch.log" 2> /dev/null; then
		echo "note: something moved CLOCK_REALTIME beyond 500 ppm during the run (ptpsw: REALTIME-RATE; on a VM, a snapshot or a migration): the receivers measure against that clock, so these figures include it"
	fi
	exit 0
}

case ${1:-run} in
run)	lab_run ;;
clean)	lab_clean ;;
status)	lab_status ;;
help|-h|--help) usage ;;
*)	usage; exit 2 ;;
esac
