#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Write frame mixes in shapes bench/gen_pcap.py does not make, for
bench/forwarding --mix FILE: random source MACs, plain frames to several
random destinations, tags, IPv6, every PTP message type, PTP over
Ethernet. Each file holds --frames frames (4097 by default, as issue 19's
files). Needs scapy (Debian: python3-scapy).

  bench/ptp_shapes.py [--out DIR] [--frames N] [--seed N] [NAME ...]

Without NAME it writes every mix; --list names them. The files are the
same for the same seed and frame count."""

import argparse
import os
import random
import sys

try:
    from scapy.all import Dot1Q, Ether, IP, IPv6, Raw, UDP, wrpcap
except ImportError:
    sys.exit("ptp_shapes.py: needs scapy (apt install python3-scapy)")

# messageLength by messageType (IEEE 1588-2019, Table 36 and 13.x): a
# message shorter than its type's length is dropped as invalid
MSG_LEN = {0x0: 44, 0x1: 44, 0x2: 54, 0x3: 54, 0x8: 44, 0x9: 54,
           0xA: 54, 0xB: 64}
FLAG_TWO_STEP = 0x0200


class Shapes:
    def __init__(self, seed, n_src=200, n_dst=8):
        self.rng = random.Random(seed)
        self.srcs = [self.mac() for _ in range(n_src)]
        self.dsts = [self.mac() for _ in range(n_dst)]

    def mac(self):
        b = [self.rng.randrange(256) for _ in range(6)]
        b[0] = (b[0] & 0xFC) | 0x02       # unicast, locally administered
        return ":".join("%02x" % x for x in b)

    @staticmethod
    def ptp(mtype, seq, two_step=False):
        """A PTPv2 message of mtype, domain 0, its type's length."""
        mlen = MSG_LEN[mtype]
        flags = FLAG_TWO_STEP if two_step else 0
        hdr = bytes([mtype, 0x12]) + mlen.to_bytes(2, "big")
        hdr += bytes([0, 0]) + flags.to_bytes(2, "big")
        hdr += bytes(8) + bytes(4)                   # CF, messageTypeSpecific
        hdr += bytes.fromhex("0200a0fffe000001")     # clockIdentity
        hdr += (1).to_bytes(2, "big") + (seq & 0xFFFF).to_bytes(2, "big")
        hdr += bytes([0, 0])                         # control, logInterval
        return hdr + bytes(mlen - len(hdr))

    def eth(self, dst, vlan, ethertype=None):
        e = Ether(src=self.rng.choice(self.srcs), dst=dst)
        if vlan is not None:
            e = e / Dot1Q(vlan=vlan)
        if ethertype is not None:
            if vlan is not None:
                e[Dot1Q].type = ethertype
            else:
                e.type = ethertype
        return e

    def plain(self, i, vlan=None, v6=False, size=64):
        """UDP to port 9, one of the random destinations, size octets
        with the FCS."""
        e = self.eth(self.rng.choice(self.dsts), vlan)
        if v6:
            l3 = IPv6(src="2001:db8::%x" % (i % 250 + 1), dst="2001:db8::ffff")
        else:
            l3 = IP(src="10.1.0.%d" % (i % 250 + 1), dst="10.2.0.1")
        p = e / l3 / UDP(sport=1024 + i % 1000, dport=9)
        pad = size - len(p) - 4
        return p / Raw(bytes(pad if pad > 0 else 18))

    def ptpf(self, i, mtype, two_step=False, vlan=None, v6=False, l2=False):
        """PTP to its multicast group: UDP 319 (event) or 320, or
        EtherType 0x88F7."""
        msg = Raw(self.ptp(mtype, i, two_step))
        if l2:
            return self.eth("01:1b:19:00:00:00", vlan, 0x88F7) / msg
        port = 319 if mtype < 0x8 else 320
        if v6:
            e = self.eth("33:33:00:00:01:81", vlan)
            l3 = IPv6(src="2001:db8::1", dst="ff0e::181")
        else:
            e = self.eth("01:00:5e:00:01:81", vlan)
            l3 = IP(src="10.1.0.1", dst="224.0.1.129")
        return e / l3 / UDP(sport=port, dport=port) / msg


GENERAL_TURN = [(0x0, True), (0x8, False), (0x1, False), (0x9, False),
                (0xB, False)]

# name: (what it is, frame i of the mix)
MIXES = {
    "dests8-1": ("1 % one-step Syncs, plain frames to 8 destinations",
                 lambda s, i: s.ptpf(i, 0x0) if i % 100 == 0 else s.plain(i)),
    "vlan-1": ("the same, every frame with one 802.1Q tag (VLAN 100)",
               lambda s, i: s.ptpf(i, 0x0, vlan=100) if i % 100 == 0
               else s.plain(i, vlan=100)),
    "v6-0": ("no PTP, IPv6",
             lambda s, i: s.plain(i, v6=True)),
    "general-1": ("1 % PTP from a two-step time transmitter: Sync, "
                  "Follow_Up, Delay_Req, Delay_Resp, Announce in turn",
                  lambda s, i: s.ptpf(i, *GENERAL_TURN[(i // 100) % 5])
                  if i % 100 == 0 else s.plain(i)),
    "ev2-100": ("100 % Sync and Delay_Req (one-step), IPv4",
                lambda s, i: s.ptpf(i, i % 2)),
    "ev4-100": ("100 % Sync, Delay_Req, Pdelay_Req, Pdelay_Resp, IPv4",
                lambda s, i: s.ptpf(i, i % 4)),
    "ev4v6-100": ("the same, half of it IPv6",
                  lambda s, i: s.ptpf(i, i % 4, v6=(i % 8 >= 4))),
    "pdelay-100": ("100 % Pdelay_Req and Pdelay_Resp, half IPv6",
                   lambda s, i: s.ptpf(i, 0x2 + i % 2, v6=(i % 4 >= 2))),
    "twostep-100": ("100 % Sync (two-step), Follow_Up, Delay_Req, "
                    "Delay_Resp",
                    lambda s, i: s.ptpf(i, *GENERAL_TURN[i % 4])),
    "l2-100": ("100 % Sync and Delay_Req over Ethernet (0x88F7)",
               lambda s, i: s.ptpf(i, i % 2, l2=True)),
}


def main():
    ap = argparse.ArgumentParser(
        description="Write pcap mixes for bench/forwarding --mix.")
    ap.add_argument("--out", default=".", help="directory (default: .)")
    ap.add_argument("--frames", type=int, default=4097)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--list", action="store_true", help="name the mixes")
    ap.add_argument("names", nargs="*", metavar="NAME")
    a = ap.parse_args()
    if a.list:
        for name, (what, _) in MIXES.items():
            print("%-12s %s" % (name, what))
        return 0
    unknown = [n for n in a.names if n not in MIXES]
    if unknown:
        sys.exit("ptp_shapes.py: no mix %s (--list names them)"
                 % ", ".join(unknown))
    if a.frames < 1:
        sys.exit("ptp_shapes.py: --frames must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    for name in a.names or list(MIXES):
        s = Shapes(a.seed)
        path = os.path.join(a.out, name + ".pcap")
        wrpcap(path, [MIXES[name][1](s, i) for i in range(a.frames)])
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
