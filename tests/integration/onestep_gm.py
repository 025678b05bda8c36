#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A minimal one-step PTP grandmaster over UDP/IPv4 or UDP/IPv6 for the
integration tests, with a configurable time offset and drift.

ptp4l can send one-step Sync only with hardware time stamping, and cannot
serve a deliberately wrong time, so this stands in for such a GM: it sends
Announce (1/s) and one-step Sync (8/s, twoStepFlag 0, originTimestamp read
just before sendto) to 224.0.1.129 / FF0E::181, and answers every Delay_Req
with a Delay_Resp carrying the kernel's software receive timestamp
(SO_TIMESTAMPNS) and the request's correctionField, unicast to a unicast
request and multicast to a multicast one (EP-07).

The time it serves is
    T(r) = r + offset + (r - r0) * drift
where r is CLOCK_REALTIME and r0 its value at start: the offset is there
from the first message, the drift makes it grow by drift_ppm us per second
(a clock running 1 + drift_ppm * 1e-6 times as fast as CLOCK_REALTIME). The
same map applies to the Delay_Resp receive timestamps. The Announce carries
currentUtcOffset 37 with currentUtcOffsetValid (unless --no-utc-valid) and
ptpTimescale 0 (ARB: the time served is used as is, no UTC correction).

The originTimestamp is read before the datagram leaves, so receivers see
a bias of the kernel's send latency (some microseconds); this tool is for
correctness tests, not for accuracy figures.

As a coarse software grandmaster (issue 18): --two-step sends two-step
Syncs (twoStepFlag, originTimestamp 0) and a Follow_Up whose
preciseOriginTimestamp is read just after sendto; --coarse-us N answers
Delay_Req with the request's receive time off by a random amount within
+-N us. (The time read in user space when the request is read lagged the
kernel's receive stamp by 180-200 us at the median and up to 2.4 ms on
the 2-vCPU test VM: a GM whose noise the VM's wakeups set, not N, and
under which no delay measurement came out negative); --bad-origin puts
nanoseconds 0xFFFFFFFF in the originTimestamp of Announce and two-step
Sync (a field nobody reads; ptp4l takes such messages).

Usage: onestep_gm.py IFACE [DOMAIN] [SECONDS] [options]
  --domain D, --offset-ns N, --drift-ppm P, --priority1 P, --priority2 P,
  --clock-class C, --ipv6, --clock-id aabbcc.fffe.ddeeff, --no-utc-valid,
  --two-step, --coarse-us N, --bad-origin
"""

import argparse
import random
import select
import signal
import socket
import struct
import sys
import time

PTP_MCAST4 = "224.0.1.129"
PTP_MCAST6 = "ff0e::181"
SO_TIMESTAMPNS = 35
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
IP_PKTINFO = 8
IPV6_RECVPKTINFO = 49
IPV6_PKTINFO = 50

SYNC, DELAY_REQ, FOLLOW_UP, DELAY_RESP, ANNOUNCE = 0x0, 0x1, 0x8, 0x9, 0xB
FLAG_UNICAST = 0x0400
FLAG_TWO_STEP = 0x0200
BAD_ORIGIN = b"\0\0\0\0\0\0\xff\xff\xff\xff"  # nanoseconds >= 1e9
FLAG_UTC_VALID = 0x0004


def clock_identity(iface):
    with open(f"/sys/class/net/{iface}/address") as f:
        mac = bytes(int(x, 16) for x in f.read().strip().split(":"))
    return mac[:3] + b"\xff\xfe" + mac[3:]


def parse_clock_id(s):
    h = s.replace(".", "")
    if len(h) != 16:
        raise argparse.ArgumentTypeError("clock id: aabbcc.fffe.ddeeff")
    return bytes.fromhex(h)


def ts_bytes(ns):
    sec, nsec = divmod(ns, 1_000_000_000)
    return struct.pack("!HII", sec >> 32, sec & 0xFFFFFFFF, nsec)


def header(mtype, length, domain, flags, cf, port_id, seq, control, log_int):
    return struct.pack("!BBHBBHqI10sHBb", mtype, 0x02, length, domain, 0,
                       flags, cf, 0, port_id, seq, control, log_int)


class Timescale:
    """T(r) = r + offset + (r - r0) * drift, integer ns."""

    def __init__(self, offset_ns, drift_ppm):
        self.offset = int(offset_ns)
        self.drift = float(drift_ppm) * 1e-6
        self.r0 = time.clock_gettime_ns(time.CLOCK_REALTIME)

    def map(self, r):
        return r + self.offset + int(round((r - self.r0) * self.drift))

    def now(self):
        return self.map(time.clock_gettime_ns(time.CLOCK_REALTIME))


def open_sockets(iface, v6):
    idx = socket.if_nametoindex(iface)
    socks = {}
    for port in (319, 320):
        if v6:
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                         iface.encode())
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind(("::", port, 0, 0))
            mreq = socket.inet_pton(socket.AF_INET6, PTP_MCAST6) + \
                struct.pack("@I", idx)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
            s.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)
        else:
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE,
                         iface.encode())
            s.bind(("0.0.0.0", port))
            mreq = struct.pack("4s4si", socket.inet_aton(PTP_MCAST4),
                               socket.inet_aton("0.0.0.0"), idx)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                         struct.pack("4s4si", b"\0" * 4, b"\0" * 4, idx))
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
            s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        socks[port] = s
    socks[319].setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    return socks[319], socks[320]


def rx_meta(anc, v6):
    """(software RX time ns or None, sent to the multicast group?)"""
    rx_ns, mcast = None, True
    for level, typ, val in anc:
        if level == socket.SOL_SOCKET and typ == SCM_TIMESTAMPNS:
            sec, nsec = struct.unpack("qq", val[:16])
            rx_ns = sec * 1_000_000_000 + nsec
        elif not v6 and level == socket.IPPROTO_IP and typ == IP_PKTINFO:
            mcast = socket.inet_ntoa(val[8:12]) == PTP_MCAST4
        elif v6 and level == socket.IPPROTO_IPV6 and typ == IPV6_PKTINFO:
            mcast = val[0] == 0xFF
    return rx_ns, mcast


def announce(a, cid, port_id, seq):
    flags = FLAG_UTC_VALID if a.utc_valid else 0
    body = ((BAD_ORIGIN if a.bad_origin else ts_bytes(0)) +
            struct.pack("!hBB", 37, 0, a.priority1) +
            struct.pack("!BBH", a.clock_class, 0xFE, 0xFFFF) +
            struct.pack("!B", a.priority2) + cid + struct.pack("!HB", 0, 0xA0))
    return header(ANNOUNCE, 64, a.domain, flags, 0, port_id, seq, 5, 0) + body


def main():
    ap = argparse.ArgumentParser(description="one-step PTP GM for tests")
    ap.add_argument("iface")
    ap.add_argument("pos_domain", nargs="?", type=int, default=None)
    ap.add_argument("seconds", nargs="?", type=float, default=1e9)
    ap.add_argument("--domain", type=int, default=None)
    ap.add_argument("--offset-ns", type=int, default=0)
    ap.add_argument("--drift-ppm", type=float, default=0.0)
    ap.add_argument("--priority1", type=int, default=1)
    ap.add_argument("--priority2", type=int, default=128)
    ap.add_argument("--clock-class", type=int, default=6)
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--clock-id", type=parse_clock_id, default=None)
    ap.add_argument("--no-utc-valid", dest="utc_valid", action="store_false")
    ap.add_argument("--two-step", action="store_true")
    ap.add_argument("--coarse-us", type=float, default=0.0)
    ap.add_argument("--bad-origin", action="store_true")
    a = ap.parse_args()
    a.domain = a.domain if a.domain is not None else (a.pos_domain or 0)
    mcast = PTP_MCAST6 if a.ipv6 else PTP_MCAST4
    cid = a.clock_id or clock_identity(a.iface)
    port_id = cid + struct.pack("!H", 1)
    tsc = Timescale(a.offset_ns, a.drift_ppm)
    ev, gen = open_sockets(a.iface, a.ipv6)
    print(f"onestep_gm: {a.iface} domain {a.domain} "
          f"{'udpv6' if a.ipv6 else 'udpv4'} clockIdentity "
          f"{cid[:3].hex()}.{cid[3:5].hex()}.{cid[5:].hex()} priority1 "
          f"{a.priority1} class {a.clock_class} offset {a.offset_ns} ns "
          f"drift {a.drift_ppm} ppm", flush=True)

    seq_sync = seq_ann = 0
    n_sync = n_resp = 0
    t_end = time.monotonic() + a.seconds
    next_sync = next_ann = time.monotonic()
    while time.monotonic() < t_end:
        now = time.monotonic()
        if now >= next_ann:
            gen.sendto(announce(a, cid, port_id, seq_ann), (mcast, 320))
            seq_ann = (seq_ann + 1) & 0xFFFF
            next_ann += 1.0
        if now >= next_sync and a.two_step:
            origin = BAD_ORIGIN if a.bad_origin else ts_bytes(0)
            ev.sendto(header(SYNC, 44, a.domain, FLAG_TWO_STEP, 0, port_id,
                             seq_sync, 0, -3) + origin, (mcast, 319))
            t1 = tsc.now()
            gen.sendto(header(FOLLOW_UP, 44, a.domain, 0, 0, port_id,
                              seq_sync, 2, -3) + ts_bytes(t1), (mcast, 320))
            seq_sync = (seq_sync + 1) & 0xFFFF
            n_sync += 1
            next_sync += 0.125
        elif now >= next_sync:
            t1 = tsc.now()
            msg = header(SYNC, 44, a.domain, 0, 0, port_id, seq_sync, 0,
                         -3) + ts_bytes(t1)
            ev.sendto(msg, (mcast, 319))
            seq_sync = (seq_sync + 1) & 0xFFFF
            n_sync += 1
            next_sync += 0.125
        wait = max(0.0, min(next_sync, next_ann) - time.monotonic())
        r, _, _ = select.select([ev, gen], [], [], wait)
        for s in r:
            data, anc, _, src = s.recvmsg(1500, 256)
            if s is not ev or len(data) < 44 or (data[0] & 0x0F) != DELAY_REQ:
                continue
            if data[4] != a.domain:
                continue
            rx_ns, mc = rx_meta(anc, a.ipv6)
            if a.coarse_us > 0 and rx_ns is not None:   # bounded noise
                rx_ns += int(random.uniform(-a.coarse_us, a.coarse_us) * 1000)
            if rx_ns is None:
                continue
            cf = struct.unpack("!q", data[8:16])[0]
            req_port = data[20:30]
            seq = struct.unpack("!H", data[30:32])[0]
            flags = 0 if mc else FLAG_UNICAST
            msg = (header(DELAY_RESP, 54, a.domain, flags, cf, port_id, seq,
                          3, -3 if mc else 0x7F) +
                   ts_bytes(tsc.map(rx_ns)) + req_port)
            gen.sendto(msg, (mcast if mc else src[0], 320))
            n_resp += 1
    print(f"onestep_gm: sent {n_sync} Sync, {n_resp} Delay_Resp", flush=True)


def on_term(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    # background jobs of a shell start with SIGINT ignored: stop on TERM too
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    try:
        main()
    except KeyboardInterrupt:
        pass
    sys.exit(0)
