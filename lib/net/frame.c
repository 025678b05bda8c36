/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frame classifier and in-place correctionField rewrite.
 *
 * Parsing walks L2 -> L3 -> L4 -> PTP, bounds-checking every read against
 * the bytes present. Each layer returns the class of the frame so far; the
 * first layer that decides (not PTP, or malformed) ends the walk.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "net/frame.h"
#include "ptp/msg.h"

#define ETH_HLEN	14
#define ETH_ALEN	6
#define VLAN_HLEN	4
#define ETH_P_IPV4	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8
#define ETH_P_QINQ_OLD	0x9100
#define FRAME_MAX_VLANS	2

#define IPV4_MIN_HLEN	20
#define IPV4_MF		0x2000
#define IPV4_FRAG_MASK	0x1FFF
#define IPV6_HLEN	40
#define IPV6_FRAG_HLEN	8
#define IPV6_MAX_EXT	8	/* extension headers walked before giving up */
#define IPPROTO_HOPOPT	0
#define IPPROTO_UDP_	17
#define IPPROTO_ROUTE	43
#define IPPROTO_FRAG	44
#define IPPROTO_DSTOPT	60
#define UDP_HLEN	8
#define UDP_CSUM_OFF	FRAME_UDP_CSUM_OFF
#define PTP_CF_OFF	FRAME_PTP_CF_OFF
#define PTP_CF_LEN	8

/* The walk is one function: its layers are inlined into frame_classify. */
#define FRAME_INLINE	inline __attribute__((always_inline))

/* Where the walk is: the L3/L4 payload [off, end) of the frame. */
struct frame_cursor {
	const uint8_t *buf;
	size_t off;
	size_t end;
};

static bool frame_port_is_ptp(uint16_t port)
{
	return port == PTP_UDP_EVENT || port == PTP_UDP_GENERAL;
}

static enum frame_class frame_fail(struct frame_info *info,
				   enum frame_err err)
{
	info->err = err;
	info->cls = FRAME_MALFORMED;
	info->ptp_off = 0;
	return info->cls;
}

static enum frame_class frame_non_ptp(struct frame_info *info)
{
	info->cls = FRAME_NON_PTP;
	info->ptp_off = 0;
	return info->cls;
}

/* PTP header at off, len bytes of it present. Sets the PTP fields. */
static FRAME_INLINE enum frame_class
frame_ptp(const uint8_t *buf, size_t off, size_t len, uint16_t port,
	  struct frame_info *info)
{
	const uint8_t *p = buf + off;
	uint8_t type;

	if (ptp_hdr_check(p, len) != PTP_OK)
		return frame_fail(info, FRAME_E_PTP_INVALID);
	type = p[0] & 0x0F;
	if (port != 0 && ptp_msg_is_event(type) != (port == PTP_UDP_EVENT))
		return frame_fail(info, FRAME_E_PORT_MISMATCH);
	info->ptp_off = (uint16_t)off;
	info->ptp_len = frame_rd16_(p + 2);
	info->ptp_type = type;
	info->domain = p[4];
	info->seq_id = frame_rd16_(p + 30);
	if (ptp_msg_is_event(type))
		info->flags |= FRAME_F_EVENT;
	if (p[6] & (PTP_FLAG_TWO_STEP >> 8))
		info->flags |= FRAME_F_TWO_STEP;
	info->cls = FRAME_PTP;
	return info->cls;
}

/*
 * UDP header at c->off; the IP payload ends at c->end. Only frames to a PTP
 * destination port are checked further: the source port never counts.
 */
static FRAME_INLINE enum frame_class
frame_udp(const struct frame_cursor *c, struct frame_info *info)
{
	const uint8_t *udp = c->buf + c->off;
	size_t avail = c->end - c->off;
	uint16_t dport, ulen;

	if (avail < UDP_HLEN)
		return frame_fail(info, FRAME_E_TRUNC_UDP);
	info->l4_off = (uint16_t)c->off;
	dport = frame_rd16_(udp + 2);
	if (!frame_port_is_ptp(dport))
		return frame_non_ptp(info);
	ulen = frame_rd16_(udp + 4);
	if (ulen < UDP_HLEN || ulen > avail)
		return frame_fail(info, FRAME_E_TRUNC_UDP);
	if (frame_rd16_(udp + UDP_CSUM_OFF) != 0)
		info->flags |= FRAME_F_UDP_CSUM;
	return frame_ptp(c->buf, c->off + UDP_HLEN, ulen - UDP_HLEN, dport,
			 info);
}

/*
 * First fragment of a UDP datagram: its destination port decides whether
 * it is a PTP message we cannot correct. Later fragments carry no UDP
 * header, so their bytes are never read as one.
 */
static enum frame_class frame_udp_fragment(const struct frame_cursor *c,
					   bool first, struct frame_info *info)
{
	if (!first || c->end - c->off < 4)
		return frame_non_ptp(info);
	if (frame_port_is_ptp(frame_rd16_(c->buf + c->off + 2)))
		return frame_fail(info, FRAME_E_IP_FRAGMENT);
	return frame_non_ptp(info);
}

/* Destination address flags of an IP header (IPv4 224/4, IPv6 ff00::/8). */
static inline void frame_l3_flags(const uint8_t *ip, enum frame_l3 l3,
				  struct frame_info *info)
{
	if (l3 == FRAME_L3_IPV4 ? (ip[16] & 0xF0) == 0xE0 : ip[24] == 0xFF)
		info->flags |= FRAME_F_L3_MCAST;
}

static FRAME_INLINE enum frame_class
frame_ipv4(const uint8_t *buf, size_t off, size_t len, struct frame_info *info)
{
	const uint8_t *ip = buf + off;
	struct frame_cursor c = { .buf = buf };
	size_t hlen, tot;
	uint16_t frag;

	info->l3 = FRAME_L3_IPV4;
	if (len - off < IPV4_MIN_HLEN || (ip[0] >> 4) != 4)
		return frame_fail(info, FRAME_E_TRUNC_L3);
	hlen = (size_t)(ip[0] & 0x0F) * 4;
	tot = frame_rd16_(ip + 2);
	if (hlen < IPV4_MIN_HLEN || tot < hlen || tot > len - off)
		return frame_fail(info, FRAME_E_TRUNC_L3);
	frame_l3_flags(ip, FRAME_L3_IPV4, info);
	if (ip[9] != IPPROTO_UDP_)
		return frame_non_ptp(info);
	c.off = off + hlen;
	c.end = off + tot;
	frag = frame_rd16_(ip + 6);
	if (frag & (IPV4_MF | IPV4_FRAG_MASK))
		return frame_udp_fragment(&c, (frag & IPV4_FRAG_MASK) == 0,
					  info);
	return frame_udp(&c, info);
}

/*
 * Walk IPv6 extension headers from c->off with next header *nh; stop on
 * the first header that is not Hop-by-Hop, Routing or Destination Options.
 * Returns 0, or -1 if a header runs past the payload.
 */
static int frame_ipv6_skip_ext(struct frame_cursor *c, uint8_t *nh)
{
	unsigned int i;
	size_t elen;

	for (i = 0; i < IPV6_MAX_EXT; i++) {
		if (*nh != IPPROTO_HOPOPT && *nh != IPPROTO_ROUTE &&
		    *nh != IPPROTO_DSTOPT)
			return 0;
		if (c->end - c->off < 2)
			return -1;
		elen = ((size_t)c->buf[c->off + 1] + 1) * 8;
		if (elen > c->end - c->off)
			return -1;
		*nh = c->buf[c->off];
		c->off += elen;
	}
	return 0;
}

/* IPv6 Fragment header at c->off: PTP in any fragment is an error. */
static enum frame_class frame_ipv6_fragment(struct frame_cursor *c,
					    struct frame_info *info)
{
	const uint8_t *fh = c->buf + c->off;
	uint16_t frag_off;

	if (c->end - c->off < IPV6_FRAG_HLEN)
		return frame_fail(info, FRAME_E_TRUNC_L3);
	frag_off = frame_rd16_(fh + 2) & 0xFFF8;
	c->off += IPV6_FRAG_HLEN;
	if (fh[0] != IPPROTO_UDP_)
		return frame_non_ptp(info);
	return frame_udp_fragment(c, frag_off == 0, info);
}

static FRAME_INLINE enum frame_class
frame_ipv6(const uint8_t *buf, size_t off, size_t len, struct frame_info *info)
{
	const uint8_t *ip = buf + off;
	struct frame_cursor c = { .buf = buf, .off = off + IPV6_HLEN };
	uint8_t nh;

	info->l3 = FRAME_L3_IPV6;
	if (len - off < IPV6_HLEN || (ip[0] >> 4) != 6)
		return frame_fail(info, FRAME_E_TRUNC_L3);
	c.end = c.off + frame_rd16_(ip + 4);
	if (c.end > len)
		return frame_fail(info, FRAME_E_TRUNC_L3);
	frame_l3_flags(ip, FRAME_L3_IPV6, info);
	nh = ip[6];
	if (frame_ipv6_skip_ext(&c, &nh) != 0)
		return frame_fail(info, FRAME_E_TRUNC_L3);
	if (nh == IPPROTO_FRAG)
		return frame_ipv6_fragment(&c, info);
	if (nh != IPPROTO_UDP_)
		return frame_non_ptp(info);
	return frame_udp(&c, info);
}

/* The destination MAC's flags. */
static inline void frame_l2_flags(const uint8_t *buf, struct frame_info *info)
{
	static const uint8_t bcast[ETH_ALEN] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

	if (buf[0] & 0x01)
		info->flags |= FRAME_F_L2_MCAST;
	if (memcmp(buf, bcast, ETH_ALEN) == 0)
		info->flags |= FRAME_F_L2_BCAST;
}

static bool frame_is_vlan_tpid(uint16_t type)
{
	return type == ETH_P_8021Q || type == ETH_P_8021AD ||
	       type == ETH_P_QINQ_OLD;
}

/*
 * Ethernet header and up to two VLAN tags. Returns the EtherType and sets
 * *l3_off, or returns 0 with info marked malformed if a tag is cut short.
 */
static uint16_t frame_l2(const uint8_t *buf, size_t len, size_t *l3_off,
			 struct frame_info *info)
{
	size_t off = ETH_HLEN;
	uint16_t type;

	frame_l2_flags(buf, info);
	type = frame_rd16_(buf + 12);
	while (frame_is_vlan_tpid(type) && info->n_vlans < FRAME_MAX_VLANS) {
		if (len - off < VLAN_HLEN) {
			frame_fail(info, FRAME_E_TRUNC_L2);
			return 0;
		}
		type = frame_rd16_(buf + off + 2);
		off += VLAN_HLEN;
		info->n_vlans++;
	}
	*l3_off = off;
	return type;
}

enum frame_class frame_classify(const uint8_t *buf, size_t len,
				struct frame_info *info)
{
	size_t off = 0;
	uint16_t type;

	memset(info, 0, sizeof(*info));
	/* Offsets are 16-bit: a longer buffer is classified on its start. */
	if (len > UINT16_MAX)
		len = UINT16_MAX;
	if (len < ETH_HLEN)
		return frame_fail(info, FRAME_E_TRUNC_L2);
	type = frame_l2(buf, len, &off, info);
	if (info->cls == FRAME_MALFORMED)
		return info->cls;
	info->l3_off = (uint16_t)off;
	switch (type) {
	case ETH_P_IPV4:
		return frame_ipv4(buf, off, len, info);
	case ETH_P_IPV6:
		return frame_ipv6(buf, off, len, info);
	case ETH_P_PTP_RAW:
		info->l3 = FRAME_L3_RAW_PTP;
		return frame_ptp(buf, off, len - off, 0, info);
	default:
		return frame_non_ptp(info);
	}
}

enum frame_class frame_classify_udp(const uint8_t *buf, size_t len,
				    const struct frame_scan_pos *pos,
				    struct frame_info *info)
{
	struct frame_cursor c = { .buf = buf, .off = pos->l4_off,
				  .end = pos->end };

	/* pos is frame_prescan()'s for this buf and len; one not within
	 * len gets the whole walk instead of trust */
	if (pos->end > len || pos->l4_off > pos->end ||
	    (pos->l3 != FRAME_L3_IPV4 && pos->l3 != FRAME_L3_IPV6) ||
	    (size_t)pos->l3_off + (pos->l3 == FRAME_L3_IPV6 ? IPV6_HLEN :
				   IPV4_MIN_HLEN) > pos->l4_off)
		return frame_classify(buf, len, info);
	memset(info, 0, sizeof(*info));
	frame_l2_flags(buf, info);
	info->n_vlans = pos->n_vlans;
	info->l3 = pos->l3;
	info->l3_off = pos->l3_off;
	frame_l3_flags(buf + pos->l3_off, pos->l3, info);
	return frame_udp(&c, info);
}

const char *frame_strerror(enum frame_err err)
{
	static const char *const names[FRAME_E__COUNT] = {
		[FRAME_E_NONE] = "none",
		[FRAME_E_TRUNC_L2] = "truncated L2 header",
		[FRAME_E_TRUNC_L3] = "bad or truncated IP header",
		[FRAME_E_IP_FRAGMENT] = "PTP in an IP fragment",
		[FRAME_E_TRUNC_UDP] = "bad or truncated UDP header",
		[FRAME_E_PTP_INVALID] = "invalid PTP header",
		[FRAME_E_PORT_MISMATCH] = "PTP message class on wrong UDP port",
	};

	if ((unsigned int)err >= FRAME_E__COUNT)
		return "unknown frame error";
	return names[err];
}

uint16_t csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word)
{
	uint32_t sum = (uint16_t)~csum;

	sum += (uint16_t)~old_word;
	sum += new_word;
	sum = (sum & 0xFFFF) + (sum >> 16);
	sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

/* True if info describes a PTP frame that fits in buf[0..len). */
static bool frame_info_fits(const uint8_t *buf, size_t len,
			    const struct frame_info *info)
{
	size_t ulen;

	if (info->cls != FRAME_PTP)
		return false;
	if ((size_t)info->ptp_off + PTP_HDR_LEN > len)
		return false;
	if (info->l3 == FRAME_L3_RAW_PTP)
		return true;
	if (info->l3 != FRAME_L3_IPV4 && info->l3 != FRAME_L3_IPV6)
		return false;
	if (info->l4_off == 0 || (size_t)info->l4_off + UDP_HLEN > info->ptp_off)
		return false;
	ulen = frame_rd16_(buf + info->l4_off + 4);
	return (size_t)info->l4_off + ulen <= len &&
	       (size_t)info->ptp_off + PTP_HDR_LEN <= (size_t)info->l4_off + ulen;
}

/*
 * Fold the change of n bytes at buf[at..at+n) from old[] to their current
 * values into the UDP checksum, word by word relative to the UDP header at
 * buf[l4] (works for any alignment; a byte past the UDP length pads as 0).
 */
static uint16_t frame_csum_fold_change(const uint8_t *buf, size_t l4,
				       size_t ulen, size_t at,
				       const uint8_t *old, size_t n,
				       uint16_t csum)
{
	size_t rel = (at - l4) & ~(size_t)1;
	size_t stop = at - l4 + n;
	uint8_t ow[2], nw[2];
	size_t k, i, pos;

	for (; rel < stop; rel += 2) {
		for (k = 0; k < 2; k++) {
			pos = l4 + rel + k;
			i = pos - at;
			nw[k] = rel + k < ulen ? buf[pos] : 0;
			ow[k] = (pos >= at && i < n) ? old[i] : nw[k];
		}
		csum = csum_update16(csum, frame_rd16_(ow), frame_rd16_(nw));
	}
	return csum;
}

/* A fitting frame's correctionField at an even offset of the datagram
 * and inside it (whole words), or a raw frame: the word path. */
static bool frame_cf_words(const uint8_t *buf, const struct frame_info *info)
{
	size_t at = (size_t)info->ptp_off + PTP_CF_OFF;

	if (info->l3 == FRAME_L3_RAW_PTP)
		return true;
	return ((at - info->l4_off) & 1) == 0 &&
	       at + PTP_CF_LEN <= (size_t)info->l4_off +
				   frame_rd16_(buf + info->l4_off + 4);
}

bool frame_cf_in_place_ok(const uint8_t *buf, size_t len,
			  const struct frame_info *info)
{
	return buf != NULL && info != NULL &&
	       frame_info_fits(buf, len, info) && frame_cf_words(buf, info);
}

int frame_add_correction(uint8_t *buf, size_t len,
			 const struct frame_info *info, ptp_cf_t delta)
{
	uint8_t old[PTP_CF_LEN];
	uint8_t *ptp, *udp;
	uint64_t ov;
	uint16_t csum;
	ptp_cf_t cf;

	if (buf == NULL || info == NULL || !frame_info_fits(buf, len, info))
		return -1;
	if (frame_cf_words(buf, info)) {	/* the usual case */
		frame_cf_add_in_place(buf, info, delta);
		return 0;
	}
	/* a field not in whole words of the datagram (no frame_classify()
	 * result: UDP puts it 16 bytes after the UDP header): word by word */
	ptp = buf + info->ptp_off;
	ov = frame_rd64_(ptp + PTP_CF_OFF);
	cf.scaled = (int64_t)ov;
	cf = ptp_cf_add_sat(cf, delta);
	frame_wr64_(ptp + PTP_CF_OFF, (uint64_t)cf.scaled);
	udp = buf + info->l4_off;
	csum = frame_rd16_(udp + UDP_CSUM_OFF);
	/* 0: no checksum was made (IPv4; IPv6 per RFC 6935/6936; a computed
	 * 0 is sent as 0xFFFF). Updating it would send a wrong one. */
	if (csum == 0)
		return 0;
	frame_wr64_(old, ov);
	csum = frame_csum_fold_change(buf, info->l4_off, frame_rd16_(udp + 4),
				      (size_t)info->ptp_off + PTP_CF_OFF, old,
				      PTP_CF_LEN, csum);
	frame_wr16_(udp + UDP_CSUM_OFF, csum == 0 ? 0xFFFF : csum);
	return 0;
}

uint32_t csum_add_bytes(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += frame_rd16_(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return csum_fold(sum);
}

uint16_t frame_udp_csum(const uint8_t *buf, size_t len,
			const struct frame_info *info)
{
	const uint8_t *udp, *ip;
	uint32_t sum = 0;
	size_t ulen, iplen;

	iplen = info->l3 == FRAME_L3_IPV6 ? IPV6_HLEN : IPV4_MIN_HLEN;
	if (info->l4_off == 0 || (size_t)info->l4_off + UDP_HLEN > len ||
	    (size_t)info->l3_off + iplen > info->l4_off)
		return 0;
	ip = buf + info->l3_off;
	udp = buf + info->l4_off;
	ulen = frame_rd16_(udp + 4);
	if (ulen < UDP_HLEN || info->l4_off + ulen > len)
		return 0;
	if (info->l3 == FRAME_L3_IPV4)
		sum = csum_add_bytes(sum, ip + 12, 8);
	else if (info->l3 == FRAME_L3_IPV6)
		sum = csum_add_bytes(sum, ip + 8, 32);
	else
		return 0;
	sum += IPPROTO_UDP_ + ulen;
	sum = csum_add_bytes(sum, udp, UDP_CSUM_OFF);
	sum = csum_add_bytes(sum, udp + UDP_HLEN, ulen - UDP_HLEN);
	sum = (uint16_t)~sum;
	return sum == 0 ? 0xFFFF : (uint16_t)sum;
}

void frame_mac_str(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}
