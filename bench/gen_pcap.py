#!/usr/bin/python3
"""Write the forwarding benchmark's traffic mixes as pcap files.

usage: gen_pcap.py OUTDIR [--shuffled N] [--dests N] [--frames N]
                         [--sources N] [--vlan ID]

--shuffled N  N frames per mix (a multiple of 1000): the 1000 frames
              below N/1000 times, each copy in its own random order (fixed
              seed), so the source MACs come in no order a branch predictor
              learns within 1000 frames, as on a real network.
--dests N     the plain frames go to N unicast destination MACs in turn
              (02:00:00:ff:xx:yy) instead of one; none is ever a source,
              so each is unknown and flooded, and a destination lookup
              memo of the last frame's never hits (N > 1).
--sources N   addresses as in a network this bench has not seen: N
              random unicast source MACs (fixed seed), each frame's
              source drawn at random among them, and the plain frames'
              destinations drawn at random among --dests random unicast
              MACs that are never a source (so flooded). Without it the
              MACs follow the frame's number, as below.
--vlan ID     every frame carries one 802.1Q tag with VLAN ID (1..4094),
              priority 0, before its IP header, as on a trunk port.
--frames N    cut (or extend, repeating) each mix to exactly N frames,
              after --shuffled (e.g. 4097: one more than a power of two,
              as a PMD that copies the whole file into mbufs sees it).

mix-0.pcap    no PTP: 64-byte UDP frames (flows over 400 source MACs)
mix-1.pcap    1 % PTP event messages (one-step Sync over UDPv4 319)
mix-100.pcap  100 % PTP event messages (Sync and Delay_Req, UDPv4 and UDPv6)
"""
import os
import random
import sys

from scapy.all import Ether, Dot1Q, IP, IPv6, UDP, Raw, wrpcap  # noqa: E402


def ptp_event(msg_type, seq, domain=0):
    """A minimal PTPv2 event message (44 bytes), originTimestamp zero."""
    hdr = bytes([msg_type & 0x0F, 0x12]) + (44).to_bytes(2, "big")
    hdr += bytes([domain, 0]) + (0).to_bytes(2, "big")      # flags: one-step
    hdr += (0).to_bytes(8, "big") + (0).to_bytes(4, "big")  # correction, mts
    hdr += bytes.fromhex("0200a0fffe000001") + (1).to_bytes(2, "big")
    hdr += seq.to_bytes(2, "big") + bytes([0, 0])
    return hdr + bytes(10)


# --sources: per frame number, its source and its destination MAC
RANDOM_SRC, RANDOM_DST = [], []
# --vlan: the VLAN ID of every frame's tag (0: untagged)
VLAN = [0]


def eth(src, dst):
    """The Ethernet header, with --vlan's tag."""
    if VLAN[0]:
        return Ether(src=src, dst=dst) / Dot1Q(vlan=VLAN[0])
    return Ether(src=src, dst=dst)


def random_macs(n, sources, dests, rng):
    """Fill RANDOM_SRC and RANDOM_DST for frames 0..n-1."""
    def mac():
        b = [rng.randrange(256) for _ in range(6)]
        b[0] = (b[0] & 0xFC) | 0x02     # unicast, locally administered
        return ":".join("%02x" % x for x in b)
    pool = set()
    while len(pool) < sources + dests:
        pool.add(mac())
    pool = sorted(pool)
    rng.shuffle(pool)
    srcs, dsts = pool[:sources], pool[sources:]
    RANDOM_SRC[:] = [rng.choice(srcs) for _ in range(n)]
    RANDOM_DST[:] = [rng.choice(dsts) for _ in range(n)]


def src_of(i):
    if RANDOM_SRC:
        return RANDOM_SRC[i]
    return "02:00:00:00:%02x:%02x" % (i // 256 % 256, i % 100)


def plain(i, dests=1):
    src = src_of(i)
    d = 1 + i % dests
    dst = "02:00:00:ff:%02x:%02x" % (d // 256 % 256, d % 256)
    if RANDOM_DST:
        dst = RANDOM_DST[i]
    return (eth(src, dst) /
            IP(src="10.1.0.%d" % (i % 250 + 1), dst="10.2.0.1") /
            UDP(sport=1024 + i % 1000, dport=9) / Raw(bytes(18)))


def ptp(i):
    src = src_of(i)
    if i % 2 == 0:
        return (eth(src, "01:00:5e:00:01:81") /
                IP(src="10.1.0.%d" % (i % 250 + 1), dst="224.0.1.129", ttl=1) /
                UDP(sport=319, dport=319) / Raw(ptp_event(0, i % 65536)))
    return (eth(src, "33:33:00:00:01:81") /
            IPv6(src="fd00::%x" % (i % 250 + 1), dst="ff0e::181") /
            UDP(sport=319, dport=319) / Raw(ptp_event(1, i % 65536)))


def spread(frames, total, rng):
    """total frames: copies of frames, each copy shuffled."""
    out = []
    while len(out) < total:
        copy = list(frames)
        rng.shuffle(copy)
        out += copy
    return out


def main():
    args = sys.argv[1:]
    usage = ("usage: gen_pcap.py OUTDIR [--shuffled N] [--dests N] "
             "[--frames N] [--sources N] [--vlan ID]")
    if not args or args[0].startswith("-"):
        sys.exit(usage)
    out = args.pop(0)
    total, dests, frames, sources = 0, 1, 0, 0
    while args:
        if len(args) < 2 or \
                args[0] not in ("--shuffled", "--dests", "--frames",
                                "--sources", "--vlan") or \
                not args[1].isdigit():
            sys.exit(usage)
        if args[0] == "--shuffled":
            total = int(args[1])
        elif args[0] == "--frames":
            frames = int(args[1])
        elif args[0] == "--sources":
            sources = int(args[1])
        elif args[0] == "--vlan":
            VLAN[0] = int(args[1])
            if not 1 <= VLAN[0] <= 4094:
                sys.exit("--vlan: ID must be 1..4094")
        else:
            dests = int(args[1])
        args = args[2:]
    if total % 1000:
        sys.exit("--shuffled: N must be a multiple of 1000")
    if not 1 <= dests <= 65535:
        sys.exit("--dests: N must be 1..65535")
    if not 0 <= sources <= 65535:
        sys.exit("--sources: N must be 0..65535 (0: numbered MACs)")
    os.makedirs(out, exist_ok=True)
    n = 1000
    if sources:
        random_macs(n, sources, dests, random.Random(9760))
    mixes = {
        "mix-0.pcap": [plain(i, dests) for i in range(n)],
        "mix-1.pcap": [ptp(i) if i % 100 == 50 else plain(i, dests)
                       for i in range(n)],
        "mix-100.pcap": [ptp(i) for i in range(n)],
    }
    rng = random.Random(1588)
    want = frames
    for name, frames in mixes.items():
        if total:
            frames = spread(frames, total, rng)
        if want:
            frames = (frames * (want // len(frames) + 1))[:want]
        wrpcap(os.path.join(out, name), frames)


if __name__ == "__main__":
    main()
