/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the frame classifier and the correctionField rewrite.
 *
 * Frames are built here layer by layer (Ethernet, VLAN tags, IPv4 with
 * options or IPv6 with extension headers, UDP, PTP from ptp_msg_build()),
 * and the builder records where each layer starts. The classifier's result
 * is checked against those offsets; checksums are checked with a reference
 * one's complement sum written independently of lib/net/frame.c.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cunit_main.h"
#include "net/frame.h"
#include "ptp/msg.h"
#include "ptp/ptp_time.h"
#include "net/watchdog.h"
#include "tc/tc.h"

#define BUF_CAP 2048

/* ---------- deterministic random numbers ---------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd64(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)(rnd64() % n);
}

/* ---------- reference checksum (independent of frame.c) ---------- */

/* Sum bytes into a 32-bit accumulator: even offsets are high octets. */
static uint64_t ref_sum(uint64_t acc, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		acc += (i % 2 == 0) ? (uint64_t)p[i] * 256 : p[i];
	return acc;
}

static uint16_t ref_fold(uint64_t acc)
{
	while (acc > 0xFFFF)
		acc = (acc & 0xFFFF) + (acc >> 16);
	return (uint16_t)acc;
}

/* One's complement sum of pseudo header + UDP segment as stored. */
static uint16_t ref_udp_sum(const uint8_t *f, size_t l3_off, size_t l4_off,
			    bool v6)
{
	size_t ulen = (size_t)f[l4_off + 4] * 256 + f[l4_off + 5];
	uint64_t acc = 17 + ulen;

	if (v6)
		acc = ref_sum(acc, f + l3_off + 8, 32);
	else
		acc = ref_sum(acc, f + l3_off + 12, 8);
	acc = ref_sum(acc, f + l4_off, ulen);
	return ref_fold(acc);
}

/* Fill in a UDP checksum: computed over a zero field, 0 sent as 0xFFFF. */
static void ref_udp_fill(uint8_t *f, size_t l3_off, size_t l4_off, bool v6)
{
	uint16_t c;

	f[l4_off + 6] = 0;
	f[l4_off + 7] = 0;
	c = (uint16_t)~ref_udp_sum(f, l3_off, l4_off, v6);
	if (c == 0)
		c = 0xFFFF;
	f[l4_off + 6] = (uint8_t)(c >> 8);
	f[l4_off + 7] = (uint8_t)c;
}

/* A stored checksum is valid when everything sums to 0xFFFF. */
static bool ref_udp_ok(const uint8_t *f, size_t l3_off, size_t l4_off,
		       bool v6)
{
	return ref_udp_sum(f, l3_off, l4_off, v6) == 0xFFFF;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] * 256 + p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int64_t get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v * 256 + p[i];
	return (int64_t)v;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

/* ---------- PTP messages ---------- */

struct msg_spec {
	uint8_t type;
	uint16_t flags;
	uint8_t domain;
	uint16_t seq;
	int64_t cf;
};

static const uint8_t tlv_value[6] = { 0xB0, 0x01, 0x02, 0x03, 0x04, 0x05 };

/* Build a PTP message with ptp_msg_build(). Returns its length. */
static int make_ptp(const struct msg_spec *s, uint8_t *buf, size_t cap)
{
	struct ptp_msg m;
	int i;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = s->type;
	m.hdr.versionPTP = 2;
	m.hdr.minorVersionPTP = 1;
	m.hdr.domainNumber = s->domain;
	m.hdr.flagField = s->flags;
	m.hdr.correction.scaled = s->cf;
	m.hdr.sequenceId = s->seq;
	m.hdr.logMessageInterval = 0x7F;
	for (i = 0; i < 8; i++)
		m.hdr.sourcePortIdentity.clock.id[i] = (uint8_t)(0x10 + i);
	m.hdr.sourcePortIdentity.port = 1;
	switch (s->type) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
		m.body.sync.ts.sec = 1700000000;
		m.body.sync.ts.nsec = 123456789;
		break;
	case PTP_DELAY_RESP:
		m.body.resp.ts.sec = 1700000001;
		m.body.resp.ts.nsec = 5;
		m.body.resp.requestingPortIdentity.port = 7;
		break;
	case PTP_ANNOUNCE:
		m.body.announce.currentUtcOffset = 37;
		m.body.announce.grandmasterPriority1 = 128;
		m.body.announce.grandmasterPriority2 = 128;
		m.body.announce.grandmasterClockQuality.clockClass = 6;
		m.body.announce.timeSource = 0x20;
		break;
	case PTP_SIGNALING:
		m.n_tlvs = 1;
		m.tlvs[0].type = PTP_TLV_REQUEST_UNICAST_TRANSMISSION;
		m.tlvs[0].length = sizeof(tlv_value);
		m.tlvs[0].value = tlv_value;
		break;
	default:
		break;
	}
	return ptp_msg_build(&m, buf, cap);
}

/* ---------- frames ---------- */

enum dst_kind { DST_UCAST, DST_MCAST, DST_BCAST };

struct frame_spec {
	enum frame_l3 l3;	/* IPV4, IPV6 or RAW_PTP */
	unsigned int n_vlans;
	uint16_t tpid[2];
	enum dst_kind l2_dst;
	bool l3_mcast;
	unsigned int ip_opt_words;	/* IPv4 options, 4 bytes each */
	unsigned int v6_ext;		/* IPv6 Destination Options headers */
	uint16_t sport, dport;
	bool csum;
	unsigned int udp_extra;		/* bytes after the PTP message */
	unsigned int eth_pad;		/* bytes after the IP datagram */
};

/* Where the builder put things: the expected classifier offsets. */
struct frame_layout {
	size_t len;
	size_t l3_off, l4_off, ptp_off, ptp_len;
};

static size_t put_l2(const struct frame_spec *s, uint8_t *f, uint16_t etype)
{
	static const uint8_t mc4[6] = { 0x01, 0x00, 0x5E, 0x00, 0x01, 0x81 };
	static const uint8_t uc[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	size_t off = 12;
	unsigned int i;

	if (s->l2_dst == DST_BCAST)
		memset(f, 0xFF, 6);
	else
		memcpy(f, s->l2_dst == DST_MCAST ? mc4 : uc, 6);
	memcpy(f + 6, uc, 6);
	f[11] = 0x66;
	for (i = 0; i < s->n_vlans; i++) {
		put16(f + off, s->tpid[i]);
		put16(f + off + 2, (uint16_t)(0x0100 + 10 * (i + 1)));
		off += 4;
	}
	put16(f + off, etype);
	return off + 2;
}

static size_t put_ipv4(const struct frame_spec *s, uint8_t *f, size_t payload)
{
	size_t hlen = 20 + 4 * s->ip_opt_words;
	size_t i;

	memset(f, 0, hlen);
	f[0] = (uint8_t)(0x40 | (hlen / 4));
	put16(f + 2, (uint16_t)(hlen + payload));
	put16(f + 4, 0x1234);
	f[8] = 1;
	f[9] = 17;
	f[12] = 192; f[13] = 0; f[14] = 2; f[15] = 1;
	if (s->l3_mcast) {
		f[16] = 224; f[17] = 0; f[18] = 1; f[19] = 129;
	} else {
		f[16] = 192; f[17] = 0; f[18] = 2; f[19] = 2;
	}
	for (i = 20; i < hlen; i++)	/* NOP options, then End */
		f[i] = (i + 1 == hlen) ? 0 : 1;
	put16(f + 10, (uint16_t)~ref_fold(ref_sum(0, f, hlen)));
	return hlen;
}

static size_t put_ipv6(const struct frame_spec *s, uint8_t *f, size_t payload)
{
	size_t ext = 8 * s->v6_ext;
	size_t i;

	memset(f, 0, 40 + ext);
	f[0] = 0x60;
	put16(f + 4, (uint16_t)(ext + payload));
	f[6] = s->v6_ext ? 60 : 17;
	f[7] = 1;
	f[8] = 0xFE; f[9] = 0x80; f[23] = 0x01;
	if (s->l3_mcast) {
		f[24] = 0xFF; f[25] = 0x0E; f[39] = 0x81; f[38] = 0x01;
	} else {
		f[24] = 0xFE; f[25] = 0x80; f[39] = 0x02;
	}
	for (i = 0; i < s->v6_ext; i++) {
		uint8_t *e = f + 40 + 8 * i;

		e[0] = (i + 1 == s->v6_ext) ? 17 : 60;
		e[1] = 0;		/* 8 bytes */
		e[2] = 1;		/* PadN */
		e[3] = 4;
	}
	return 40 + ext;
}

/*
 * Build Ethernet/VLAN/IP/UDP around the PTP message ptp[0..plen) into f.
 * Fills *lay with the offsets it used. Returns 0 or -1 if f is too small.
 */
static int build_frame(const struct frame_spec *s, const uint8_t *ptp,
		       size_t plen, uint8_t *f, size_t cap,
		       struct frame_layout *lay)
{
	bool v6 = s->l3 == FRAME_L3_IPV6;
	size_t ulen = 8 + plen + s->udp_extra;
	size_t off, i;

	if (cap < 14 + 8 + 40 + 8 * 8 + 8 + ulen + s->eth_pad)
		return -1;
	memset(lay, 0, sizeof(*lay));
	if (s->l3 == FRAME_L3_RAW_PTP) {
		off = put_l2(s, f, ETH_P_PTP_RAW);
		lay->l3_off = lay->ptp_off = off;
		memcpy(f + off, ptp, plen);
		lay->ptp_len = plen;
		lay->len = off + plen + s->eth_pad;
		memset(f + off + plen, 0, s->eth_pad);
		return 0;
	}
	off = put_l2(s, f, v6 ? 0x86DD : 0x0800);
	lay->l3_off = off;
	off += v6 ? put_ipv6(s, f + off, ulen) : put_ipv4(s, f + off, ulen);
	lay->l4_off = off;
	put16(f + off, s->sport);
	put16(f + off + 2, s->dport);
	put16(f + off + 4, (uint16_t)ulen);
	lay->ptp_off = off + 8;
	lay->ptp_len = plen;
	memcpy(f + off + 8, ptp, plen);
	for (i = 0; i < s->udp_extra; i++)
		f[off + 8 + plen + i] = (uint8_t)rnd(256);
	if (s->csum)
		ref_udp_fill(f, lay->l3_off, lay->l4_off, v6);
	else
		put16(f + off + 6, 0);
	off += ulen;
	memset(f + off, 0, s->eth_pad);
	lay->len = off + s->eth_pad;
	return 0;
}

static int build_ptp_frame(const struct frame_spec *s,
			   const struct msg_spec *m, uint8_t *f,
			   struct frame_layout *lay)
{
	uint8_t ptp[256];
	int n = make_ptp(m, ptp, sizeof(ptp));

	CU_ASSERT_FATAL(n > 0);
	return build_frame(s, ptp, (size_t)n, f, BUF_CAP, lay);
}

static const struct frame_spec spec_v4 = {
	.l3 = FRAME_L3_IPV4, .l2_dst = DST_MCAST, .l3_mcast = true,
	.sport = 319, .dport = 319, .csum = true,
};

static const struct msg_spec msg_sync = {
	.type = PTP_SYNC, .domain = 0, .seq = 1, .cf = 0,
};

static bool is_event_type(uint8_t t)
{
	return t == PTP_SYNC || t == PTP_DELAY_REQ || t == PTP_PDELAY_REQ ||
	       t == PTP_PDELAY_RESP;
}

/* Check every field of a PTP frame's frame_info against what was built. */
static void check_ptp_info(const struct frame_spec *s,
			   const struct msg_spec *m,
			   const struct frame_layout *lay,
			   const struct frame_info *fi)
{
	uint16_t want = 0;

	CU_ASSERT_EQUAL(fi->cls, FRAME_PTP);
	CU_ASSERT_EQUAL(fi->err, FRAME_E_NONE);
	CU_ASSERT_EQUAL(fi->l3, s->l3);
	CU_ASSERT_EQUAL(fi->n_vlans, s->n_vlans);
	CU_ASSERT_EQUAL(fi->l3_off, lay->l3_off);
	CU_ASSERT_EQUAL(fi->l4_off, lay->l4_off);
	CU_ASSERT_EQUAL(fi->ptp_off, lay->ptp_off);
	CU_ASSERT_EQUAL(fi->ptp_len, lay->ptp_len);
	CU_ASSERT_EQUAL(fi->ptp_type, m->type);
	CU_ASSERT_EQUAL(fi->domain, m->domain);
	CU_ASSERT_EQUAL(fi->seq_id, m->seq);
	if (s->l2_dst != DST_UCAST)
		want |= FRAME_F_L2_MCAST;
	if (s->l2_dst == DST_BCAST)
		want |= FRAME_F_L2_BCAST;
	if (s->l3_mcast && s->l3 != FRAME_L3_RAW_PTP)
		want |= FRAME_F_L3_MCAST;
	if (is_event_type(m->type))
		want |= FRAME_F_EVENT;
	if (m->flags & PTP_FLAG_TWO_STEP)
		want |= FRAME_F_TWO_STEP;
	if (s->csum && s->l3 != FRAME_L3_RAW_PTP)
		want |= FRAME_F_UDP_CSUM;
	CU_ASSERT_EQUAL(fi->flags, want);
}

/* ---------- classification of good PTP frames ---------- */

static const struct msg_spec good_msgs[] = {
	{ PTP_SYNC, 0, 0, 100, 0 },
	{ PTP_SYNC, PTP_FLAG_TWO_STEP, 4, 101, 0 },
	{ PTP_DELAY_REQ, PTP_FLAG_UNICAST, 24, 0xFFFF, 12345 },
	{ PTP_FOLLOW_UP, 0, 127, 7, -9 },
	{ PTP_DELAY_RESP, PTP_FLAG_UNICAST, 44, 8, 1 },
	{ PTP_ANNOUNCE, PTP_FLAG_UTC_VALID | PTP_FLAG_PTP_TIMESCALE, 255, 9, 0 },
	{ PTP_SIGNALING, PTP_FLAG_UNICAST, 3, 10, 0 },
};

static void classify_and_check(const struct frame_spec *s,
			       const struct msg_spec *m)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec sp = *s;

	if (sp.l3 != FRAME_L3_RAW_PTP)
		sp.sport = sp.dport = is_event_type(m->type) ? 319 : 320;
	CU_ASSERT_FATAL(build_ptp_frame(&sp, m, f, &lay) == 0);
	CU_ASSERT_EQUAL(frame_classify(f, lay.len, &fi), FRAME_PTP);
	check_ptp_info(&sp, m, &lay, &fi);
}

static void test_classify_ip_variants(void)
{
	static const uint16_t tpids[][2] = {
		{ 0x8100, 0x8100 }, { 0x88A8, 0x8100 }, { 0x9100, 0x8100 },
	};
	struct frame_spec s;
	unsigned int l3, nv, tp, opt, mi, dst, cs;

	for (l3 = 0; l3 < 2; l3++)
	for (nv = 0; nv <= 2; nv++)
	for (tp = 0; tp < 3; tp++)
	for (opt = 0; opt <= 2; opt++)
	for (dst = 0; dst < 3; dst++)
	for (cs = 0; cs < 2; cs++)
	for (mi = 0; mi < sizeof(good_msgs) / sizeof(good_msgs[0]); mi++) {
		memset(&s, 0, sizeof(s));
		s.l3 = l3 ? FRAME_L3_IPV6 : FRAME_L3_IPV4;
		s.n_vlans = nv;
		s.tpid[0] = tpids[tp][0];
		s.tpid[1] = tpids[tp][1];
		s.l2_dst = (enum dst_kind)dst;
		s.l3_mcast = dst != DST_UCAST;
		s.ip_opt_words = l3 ? 0 : opt * 5;	/* 0, 20, 40 bytes */
		s.v6_ext = l3 ? opt : 0;
		s.csum = cs || l3;
		s.eth_pad = (opt == 1) ? 4 : 0;
		s.udp_extra = (opt == 2) ? 3 : 0;
		classify_and_check(&s, &good_msgs[mi]);
	}
}

static void test_classify_raw(void)
{
	struct frame_spec s;
	unsigned int nv, mi;

	for (nv = 0; nv <= 2; nv++)
	for (mi = 0; mi < sizeof(good_msgs) / sizeof(good_msgs[0]); mi++) {
		memset(&s, 0, sizeof(s));
		s.l3 = FRAME_L3_RAW_PTP;
		s.n_vlans = nv;
		s.tpid[0] = 0x88A8;
		s.tpid[1] = 0x8100;
		s.l2_dst = DST_MCAST;
		s.eth_pad = 6 * mi;	/* Ethernet padding after the message */
		classify_and_check(&s, &good_msgs[mi]);
	}
}

/* messageLength shorter than the UDP payload: ptp_len is messageLength. */
static void test_classify_udp_longer_than_ptp(void)
{
	struct frame_spec s = spec_v4;

	s.udp_extra = 10;
	classify_and_check(&s, &msg_sync);
}

/* ---------- malformed frames ---------- */

enum mut {
	M_TRUNC = 1,	/* a: new frame length */
	M_BYTE,		/* a: offset from the l3 start, b: value */
	M_BYTE_L4,	/* a: offset from the UDP start, b: value */
	M_BYTE_PTP,	/* a: offset from the PTP start, b: value */
	M_WORD_L3,	/* a: offset from the l3 start, b: value */
	M_WORD_L4,
	M_WORD_PTP,
	M_IPV6_FRAG,	/* replace the Dest Opts header by a Fragment header */
	M_IPV6_EXT_LEN,	/* set the ext header length beyond the payload */
	M_PTPLEN_PLUS,	/* a: messageLength = UDP payload + a */
};

struct bad_case {
	const char *what;
	enum frame_l3 l3;
	unsigned int n_vlans;
	unsigned int v6_ext;
	enum mut mut;
	long a;
	unsigned int b;
	enum frame_err want;
};

static const struct bad_case bad_cases[] = {
	{ "10 bytes", FRAME_L3_IPV4, 0, 0, M_TRUNC, 10, 0, FRAME_E_TRUNC_L2 },
	{ "0 bytes", FRAME_L3_IPV4, 0, 0, M_TRUNC, 0, 0, FRAME_E_TRUNC_L2 },
	{ "13 bytes", FRAME_L3_IPV4, 0, 0, M_TRUNC, 13, 0, FRAME_E_TRUNC_L2 },
	{ "vlan cut", FRAME_L3_IPV4, 1, 0, M_TRUNC, 16, 0, FRAME_E_TRUNC_L2 },
	{ "2nd vlan cut", FRAME_L3_IPV4, 2, 0, M_TRUNC, 20, 0,
	  FRAME_E_TRUNC_L2 },
	{ "ipv4 cut", FRAME_L3_IPV4, 0, 0, M_TRUNC, 14 + 19, 0,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 only ethertype", FRAME_L3_IPV4, 1, 0, M_TRUNC, 18, 0,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 ihl 4", FRAME_L3_IPV4, 0, 0, M_BYTE, 0, 0x44,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 ihl 0", FRAME_L3_IPV4, 0, 0, M_BYTE, 0, 0x40,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 version 6", FRAME_L3_IPV4, 0, 0, M_BYTE, 0, 0x65,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 no udp header", FRAME_L3_IPV4, 0, 0, M_WORD_L3, 2, 20,
	  FRAME_E_TRUNC_UDP },
	{ "ipv4 total > frame", FRAME_L3_IPV4, 2, 0, M_WORD_L3, 2, 1500,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 total < ihl", FRAME_L3_IPV4, 0, 0, M_WORD_L3, 2, 19,
	  FRAME_E_TRUNC_L3 },
	{ "ipv4 MF", FRAME_L3_IPV4, 0, 0, M_WORD_L3, 6, 0x2000,
	  FRAME_E_IP_FRAGMENT },
	{ "ipv4 MF+DF", FRAME_L3_IPV4, 1, 0, M_WORD_L3, 6, 0x6000,
	  FRAME_E_IP_FRAGMENT },
	{ "ipv4 udp cut", FRAME_L3_IPV4, 0, 0, M_WORD_L3, 2, 27,
	  FRAME_E_TRUNC_UDP },
	{ "udp len 7", FRAME_L3_IPV4, 0, 0, M_WORD_L4, 4, 7,
	  FRAME_E_TRUNC_UDP },
	{ "udp len 0", FRAME_L3_IPV4, 0, 0, M_WORD_L4, 4, 0,
	  FRAME_E_TRUNC_UDP },
	{ "udp len > ip", FRAME_L3_IPV4, 0, 0, M_WORD_L4, 4, 200,
	  FRAME_E_TRUNC_UDP },
	{ "udp len > ip v6", FRAME_L3_IPV6, 0, 0, M_WORD_L4, 4, 200,
	  FRAME_E_TRUNC_UDP },
	{ "ipv6 cut", FRAME_L3_IPV6, 0, 0, M_TRUNC, 14 + 39, 0,
	  FRAME_E_TRUNC_L3 },
	{ "ipv6 version 4", FRAME_L3_IPV6, 0, 0, M_BYTE, 0, 0x40,
	  FRAME_E_TRUNC_L3 },
	{ "ipv6 plen > frame", FRAME_L3_IPV6, 1, 0, M_WORD_L3, 4, 1000,
	  FRAME_E_TRUNC_L3 },
	{ "ipv6 plen < udp", FRAME_L3_IPV6, 0, 0, M_WORD_L3, 4, 5,
	  FRAME_E_TRUNC_UDP },
	{ "ipv6 ext past payload", FRAME_L3_IPV6, 0, 1, M_IPV6_EXT_LEN, 0, 0,
	  FRAME_E_TRUNC_L3 },
	{ "ipv6 fragment", FRAME_L3_IPV6, 0, 1, M_IPV6_FRAG, 0, 0,
	  FRAME_E_IP_FRAGMENT },
	{ "ptp version 1", FRAME_L3_IPV4, 0, 0, M_BYTE_PTP, 1, 0x01,
	  FRAME_E_PTP_INVALID },
	{ "ptp reserved type", FRAME_L3_IPV4, 0, 0, M_BYTE_PTP, 0, 0x04,
	  FRAME_E_PTP_INVALID },
	{ "ptp len < min", FRAME_L3_IPV4, 0, 0, M_WORD_PTP, 2, 43,
	  FRAME_E_PTP_INVALID },
	{ "ptp len > udp", FRAME_L3_IPV6, 2, 0, M_PTPLEN_PLUS, 1, 0,
	  FRAME_E_PTP_INVALID },
	{ "udp payload < 34", FRAME_L3_IPV4, 0, 0, M_WORD_L4, 4, 8 + 33,
	  FRAME_E_PTP_INVALID },
	{ "sync on 320", FRAME_L3_IPV4, 0, 0, M_WORD_L4, 2, 320,
	  FRAME_E_PORT_MISMATCH },
	{ "follow_up on 319", FRAME_L3_IPV6, 0, 0, M_BYTE_PTP, 0, 0x08,
	  FRAME_E_PORT_MISMATCH },
	{ "raw version 1", FRAME_L3_RAW_PTP, 1, 0, M_BYTE_PTP, 1, 0x01,
	  FRAME_E_PTP_INVALID },
	{ "raw cut", FRAME_L3_RAW_PTP, 0, 0, M_TRUNC, 14 + 33, 0,
	  FRAME_E_PTP_INVALID },
	{ "raw len > frame", FRAME_L3_RAW_PTP, 0, 0, M_PTPLEN_PLUS, 1, 0,
	  FRAME_E_PTP_INVALID },
};

static size_t apply_mut(const struct bad_case *c, uint8_t *f, size_t len,
			const struct frame_layout *lay)
{
	size_t ext = lay->l3_off + 40;

	switch (c->mut) {
	case M_TRUNC:
		return (size_t)c->a;
	case M_BYTE:
		f[lay->l3_off + c->a] = (uint8_t)c->b;
		break;
	case M_BYTE_L4:
		f[lay->l4_off + c->a] = (uint8_t)c->b;
		break;
	case M_BYTE_PTP:
		/* low nibble only: messageType or versionPTP */
		f[lay->ptp_off + c->a] =
			(uint8_t)((f[lay->ptp_off + c->a] & 0xF0) | c->b);
		break;
	case M_WORD_L3:
		put16(f + lay->l3_off + c->a, (uint16_t)c->b);
		break;
	case M_WORD_L4:
		put16(f + lay->l4_off + c->a, (uint16_t)c->b);
		break;
	case M_WORD_PTP:
		put16(f + lay->ptp_off + c->a, (uint16_t)c->b);
		break;
	case M_IPV6_FRAG:
		f[lay->l3_off + 6] = 44;
		f[ext + 1] = 0;		/* reserved */
		put16(f + ext + 2, 0x0001);	/* offset 0, M = 1 */
		break;
	case M_IPV6_EXT_LEN:
		f[ext + 1] = 40;
		break;
	case M_PTPLEN_PLUS:
		put16(f + lay->ptp_off + 2,
		      (uint16_t)(len - lay->ptp_off + c->a));
		break;
	}
	return len;
}

static void test_malformed_table(void)
{
	const size_t n = sizeof(bad_cases) / sizeof(bad_cases[0]);
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	size_t i, len;

	for (i = 0; i < n; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct frame_spec s = spec_v4;

		s.l3 = c->l3;
		s.n_vlans = c->n_vlans;
		s.tpid[0] = s.tpid[1] = 0x8100;
		s.v6_ext = c->v6_ext;
		CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
		len = apply_mut(c, f, lay.len, &lay);
		frame_classify(f, len, &fi);
		if (fi.cls != FRAME_MALFORMED || fi.err != c->want)
			printf("\n  case '%s': cls %d err %s (want %s)", c->what,
			       fi.cls, frame_strerror(fi.err),
			       frame_strerror(c->want));
		CU_ASSERT_EQUAL(fi.cls, FRAME_MALFORMED);
		CU_ASSERT_EQUAL(fi.err, c->want);
		CU_ASSERT_EQUAL(fi.ptp_off, 0);
		/* a malformed frame is never rewritten */
		CU_ASSERT_EQUAL(frame_add_correction(f, len, &fi,
				(ptp_cf_t){ 1 }), -1);
	}
}

/* ---------- frames that are not PTP ---------- */

struct non_ptp_case {
	const char *what;
	enum frame_l3 l3;	/* expected info->l3 */
	uint16_t etype;		/* 0: keep the builder's */
	uint8_t proto;		/* 0: keep UDP */
	uint16_t sport, dport;
	uint16_t frag;		/* IPv4 flags+offset word */
	size_t len;		/* 0: whole frame */
	unsigned int n_vlans;
};

static const struct non_ptp_case non_ptp_cases[] = {
	{ "arp 14 bytes", FRAME_L3_OTHER, 0x0806, 0, 319, 319, 0, 14, 0 },
	{ "arp", FRAME_L3_OTHER, 0x0806, 0, 319, 319, 0, 42, 0 },
	{ "lldp", FRAME_L3_OTHER, 0x88CC, 0, 319, 319, 0, 0, 0 },
	{ "arp in vlan", FRAME_L3_OTHER, 0x0806, 0, 319, 319, 0, 0, 2 },
	{ "icmp", FRAME_L3_IPV4, 0, 1, 319, 319, 0, 0, 0 },
	{ "tcp 319", FRAME_L3_IPV4, 0, 6, 319, 319, 0, 0, 1 },
	{ "udp 53", FRAME_L3_IPV4, 0, 0, 5353, 53, 0, 0, 0 },
	{ "udp src 319", FRAME_L3_IPV4, 0, 0, 319, 5000, 0, 0, 0 },
	{ "udp src 320", FRAME_L3_IPV4, 0, 0, 320, 321, 0, 0, 2 },
	{ "non-first frag", FRAME_L3_IPV4, 0, 0, 319, 319, 0x0010, 0, 0 },
	{ "non-first frag MF", FRAME_L3_IPV4, 0, 0, 319, 319, 0x2010, 0, 0 },
	{ "first frag udp 53", FRAME_L3_IPV4, 0, 0, 53, 53, 0x2000, 0, 0 },
	{ "icmpv6", FRAME_L3_IPV6, 0, 58, 319, 319, 0, 0, 0 },
	{ "udp6 53", FRAME_L3_IPV6, 0, 0, 319, 53, 0, 0, 1 },
	{ "udp6 src 319", FRAME_L3_IPV6, 0, 0, 319, 123, 0, 0, 0 },
};

/* The frame of a non_ptp_case into f. Returns its length. */
static size_t build_non_ptp(const struct non_ptp_case *c, uint8_t *f)
{
	struct frame_layout lay;
	struct frame_spec s = spec_v4;

	s.l3 = c->l3 == FRAME_L3_IPV6 ? FRAME_L3_IPV6 : FRAME_L3_IPV4;
	s.n_vlans = c->n_vlans;
	s.tpid[0] = 0x88A8;
	s.tpid[1] = 0x8100;
	s.sport = c->sport;
	s.dport = c->dport;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	if (c->etype)
		put16(f + lay.l3_off - 2, c->etype);
	if (c->proto && s.l3 == FRAME_L3_IPV4)
		f[lay.l3_off + 9] = c->proto;
	if (c->proto && s.l3 == FRAME_L3_IPV6)
		f[lay.l3_off + 6] = c->proto;
	if (c->frag)
		put16(f + lay.l3_off + 6, c->frag);
	return c->len ? c->len : lay.len;
}

static void test_non_ptp(void)
{
	const size_t n = sizeof(non_ptp_cases) / sizeof(non_ptp_cases[0]);
	uint8_t f[BUF_CAP];
	struct frame_info fi;
	size_t i, len;

	for (i = 0; i < n; i++) {
		const struct non_ptp_case *c = &non_ptp_cases[i];

		len = build_non_ptp(c, f);
		CU_ASSERT_EQUAL(frame_classify(f, len, &fi), FRAME_NON_PTP);
		if (fi.cls != FRAME_NON_PTP)
			printf("\n  case '%s': cls %d err %s", c->what, fi.cls,
			       frame_strerror(fi.err));
		CU_ASSERT_EQUAL(fi.err, FRAME_E_NONE);
		CU_ASSERT_EQUAL(fi.l3, c->l3);
		CU_ASSERT_EQUAL(fi.ptp_off, 0);
		CU_ASSERT_EQUAL(fi.n_vlans, c->n_vlans);
		CU_ASSERT_EQUAL(fi.flags & FRAME_F_L2_MCAST, FRAME_F_L2_MCAST);
		CU_ASSERT_EQUAL(frame_add_correction(f, len, &fi,
				(ptp_cf_t){ 1 }), -1);
	}
}

/*
 * frame_prescan_event() is frame_prescan() then frame_ptp_event(): the same
 * scan and offset, and where it gives no offset the same position.
 */
static void check_prescan_event(const uint8_t *g, size_t len)
{
	struct frame_scan_pos p1, p2;
	enum frame_scan s1, s2;
	unsigned int o1, o2;

	memset(&p1, 0, sizeof(p1));
	memset(&p2, 0, sizeof(p2));
	s1 = frame_prescan(g, len, &p1);
	o1 = s1 == FRAME_SCAN_UDP_PTP ? frame_ptp_event(g, &p1) : 0;
	o2 = frame_prescan_event(g, len, &p2, &s2);
	CU_ASSERT_EQUAL_FATAL(s2, s1);
	CU_ASSERT_EQUAL_FATAL(o2, o1);
	if (o2 == 0 && s2 == FRAME_SCAN_UDP_PTP) {
		CU_ASSERT_EQUAL_FATAL(p2.l3, p1.l3);
		CU_ASSERT_EQUAL_FATAL(p2.n_vlans, p1.n_vlans);
		CU_ASSERT_EQUAL_FATAL(p2.l3_off, p1.l3_off);
		CU_ASSERT_EQUAL_FATAL(p2.l4_off, p1.l4_off);
		CU_ASSERT_EQUAL_FATAL(p2.end, p1.end);
	}
}

/*
 * frame_prescan() never says "non-PTP" for a frame frame_classify() calls
 * PTP or malformed, and frame_classify_udp() after it fills frame_info as
 * frame_classify() does: frames of every shape, bytes of their headers
 * changed at random, cut at random lengths. And the pre-test does decide
 * the ordinary non-PTP frames (untagged or one tag) itself.
 */
static void test_surely_non_ptp(void)
{
	static const uint16_t ports[] = { 319, 320, 53, 0 };
	static const uint8_t hot[] = { 12, 13, 16, 17 };
	uint8_t f[BUF_CAP], g[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	unsigned int it, k, decided = 0, non_ptp = 0, from_udp = 0;
	unsigned int udp_ptp = 0;
	struct frame_scan_pos pos;
	enum frame_scan scan;
	size_t i, len;

	for (i = 0; i < sizeof(non_ptp_cases) / sizeof(non_ptp_cases[0]);
	     i++) {
		const struct non_ptp_case *c = &non_ptp_cases[i];

		len = build_non_ptp(c, f);
		if (c->n_vlans < 2 && !frame_surely_non_ptp(f, len))
			printf("\n  case '%s' not decided", c->what);
		CU_ASSERT(c->n_vlans == 2 || frame_surely_non_ptp(f, len));
	}
	for (it = 0; it < 200000; it++) {
		struct frame_spec s = spec_v4;

		s.l3 = rnd(5) == 0 ? FRAME_L3_RAW_PTP :
		       rnd(2) ? FRAME_L3_IPV6 : FRAME_L3_IPV4;
		s.n_vlans = rnd(3);
		s.tpid[0] = rnd(2) ? 0x8100 : 0x88A8;
		s.tpid[1] = 0x9100;
		s.ip_opt_words = rnd(3);
		s.v6_ext = rnd(3) == 0 ? 1 : 0;
		s.dport = ports[rnd(4)];
		if (s.dport == 0)
			s.dport = (uint16_t)rnd64();
		CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
		len = lay.len;
		memcpy(g, f, len);
		for (k = rnd(4); k > 0; k--) {
			size_t at = rnd(3) ? lay.l3_off + rnd(48) : rnd(20);

			if (rnd(4) == 0)
				at = hot[rnd(4)] + 4 * rnd(2);
			if (at < len)
				g[at] = rnd(3) ? (uint8_t)rnd64() :
					(uint8_t)(rnd(2) ? 17 : 0x86);
		}
		if (rnd(3) == 0)
			len = rnd((unsigned int)len + 1);
		frame_classify(g, len, &fi);
		non_ptp += fi.cls == FRAME_NON_PTP;
		check_prescan_event(g, len);
		scan = frame_prescan(g, len, &pos);
		if (scan == FRAME_SCAN_UDP_PTP) {
			/* classification from the UDP header on: the same */
			struct frame_info fq;

			frame_classify_udp(g, len, &pos, &fq);
			CU_ASSERT_FATAL(memcmp(&fq, &fi, sizeof(fi)) == 0);
			/* a pos not for this len: the whole walk, not trust */
			if (len > 14 && pos.end > len - 1) {
				struct frame_info fs;

				frame_classify(g, len - 1, &fs);
				frame_classify_udp(g, len - 1, &pos, &fq);
				CU_ASSERT_FATAL(memcmp(&fq, &fs,
						       sizeof(fs)) == 0);
			}
			from_udp++;
			udp_ptp += fi.cls == FRAME_PTP;
			continue;
		}
		if (scan != FRAME_SCAN_NON_PTP)
			continue;
		decided++;
		if (fi.cls != FRAME_NON_PTP)
			printf("\n  iteration %u: cls %d err %s", it, fi.cls,
			       frame_strerror(fi.err));
		CU_ASSERT_EQUAL_FATAL(fi.cls, FRAME_NON_PTP);
	}
	/* the test reached the interesting cases */
	CU_ASSERT(decided > 10000);
	CU_ASSERT(non_ptp > decided);
	CU_ASSERT(from_udp > 10000);
	CU_ASSERT(udp_ptp > 1000 && udp_ptp < from_udp);
}

/* A random shape of PTP frame for the fast path's tests: IPv4 or IPv6,
 * tagged or not, options, checksum, padding, port 319 mostly. */
static void random_shape(struct frame_spec *s)
{
	s->l3 = rnd(2) ? FRAME_L3_IPV6 : FRAME_L3_IPV4;
	s->n_vlans = rnd(3) == 0 ? 1 : 0;
	s->tpid[0] = rnd(2) ? 0x8100 : 0x88A8;
	s->ip_opt_words = rnd(4) == 0 ? rnd(3) : 0;
	s->csum = rnd(4) != 0;
	s->udp_extra = rnd(4) == 0 ? rnd(9) : 0;
	s->eth_pad = rnd(4) == 0 ? rnd(9) : 0;
	s->dport = rnd(8) == 0 ? 320 : 319;
	s->l2_dst = rnd(2) ? DST_MCAST : DST_UCAST;
}

/* Up to two random changes to frame g (built as lay): messageLength moved
 * by -below..+8, the UDP length by -8..+8, or a header byte; and a cut
 * at a random *len one time in four. True if anything changed. */
static bool mutate(uint8_t *g, const struct frame_layout *lay,
		   unsigned int below, size_t *len)
{
	bool changed = false;
	unsigned int k;

	for (k = rnd(3); k > 0; k--) {
		size_t at = lay->l4_off + rnd(24);

		changed = true;
		switch (rnd(4)) {
		case 0:		/* messageLength */
			put16(g + lay->ptp_off + 2, (uint16_t)(lay->ptp_len +
				rnd(below + 9) - below));
			break;
		case 1:		/* UDP length */
			put16(g + lay->l4_off + 4,
			      (uint16_t)(8 + lay->ptp_len + rnd(17) - 8));
			break;
		default:
			g[at] = (uint8_t)rnd64();
		}
	}
	if (rnd(4) == 0) {
		*len = rnd((unsigned int)*len + 1);
		changed = true;
	}
	return changed;
}

/*
 * The fast path's test frame_ptp_event(): whatever it accepts,
 * frame_classify() calls the same PTP event message (offsets, type,
 * domain), tc_in_place() takes it in one-step mode, the word path applies,
 * watchdog_check() has nothing to count, and frame_cf_add_udp() writes the
 * bytes frame_cf_add_in_place() writes. And it does accept the ordinary
 * Sync and Delay_Req of every IP shape the pre-test decides.
 * Frames of every type and shape, header bytes changed at random,
 * messageLength and UDP length moved, cut at random lengths.
 */
static void test_ptp_event(void)
{
	static const uint8_t types[] = { PTP_SYNC, PTP_DELAY_REQ,
		PTP_SIGNALING, PTP_FOLLOW_UP, PTP_DELAY_RESP, PTP_ANNOUNCE };
	uint8_t f[BUF_CAP], g[BUF_CAP], h[BUF_CAP];
	unsigned int it, accepted = 0, plain_ok = 0, plain_n = 0;

	for (it = 0; it < 300000; it++) {
		struct frame_spec s = spec_v4;
		struct msg_spec m = msg_sync;
		struct watchdog_counters wc;
		struct frame_layout lay;
		struct frame_scan_pos pos;
		struct frame_info fi;
		unsigned int off;
		bool plain, took;
		ptp_cf_t d;
		size_t len;

		random_shape(&s);
		m.type = types[rnd(sizeof(types))];
		m.flags = rnd(2) ? (uint16_t)rnd64() : 0;
		m.domain = (uint8_t)rnd(256);
		m.cf = (int64_t)rnd64() >> rnd(64);
		CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f, &lay) == 0);
		len = lay.len;
		memcpy(g, f, len);
		/* the untouched Sync or Delay_Req to 319, alternateMaster 0 */
		plain = (m.type == PTP_SYNC || m.type == PTP_DELAY_REQ) &&
			s.dport == 319 && !(m.flags & 0x0100);
		if (mutate(g, &lay, 8, &len))
			plain = false;
		check_prescan_event(g, len);
		if (frame_prescan(g, len, &pos) != FRAME_SCAN_UDP_PTP) {
			CU_ASSERT_FATAL(!plain);
			continue;
		}
		off = frame_ptp_event(g, &pos);
		took = off != 0;
		plain_n += plain;
		plain_ok += plain && took;
		if (!took)
			continue;
		accepted++;
		CU_ASSERT_EQUAL_FATAL(frame_classify(g, len, &fi), FRAME_PTP);
		CU_ASSERT_EQUAL_FATAL(off, fi.ptp_off);
		CU_ASSERT_EQUAL_FATAL(off - 8, fi.l4_off);
		CU_ASSERT_EQUAL_FATAL(g[off] & 0x0F, fi.ptp_type);
		CU_ASSERT_EQUAL_FATAL(g[off + 4], fi.domain);
		CU_ASSERT_FATAL(tc_in_place(TC_ONE_STEP, &fi));
		CU_ASSERT_FATAL(frame_cf_in_place_ok(g, len, &fi));
		memset(&wc, 0, sizeof(wc));
		CU_ASSERT_EQUAL_FATAL(watchdog_check(g, len, &fi, &wc), 0);
		CU_ASSERT_EQUAL_FATAL(watchdog_total(&wc), 0);
		d.scaled = (int64_t)rnd64() >> rnd(64);
		memcpy(h, g, len);
		frame_cf_add_in_place(g, &fi, d);
		frame_cf_add_udp(h + off, d);
		CU_ASSERT_FATAL(memcmp(g, h, len) == 0);
		/* a valid checksum stays valid */
		if (plain && s.csum)
			CU_ASSERT_FATAL(ref_udp_ok(g, fi.l3_off, fi.l4_off,
						   fi.l3 == FRAME_L3_IPV6));
	}
	/* it takes the ordinary messages, and saw many of every kind */
	CU_ASSERT_EQUAL(plain_ok, plain_n);
	CU_ASSERT(plain_n > 10000);
	CU_ASSERT(accepted > plain_n);
}

/*
 * The fast path's peer delay test frame_pdelay(): whatever it accepts,
 * frame_classify() calls the same PTP event message (offsets, a
 * Pdelay_Req or Pdelay_Resp, domain) and watchdog_check() counts exactly
 * one pdelay: what the worker's rx_pdelay() does without the two calls.
 * It accepts the ordinary Pdelay_Req and Pdelay_Resp of every IP shape
 * the pre-test decides, and nothing shorter than 54 octets. Frames of
 * every type and shape (a 54-octet Delay_Resp made a peer delay message
 * by its type), header bytes changed at random, messageLength and UDP
 * length moved, cut at random lengths.
 */
static void test_pdelay_light(void)
{
	static const uint8_t types[] = { PTP_PDELAY_REQ, PTP_PDELAY_RESP,
		PTP_SYNC, PTP_DELAY_REQ, PTP_DELAY_RESP, PTP_ANNOUNCE };
	uint8_t f[BUF_CAP], g[BUF_CAP];
	unsigned int it, accepted = 0, plain_ok = 0, plain_n = 0;

	for (it = 0; it < 300000; it++) {
		struct frame_spec s = spec_v4;
		struct msg_spec m = msg_sync;
		struct watchdog_counters wc;
		struct frame_layout lay;
		struct frame_scan_pos pos;
		struct frame_info fi;
		uint8_t type = types[rnd(sizeof(types))];
		unsigned int off;
		bool plain;
		size_t len;

		random_shape(&s);
		m.type = type == PTP_PDELAY_REQ || type == PTP_PDELAY_RESP ?
			 PTP_DELAY_RESP : type;
		m.flags = rnd(2) ? (uint16_t)rnd64() : 0;
		m.domain = (uint8_t)rnd(256);
		CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f, &lay) == 0);
		f[lay.ptp_off] = (uint8_t)((f[lay.ptp_off] & 0xF0) | type);
		len = lay.len;
		memcpy(g, f, len);
		plain = (type == PTP_PDELAY_REQ || type == PTP_PDELAY_RESP) &&
			s.dport == 319 && !(m.flags & 0x0100);
		if (mutate(g, &lay, 14, &len))
			plain = false;
		if (frame_prescan(g, len, &pos) != FRAME_SCAN_UDP_PTP) {
			CU_ASSERT_FATAL(!plain);
			continue;
		}
		off = frame_pdelay(g, &pos);
		plain_n += plain;
		plain_ok += plain && off != 0;
		if (off == 0)
			continue;
		accepted++;
		CU_ASSERT_EQUAL_FATAL(frame_classify(g, len, &fi), FRAME_PTP);
		CU_ASSERT_EQUAL_FATAL(off, fi.ptp_off);
		CU_ASSERT_EQUAL_FATAL(off - 8, fi.l4_off);
		CU_ASSERT_FATAL(fi.ptp_type == PTP_PDELAY_REQ ||
				fi.ptp_type == PTP_PDELAY_RESP);
		CU_ASSERT_EQUAL_FATAL(g[off] & 0x0F, fi.ptp_type);
		CU_ASSERT_EQUAL_FATAL(g[off + 4], fi.domain);
		CU_ASSERT_FATAL(fi.ptp_len >= 54);
		memset(&wc, 0, sizeof(wc));
		CU_ASSERT_EQUAL_FATAL(watchdog_check(g, len, &fi, &wc),
				      WATCHDOG_F_PDELAY);
		CU_ASSERT_EQUAL_FATAL(wc.pdelay, 1);
		CU_ASSERT_EQUAL_FATAL(watchdog_total(&wc), 1);
		CU_ASSERT_EQUAL_FATAL(wc.tlv_malformed, 0);
	}
	CU_ASSERT_EQUAL(plain_ok, plain_n);
	CU_ASSERT(plain_n > 10000);
	CU_ASSERT(accepted > plain_n);
}

/* A third VLAN tag is not walked: the frame is forwarded as non-PTP. */
static void test_three_vlans(void)
{
	uint8_t f[BUF_CAP], g[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;

	s.n_vlans = 2;
	s.tpid[0] = 0x88A8;
	s.tpid[1] = 0x8100;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	/* insert a third 0x8100 tag before the EtherType */
	memcpy(g, f, 20);
	put16(g + 20, 0x8100);
	put16(g + 22, 0x0005);
	memcpy(g + 24, f + 20, lay.len - 20);
	CU_ASSERT_EQUAL(frame_classify(g, lay.len + 4, &fi), FRAME_NON_PTP);
	CU_ASSERT_EQUAL(fi.n_vlans, 2);
	CU_ASSERT_EQUAL(fi.l3, FRAME_L3_OTHER);
}

/* IPv4 broadcast-to-unicast flags and a broadcast MAC. */
static void test_l2_flags(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;

	s.l2_dst = DST_BCAST;
	s.l3_mcast = false;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	frame_classify(f, lay.len, &fi);
	CU_ASSERT_EQUAL(fi.flags & (FRAME_F_L2_MCAST | FRAME_F_L2_BCAST |
				    FRAME_F_L3_MCAST),
			FRAME_F_L2_MCAST | FRAME_F_L2_BCAST);
	/* 225.1.2.3 is multicast too; 240.0.0.1 is not */
	f[lay.l3_off + 16] = 225;
	frame_classify(f, lay.len, &fi);
	CU_ASSERT(fi.flags & FRAME_F_L3_MCAST);
	f[lay.l3_off + 16] = 240;
	frame_classify(f, lay.len, &fi);
	CU_ASSERT_FALSE(fi.flags & FRAME_F_L3_MCAST);
}

/* The classifier never reads past len: every prefix of a frame is safe
 * and, when it still contains the whole message, still PTP. */
static void test_prefixes(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;
	size_t n;

	s.l3 = FRAME_L3_IPV6;
	s.v6_ext = 2;
	s.n_vlans = 2;
	s.tpid[0] = s.tpid[1] = 0x8100;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	for (n = 0; n <= lay.len; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		CU_ASSERT_FATAL(copy != NULL);
		memcpy(copy, f, n);
		frame_classify(copy, n, &fi);
		CU_ASSERT_EQUAL(fi.cls,
				n == lay.len ? FRAME_PTP : FRAME_MALFORMED);
		free(copy);
	}
}

/* ---------- checksums ---------- */

static void test_csum_update16_rfc1624(void)
{
	/* RFC 1624 section 4: equation 3 gives 0x0000, not 0xFFFF */
	CU_ASSERT_EQUAL(csum_update16(0xDD2F, 0x5555, 0x3285), 0x0000);
	/* no change keeps a checksum */
	CU_ASSERT_EQUAL(csum_update16(0x1234, 0xABCD, 0xABCD), 0x1234);
	/* old -> new -> old returns the original */
	CU_ASSERT_EQUAL(csum_update16(csum_update16(0x8001, 0x0102, 0xF0F0),
				      0xF0F0, 0x0102), 0x8001);
}

/* RFC 1071 section 3's example; an odd tail is padded with zero; sums
 * of several pieces fold to the sum of the whole. */
static void test_csum_add_bytes(void)
{
	static const uint8_t d[] = { 0x00, 0x01, 0xF2, 0x03,
				     0xF4, 0xF5, 0xF6, 0xF7 };
	static const uint8_t ff[] = { 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x02 };

	CU_ASSERT_EQUAL(csum_add_bytes(0, d, sizeof(d)), 0xDDF2);
	CU_ASSERT_EQUAL(csum_add_bytes(csum_add_bytes(0, d, 4), d + 4, 4),
			0xDDF2);
	CU_ASSERT_EQUAL(csum_add_bytes(0, d, 3), 0xF201);	/* 0001+F200 */
	CU_ASSERT_EQUAL(csum_add_bytes(0, ff, sizeof(ff)), 0x0002);
	CU_ASSERT_EQUAL(csum_add_bytes(0, d, 0), 0);
	CU_ASSERT_EQUAL(csum_fold(0x2DDF0), 0xDDF2);
	CU_ASSERT_EQUAL(csum_fold(0xFFFF), 0xFFFF);
	CU_ASSERT_EQUAL(csum_fold(0x1FFFE), 0xFFFF);
}

static void test_mac48(void)
{
	static const uint8_t m[] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xFF };

	CU_ASSERT_EQUAL(frame_mac48(m), 0x0123456789ABull);
	CU_ASSERT_EQUAL(frame_mac48(m + 1), 0x23456789ABFFull);
}

static int64_t rnd_delta(void)
{
	switch (rnd(8)) {
	case 0:
		return ptp_cf_from_tmv(tmv_from_ns(rnd(100000))).scaled;
	case 1:
		return ptp_cf_from_tmv(tmv_from_ns(-(int64_t)rnd(100000))).scaled;
	case 2:
		return (int64_t)rnd64();
	case 3:
		return INT64_MAX - (int64_t)rnd(3);
	case 4:
		return INT64_MIN + (int64_t)rnd(3);
	case 5:
		return (int64_t)rnd(65536) - 32768;
	case 6:
		return 0;
	default:
		return (int64_t)(rnd64() >> rnd(64)) * (rnd(2) ? 1 : -1);
	}
}

static void random_spec(struct frame_spec *s, struct msg_spec *m)
{
	static const uint8_t types[] = {
		PTP_SYNC, PTP_DELAY_REQ, PTP_FOLLOW_UP, PTP_DELAY_RESP,
		PTP_ANNOUNCE, PTP_SIGNALING,
	};
	static const uint16_t tp[] = { 0x8100, 0x88A8, 0x9100 };

	memset(s, 0, sizeof(*s));
	memset(m, 0, sizeof(*m));
	s->l3 = rnd(2) ? FRAME_L3_IPV6 : FRAME_L3_IPV4;
	s->n_vlans = rnd(3);
	s->tpid[0] = tp[rnd(3)];
	s->tpid[1] = tp[rnd(3)];
	s->l2_dst = (enum dst_kind)rnd(3);
	s->l3_mcast = rnd(2);
	s->ip_opt_words = s->l3 == FRAME_L3_IPV4 ? rnd(11) : 0;
	s->v6_ext = s->l3 == FRAME_L3_IPV6 ? rnd(3) : 0;
	s->csum = s->l3 == FRAME_L3_IPV6 || rnd(4) != 0;
	s->udp_extra = rnd(8);
	s->eth_pad = rnd(5);
	m->type = types[rnd(sizeof(types))];
	m->flags = (uint16_t)rnd64();
	m->domain = (uint8_t)rnd(256);
	m->seq = (uint16_t)rnd(65536);
	m->cf = rnd(4) ? rnd_delta() : 0;
	s->sport = (uint16_t)rnd(65536);
	s->dport = is_event_type(m->type) ? 319 : 320;
}

/* Random frames, random deltas applied in sequence: after each one the
 * correctionField is the saturated sum and the checksum still verifies. */
static void test_csum_random(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s;
	struct msg_spec m;
	unsigned int it, k;
	int64_t cf, d;
	bool v6;

	for (it = 0; it < 4000; it++) {
		random_spec(&s, &m);
		v6 = s.l3 == FRAME_L3_IPV6;
		CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f, &lay) == 0);
		CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
		check_ptp_info(&s, &m, &lay, &fi);
		cf = m.cf;
		for (k = 0; k < 4; k++) {
			d = rnd_delta();
			CU_ASSERT_EQUAL_FATAL(frame_add_correction(f, lay.len,
					&fi, (ptp_cf_t){ d }), 0);
			cf = sat_add(cf, d);
			CU_ASSERT_EQUAL(get64(f + lay.ptp_off + 8), cf);
			if (!s.csum) {
				CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6), 0);
				continue;
			}
			CU_ASSERT(ref_udp_ok(f, lay.l3_off, lay.l4_off, v6));
			CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6),
					frame_udp_csum(f, lay.len, &fi));
			CU_ASSERT_NOT_EQUAL(get16(f + lay.l4_off + 6), 0);
		}
		/* classification is unchanged by the rewrite */
		CU_ASSERT_EQUAL(frame_classify(f, lay.len, &fi), FRAME_PTP);
	}
}

/* A checksum that becomes 0 must be sent as 0xFFFF. Search the payload
 * space for a frame whose corrected checksum sums to zero. */
static void test_csum_zero_becomes_ffff(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;
	uint16_t c;

	s.udp_extra = 2;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	c = get16(f + lay.l4_off + 6);
	/* Adding c at the lowest CF word (which is 0) turns the checksum to
	 * ~(~c + c) = 0 by RFC 1624 equation 3. */
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &fi,
					     (ptp_cf_t){ c }), 0);
	CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6), 0xFFFF);
	CU_ASSERT(ref_udp_ok(f, lay.l3_off, lay.l4_off, false));
	CU_ASSERT_EQUAL(frame_udp_csum(f, lay.len, &fi), 0xFFFF);
}

/*
 * frame_cf_add_udp() (the one-step TC's run: the checksum from
 * frame_cf_csum_neg() of the delta and the carry of the add) writes the
 * bytes frame_add_correction() writes, and the checksum stays valid: at
 * the edges of the field (carries out of 64 bits, saturation both ways)
 * and of the checksum (1, 0xFFFF, a result in the zero class).
 */
static void test_cf_add_udp_edges(void)
{
	static const int64_t v[] = { 0, 1, -1, 2, 0xFFFF, 0x10000, -0x10000,
		0xFFFE0001, INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1,
		(int64_t)0x8000800080008000ull, 0x7FFF7FFF7FFF7FFF,
		(int64_t)0xFFFF0000FFFF0000ull };
	uint8_t f[BUF_CAP], g[BUF_CAP], h[BUF_CAP];
	struct frame_spec s = spec_v4;
	struct msg_spec m = msg_sync;
	struct frame_layout lay;
	struct frame_info fi;
	unsigned int i, j, k, n = sizeof(v) / sizeof(v[0]);
	uint16_t c;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			for (k = 0; k < 6; k++) {
				ptp_cf_t d = { v[j] };

				s.l3 = k & 1 ? FRAME_L3_IPV6 : FRAME_L3_IPV4;
				m.cf = v[i];
				CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f,
								&lay) == 0);
				CU_ASSERT_FATAL(frame_classify(f, lay.len,
							       &fi) ==
						FRAME_PTP);
				c = get16(f + lay.l4_off + 6);
				/* checksums 1 and 0xFFFF by the payload's
				 * last two octets, else as built */
				if (k >= 2) {
					uint16_t want = k < 4 ? 1 : 0xFFFF;
					uint8_t *t = f + fi.ptp_off +
						     fi.ptp_len - 2;

					/* t + c = t' + want (one's
					 * complement): the sum stays */
					put16(t, csum_fold((uint32_t)get16(t) +
							   c +
							   (uint16_t)~want));
					put16(f + lay.l4_off + 6, want);
					CU_ASSERT_FATAL(ref_udp_ok(
						f, lay.l3_off, lay.l4_off,
						s.l3 == FRAME_L3_IPV6));
				}
				memcpy(g, f, lay.len);
				memcpy(h, f, lay.len);
				CU_ASSERT_EQUAL_FATAL(frame_add_correction(
					g, lay.len, &fi, d), 0);
				frame_cf_add_udp(h + fi.ptp_off, d);
				CU_ASSERT_FATAL(memcmp(g, h, lay.len) == 0);
				CU_ASSERT_FATAL(ref_udp_ok(h, lay.l3_off,
							   lay.l4_off,
							   s.l3 ==
							   FRAME_L3_IPV6));
				CU_ASSERT_NOT_EQUAL(get16(h + lay.l4_off + 6),
						    0);
			}
		}
	}
	/* a result in the zero class leaves as 0xFFFF */
	s = spec_v4;
	s.udp_extra = 2;
	m = msg_sync;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	c = get16(f + lay.l4_off + 6);
	frame_cf_add_udp(f + fi.ptp_off, (ptp_cf_t){ c });
	CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6), 0xFFFF);
	CU_ASSERT(ref_udp_ok(f, lay.l3_off, lay.l4_off, false));
}

static void test_csum_ipv4_zero_stays_zero(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;
	unsigned int i;

	s.csum = false;
	s.n_vlans = 1;
	s.tpid[0] = 0x8100;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	CU_ASSERT_FALSE(fi.flags & FRAME_F_UDP_CSUM);
	for (i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &fi,
				(ptp_cf_t){ rnd_delta() }), 0);
		CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6), 0);
	}
}

/*
 * IPv6 too: a stored 0 is never a computed checksum (that is sent as
 * 0xFFFF), so it means none was made (RFC 6935/6936 zero-checksum UDP). An
 * incremental update over it would send a wrong checksum instead; the
 * correction leaves it 0, as it arrived (found by fuzz_tc).
 */
static void test_csum_ipv6_zero_stays_zero(void)
{
	uint8_t f[BUF_CAP], g[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;
	unsigned int i, k;

	s.l3 = FRAME_L3_IPV6;
	s.csum = false;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	CU_ASSERT_EQUAL_FATAL(fi.l3, FRAME_L3_IPV6);
	CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6), 0);
	CU_ASSERT_FALSE(fi.flags & FRAME_F_UDP_CSUM);
	for (i = 0; i < 100; i++) {
		memcpy(g, f, lay.len);
		CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &fi,
				(ptp_cf_t){ rnd_delta() }), 0);
		CU_ASSERT_EQUAL(get16(f + lay.l4_off + 6), 0);
		for (k = 0; k < lay.len; k++)	/* only the CF changed */
			if (k < fi.ptp_off + 8u || k >= fi.ptp_off + 16u)
				CU_ASSERT_EQUAL(f[k], g[k]);
	}
}

/* Raw Ethernet PTP: correction added, nothing else touched. */
static void test_raw_correction(void)
{
	uint8_t f[BUF_CAP], g[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;
	struct msg_spec m = msg_sync;
	size_t i;

	s.l3 = FRAME_L3_RAW_PTP;
	m.cf = INT64_MAX - 5;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	memcpy(g, f, lay.len);
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &fi,
					     (ptp_cf_t){ 100 }), 0);
	CU_ASSERT_EQUAL(get64(f + lay.ptp_off + 8), INT64_MAX);
	for (i = 0; i < lay.len; i++)
		if (i < lay.ptp_off + 8 || i >= lay.ptp_off + 16)
			CU_ASSERT_EQUAL(f[i], g[i]);
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &fi,
					     (ptp_cf_t){ INT64_MIN }), 0);
	CU_ASSERT_EQUAL(get64(f + lay.ptp_off + 8), -1);
}

/*
 * The incremental update works for any alignment of the correctionField
 * relative to the UDP header: shift the PTP message by one byte inside
 * the UDP payload and describe it by hand.
 */
static void test_csum_odd_alignment(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s = spec_v4;
	unsigned int i;
	int64_t cf = 0;

	s.l3 = FRAME_L3_IPV6;
	s.udp_extra = 1;
	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	memmove(f + lay.ptp_off + 1, f + lay.ptp_off, lay.ptp_len);
	f[lay.ptp_off] = 0xA5;
	ref_udp_fill(f, lay.l3_off, lay.l4_off, true);
	fi.ptp_off++;
	for (i = 0; i < 200; i++) {
		int64_t d = rnd_delta();

		CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &fi,
						     (ptp_cf_t){ d }), 0);
		cf = sat_add(cf, d);
		CU_ASSERT_EQUAL(get64(f + fi.ptp_off + 8), cf);
		CU_ASSERT(ref_udp_ok(f, lay.l3_off, lay.l4_off, true));
	}
}

/* The full checksum agrees with the reference and ignores the stored one. */
static void test_udp_csum_full(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi;
	struct frame_spec s;
	struct msg_spec m;
	unsigned int it;
	uint16_t c;

	for (it = 0; it < 500; it++) {
		random_spec(&s, &m);
		s.csum = true;
		CU_ASSERT_FATAL(build_ptp_frame(&s, &m, f, &lay) == 0);
		CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
		c = get16(f + lay.l4_off + 6);
		CU_ASSERT_EQUAL(frame_udp_csum(f, lay.len, &fi), c);
		put16(f + lay.l4_off + 6, (uint16_t)rnd(65536));
		CU_ASSERT_EQUAL(frame_udp_csum(f, lay.len, &fi), c);
	}
}

/* frame_add_correction refuses an info that does not fit the buffer. */
static void test_add_correction_rejects(void)
{
	uint8_t f[BUF_CAP];
	struct frame_layout lay;
	struct frame_info fi, bad;
	struct frame_spec s = spec_v4;

	CU_ASSERT_FATAL(build_ptp_frame(&s, &msg_sync, f, &lay) == 0);
	CU_ASSERT_FATAL(frame_classify(f, lay.len, &fi) == FRAME_PTP);
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.ptp_off + 33, &fi,
					     (ptp_cf_t){ 1 }), -1);
	CU_ASSERT_EQUAL(frame_add_correction(NULL, lay.len, &fi,
					     (ptp_cf_t){ 1 }), -1);
	bad = fi;
	bad.l4_off = 0;
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &bad,
					     (ptp_cf_t){ 1 }), -1);
	bad = fi;
	bad.cls = FRAME_NON_PTP;
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &bad,
					     (ptp_cf_t){ 1 }), -1);
	bad = fi;
	bad.l3 = FRAME_L3_OTHER;
	CU_ASSERT_EQUAL(frame_add_correction(f, lay.len, &bad,
					     (ptp_cf_t){ 1 }), -1);
	/* nothing was changed by the refused calls */
	CU_ASSERT_EQUAL(get64(f + lay.ptp_off + 8), 0);
	CU_ASSERT(ref_udp_ok(f, lay.l3_off, lay.l4_off, false));
}

static void test_strerror(void)
{
	unsigned int i, j;

	for (i = 0; i < FRAME_E__COUNT; i++) {
		CU_ASSERT_PTR_NOT_NULL(frame_strerror((enum frame_err)i));
		for (j = 0; j < i; j++)
			CU_ASSERT(strcmp(frame_strerror((enum frame_err)i),
					 frame_strerror((enum frame_err)j)));
	}
	CU_ASSERT_PTR_NOT_NULL(frame_strerror(FRAME_E__COUNT));
}

static const struct test_case frame_cases[] = {
	{ "classify IPv4/IPv6, VLANs, options, types", test_classify_ip_variants },
	{ "classify raw 0x88F7", test_classify_raw },
	{ "UDP payload longer than message", test_classify_udp_longer_than_ptp },
	{ "malformed table", test_malformed_table },
	{ "non-PTP frames", test_non_ptp },
	{ "frame_prescan agrees with classify", test_surely_non_ptp },
	{ "frame_ptp_event agrees with classify", test_ptp_event },
	{ "frame_pdelay agrees with classify and the watchdog",
	  test_pdelay_light },
	{ "three VLAN tags", test_three_vlans },
	{ "L2/L3 multicast flags", test_l2_flags },
	{ "every prefix", test_prefixes },
	{ "csum_update16 RFC 1624", test_csum_update16_rfc1624 },
	{ "csum_add_bytes RFC 1071", test_csum_add_bytes },
	{ "frame_mac48", test_mac48 },
	{ "random corrections keep checksum", test_csum_random },
	{ "checksum 0 sent as 0xFFFF", test_csum_zero_becomes_ffff },
	{ "frame_cf_add_udp at the edges", test_cf_add_udp_edges },
	{ "IPv4 checksum 0 stays 0", test_csum_ipv4_zero_stays_zero },
	{ "IPv6 checksum 0 stays 0", test_csum_ipv6_zero_stays_zero },
	{ "raw correction saturates", test_raw_correction },
	{ "odd alignment", test_csum_odd_alignment },
	{ "full UDP checksum", test_udp_csum_full },
	{ "add_correction rejects", test_add_correction_rejects },
	{ "strerror", test_strerror },
	{ NULL, NULL },
};

int test_register(void)
{
	return test_add_suite("frame", frame_cases);
}
