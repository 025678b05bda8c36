#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A minimal one-step PTP grandmaster over UDP/IPv4 for the integration tests.

ptp4l can send one-step Sync only with hardware time stamping, so this
stands in for a one-step GM: it sends Announce (1/s) and one-step Sync
(8/s, twoStepFlag 0, originTimestamp = CLOCK_REALTIME read just before
sendto) to 224.0.1.129, and answers every Delay_Req with a Delay_Resp
carrying the kernel's software receive timestamp (SO_TIMESTAMPNS), the
request's correctionField, unicast to a unicast request and multicast to
a multicast one (EP-07).

The originTimestamp is read before the datagram leaves, so receivers see
a bias of the kernel's send latency (some microseconds); this tool is for
correctness tests, not for accuracy figures.

Usage: onestep_gm.py IFACE [DOMAIN] [SECONDS]
"""

import os
import select
import signal
import socket
import struct
import sys
import time

PTP_MCAST = "224.0.1.129"
SO_TIMESTAMPNS = 35
SCM_TIMESTAMPNS = SO_TIMESTAMPNS
IP_PKTINFO = 8

SYNC, DELAY_REQ, DELAY_RESP, ANNOUNCE = 0x0, 0x1, 0x9, 0xB


def clock_identity(iface):
    with open(f"/sys/class/net/{iface}/address") as f:
        mac = bytes(int(x, 16) for x in f.read().strip().split(":"))
    return mac[:3] + b"\xff\xfe" + mac[3:]


def ts_bytes(ns):
    sec, nsec = divmod(ns, 1_000_000_000)
    return struct.pack("!HII", sec >> 32, sec & 0xFFFFFFFF, nsec)


def header(mtype, length, domain, flags, cf, port_id, seq, control, log_int):
    return struct.pack("!BBHBBHqI10sHBb", mtype, 0x02, length, domain, 0,
                       flags, cf, 0, port_id, seq, control, log_int)


def main():
    iface = sys.argv[1]
    domain = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    duration = float(sys.argv[3]) if len(sys.argv) > 3 else 1e9
    cid = clock_identity(iface)
    port_id = cid + struct.pack("!H", 1)

    socks = {}
    for port in (319, 320):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
        s.bind(("0.0.0.0", port))
        mreq = struct.pack("4s4si", socket.inet_aton(PTP_MCAST),
                           socket.inet_aton("0.0.0.0"),
                           socket.if_nametoindex(iface))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF,
                     struct.pack("4s4si", b"\0" * 4, b"\0" * 4,
                                 socket.if_nametoindex(iface)))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
        socks[port] = s
    ev, gen = socks[319], socks[320]
    ev.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)

    seq_sync = seq_ann = 0
    n_sync = n_resp = 0
    t_end = time.monotonic() + duration
    next_sync = next_ann = time.monotonic()
    while time.monotonic() < t_end:
        now = time.monotonic()
        if now >= next_ann:
            body = (ts_bytes(0) + struct.pack("!hBB", 37, 0, 1) +
                    struct.pack("!BBH", 6, 0xFE, 0xFFFF) +
                    struct.pack("!B", 128) + cid + struct.pack("!HB", 0, 0xA0))
            msg = header(ANNOUNCE, 64, domain, 0, 0, port_id, seq_ann, 5, 0) + body
            gen.sendto(msg, (PTP_MCAST, 320))
            seq_ann = (seq_ann + 1) & 0xFFFF
            next_ann += 1.0
        if now >= next_sync:
            t1 = time.clock_gettime_ns(time.CLOCK_REALTIME)
            msg = header(SYNC, 44, domain, 0, 0, port_id, seq_sync, 0, -3) + ts_bytes(t1)
            ev.sendto(msg, (PTP_MCAST, 319))
            seq_sync = (seq_sync + 1) & 0xFFFF
            n_sync += 1
            next_sync += 0.125
        wait = max(0.0, min(next_sync, next_ann) - time.monotonic())
        r, _, _ = select.select([ev, gen], [], [], wait)
        for s in r:
            data, anc, _, src = s.recvmsg(1500, 256)
            if s is not ev or len(data) < 44 or (data[0] & 0x0F) != DELAY_REQ:
                continue
            if data[4] != domain:
                continue
            rx_ns = None
            unicast = False
            for level, typ, val in anc:
                if level == socket.SOL_SOCKET and typ == SCM_TIMESTAMPNS:
                    sec, nsec = struct.unpack("qq", val[:16])
                    rx_ns = sec * 1_000_000_000 + nsec
                elif level == socket.IPPROTO_IP and typ == IP_PKTINFO:
                    dst = socket.inet_ntoa(val[8:12])
                    unicast = dst != PTP_MCAST
            if rx_ns is None:
                continue
            cf = struct.unpack("!q", data[8:16])[0]
            req_port = data[20:30]
            seq = struct.unpack("!H", data[30:32])[0]
            flags = 0x0400 if unicast else 0
            msg = (header(DELAY_RESP, 54, domain, flags, cf, port_id, seq, 3,
                          0x7F if unicast else -3) +
                   ts_bytes(rx_ns) + req_port)
            gen.sendto(msg, (src[0] if unicast else PTP_MCAST, 320))
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
