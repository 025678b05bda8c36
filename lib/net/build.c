/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame builder: Ethernet, IPv4 / IPv6 and UDP headers. See build.h.
 */

#include <string.h>

#include "net/build.h"
#include "net/frame.h"

#define IP4_VER_IHL	0x45		/* version 4, 5 words */
#define IP4_DF		0x4000
#define IP6_VER		0x60		/* version 6, traffic class 0 */
#define IP_MAX_LEN	0xFFFF
#define ARP_HTYPE_ETHER	1

size_t build_eth(uint8_t *p, const uint8_t *dst, const uint8_t *src,
		 uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	frame_wr16_(p + 12, type);
	return BUILD_ETH_HLEN;
}

size_t build_ip4(uint8_t *h, uint16_t payload_len, uint16_t id, uint8_t ttl,
		 uint8_t proto, const uint8_t *src, const uint8_t *dst)
{
	memset(h, 0, BUILD_IP4_HLEN);
	h[0] = IP4_VER_IHL;
	frame_wr16_(h + 2, (uint16_t)(BUILD_IP4_HLEN + payload_len));
	frame_wr16_(h + 4, id);
	frame_wr16_(h + 6, IP4_DF);
	h[8] = ttl;
	h[9] = proto;
	memcpy(h + 12, src, 4);
	memcpy(h + 16, dst, 4);
	frame_wr16_(h + 10, (uint16_t)~csum_add_bytes(0, h, BUILD_IP4_HLEN));
	return BUILD_IP4_HLEN;
}

size_t build_ip6(uint8_t *h, uint16_t payload_len, uint8_t hops,
		 uint8_t next, const uint8_t *src, const uint8_t *dst)
{
	memset(h, 0, BUILD_IP6_HLEN);
	h[0] = IP6_VER;
	frame_wr16_(h + 4, payload_len);
	h[6] = next;
	h[7] = hops;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	return BUILD_IP6_HLEN;
}

size_t build_arp(uint8_t *p, uint16_t op, const uint8_t *sha,
		 const uint8_t *spa, const uint8_t *tha, const uint8_t *tpa)
{
	frame_wr16_(p, ARP_HTYPE_ETHER);
	frame_wr16_(p + 2, BUILD_ETH_P_IPV4);
	p[4] = 6;			/* hardware address length */
	p[5] = 4;			/* protocol address length */
	frame_wr16_(p + 6, op);
	memcpy(p + 8, sha, 6);
	memcpy(p + 14, spa, 4);
	memcpy(p + 18, tha, 6);
	memcpy(p + 24, tpa, 4);
	return BUILD_ARP_LEN;
}

static size_t ip_hlen(bool v6)
{
	return v6 ? BUILD_IP6_HLEN : BUILD_IP4_HLEN;
}

size_t build_udp_room(bool v6, size_t len)
{
	size_t n = BUILD_ETH_HLEN + ip_hlen(v6) + BUILD_UDP_HLEN + len;

	return n < BUILD_MIN_FRAME ? BUILD_MIN_FRAME : n;
}

size_t build_udp(uint8_t *buf, size_t room, const struct build_udp *u,
		 const uint8_t *payload, size_t len)
{
	size_t l3 = ip_hlen(u->v6), udp_len = BUILD_UDP_HLEN + len;
	size_t flen = BUILD_ETH_HLEN + l3 + udp_len;
	struct frame_info fi = {
		.l3 = u->v6 ? FRAME_L3_IPV6 : FRAME_L3_IPV4,
		.l3_off = BUILD_ETH_HLEN,
		.l4_off = (uint16_t)(BUILD_ETH_HLEN + l3),
	};
	uint8_t *udp = buf + fi.l4_off;

	if (l3 + udp_len > IP_MAX_LEN || room < build_udp_room(u->v6, len))
		return 0;
	memset(buf, 0, build_udp_room(u->v6, len));
	build_eth(buf, u->dst_mac, u->src_mac,
		  u->v6 ? BUILD_ETH_P_IPV6 : BUILD_ETH_P_IPV4);
	if (u->v6)
		build_ip6(buf + BUILD_ETH_HLEN, (uint16_t)udp_len, u->ttl,
			  BUILD_IPPROTO_UDP, u->src_ip, u->dst_ip);
	else
		build_ip4(buf + BUILD_ETH_HLEN, (uint16_t)udp_len, u->ip_id,
			  u->ttl, BUILD_IPPROTO_UDP, u->src_ip, u->dst_ip);
	frame_wr16_(udp, u->sport);
	frame_wr16_(udp + 2, u->dport);
	frame_wr16_(udp + 4, (uint16_t)udp_len);
	memcpy(udp + BUILD_UDP_HLEN, payload, len);
	frame_wr16_(udp + FRAME_UDP_CSUM_OFF, frame_udp_csum(buf, flen, &fi));
	return flen;
}
