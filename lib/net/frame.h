/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_NET_FRAME_H
#define PTPSW_NET_FRAME_H

/*
 * Frame classifier: finds PTP in Ethernet frames (0..2 VLAN tags) carried
 * over IPv4 (with options) or IPv6 UDP 319/320, or raw Ethernet 0x88F7,
 * and the in-place correctionField rewrite with an RFC 1624 incremental
 * UDP checksum update. Plain byte buffers: no EAL.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ptp/ptp_time.h"

#define ETH_P_PTP_RAW	0x88F7
#define FRAME_UDP_CSUM_OFF	6	/* checksum in the UDP header */
#define FRAME_PTP_CF_OFF	8	/* correctionField in the PTP header */
#define PTP_UDP_EVENT	319
#define PTP_UDP_GENERAL	320

enum frame_l3 {
	FRAME_L3_OTHER = 0,
	FRAME_L3_IPV4,
	FRAME_L3_IPV6,
	FRAME_L3_RAW_PTP,	/* EtherType 0x88F7 directly */
};

/* Classification result: what the frame is and where things sit. */
enum frame_class {
	FRAME_NON_PTP = 0,	/* forward unchanged */
	FRAME_PTP,		/* well-formed PTP (header checked) */
	FRAME_MALFORMED,	/* looked like PTP / IP / UDP but is broken: drop */
};

/* Reasons for FRAME_MALFORMED; also used as drop-counter indices. */
enum frame_err {
	FRAME_E_NONE = 0,
	FRAME_E_TRUNC_L2,	/* shorter than Ethernet/VLAN headers */
	FRAME_E_TRUNC_L3,	/* IP header truncated or IHL/payload length bad */
	FRAME_E_IP_FRAGMENT,	/* PTP UDP port in a fragment: not corrected */
	FRAME_E_TRUNC_UDP,	/* UDP header truncated or UDP length bad */
	FRAME_E_PTP_INVALID,	/* PTP header failed ptp_hdr_check() */
	FRAME_E_PORT_MISMATCH,	/* event type on 320 or general type on 319 */
	FRAME_E__COUNT
};

/* Flags are set as far as the walk got, also for non-PTP frames. */
#define FRAME_F_L2_MCAST	(1u << 0)	/* destination MAC group bit
						 * (also set for broadcast) */
#define FRAME_F_L3_MCAST	(1u << 1)	/* IPv4 224/4 or IPv6 ff00::/8 */
#define FRAME_F_EVENT		(1u << 2)	/* PTP event message */
#define FRAME_F_TWO_STEP	(1u << 3)	/* twoStepFlag set */
#define FRAME_F_UDP_CSUM	(1u << 4)	/* UDP checksum is non-zero */
#define FRAME_F_L2_BCAST	(1u << 5)	/* ff:ff:ff:ff:ff:ff */

struct frame_info {
	enum frame_class cls;
	enum frame_err err;
	enum frame_l3 l3;
	uint8_t n_vlans;
	uint16_t flags;		/* FRAME_F_* */
	uint16_t l3_off;	/* start of IP header (or PTP for raw) */
	uint16_t l4_off;	/* start of UDP header, 0 if none */
	uint16_t ptp_off;	/* start of PTP header, 0 if not PTP */
	uint16_t ptp_len;	/* messageLength (validated) */
	uint8_t ptp_type;
	uint8_t domain;
	uint16_t seq_id;
};

/*
 * Classify a frame of len bytes. Never reads beyond buf[len-1].
 * Walks at most 2 VLAN tags (TPID 0x8100, 0x88A8, 0x9100; a third tag makes
 * the frame non-PTP), IPv4 (IHL >= 5, total length within the frame; the
 * header checksum is not verified), IPv6 (Hop-by-Hop, Routing and
 * Destination Options headers skipped), UDP to destination port 319/320,
 * or EtherType 0x88F7. Frames that are not IP, not UDP, or to other ports
 * are FRAME_NON_PTP; a non-first IP fragment is FRAME_NON_PTP (it has no
 * UDP header); a first fragment (or any IPv6 Fragment header) to port
 * 319/320 is FRAME_E_IP_FRAGMENT. A buffer longer than 65535 bytes is
 * classified on its first 65535 bytes.
 * Returns info->cls; info->err says why when FRAME_MALFORMED.
 */
enum frame_class frame_classify(const uint8_t *buf, size_t len,
				struct frame_info *info);

/* helpers of frame_prescan() */
static inline uint16_t frame_rd16_(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

/* v at p in network order (lib/net's frame editors and builders) */
static inline void frame_wr16_(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint64_t frame_rd64_(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* 4 octets at p as a little-endian integer (octet k at bits 8k..8k+7),
 * on any host */
static inline uint32_t frame_le32_(const uint8_t *p)
{
	/* one load where the host is little-endian (gcc, clang) */
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* p, as a value gcc cannot see through (no instruction): loads through
 * the result stay after this point, so the pre-test's rare paths are not
 * paid for by every frame. */
static inline const uint8_t *frame_no_hoist_(const uint8_t *p)
{
	__asm__("" : "+r"(p));
	return p;
}

static inline bool frame_tpid_(uint16_t type)
{
	return type == 0x8100 || type == 0x88A8 || type == 0x9100;
}

/* What frame_prescan() found. */
enum frame_scan {
	FRAME_SCAN_OTHER = 0,	/* not sure: frame_classify() */
	FRAME_SCAN_NON_PTP,	/* frame_classify() says FRAME_NON_PTP */
	FRAME_SCAN_UDP_PTP,	/* IP header fine, unfragmented UDP to 319/320:
				 * frame_classify_udp() goes on from there */
};

/* Where frame_prescan() got to (FRAME_SCAN_UDP_PTP). */
struct frame_scan_pos {
	enum frame_l3 l3;
	uint8_t n_vlans;
	uint16_t l3_off;
	uint16_t l4_off;
	uint16_t end;		/* end of the IP payload */
};

static __attribute__((always_inline)) inline unsigned int
frame_ev_at_(const uint8_t *udp, unsigned int room);

/* The pre-test's end for unfragmented UDP to port d (319 or 320) at
 * buf + l4, its IP payload ending at buf + end: with ev (the fused
 * frame_prescan_event()) a Sync or Delay_Req's PTP header offset into
 * *ev and *pos not filled, else *pos filled. */
static __attribute__((always_inline)) inline enum frame_scan
frame_prescan_udp_(const uint8_t *buf, enum frame_l3 l3, size_t off,
		   size_t l4, size_t end, uint8_t n_vlans, uint16_t d,
		   struct frame_scan_pos *pos, unsigned int *ev)
{
	if (ev != NULL && d == PTP_UDP_EVENT &&
	    (*ev = frame_ev_at_(buf + l4, (unsigned int)(end - l4))) != 0) {
		*ev += (unsigned int)l4;
		return FRAME_SCAN_UDP_PTP;
	}
	pos->l3 = l3;
	pos->l4_off = (uint16_t)l4;
	pos->end = (uint16_t)end;
	pos->n_vlans = n_vlans;
	pos->l3_off = (uint16_t)off;
	return FRAME_SCAN_UDP_PTP;
}

/* frame_prescan() of an IPv4 header at buf + off whose first octet is
 * fine (hlen: its length); inlined with each caller's constants (the
 * usual IHL 5 among them) */
static __attribute__((always_inline)) inline enum frame_scan
frame_prescan_v4_(const uint8_t *buf, size_t len, size_t off, size_t hlen,
		  uint8_t n_vlans, struct frame_scan_pos *pos,
		  unsigned int *ev)
{
	const uint8_t *ip = buf + off;
	size_t tot = frame_rd16_(ip + 2);
	uint16_t d;

	if (tot < hlen || tot > len - off)
		return FRAME_SCAN_OTHER;
	if (ip[9] != 17)
		return FRAME_SCAN_NON_PTP;
	if (frame_rd16_(ip + 6) & 0x1FFF)	/* non-first fragment */
		return FRAME_SCAN_NON_PTP;
	if (tot - hlen < 8)
		return FRAME_SCAN_OTHER;
	d = frame_rd16_(ip + hlen + 2);
	if ((uint16_t)(d - PTP_UDP_EVENT) > PTP_UDP_GENERAL - PTP_UDP_EVENT)
		return FRAME_SCAN_NON_PTP;
	if (frame_rd16_(ip + 6) & 0x2000)	/* first fragment */
		return FRAME_SCAN_OTHER;
	return frame_prescan_udp_(buf, FRAME_L3_IPV4, off, off + hlen,
				  off + tot, n_vlans, d, pos, ev);
}

/* frame_prescan() from the IP header on (off: its offset, type: the
 * EtherType before it); inlined with each caller's constant offset */
static __attribute__((always_inline)) inline enum frame_scan
frame_prescan_l3_(const uint8_t *buf, size_t len, uint16_t type, size_t off,
		  uint8_t n_vlans, struct frame_scan_pos *pos,
		  unsigned int *ev)
{
	const uint8_t *ip = buf + off;
	size_t plen;
	uint16_t d;
	uint8_t nh;

	if (type == 0x0800) {
		/* version 4, IHL 5..15 */
		if (len - off < 20 || (uint8_t)(ip[0] - 0x45) > 0x0A)
			return FRAME_SCAN_OTHER;
		if (ip[0] == 0x45)
			return frame_prescan_v4_(buf, len, off, 20, n_vlans,
						 pos, ev);
		return frame_prescan_v4_(buf, len, off,
					 (size_t)(ip[0] & 0x0F) * 4, n_vlans,
					 pos, ev);
	} else if (type == 0x86DD) {
		if (len - off < 40 || (ip[0] >> 4) != 6)
			return FRAME_SCAN_OTHER;
		plen = frame_rd16_(ip + 4);
		if (off + 40 + plen > len)
			return FRAME_SCAN_OTHER;
		nh = ip[6];
		if (nh != 17)
			return nh == 0 || nh == 43 || nh == 44 || nh == 60 ?
			       FRAME_SCAN_OTHER :	/* extension headers */
			       FRAME_SCAN_NON_PTP;
		if (plen < 8)
			return FRAME_SCAN_OTHER;
		d = frame_rd16_(ip + 42);
		if ((uint16_t)(d - PTP_UDP_EVENT) >
		    PTP_UDP_GENERAL - PTP_UDP_EVENT)
			return FRAME_SCAN_NON_PTP;
		return frame_prescan_udp_(buf, FRAME_L3_IPV6, off, off + 40,
					  off + 40 + plen, n_vlans, d, pos,
					  ev);
	}
	return type == ETH_P_PTP_RAW ? FRAME_SCAN_OTHER : FRAME_SCAN_NON_PTP;
}

/* frame_prescan_usual_(): not decided, the steps decide */
#define FRAME_SCAN_STEPS_	((enum frame_scan)3)

/*
 * The pre-test's usual frame, in whole words: an IPv4 header with
 * version 4 and IHL 5 at buf + off (behind n_vlans tags; off + 28 <= len
 * <= 65535), whose total length holds a UDP header and fits the frame.
 * Its verdict is the one of the steps (frame_prescan_v4_ with hlen 20);
 * FRAME_SCAN_STEPS_ if the total length is not such. Little-endian loads
 * (frame_le32_): octet k of a word at bits 8k..8k+7. *pos only for
 * FRAME_SCAN_UDP_PTP.
 */
static __attribute__((always_inline)) inline enum frame_scan
frame_prescan_usual_(const uint8_t *buf, size_t len, size_t off,
		     uint8_t n_vlans, struct frame_scan_pos *pos,
		     unsigned int *ev)
{
	size_t tot = frame_rd16_(buf + off + 2);
	uint32_t w;

	if (tot - 28 > len - off - 28)
		return FRAME_SCAN_STEPS_;
	/* flags/offset (IP octets 6, 7), protocol (9): UDP, fragment
	 * offset 0, else NON_PTP */
	w = frame_le32_(buf + off + 6);
	if ((w & 0xFF00FF1Fu) != 0x11000000u)
		return FRAME_SCAN_NON_PTP;
	/* UDP destination 319 or 320: octets 01 3F or 01 40 (the low 16
	 * bits of a difference depend on the operands' low 16 bits only) */
	if (((frame_le32_(buf + off + 22) - 0x3F01u) & 0xFEFFu) != 0)
		return FRAME_SCAN_NON_PTP;
	/* gcc would load what follows before the tests above, for every
	 * frame */
	buf = frame_no_hoist_(buf);
	if (w & 0x20u)			/* first fragment */
		return FRAME_SCAN_OTHER;
	return frame_prescan_udp_(buf, FRAME_L3_IPV4, off, off + 20,
				  off + tot, n_vlans,
				  frame_rd16_(buf + off + 22), pos, ev);
}

/* frame_prescan(); with ev, frame_prescan_event() (*ev: 0 or its
 * result) */
static __attribute__((always_inline)) inline enum frame_scan
frame_prescan_(const uint8_t *buf, size_t len, struct frame_scan_pos *pos,
	       unsigned int *ev)
{
	enum frame_scan s;
	uint16_t type;
	uint32_t w;

	/* the usual frame first (frame_prescan_usual_()): untagged IPv4,
	 * IHL 5; anything else takes the steps below. Little-endian
	 * loads: octet k of a word at bits 8k..8k+7 */
	if (len - 42 <= UINT16_MAX - 42) {	/* 42 <= len <= 65535 */
		/* EtherType 0x0800, version 4 and IHL 5 */
		w = frame_le32_(buf + 12);
		if ((w & 0xFFFFFFu) == 0x450008u) {
			s = frame_prescan_usual_(buf, len, 14, 0, pos, ev);
			if (s != FRAME_SCAN_STEPS_)
				return s;
			goto steps;
		}
		/* not the usual frame: its loads are made from here on */
		buf = frame_no_hoist_(buf);
		/* EtherType 0x86DD: the steps below from the IPv6 header */
		if ((w & 0xFFFFu) == 0xDD86u)
			return frame_prescan_l3_(buf, len, 0x86DD, 14, 0, pos,
						 ev);
		/* one 802.1Q tag (TPID 0x8100), then the usual frame's
		 * header or the IPv6 header: what the steps below decide
		 * for such a frame, without their walk */
		if ((w & 0xFFFFu) == 0x0081u && len >= 46) {
			w = frame_le32_(buf + 16);
			if ((w & 0xFFFFFFu) == 0x450008u) {
				s = frame_prescan_usual_(buf, len, 18, 1, pos,
							 ev);
				if (s != FRAME_SCAN_STEPS_)
					return s;
				goto steps;
			}
			if ((w & 0xFFFFu) == 0xDD86u)
				return frame_prescan_l3_(buf, len, 0x86DD, 18,
							 1, pos, ev);
		}
	}
steps:
	if (len - 14 > UINT16_MAX - 14)		/* len < 14 or > 65535 */
		return FRAME_SCAN_OTHER;
	type = frame_rd16_(buf + 12);
	if (type == 0x0800)
		return frame_prescan_l3_(buf, len, 0x0800, 14, 0, pos, ev);
	if (type == 0x86DD)
		return frame_prescan_l3_(buf, len, 0x86DD, 14, 0, pos, ev);
	if (!frame_tpid_(type))
		return frame_prescan_l3_(buf, len, type, 14, 0, pos, ev);
	if (len < 18)
		return FRAME_SCAN_OTHER;
	type = frame_rd16_(buf + 16);
	if (frame_tpid_(type))
		return FRAME_SCAN_OTHER;
	return frame_prescan_l3_(buf, len, type, 18, 1, pos, ev);
}

/*
 * Fast-path pre-test, cheaper than frame_classify(), for untagged or
 * single-tagged frames. FRAME_SCAN_NON_PTP only if frame_classify(buf,
 * len) would return FRAME_NON_PTP: an EtherType other than IPv4, IPv6,
 * 0x88F7 or a VLAN TPID; a well-formed IPv4 header (the checks
 * frame_classify makes) that is not UDP, a non-first fragment, or UDP to a
 * port other than 319/320; a well-formed IPv6 header without extension
 * headers that is not UDP, or UDP to another port. FRAME_SCAN_UDP_PTP
 * with *pos for an unfragmented datagram of at least 8 bytes to 319/320
 * behind such a header. Anything else: FRAME_SCAN_OTHER.
 * Reads at most the IP header and the UDP header's first four bytes.
 */
static inline enum frame_scan frame_prescan(const uint8_t *buf, size_t len,
					    struct frame_scan_pos *pos)
{
	return frame_prescan_(buf, len, pos, NULL);
}

/* True only if frame_classify(buf, len) would return FRAME_NON_PTP
 * (frame_prescan() says FRAME_SCAN_NON_PTP). */
static inline bool frame_surely_non_ptp(const uint8_t *buf, size_t len)
{
	struct frame_scan_pos pos;

	return frame_prescan(buf, len, &pos) == FRAME_SCAN_NON_PTP;
}

/*
 * frame_classify() of a frame frame_prescan() found FRAME_SCAN_UDP_PTP
 * (buf and len the same), going on from the UDP header at pos: fills info
 * exactly as frame_classify() does, without walking L2/L3 again.
 */
enum frame_class frame_classify_udp(const uint8_t *buf, size_t len,
				    const struct frame_scan_pos *pos,
				    struct frame_info *info);

/* Name of an error for counters and logs (static, never NULL). */
const char *frame_strerror(enum frame_err err);

/*
 * Add delta to the correctionField of a classified PTP frame in place
 * (saturating, ptp_cf_add_sat) and update the UDP checksum incrementally
 * (RFC 1624) over the changed 16-bit words, whatever their alignment
 * relative to the UDP header: a checksum of 0 (none made: IPv4, or IPv6
 * zero-checksum UDP, RFC 6935/6936) stays 0, a result of 0 becomes 0xFFFF.
 * Raw 0x88F7 frames have no checksum.
 * Fast path: no allocation, no side effect other than the 8 + 2 bytes.
 * Returns 0, or -1 (buffer untouched) if info does not describe a PTP frame
 * that fits in this buffer.
 */
int frame_add_correction(uint8_t *buf, size_t len,
			 const struct frame_info *info, ptp_cf_t delta);

/*
 * True if frame_add_correction(buf, len, info, ...) would succeed and take
 * its word path: info describes a PTP frame that fits in buf[0..len) and
 * either is raw 0x88F7 (no checksum) or has its correctionField in whole
 * 16-bit words inside the UDP datagram. Always so for what
 * frame_classify() calls FRAME_PTP (test_frame and fuzz_frame check it).
 */
bool frame_cf_in_place_ok(const uint8_t *buf, size_t len,
			  const struct frame_info *info);

/* helpers of frame_cf_add_in_place() (and frame_rd64_ above) */
static inline void frame_wr64_(uint8_t *p, uint64_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	memcpy(p, &v, sizeof(v));
}

/* The word path's steps: the correctionField at cfp, the UDP checksum at
 * csp (NULL: none, raw 0x88F7). */
static inline void frame_cf_add_at_(uint8_t *cfp, uint8_t *csp,
				    ptp_cf_t delta)
{
	uint64_t ov = frame_rd64_(cfp);
	ptp_cf_t cf = { .scaled = (int64_t)ov };
	uint64_t sum;
	uint32_t s32;
	uint16_t csum;
	bool c;

	cf = ptp_cf_add_sat(cf, delta);
	frame_wr64_(cfp, (uint64_t)cf.scaled);
	if (csp == NULL)
		return;
	csum = frame_rd16_(csp);
	if (csum == 0)		/* none made: stays none */
		return;
	/* ~csum + ~old + new in 64-bit one's complement (end-around
	 * carries: 2^64 = 1 as 2^16 = 1), then folded to 16 bits */
	sum = (uint16_t)~csum;
	c = __builtin_add_overflow(sum, ~ov, &sum);
	sum += c;			/* no carry out: sum < ~ov here */
	c = __builtin_add_overflow(sum, (uint64_t)cf.scaled, &sum);
	sum += c;
	/* folds by rotation: the upper half of x + (x rotated by half its
	 * width) is the end-around sum of x's halves (0 only for x = 0) */
	sum = (sum + ((sum << 32) | (sum >> 32))) >> 32;
	s32 = (uint32_t)sum;
	s32 = (s32 + ((s32 << 16) | (s32 >> 16))) >> 16;
	csum = (uint16_t)~s32;
	if (csum == 0)
		csum = 0xFFFF;
	csp[0] = (uint8_t)(csum >> 8);
	csp[1] = (uint8_t)csum;
}

/*
 * The word path of frame_add_correction(), for a frame
 * frame_cf_in_place_ok() accepts, without checking it: saturating add,
 * RFC 1624 eqn. 3 over the field's four words, a checksum of 0 stays 0,
 * a result of 0 becomes 0xFFFF. The same bytes as frame_add_correction().
 */
static inline void frame_cf_add_in_place(uint8_t *buf,
					 const struct frame_info *info,
					 ptp_cf_t delta)
{
	frame_cf_add_at_(buf + info->ptp_off + FRAME_PTP_CF_OFF,
			 info->l3 == FRAME_L3_RAW_PTP ? NULL :
			 buf + info->l4_off + FRAME_UDP_CSUM_OFF, delta);
}

/*
 * The fast path's tests of a UDP header at udp to port 319 (the caller
 * knows), room bytes before the end of the IP payload (at least 8): 8 if
 * the PTP header behind it has a messageType whose bits 1..3 are type1
 * (0: Sync or Delay_Req, 2: Pdelay_Req or Pdelay_Resp), versionPTP 2 and
 * alternateMasterFlag clear, and min <= messageLength <= UDP length - 8
 * <= room - 8; else 0. Inlined with each caller's constants.
 */
static __attribute__((always_inline)) inline unsigned int
frame_udp_ptp_at_(const uint8_t *udp, unsigned int room, unsigned int type1,
		  unsigned int min)
{
	unsigned int ulen, mlen;
	uint64_t h;

	ulen = frame_rd16_(udp + 4);
	if (ulen < 8 + min || ulen > room)
		return 0;
	/* the PTP header's first 8 octets, octet k at bits 8k..8k+7 */
	memcpy(&h, udp + 8, sizeof(h));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	h = __builtin_bswap64(h);
#endif
	/* messageType's bits 1..3 (bit 0 either way), versionPTP 2,
	 * alternateMasterFlag (octet 6, bit 0) clear */
	if ((h & 0x0001000000000F0Eull) != (0x0000000000000200ull | type1))
		return 0;
	mlen = frame_rd16_(udp + 10);
	if (mlen - min > ulen - 8 - min)	/* min <= mlen <= ulen - 8 */
		return 0;
	return 8;
}

/* frame_ptp_event() of such a UDP header: a Sync or Delay_Req */
static __attribute__((always_inline)) inline unsigned int
frame_ev_at_(const uint8_t *udp, unsigned int room)
{
	return frame_udp_ptp_at_(udp, room, 0, 44);
}

/* frame_udp_ptp_at_() of the datagram at pos (frame_prescan()'s
 * FRAME_SCAN_UDP_PTP for buf) if it goes to port 319: the PTP header's
 * offset, else 0 */
static __attribute__((always_inline)) inline unsigned int
frame_udp_ptp_(const uint8_t *buf, const struct frame_scan_pos *pos,
	       unsigned int type1, unsigned int min)
{
	unsigned int l4 = pos->l4_off;

	/* destination 319 or 320 (prescan): 319 has the low octet 0x3F */
	return buf[l4 + 3] == (PTP_UDP_EVENT & 0xFF) &&
	       frame_udp_ptp_at_(buf + l4, (unsigned int)pos->end - l4,
				 type1, min) ? l4 + 8 : 0;
}

/*
 * The fast path's PTP test, after frame_prescan() said FRAME_SCAN_UDP_PTP
 * for buf (pos its result): the offset of the PTP header (its UDP header
 * right before it, so never 0) only for a datagram to port 319 holding a
 * well-formed Sync or Delay_Req (versionPTP 2, messageLength at least 44
 * and within the UDP length, which is within the IP payload) whose
 * alternateMasterFlag is clear. For such a frame frame_classify() says
 * FRAME_PTP with the same offsets (ptp_off, l4_off 8 less), the type in
 * the low nibble of its first octet and the domain in its fifth,
 * tc_in_place() accepts it in one-step mode, frame_cf_in_place_ok() holds
 * and watchdog_check() has nothing to count (test_frame and fuzz_frame
 * check all of it). 0 says nothing: frame_classify_udp() decides. Reads
 * at most the UDP header and the PTP header's first 8 bytes, all inside
 * pos->end.
 */
static inline unsigned int frame_ptp_event(const uint8_t *buf,
					   const struct frame_scan_pos *pos)
{
	return frame_udp_ptp_(buf, pos, 0, 44);
}

/*
 * frame_ptp_event() for peer delay: after frame_prescan() said
 * FRAME_SCAN_UDP_PTP for buf (pos its result), the offset of the PTP
 * header only for a datagram to port 319 holding a well-formed
 * Pdelay_Req or Pdelay_Resp (versionPTP 2, messageLength at least 54 and
 * within the UDP length, which is within the IP payload) whose
 * alternateMasterFlag is clear. For such a frame frame_classify() says
 * FRAME_PTP with the same offsets and its type and domain, and
 * watchdog_check() counts exactly one pdelay (test_frame and fuzz_frame
 * check it). Else 0: frame_classify_udp() decides. Reads at most the
 * UDP header and the PTP header's first 8 bytes, all inside pos->end.
 */
static inline unsigned int frame_pdelay(const uint8_t *buf,
					const struct frame_scan_pos *pos)
{
	return frame_udp_ptp_(buf, pos, 2, 54);
}

/*
 * frame_prescan() and frame_ptp_event() in one pass, for the fast path:
 * the offset of the PTP header of a Sync or Delay_Req that
 * frame_ptp_event() would accept after frame_prescan() said
 * FRAME_SCAN_UDP_PTP (*scan FRAME_SCAN_UDP_PTP, *pos NOT filled: call
 * frame_prescan() for it), else 0 with *scan and *pos as frame_prescan()
 * leaves them. test_frame and fuzz_frame check both against the two
 * calls.
 */
static __attribute__((always_inline)) inline unsigned int
frame_prescan_event(const uint8_t *buf, size_t len,
		    struct frame_scan_pos *pos, enum frame_scan *scan)
{
	unsigned int ev = 0;

	*scan = frame_prescan_(buf, len, pos, &ev);
	return ev;
}

/*
 * -delta modulo 0xFFFF as a 16-bit value (0..0xFFFF): what adding delta to
 * a 64-bit field subtracts from a 16-bit one's complement checksum over
 * it (2^16 = 1 and so 2^64 = 1 modulo 0xFFFF). For frame_cf_add_udp_m(),
 * once per delta.
 */
static inline uint32_t frame_cf_csum_neg(ptp_cf_t delta)
{
	uint64_t x = ~(uint64_t)delta.scaled;	/* 2^64 - 1 - delta */

	x = (x & 0xFFFFFFFFu) + (x >> 32);	/* < 2^33 */
	x = (x & 0xFFFFu) + (x >> 16);		/* < 2^17 + 2^16 */
	x = (x & 0xFFFFu) + (x >> 16);		/* <= 0xFFFF + 2 */
	return (uint32_t)((x & 0xFFFFu) + (x >> 16));
}

/*
 * frame_cf_add_udp() with neg = frame_cf_csum_neg(delta): without
 * saturation the new field is old + delta - c * 2^64 (c: the carry out of
 * the unsigned add), so the checksum becomes csum - delta + c modulo
 * 0xFFFF: csum + neg + c folded, which is never 0 for a checksum that is
 * not 0 (0xFFFF stands for the zero class, as frame_cf_add_at_() maps
 * it). The same bytes as frame_cf_add_at_(); a saturated sum takes its
 * steps.
 */
static inline void frame_cf_add_udp_m(uint8_t *ptp, ptp_cf_t delta,
				      uint32_t neg)
{
	uint8_t *cfp = ptp + FRAME_PTP_CF_OFF;
	uint8_t *csp = ptp - 8 + FRAME_UDP_CSUM_OFF;
	uint64_t ov = frame_rd64_(cfp);
	int64_t nv;
	uint32_t s;
	uint16_t csum;

	if (__builtin_add_overflow((int64_t)ov, delta.scaled, &nv)) {
		frame_cf_add_at_(cfp, csp, delta);	/* saturates */
		return;
	}
	frame_wr64_(cfp, (uint64_t)nv);
	memcpy(&csum, csp, 2);		/* 0 in either byte order */
	if (csum == 0)			/* none made: stays none */
		return;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	csum = __builtin_bswap16(csum);
#endif
	s = (uint32_t)csum + neg + ((uint64_t)nv < ov);	/* <= 0x1FFFF */
	csum = (uint16_t)((s + ((s << 16) | (s >> 16))) >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	csum = __builtin_bswap16(csum);
#endif
	memcpy(csp, &csum, 2);
}

/* frame_cf_add_in_place() for a message frame_ptp_event() found, its PTP
 * header at ptp (the UDP header right before it). */
static inline void frame_cf_add_udp(uint8_t *ptp, ptp_cf_t delta)
{
	frame_cf_add_udp_m(ptp, delta, frame_cf_csum_neg(delta));
}

/* RFC 1624 (eqn. 3) incremental update of a 16-bit one's complement
 * checksum when 16-bit word old_word becomes new_word. All three in the
 * same byte order. Returns the new checksum (may be 0: the caller maps
 * 0 to 0xFFFF where the protocol requires it). */
uint16_t csum_update16(uint16_t csum, uint16_t old_word, uint16_t new_word);

/* A one's complement sum folded to 16 bits (end-around carries; 0 only
 * for 0). */
static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)sum;
}

/* The one's complement sum (RFC 1071) of n bytes at p as big-endian
 * 16-bit words (an odd last byte padded with zero) added to sum, folded
 * to 16 bits (csum_fold). The checksum of the data is ~ of it. */
uint32_t csum_add_bytes(uint32_t sum, const uint8_t *p, size_t n);

/* The 48 bits of a MAC address as an integer, first octet most
 * significant (01:23:45:67:89:ab is 0x0123456789ab). */
static inline uint64_t frame_mac48(const uint8_t *mac)
{
	return (uint64_t)mac[0] << 40 | (uint64_t)mac[1] << 32 |
	       (uint64_t)mac[2] << 24 | (uint64_t)mac[3] << 16 |
	       (uint64_t)mac[4] << 8 | mac[5];
}

/* The MAC at mac as text, lower-case hex with colons (17 characters and
 * the NUL: FRAME_MAC_STR_LEN), into buf of len bytes (cut to fit). */
#define FRAME_MAC_STR_LEN	18
void frame_mac_str(const uint8_t mac[6], char *buf, size_t len);

/* Full UDP checksum computation over IPv4/IPv6 pseudo header, UDP header and
 * payload (UDP length from the header), ignoring the stored checksum (tests,
 * building frames). Returns the checksum in host order (never 0: 0 -> 0xFFFF),
 * or 0 if info does not describe an IP/UDP frame that fits in len. */
uint16_t frame_udp_csum(const uint8_t *buf, size_t len,
			const struct frame_info *info);

#endif /* PTPSW_NET_FRAME_H */
