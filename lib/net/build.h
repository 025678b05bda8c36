/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_NET_BUILD_H
#define PTPSW_NET_BUILD_H

/*
 * Frame builder: Ethernet, IPv4 / IPv6 and UDP headers written into a
 * plain byte buffer, with the IPv4 header checksum and the UDP checksum
 * (the frames ptpsw sends itself: the boundary clocks' PTP over UDP, the
 * ARP/ND replies). No EAL. Multi-byte fields are written big-endian;
 * addresses are given as their wire octets.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BUILD_ETH_HLEN		14
#define BUILD_IP4_HLEN		20	/* no options */
#define BUILD_IP6_HLEN		40	/* no extension headers */
#define BUILD_UDP_HLEN		8
#define BUILD_MIN_FRAME		60	/* Ethernet minimum without the FCS */

#define BUILD_ETH_P_IPV4	0x0800
#define BUILD_ETH_P_ARP		0x0806
#define BUILD_ETH_P_IPV6	0x86DD
#define BUILD_IPPROTO_UDP	17
#define BUILD_IPPROTO_ICMPV6	58

/* Ethernet header: destination, source (6 octets each), EtherType.
 * Returns BUILD_ETH_HLEN. */
size_t build_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src,
		 uint16_t type);

/* IPv4 header without options (version 4, IHL 5, DF set, not fragmented)
 * of a datagram with payload_len bytes of protocol proto, with its header
 * checksum. src and dst are 4 octets. Returns BUILD_IP4_HLEN. */
size_t build_ip4(uint8_t *h, uint16_t payload_len, uint16_t id, uint8_t ttl,
		 uint8_t proto, const uint8_t *src, const uint8_t *dst);

/* IPv6 header (traffic class and flow label 0) of payload_len bytes of
 * next header next. src and dst are 16 octets. Returns BUILD_IP6_HLEN. */
size_t build_ip6(uint8_t *h, uint16_t payload_len, uint8_t hops,
		 uint8_t next, const uint8_t *src, const uint8_t *dst);

#define BUILD_ARP_LEN		28	/* Ethernet/IPv4 ARP packet */

/* ARP packet (RFC 826) for Ethernet and IPv4 of operation op (1 request,
 * 2 reply): sender sha/spa, target tha/tpa (MACs 6 octets, IPv4
 * addresses 4). Returns BUILD_ARP_LEN. */
size_t build_arp(uint8_t *p, uint16_t op, const uint8_t *sha,
		 const uint8_t *spa, const uint8_t *tha, const uint8_t *tpa);

/* Where a UDP datagram goes and how. */
struct build_udp {
	const uint8_t *dst_mac, *src_mac;	/* 6 octets each */
	const uint8_t *src_ip, *dst_ip;		/* 4 octets, or 16 if v6 */
	bool v6;
	uint8_t ttl;			/* IPv4 TTL or IPv6 hop limit */
	uint16_t ip_id;			/* IPv4 identification */
	uint16_t sport, dport;
};

/* Bytes a frame of len payload bytes takes: Ethernet, IP and UDP headers
 * and the payload, padded to BUILD_MIN_FRAME. */
size_t build_udp_room(bool v6, size_t len);

/*
 * Ethernet + IPv4 or IPv6 + UDP + the len payload bytes into buf (room
 * bytes), the UDP checksum computed (never 0: 0 is sent as 0xFFFF), and
 * zeros up to BUILD_MIN_FRAME. Returns the frame's length without that
 * padding, or 0 when room is less than build_udp_room() or the datagram
 * does not fit the 16-bit length fields.
 */
size_t build_udp(uint8_t *buf, size_t room, const struct build_udp *u,
		 const uint8_t *payload, size_t len);

#endif /* PTPSW_NET_BUILD_H */
