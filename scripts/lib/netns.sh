# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# netns.sh: the lab's building blocks, sourced by scripts/lab.sh,
# tests/integration/lib.sh, bench/accuracy and bench/forwarding.
#
#   network namespaces joined to the root namespace by veth pairs, started
#   processes (ptp4l, ptpsw, iperf3, tshark), and the parser for the
#   "master offset" lines of ptp4l time receivers.
#
# Everything created is appended to a state file ($NS_STATE) so that
# ns_cleanup (or `scripts/lab.sh clean` from another shell) removes exactly
# what this run created: namespaces and links by name, processes by PID
# (checked against the recorded command name, never by pattern).
#
# Callers must be root. Functions return non-zero on failure and print
# the reason on stderr.

NS_STATE=${NS_STATE:-}
NS_SRCDIR=${NS_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
NS_PTP4L_CFG=${NS_PTP4L_CFG:-$NS_SRCDIR/config/ptp4l}
NS_LAST_PID=

ns_die() { echo "error: $*" >&2; exit 1; }
ns_log() { echo "[$(date +%T)] $*" >&2; }

# Append one created object ("ns NAME", "link NAME", "pid PID COMM") to
# the state file. Returns 0.
ns_record()
{
	[ -n "$NS_STATE" ] || return 0
	echo "$*" >> "$NS_STATE"
}

# ns_dpdk_runtime_dir PREFIX: the runtime directory EAL makes for
# --file-prefix PREFIX: /var/run/dpdk/PREFIX for root, else under
# XDG_RUNTIME_DIR (or /tmp). EAL leaves it behind at exit: empty with
# --no-shconf, holding the memory-map files with shared config, and a
# dead secondary process's socket and copies beside them.
ns_dpdk_runtime_dir()
{
	if [ "$(id -u)" = 0 ]; then
		echo "/var/run/dpdk/$1"
	else
		echo "${XDG_RUNTIME_DIR:-/tmp}/dpdk/$1"
	fi
}

# Is the program available? Returns 0 if found on PATH.
ns_have() { command -v "$1" > /dev/null 2>&1; }

# ns_add NAME: create network namespace NAME with lo up. Fails if it exists.
ns_add()
{
	if ip netns list | awk '{print $1}' | grep -qx -- "$1"; then
		echo "namespace $1 already exists" >&2
		return 1
	fi
	ip netns add "$1" || return 1
	ns_record ns "$1"
	ip -n "$1" link set lo up
}

# ns_link_exists NAME: is there a link NAME in the root namespace?
ns_link_exists() { ip link show dev "$1" > /dev/null 2>&1; }

# ns_veth NS INNER OUTER ADDR4/LEN ADDR6/LEN: veth pair with OUTER in the
# root namespace (switch-facing: up, no address, IPv6 disabled) and INNER
# in NS (up, addresses given, TX checksum offload off: the veth checksum
# trap of lab-notes.md). ADDR4/ADDR6 may be "-" to skip.
ns_veth()
{
	local ns=$1 inner=$2 outer=$3 a4=$4 a6=$5

	if ns_link_exists "$outer"; then
		echo "link $outer already exists" >&2
		return 1
	fi
	ip link add "$outer" type veth peer name "$inner" netns "$ns" || return 1
	ns_record link "$outer"
	sysctl -qw "net.ipv6.conf.$outer.disable_ipv6=1" || return 1
	ip link set "$outer" up || return 1
	ip netns exec "$ns" ethtool -K "$inner" tx off > /dev/null 2>&1 || {
		echo "ethtool -K $inner tx off failed" >&2
		return 1
	}
	[ "$a4" = - ] || [ -z "$a4" ] || ip -n "$ns" addr add "$a4" dev "$inner" || return 1
	[ "$a6" = - ] || [ -z "$a6" ] || ip -n "$ns" addr add "$a6" dev "$inner" nodad || return 1
	ip -n "$ns" link set "$inner" up
}

# ns_bridge BR PORT...: a Linux bridge over the given root-namespace links
# (the PTP-unaware reference path). IPv6 disabled on the bridge.
ns_bridge()
{
	local br=$1 p
	shift
	ip link add "$br" type bridge || return 1
	ns_record link "$br"
	sysctl -qw "net.ipv6.conf.$br.disable_ipv6=1"
	ip link set "$br" type bridge stp_state 0 forward_delay 0 2> /dev/null
	for p in "$@"; do
		ip link set "$p" master "$br" || return 1
	done
	ip link set "$br" up
}

# ns_spawn NS LOG CMD...: start CMD in namespace NS ("-" = root namespace)
# in the background, stdout+stderr to LOG. Sets NS_LAST_PID (the PID of
# CMD itself: `ip netns exec` execs it) and records it. Returns 0.
ns_spawn()
{
	local ns=$1 log=$2
	shift 2
	if [ "$ns" = - ]; then
		"$@" > "$log" 2>&1 < /dev/null &
	else
		ip netns exec "$ns" "$@" > "$log" 2>&1 < /dev/null &
	fi
	NS_LAST_PID=$!
	ns_record pid "$NS_LAST_PID" "$(basename "$1")"
	return 0
}

# ns_pid_is PID COMM: is PID alive and running a program named COMM (any
# program for an empty COMM)? An exited process is not alive: a zombie
# (Z), also a thread group whose leader has left while its other threads
# finish, or one being reaped (X). One read of /proc/PID/stat, so a
# process reaped meanwhile never reads half alive. (COMM guards against
# a PID reused since the state file was written.)
ns_pid_is()
{
	local st c s
	st=$(cat "/proc/$1/stat" 2> /dev/null) || return 1
	[ -n "$st" ] || return 1
	c=${st#*(}
	c=${c%)*}
	s=${st##*) }
	s=${s%% *}
	case $s in Z|X|x) return 1 ;; esac
	[ -z "$2" ] && return 0
	# `ip netns exec` has become COMM by now, or is still "ip".
	[ "$c" = "${2:0:15}" ] || [ "$c" = ip ]
}

# ns_stop PID [COMM] [SIG] [TIMEOUT_S]: send SIG (TERM) to PID, wait up to
# TIMEOUT_S (5) for it to exit, then SIGKILL. Returns the exit status if
# PID is our child, else 0. A process that has exited (a zombie our
# shell has not reaped yet) counts as stopped: "did not stop" is said
# only of one still running after TIMEOUT_S.
ns_stop()
{
	local pid=$1 comm=${2:-} sig=${3:-TERM} tmo=${4:-5} i rc=0
	ns_pid_is "$pid" "$comm" || { wait "$pid" 2> /dev/null; return $?; }
	kill "-$sig" "$pid" 2> /dev/null
	for ((i = 0; i < tmo * 10; i++)); do
		ns_pid_is "$pid" "" || break
		sleep 0.1
	done
	if ns_pid_is "$pid" ""; then
		echo "PID $pid did not stop on SIG$sig, killing" >&2
		kill -KILL "$pid" 2> /dev/null
	fi
	wait "$pid" 2> /dev/null
	rc=$?
	return $rc
}

# ns_cleanup [STATE]: undo everything recorded in STATE ($NS_STATE), newest
# first: stop processes by PID, delete links and namespaces. Removes the
# state file. Returns 0.
ns_cleanup()
{
	local st=${1:-$NS_STATE} kind a b
	[ -n "$st" ] && [ -f "$st" ] || return 0
	# processes first, then links, then namespaces
	tac "$st" | while read -r kind a b; do
		[ "$kind" = pid ] && ns_pid_is "$a" "$b" && ns_stop "$a" "$b" TERM 3
	done
	tac "$st" | while read -r kind a b; do
		[ "$kind" = link ] && ip link del "$a" 2> /dev/null
	done
	tac "$st" | while read -r kind a b; do
		if [ "$kind" = ns ]; then
			# anything still running in it (started by us) dies with it
			ip netns pids "$a" 2> /dev/null | xargs -r kill -KILL 2> /dev/null
			ip netns del "$a" 2> /dev/null
		fi
	done
	rm -f "$st"
	return 0
}

# ns_ptp4l NS IFACE CFG LOG [ptp4l options...]: start ptp4l in NS on IFACE
# with config CFG (a file, or a name in config/ptp4l without .cfg). Extra
# options are ptp4l long options such as --network_transport=UDPv6 or
# --domainNumber=4. Sets NS_LAST_PID.
ns_ptp4l()
{
	local ns=$1 ifc=$2 cfg=$3 log=$4
	shift 4
	[ -f "$cfg" ] || cfg=$NS_PTP4L_CFG/$cfg.cfg
	ns_spawn "$ns" "$log" ptp4l -i "$ifc" -m -q -f "$cfg" "$@"
}

# ns_samples LOG [FROM_S [UNTIL_S]]: the "master offset" samples of a
# ptp4l log (- reads standard input) whose time (ptp4l's monotonic stamp)
# lies FROM_S (default 0) or more and under UNTIL_S (default: no end)
# seconds after the first sample's, one line each: "T OFFSET DELAY" (s,
# ns, ns; DELAY 0 where the line has no path delay).
ns_samples()
{
	awk -v from="${2:-0}" -v until="${3:--1}" '
	/master offset/ {
		if (!match($0, /\[[0-9.]+\]/))
			next
		t = substr($0, RSTART + 1, RLENGTH - 2) + 0
		if (!match($0, /master offset +-?[0-9]+/))
			next
		split(substr($0, RSTART, RLENGTH), f, " ")
		d = 0
		if (match($0, /path delay +-?[0-9]+/)) {
			split(substr($0, RSTART, RLENGTH), g, " ")
			d = g[3] + 0
		}
		if (!seen) { t0 = t; seen = 1 }
		if (t - t0 < from || (until >= 0 && t - t0 >= until))
			next
		printf "%.6f %d %d\n", t, f[3], d
	}' "$1"
}

# ns_offsets LOG [SKIP_S]: statistics of the "master offset" samples in a
# ptp4l log (ns_samples), ignoring the first SKIP_S seconds after the
# first sample. Prints one line:
#   n=N rms=NS max=NS mean=NS delay=NS last=NS
# (all in ns; delay = mean path delay; zeros when there is no sample).
ns_offsets()
{
	ns_samples "$1" "${2:-0}" | awk '
	{
		o = $2; d = $3
		n++; s2 += o * o; s += o; sd += d; last = o
		a = o < 0 ? -o : o
		if (a > mx) mx = a
	}
	END {
		if (n)
			printf "n=%d rms=%.0f max=%d mean=%.0f delay=%.0f last=%d\n",
			       n, sqrt(s2 / n), mx, s / n, sd / n, last
		else
			print "n=0 rms=0 max=0 mean=0 delay=0 last=0"
	}'
}

# ns_field LINE KEY: the value of KEY=VALUE in an ns_offsets line.
ns_field()
{
	local kv
	for kv in $1; do
		[ "${kv%%=*}" = "$2" ] && { echo "${kv#*=}"; return 0; }
	done
	return 1
}

# ns_us NS: nanoseconds as microseconds with one decimal.
ns_us() { awk -v v="$1" 'BEGIN { printf "%.1f", v / 1000 }'; }

# ns_rand_hex4: four random hex digits (unique names per run).
ns_rand_hex4() { printf '%04x' $(( (RANDOM ^ ($$ << 3)) & 0xffff )); }

# --- the lab topology ------------------------------------------------------
#
#   namespace PFX-gm  (ptp0 10.66.0.1 fd66::1) --veth-- SW0 \
#   namespace PFX-tr1 (ptp0 10.66.0.2 fd66::2) --veth-- SW1  } switch
#   namespace PFX-tr2 (ptp0 10.66.0.3 fd66::3) --veth-- SW2 /
#
# SWn live in the root namespace without addresses; the switch (ptpsw, a
# Linux bridge, or ptp4l as a TC) joins them.

NS_IF=ptp0			# interface name inside every namespace
NS_NET4=10.66.0		# /24
NS_NET6=fd66:		# fd66::N/64

# ns_node NSNAME SW N: namespace NSNAME joined to switch port SW, host
# address .N / ::N.
ns_node()
{
	ns_add "$1" || return 1
	ns_veth "$1" "$NS_IF" "$2" "$NS_NET4.$3/24" "$NS_NET6:$3/64"
}

# ns_lab_create PFX SW0 SW1 SW2: the three-node lab (gm, tr1, tr2).
ns_lab_create()
{
	ns_node "$1-gm" "$2" 1 && ns_node "$1-tr1" "$3" 2 && ns_node "$1-tr2" "$4" 3
}

# ns_worker_ticks PID: "N TICKS": the number of DPDK lcore worker threads
# of process PID and their CPU time (utime + stime, clock ticks).
# Returns 1 if there is none.
ns_worker_ticks()
{
	local t c n=0 k=0 v
	[ -d "/proc/$1/task" ] || return 1
	for t in /proc/"$1"/task/*; do
		c=$(cat "$t/comm" 2> /dev/null) || continue
		case $c in
		rte-worker-*|lcore-worker-*)
			# fields after the ")" of comm: utime is 12th, stime 13th
			v=$(sed 's/.*) //' "$t/stat" 2> /dev/null | awk '{ print $12 + $13 }')
			[ -n "$v" ] || continue
			n=$((n + 1)); k=$((k + v)) ;;
		esac
	done
	[ "$n" -gt 0 ] || return 1
	echo "$n $k"
}

# ns_cpu_share N TICKS0 TICKS1 T0 T1: percent of N CPUs that TICKS1 -
# TICKS0 clock ticks are over the wall time T1 - T0 (seconds, fractional).
ns_cpu_share()
{
	awk -v n="$1" -v k="$(($3 - $2))" -v t0="$4" -v t1="$5" \
	    -v hz="$(getconf CLK_TCK 2> /dev/null || echo 100)" \
	    'BEGIN { d = (t1 - t0) * n * hz; printf("%d\n", d > 0 ? 100 * k / d : 0) }'
}

# ns_neigh_ok NS ADDR: does NS hold a resolved neighbour entry for ADDR
# on NS_IF? Returns 0/1.
ns_neigh_ok()
{
	ip -n "$1" neigh show "$2" dev "$NS_IF" 2> /dev/null |
		grep -qE 'REACHABLE|STALE|DELAY|PROBE|PERMANENT'
}

# ns_lab_arp PFX [TIMEOUT_S]: resolve the lab's neighbours (IPv4 ARP and
# IPv6 ND; tr1 and tr2 -> gm, gm -> tr1 and tr2) through the switch
# before ptp4l starts, by sending UDP datagrams (discard port) each way
# and waiting up to TIMEOUT_S (5) for the entries. Returns 0 if all
# resolved, else prints the missing ones on stderr and returns 1.
#
# Why: a time receiver with hybrid_e2e sends its first unicast Delay_Req
# to an address not yet resolved; the frame waits in the ARP queue, and
# its software TX timestamp only appears once ARP has crossed the switch
# twice. ptp4l waits tx_timestamp_timeout (1 ms by default) for it, then
# declares the port FAULTY and stays silent for fault_reset_interval
# (16 s): 0 samples in a short run. config/ptp4l raises the timeout; this
# takes address resolution out of the measurement (and checks it works).
ns_lab_arp()
{
	local pfx=$1 tmo=${2:-5} e pairs=()

	for e in tr1:1 tr2:1 gm:2 gm:3; do
		pairs+=("$pfx-${e%%:*}:$NS_NET4.${e##*:}" "$pfx-${e%%:*}:$NS_NET6:${e##*:}")
	done
	ns_resolve "$tmo" "${pairs[@]}"
}

# ns_resolve TIMEOUT_S NS:ADDR...: make each NS resolve ADDR (ARP or ND on
# NS_IF) by sending it UDP datagrams (discard port, one a second), and wait
# up to TIMEOUT_S for all entries. Returns 0 if all resolved, else prints
# the missing ones on stderr and returns 1.
ns_resolve()
{
	local tmo=$1 i e ns a todo left
	shift
	todo="$*"
	for ((i = 0; i < tmo * 10; i++)); do
		left=
		for e in $todo; do
			ns=${e%%:*}; a=${e#*:}
			ns_neigh_ok "$ns" "$a" && continue
			left+=" $e"
			# the kernel queues the datagram until ARP/ND resolves
			((i % 10 == 0)) &&
				ip netns exec "$ns" bash -c "echo > /dev/udp/$a/9" 2> /dev/null
		done
		todo=$left
		[ -z "$todo" ] && return 0
		sleep 0.1
	done
	echo "neighbours not resolved through the switch:$todo" >&2
	return 1
}

# ns_wait_log LOG REGEX TIMEOUT_S: wait until LOG matches. Returns 0/1.
ns_wait_log()
{
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qE -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.1
	done
	return 1
}

# ns_capture_ptp NS IF FILE [TCPDUMP_ARG...]: capture PTP (UDP 319/320) on
# IF in namespace NS ("-": the root namespace) into FILE, nanosecond
# stamps, until stopped by PID (NS_LAST_PID); waits until tcpdump runs.
ns_capture_ptp()
{
	local ns=$1 ifc=$2 file=$3
	shift 3
	ns_spawn "$ns" "$file.log" tcpdump -i "$ifc" -n -U "$@" \
		--time-stamp-precision=nano -w "$file" udp port 319 or udp port 320
	ns_wait_log "$file.log" "listening on" 5
}

# ns_lab_capture PFX SW0 BASE: the captures bench/sync-breakdown reads:
# BASEgm-in.pcap on the switch's end SW0 of the GM's veth (receive
# direction: the kernel's receive stamp, a switch's ingress time),
# BASEtr1.pcap and BASEtr2.pcap in the receivers' namespaces (their t2).
# PIDs in NS_CAP_PIDS.
ns_lab_capture()
{
	local n
	NS_CAP_PIDS=()
	ns_capture_ptp - "$2" "${3}gm-in.pcap" -Q in || return 1
	NS_CAP_PIDS+=("$NS_LAST_PID")
	for n in tr1 tr2; do
		ns_capture_ptp "$1-$n" "$NS_IF" "$3$n.pcap" || return 1
		NS_CAP_PIDS+=("$NS_LAST_PID")
	done
}
