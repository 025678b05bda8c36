#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Sender of test_order.sh: rounds of back-to-back UDP datagrams from IFACE
(address SRC) to DST, alternately plain (port 9) and a PTPv2 Delay_Req
(port 319; every other one in domain 0, the rest in domain 9), each with
the next IPv4 identification. Each round
also has two frames to IFACE's own MAC (UDP port 7, first and in the
middle), which the switch must drop (their destination is their ingress
port). Frames are built first and then written back to back to a raw
socket, so that a round reaches the switch within microseconds. Prints
the number of datagrams to DST.

    order_send.py IFACE SRC DST ROUNDS PER_ROUND
"""
import socket
import struct
import sys
import time

from scapy.all import Ether, IP, UDP, Raw, conf, get_if_hwaddr, getmacbyip


def delay_req(seq, domain):
    """A 44-byte PTPv2 Delay_Req: messageType 1, version 2."""
    hdr = struct.pack("!BBHBBH8s4s8sHHBb", 0x01, 0x02, 44, domain, 0, 0,
                      b"\0" * 8, b"\0" * 4, bytes.fromhex("0200c0fffe000001"),
                      1, seq & 0xFFFF, 1, 0x7F)
    return hdr + b"\0" * 10


def main():
    iface, src, dst = sys.argv[1], sys.argv[2], sys.argv[3]
    rounds, per = int(sys.argv[4]), int(sys.argv[5])
    conf.verb = 0
    mac = getmacbyip(dst)
    if mac is None:
        sys.exit("no ARP reply from " + dst)
    own = get_if_hwaddr(iface)
    eth = Ether(src=own, dst=mac)
    self_frame = bytes(Ether(src=own, dst=own) / IP(src=src, dst=dst) /
                       UDP(sport=4000, dport=7) / Raw(b"self" * 8))
    batches, ident = [], 1
    for _ in range(rounds):
        batch = [self_frame]
        for k in range(per):
            if k == per // 2:
                batch.append(self_frame)
            ip = IP(src=src, dst=dst, id=ident)
            if k % 2:
                p = (eth / ip / UDP(sport=319, dport=319) /
                     Raw(delay_req(ident, 0 if k % 4 == 1 else 9)))
            else:
                p = (eth / ip / UDP(sport=4000, dport=9) /
                     Raw(struct.pack("!I", ident) * 8))
            batch.append(bytes(p))
            ident += 1
        batches.append(batch)
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for batch in batches:
        for f in batch:
            s.send(f)
        time.sleep(0.005)
    print(ident - 1)


if __name__ == "__main__":
    main()
