/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/ptp/msg.c: the IEEE 1588-2019 wire codec. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "cunit_main.h"
#include "ptp/msg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const struct ptp_clock_identity clk_a = {
	{ 0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56 } };
static const struct ptp_clock_identity clk_b = {
	{ 0xa0, 0x36, 0x9f, 0xff, 0xfe, 0xab, 0xcd, 0xef } };

/* ------------------------------------------------------------------ */
/* Round trip: build -> parse -> compare                               */
/* ------------------------------------------------------------------ */

static void fill_hdr(struct ptp_msg *m, uint8_t type)
{
	memset(m, 0, sizeof(*m));
	m->hdr.majorSdoId = 0x1;
	m->hdr.messageType = type;
	m->hdr.minorVersionPTP = 1;
	m->hdr.versionPTP = 2;
	m->hdr.domainNumber = 24;
	m->hdr.minorSdoId = 0x5a;
	m->hdr.flagField = PTP_FLAG_TWO_STEP | PTP_FLAG_UNICAST |
			   PTP_FLAG_PTP_TIMESCALE | PTP_FLAG_UTC_VALID;
	m->hdr.correction.scaled = -0x123456789abLL;	/* negative on purpose */
	m->hdr.messageTypeSpecific = 0xdeadbeef;
	m->hdr.sourcePortIdentity.clock = clk_a;
	m->hdr.sourcePortIdentity.port = 0x0102;
	m->hdr.sequenceId = 0xfedc;
	m->hdr.controlField = ptp_msg_control_field(type);
	m->hdr.logMessageInterval = -3;
}

static void assert_ts_eq(const struct ptp_timestamp *a,
			 const struct ptp_timestamp *b)
{
	CU_ASSERT_EQUAL(a->sec, b->sec);
	CU_ASSERT_EQUAL(a->nsec, b->nsec);
}

static void assert_pid_eq(const struct ptp_port_identity *a,
			  const struct ptp_port_identity *b)
{
	CU_ASSERT_EQUAL(memcmp(a->clock.id, b->clock.id, 8), 0);
	CU_ASSERT_EQUAL(a->port, b->port);
}

static void assert_hdr_eq(const struct ptp_header *a,
			  const struct ptp_header *b)
{
	CU_ASSERT_EQUAL(a->majorSdoId, b->majorSdoId);
	CU_ASSERT_EQUAL(a->messageType, b->messageType);
	CU_ASSERT_EQUAL(a->minorVersionPTP, b->minorVersionPTP);
	CU_ASSERT_EQUAL(a->versionPTP, b->versionPTP);
	CU_ASSERT_EQUAL(a->domainNumber, b->domainNumber);
	CU_ASSERT_EQUAL(a->minorSdoId, b->minorSdoId);
	CU_ASSERT_EQUAL(a->flagField, b->flagField);
	CU_ASSERT_EQUAL(a->correction.scaled, b->correction.scaled);
	CU_ASSERT_EQUAL(a->messageTypeSpecific, b->messageTypeSpecific);
	assert_pid_eq(&a->sourcePortIdentity, &b->sourcePortIdentity);
	CU_ASSERT_EQUAL(a->sequenceId, b->sequenceId);
	CU_ASSERT_EQUAL(a->controlField, b->controlField);
	CU_ASSERT_EQUAL(a->logMessageInterval, b->logMessageInterval);
}

static void assert_tlvs_eq(const struct ptp_msg *a, const struct ptp_msg *b)
{
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(a->n_tlvs, b->n_tlvs);
	for (i = 0; i < a->n_tlvs; i++) {
		CU_ASSERT_EQUAL(a->tlvs[i].type, b->tlvs[i].type);
		CU_ASSERT_EQUAL_FATAL(a->tlvs[i].length, b->tlvs[i].length);
		if (a->tlvs[i].length)
			CU_ASSERT_EQUAL(memcmp(a->tlvs[i].value,
					       b->tlvs[i].value,
					       a->tlvs[i].length), 0);
	}
}

/* Build m, check the length and the header bytes by hand, parse it back. */
static void round_trip(const struct ptp_msg *m, int want_len,
		       struct ptp_msg *out, uint8_t *buf)
{
	int n = ptp_msg_build(m, buf, 512);

	CU_ASSERT_EQUAL_FATAL(n, want_len);
	/* independent byte checks at fixed offsets */
	CU_ASSERT_EQUAL(buf[0], (m->hdr.majorSdoId << 4) | m->hdr.messageType);
	CU_ASSERT_EQUAL(buf[1], 0x12);
	CU_ASSERT_EQUAL(buf[2], want_len >> 8);
	CU_ASSERT_EQUAL(buf[3], want_len & 0xff);
	CU_ASSERT_EQUAL(buf[4], 24);
	CU_ASSERT_EQUAL(buf[5], 0x5a);
	CU_ASSERT_EQUAL(buf[6], 0x06);	/* two-step | unicast */
	CU_ASSERT_EQUAL(buf[7], 0x0c);	/* ptpTimescale | utcValid */
	/* -0x123456789ab, 64-bit two's complement, big endian */
	{
		static const uint8_t cf[8] = { 0xff, 0xff, 0xfe, 0xdc,
					       0xba, 0x98, 0x76, 0x55 };
		CU_ASSERT_EQUAL(memcmp(buf + 8, cf, 8), 0);
	}
	CU_ASSERT_EQUAL(buf[16], 0xde);
	CU_ASSERT_EQUAL(buf[19], 0xef);
	CU_ASSERT_EQUAL(memcmp(buf + 20, clk_a.id, 8), 0);
	CU_ASSERT_EQUAL(buf[28], 0x01);
	CU_ASSERT_EQUAL(buf[29], 0x02);
	CU_ASSERT_EQUAL(buf[30], 0xfe);
	CU_ASSERT_EQUAL(buf[31], 0xdc);
	CU_ASSERT_EQUAL(buf[33], 0xfd);	/* -3 */
	CU_ASSERT_EQUAL(ptp_hdr_check(buf, (size_t)n), PTP_OK);
	CU_ASSERT_EQUAL_FATAL(ptp_msg_parse(buf, (size_t)n, out), PTP_OK);
	CU_ASSERT_EQUAL(out->hdr.messageLength, want_len);
	assert_hdr_eq(&m->hdr, &out->hdr);
	assert_tlvs_eq(m, out);
}

/* Timestamp with seconds above 32 bits: 0x0000_1234_5678_9a bytes */
static const struct ptp_timestamp ts_big = { 0x123456789aULL, 987654321u };

static void check_ts_bytes(const uint8_t *p, const struct ptp_timestamp *ts)
{
	/* 48-bit seconds then 32-bit ns, big endian, written out by hand */
	uint8_t want[10];
	int i;

	for (i = 0; i < 6; i++)
		want[i] = (uint8_t)(ts->sec >> (8 * (5 - i)));
	for (i = 0; i < 4; i++)
		want[6 + i] = (uint8_t)(ts->nsec >> (8 * (3 - i)));
	CU_ASSERT_EQUAL(memcmp(p, want, 10), 0);
}

static void test_rt_event_like(uint8_t type)
{
	struct ptp_msg m, out;
	uint8_t buf[512];

	fill_hdr(&m, type);
	m.body.sync.ts = ts_big;
	round_trip(&m, 44, &out, buf);
	assert_ts_eq(&m.body.sync.ts, &out.body.sync.ts);
	check_ts_bytes(buf + 34, &ts_big);
	CU_ASSERT_EQUAL(buf[34], 0x00);
	CU_ASSERT_EQUAL(buf[35], 0x12);
	CU_ASSERT_EQUAL(buf[39], 0x9a);
}

static void test_rt_sync(void) { test_rt_event_like(PTP_SYNC); }
static void test_rt_delay_req(void) { test_rt_event_like(PTP_DELAY_REQ); }
static void test_rt_follow_up(void) { test_rt_event_like(PTP_FOLLOW_UP); }

static void test_rt_delay_resp(void)
{
	struct ptp_msg m, out;
	uint8_t buf[512];

	fill_hdr(&m, PTP_DELAY_RESP);
	m.body.resp.ts.sec = 1700000000;
	m.body.resp.ts.nsec = 999999999;
	m.body.resp.requestingPortIdentity.clock = clk_b;
	m.body.resp.requestingPortIdentity.port = 0xbeef;
	round_trip(&m, 54, &out, buf);
	assert_ts_eq(&m.body.resp.ts, &out.body.resp.ts);
	assert_pid_eq(&m.body.resp.requestingPortIdentity,
		      &out.body.resp.requestingPortIdentity);
	check_ts_bytes(buf + 34, &m.body.resp.ts);
	CU_ASSERT_EQUAL(memcmp(buf + 44, clk_b.id, 8), 0);
	CU_ASSERT_EQUAL(buf[52], 0xbe);
	CU_ASSERT_EQUAL(buf[53], 0xef);
}

static void test_rt_announce(void)
{
	struct ptp_msg m, out;
	struct ptp_announce_body *a = &m.body.announce, *b;
	uint8_t buf[512];

	fill_hdr(&m, PTP_ANNOUNCE);
	a->originTimestamp = ts_big;
	a->currentUtcOffset = -37;
	a->grandmasterPriority1 = 128;
	a->grandmasterClockQuality.clockClass = 6;
	a->grandmasterClockQuality.clockAccuracy = 0x21;
	a->grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	a->grandmasterPriority2 = 127;
	a->grandmasterIdentity = clk_b;
	a->stepsRemoved = 0x0203;
	a->timeSource = 0x20;
	round_trip(&m, 64, &out, buf);
	b = &out.body.announce;
	assert_ts_eq(&a->originTimestamp, &b->originTimestamp);
	CU_ASSERT_EQUAL(b->currentUtcOffset, -37);
	CU_ASSERT_EQUAL(b->grandmasterPriority1, 128);
	CU_ASSERT_EQUAL(b->grandmasterClockQuality.clockClass, 6);
	CU_ASSERT_EQUAL(b->grandmasterClockQuality.clockAccuracy, 0x21);
	CU_ASSERT_EQUAL(b->grandmasterClockQuality.offsetScaledLogVariance,
			0x4e5d);
	CU_ASSERT_EQUAL(b->grandmasterPriority2, 127);
	CU_ASSERT_EQUAL(memcmp(b->grandmasterIdentity.id, clk_b.id, 8), 0);
	CU_ASSERT_EQUAL(b->stepsRemoved, 0x0203);
	CU_ASSERT_EQUAL(b->timeSource, 0x20);
	/* wire offsets: utcOffset 44, reserved 46, p1 47, class 48,
	 * accuracy 49, variance 50, p2 52, gm id 53, steps 61, source 63 */
	CU_ASSERT_EQUAL(buf[44], 0xff);
	CU_ASSERT_EQUAL(buf[45], 0xdb);		/* -37 */
	CU_ASSERT_EQUAL(buf[46], 0);
	CU_ASSERT_EQUAL(buf[47], 128);
	CU_ASSERT_EQUAL(buf[48], 6);
	CU_ASSERT_EQUAL(buf[49], 0x21);
	CU_ASSERT_EQUAL(buf[50], 0x4e);
	CU_ASSERT_EQUAL(buf[51], 0x5d);
	CU_ASSERT_EQUAL(buf[52], 127);
	CU_ASSERT_EQUAL(memcmp(buf + 53, clk_b.id, 8), 0);
	CU_ASSERT_EQUAL(buf[61], 0x02);
	CU_ASSERT_EQUAL(buf[62], 0x03);
	CU_ASSERT_EQUAL(buf[63], 0x20);
}

static void test_rt_signaling(void)
{
	/* REQUEST_UNICAST_TRANSMISSION: messageType<<4, logInterval,
	 * duration (4) = 6 bytes; the value is opaque to the codec */
	static const uint8_t req[6] = { 0xb0, 0x01, 0x00, 0x00, 0x01, 0x2c };
	static const uint8_t grant[8] = { 0xb0, 0x01, 0x00, 0x00,
					   0x01, 0x2c, 0x00, 0x01 };
	struct ptp_msg m, out;
	uint8_t buf[512];

	fill_hdr(&m, PTP_SIGNALING);
	m.body.signaling.targetPortIdentity.clock = clk_b;
	m.body.signaling.targetPortIdentity.port = 0xffff;
	m.n_tlvs = 3;
	m.tlvs[0].type = PTP_TLV_REQUEST_UNICAST_TRANSMISSION;
	m.tlvs[0].length = sizeof(req);
	m.tlvs[0].value = req;
	m.tlvs[1].type = PTP_TLV_GRANT_UNICAST_TRANSMISSION;
	m.tlvs[1].length = sizeof(grant);
	m.tlvs[1].value = grant;
	m.tlvs[2].type = PTP_TLV_CANCEL_UNICAST_TRANSMISSION;
	m.tlvs[2].length = 0;
	m.tlvs[2].value = NULL;
	round_trip(&m, 44 + 4 + 6 + 4 + 8 + 4, &out, buf);
	assert_pid_eq(&m.body.signaling.targetPortIdentity,
		      &out.body.signaling.targetPortIdentity);
	/* first TLV header at 44: type 0x0004, length 6 */
	CU_ASSERT_EQUAL(buf[44], 0x00);
	CU_ASSERT_EQUAL(buf[45], 0x04);
	CU_ASSERT_EQUAL(buf[46], 0x00);
	CU_ASSERT_EQUAL(buf[47], 0x06);
	CU_ASSERT_EQUAL(memcmp(buf + 48, req, 6), 0);
	CU_ASSERT_EQUAL(buf[55], 0x05);
	CU_ASSERT_EQUAL(buf[57], 0x08);
	/* parsed TLV values point into the buffer, at the right place */
	CU_ASSERT_PTR_EQUAL(out.tlvs[0].value, buf + 48);
	CU_ASSERT_PTR_EQUAL(out.tlvs[1].value, buf + 58);
	CU_ASSERT_PTR_EQUAL(out.tlvs[2].value, buf + 70);
}

static void test_rt_sync_with_tlv(void)
{
	/* TLVs may follow any message body; 16 is the maximum */
	static const uint8_t v[2] = { 0xaa, 0x55 };
	struct ptp_msg m, out;
	uint8_t buf[512];
	unsigned int i;

	fill_hdr(&m, PTP_SYNC);
	m.body.sync.ts.sec = 1;
	m.n_tlvs = PTP_MAX_TLVS;
	for (i = 0; i < PTP_MAX_TLVS; i++) {
		m.tlvs[i].type = (uint16_t)(0x8000 + i);
		m.tlvs[i].length = sizeof(v);
		m.tlvs[i].value = v;
	}
	round_trip(&m, 44 + 16 * 6, &out, buf);
}

static void test_build_controlfield_helper(void)
{
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_SYNC), 0);
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_DELAY_REQ), 1);
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_FOLLOW_UP), 2);
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_DELAY_RESP), 3);
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_MANAGEMENT), 4);
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_ANNOUNCE), 5);
	CU_ASSERT_EQUAL(ptp_msg_control_field(PTP_PDELAY_REQ), 5);
}

/* ------------------------------------------------------------------ */
/* Build errors                                                        */
/* ------------------------------------------------------------------ */

static void test_build_nospace(void)
{
	struct ptp_msg m;
	uint8_t buf[64];
	unsigned int i;

	fill_hdr(&m, PTP_ANNOUNCE);
	memset(buf, 0xa5, sizeof(buf));
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, 63), PTP_E_NOSPACE);
	for (i = 0; i < sizeof(buf); i++)
		CU_ASSERT_EQUAL(buf[i], 0xa5);	/* nothing written */
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, 64), 64);
	CU_ASSERT_EQUAL(ptp_msg_build(&m, NULL, 0), PTP_E_NOSPACE);

	fill_hdr(&m, PTP_SYNC);
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, 43), PTP_E_NOSPACE);
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, 44), 44);
	fill_hdr(&m, PTP_DELAY_RESP);
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, 53), PTP_E_NOSPACE);
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, 54), 54);
	/* TLVs count towards the space */
	fill_hdr(&m, PTP_SIGNALING);
	m.n_tlvs = 1;
	m.tlvs[0].type = 1;
	m.tlvs[0].length = 16;
	m.tlvs[0].value = buf;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf + 0, 63), PTP_E_NOSPACE);
}

static void test_build_inval(void)
{
	static const uint8_t v[3] = { 1, 2, 3 };
	static const uint8_t untouched[] = { PTP_PDELAY_REQ, PTP_PDELAY_RESP,
		PTP_PDELAY_RESP_FOLLOW_UP, PTP_MANAGEMENT, 0x4, 0x7, 0xe, 0xf };
	struct ptp_msg m;
	uint8_t buf[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(untouched); i++) {
		fill_hdr(&m, untouched[i]);
		CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)),
				PTP_E_INVAL);
	}
	fill_hdr(&m, PTP_SYNC);
	m.body.sync.ts.nsec = 1000000000u;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	fill_hdr(&m, PTP_FOLLOW_UP);
	m.body.sync.ts.sec = 1ULL << 48;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	fill_hdr(&m, PTP_ANNOUNCE);
	m.body.announce.originTimestamp.nsec = 1000000000u;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	fill_hdr(&m, PTP_DELAY_RESP);
	m.body.resp.ts.nsec = 0xffffffffu;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);

	fill_hdr(&m, PTP_SIGNALING);
	m.n_tlvs = 1;
	m.tlvs[0].length = 3;	/* odd */
	m.tlvs[0].value = v;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	m.tlvs[0].length = 2;
	m.tlvs[0].value = NULL;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	m.n_tlvs = PTP_MAX_TLVS + 1;
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	/* larger than messageLength can express */
	m.n_tlvs = 2;
	m.tlvs[0].length = 0xfffe;
	m.tlvs[0].value = v;	/* never read: rejected first */
	m.tlvs[1] = m.tlvs[0];
	CU_ASSERT_EQUAL(ptp_msg_build(&m, buf, sizeof(buf)), PTP_E_INVAL);
	CU_ASSERT_EQUAL(ptp_msg_build(NULL, buf, sizeof(buf)), PTP_E_INVAL);
}

/* ------------------------------------------------------------------ */
/* Hand-made byte arrays for the types the codec does not build        */
/* ------------------------------------------------------------------ */

#define HDR(type, len_hi, len_lo, ctl)					\
	(type), 0x12, (len_hi), (len_lo), 0x00, 0x00, 0x02, 0x00,	\
	/* correctionField = 1.5 ns */					\
	0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x80, 0x00,			\
	0x00, 0x00, 0x00, 0x00,						\
	0x00, 0x1b, 0x21, 0xff, 0xfe, 0x12, 0x34, 0x56, 0x00, 0x01,	\
	0x12, 0x34, (ctl), 0x7f

static const uint8_t pdelay_req[54] = {
	HDR(0x02, 0x00, 54, 0x05),
	/* originTimestamp: 0x000102030405 s, 0x0a0b0c0d ns */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x0a, 0x0b, 0x0c, 0x0d,
	/* reserved (10) */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
};

static const uint8_t pdelay_resp[54] = {
	HDR(0x03, 0x00, 54, 0x05),
	/* requestReceiptTimestamp: 100 s, 999999999 ns (0x3b9ac9ff) */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x64, 0x3b, 0x9a, 0xc9, 0xff,
	/* requestingPortIdentity */
	0xa0, 0x36, 0x9f, 0xff, 0xfe, 0xab, 0xcd, 0xef, 0x00, 0x07,
};

static const uint8_t pdelay_resp_fup[54] = {
	HDR(0x0a, 0x00, 54, 0x05),
	/* responseOriginTimestamp: 2^40 s, 0 ns */
	0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0xa0, 0x36, 0x9f, 0xff, 0xfe, 0xab, 0xcd, 0xef, 0x80, 0x01,
};

/* Management GET of DEFAULT_DATA_SET (managementId 0x2000) */
static const uint8_t management[54] = {
	HDR(0x0d, 0x00, 54, 0x04),
	/* targetPortIdentity: all ones (wildcard) */
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	/* startingBoundaryHops, boundaryHops, action GET (0) + junk hi
	 * nibble, reserved */
	0x03, 0x02, 0xf0, 0x00,
	/* TLV MANAGEMENT, length 2, managementId 0x2000 */
	0x00, 0x01, 0x00, 0x02, 0x20, 0x00,
};

static void check_hand_hdr(const struct ptp_header *h, uint8_t type)
{
	CU_ASSERT_EQUAL(h->majorSdoId, 0);
	CU_ASSERT_EQUAL(h->messageType, type);
	CU_ASSERT_EQUAL(h->minorVersionPTP, 1);
	CU_ASSERT_EQUAL(h->versionPTP, 2);
	CU_ASSERT_EQUAL(h->messageLength, 54);
	CU_ASSERT_EQUAL(h->flagField, PTP_FLAG_TWO_STEP);
	CU_ASSERT_EQUAL(h->correction.scaled, 0x18000);
	CU_ASSERT_EQUAL(memcmp(h->sourcePortIdentity.clock.id, clk_a.id, 8),
			0);
	CU_ASSERT_EQUAL(h->sourcePortIdentity.port, 1);
	CU_ASSERT_EQUAL(h->sequenceId, 0x1234);
	CU_ASSERT_EQUAL(h->logMessageInterval, 0x7f);
}

static void test_parse_pdelay_req(void)
{
	struct ptp_msg m;

	CU_ASSERT_EQUAL_FATAL(ptp_msg_parse(pdelay_req, sizeof(pdelay_req),
					    &m), PTP_OK);
	check_hand_hdr(&m.hdr, PTP_PDELAY_REQ);
	CU_ASSERT_EQUAL(m.hdr.controlField, 5);
	CU_ASSERT_EQUAL(m.body.sync.ts.sec, 0x000102030405ULL);
	CU_ASSERT_EQUAL(m.body.sync.ts.nsec, 0x0a0b0c0du);
	CU_ASSERT_EQUAL(m.n_tlvs, 0);	/* reserved bytes are not TLVs */
}

static void test_parse_pdelay_resp(void)
{
	struct ptp_msg m;

	CU_ASSERT_EQUAL_FATAL(ptp_msg_parse(pdelay_resp, sizeof(pdelay_resp),
					    &m), PTP_OK);
	check_hand_hdr(&m.hdr, PTP_PDELAY_RESP);
	CU_ASSERT_EQUAL(m.body.resp.ts.sec, 100);
	CU_ASSERT_EQUAL(m.body.resp.ts.nsec, 999999999u);
	CU_ASSERT_EQUAL(memcmp(m.body.resp.requestingPortIdentity.clock.id,
			       clk_b.id, 8), 0);
	CU_ASSERT_EQUAL(m.body.resp.requestingPortIdentity.port, 7);
	CU_ASSERT_EQUAL(m.n_tlvs, 0);
	CU_ASSERT_TRUE(ptp_msg_is_event(m.hdr.messageType));
}

static void test_parse_pdelay_resp_fup(void)
{
	struct ptp_msg m;

	CU_ASSERT_EQUAL_FATAL(ptp_msg_parse(pdelay_resp_fup,
					    sizeof(pdelay_resp_fup), &m),
			      PTP_OK);
	check_hand_hdr(&m.hdr, PTP_PDELAY_RESP_FOLLOW_UP);
	CU_ASSERT_EQUAL(m.body.resp.ts.sec, 1ULL << 40);
	CU_ASSERT_EQUAL(m.body.resp.ts.nsec, 0);
	CU_ASSERT_EQUAL(m.body.resp.requestingPortIdentity.port, 0x8001);
	CU_ASSERT_FALSE(ptp_msg_is_event(m.hdr.messageType));
}

static void test_parse_management(void)
{
	struct ptp_msg m;
	unsigned int i;

	CU_ASSERT_EQUAL_FATAL(ptp_msg_parse(management, sizeof(management),
					    &m), PTP_OK);
	check_hand_hdr(&m.hdr, PTP_MANAGEMENT);
	CU_ASSERT_EQUAL(m.hdr.controlField, 4);
	for (i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(m.body.management.targetPortIdentity.clock.id[i],
				0xff);
	CU_ASSERT_EQUAL(m.body.management.targetPortIdentity.port, 0xffff);
	CU_ASSERT_EQUAL(m.body.management.startingBoundaryHops, 3);
	CU_ASSERT_EQUAL(m.body.management.boundaryHops, 2);
	CU_ASSERT_EQUAL(m.body.management.actionField, 0);
	CU_ASSERT_EQUAL_FATAL(m.n_tlvs, 1);
	CU_ASSERT_EQUAL(m.tlvs[0].type, PTP_TLV_MANAGEMENT);
	CU_ASSERT_EQUAL(m.tlvs[0].length, 2);
	CU_ASSERT_PTR_EQUAL(m.tlvs[0].value, management + 52);
}

/* ------------------------------------------------------------------ */
/* Malformed inputs: one table, one expected error each                */
/* ------------------------------------------------------------------ */

/* Fixed body length per type, written out from the 1588 tables. */
static unsigned int min_len_of(uint8_t type)
{
	switch (type) {
	case 0x0: case 0x1: case 0x8: case 0xc:
		return 44;
	case 0x2: case 0x3: case 0x9: case 0xa:
		return 54;
	case 0xb:
		return 64;
	case 0xd:
		return 48;
	default:
		return 0;
	}
}

struct bad_case {
	const char *what;
	uint8_t type;		/* low nibble of octet 0 */
	uint8_t version;	/* octet 1 */
	unsigned int mlen;	/* messageLength written in the header */
	size_t len;		/* bytes handed to the parser */
	/* extra bytes written at offset 'at' (e.g. a TLV or a timestamp) */
	unsigned int at;
	uint8_t patch[8];
	unsigned int patch_len;
	int want;
};

#define TLV(t, l) (uint8_t)((t) >> 8), (uint8_t)(t), (uint8_t)((l) >> 8), (uint8_t)(l)
/* nsec = 1e9 = 0x3b9aca00 */
#define NS_1E9 0x3b, 0x9a, 0xca, 0x00

static const struct bad_case bad_cases[] = {
	{ "empty", 0x0, 0x02, 44, 0, 0, {0}, 0, PTP_E_SHORT_HEADER },
	{ "33-byte header", 0x0, 0x02, 44, 33, 0, {0}, 0, PTP_E_SHORT_HEADER },
	{ "version 1", 0x0, 0x01, 44, 44, 0, {0}, 0, PTP_E_VERSION },
	{ "version 3", 0x0, 0x03, 44, 44, 0, {0}, 0, PTP_E_VERSION },
	{ "version 0, minor 2", 0x0, 0x20, 44, 44, 0, {0}, 0, PTP_E_VERSION },
	{ "type 0x4", 0x4, 0x12, 64, 64, 0, {0}, 0, PTP_E_BAD_TYPE },
	{ "type 0x5", 0x5, 0x12, 64, 64, 0, {0}, 0, PTP_E_BAD_TYPE },
	{ "type 0x6", 0x6, 0x12, 64, 64, 0, {0}, 0, PTP_E_BAD_TYPE },
	{ "type 0x7", 0x7, 0x12, 64, 64, 0, {0}, 0, PTP_E_BAD_TYPE },
	{ "type 0xe", 0xe, 0x12, 64, 64, 0, {0}, 0, PTP_E_BAD_TYPE },
	{ "type 0xf", 0xf, 0x12, 64, 64, 0, {0}, 0, PTP_E_BAD_TYPE },
	/* each type with messageLength one below its minimum (frame long) */
	{ "Sync len 43", 0x0, 0x12, 43, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Delay_Req len 43", 0x1, 0x12, 43, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Pdelay_Req len 53", 0x2, 0x12, 53, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Pdelay_Resp len 53", 0x3, 0x12, 53, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Follow_Up len 43", 0x8, 0x12, 43, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Delay_Resp len 53", 0x9, 0x12, 53, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Pdelay_Resp_FUP len 53", 0xa, 0x12, 53, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Announce len 63", 0xb, 0x12, 63, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Signaling len 43", 0xc, 0x12, 43, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Management len 47", 0xd, 0x12, 47, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	{ "Sync len 0", 0x0, 0x12, 0, 64, 0, {0}, 0, PTP_E_LEN_TOO_SHORT },
	/* messageLength beyond the bytes present */
	{ "Sync frame 43", 0x0, 0x12, 44, 43, 0, {0}, 0, PTP_E_LEN_EXCEEDS_FRAME },
	{ "Sync frame 34", 0x0, 0x12, 44, 34, 0, {0}, 0, PTP_E_LEN_EXCEEDS_FRAME },
	{ "Announce frame 63", 0xb, 0x12, 64, 63, 0, {0}, 0, PTP_E_LEN_EXCEEDS_FRAME },
	{ "Delay_Resp frame 53", 0x9, 0x12, 54, 53, 0, {0}, 0, PTP_E_LEN_EXCEEDS_FRAME },
	{ "Management len 0xffff", 0xd, 0x12, 0xffff, 64, 0, {0}, 0, PTP_E_LEN_EXCEEDS_FRAME },
	{ "Signaling len+1", 0xc, 0x12, 65, 64, 0, {0}, 0, PTP_E_LEN_EXCEEDS_FRAME },
	/* TLVs */
	{ "TLV header cut", 0xc, 0x12, 46, 64, 44, { TLV(0x0004, 0) }, 4,
	  PTP_E_TLV_OVERRUN },
	{ "TLV value past mlen", 0xc, 0x12, 52, 52, 44, { TLV(0x0004, 6) }, 4,
	  PTP_E_TLV_OVERRUN },
	{ "TLV past mlen, inside frame", 0xc, 0x12, 52, 64, 44,
	  { TLV(0x0004, 8) }, 4, PTP_E_TLV_OVERRUN },
	{ "TLV length 0xffff", 0xc, 0x12, 56, 64, 44, { TLV(0x0004, 0xffff) }, 4,
	  PTP_E_TLV_OVERRUN },
	{ "trailing 2 bytes after TLV", 0xc, 0x12, 50, 64, 44,
	  { TLV(0x0004, 0), 0, 0 }, 6, PTP_E_TLV_OVERRUN },
	{ "Management TLV overrun", 0xd, 0x12, 56, 64, 48, { TLV(0x0001, 10) },
	  4, PTP_E_TLV_OVERRUN },
	{ "odd TLV length", 0xc, 0x12, 52, 64, 44, { TLV(0x0004, 3) }, 4,
	  PTP_E_TLV_ODD },
	{ "odd TLV length 1 on Sync", 0x0, 0x12, 50, 64, 44, { TLV(0x8001, 1) },
	  4, PTP_E_TLV_ODD },
	{ "Management odd TLV", 0xd, 0x12, 56, 64, 48, { TLV(0x0001, 3) }, 4,
	  PTP_E_TLV_ODD },
	/* 17 empty TLVs: every header byte zero = type 0 length 0 */
	{ "17 TLVs", 0xc, 0x12, 44 + 17 * 4, 44 + 17 * 4, 0, {0}, 0,
	  PTP_E_TOO_MANY_TLVS },
	/* timestamps: nanoseconds at body offset 6 */
	{ "Sync ns=1e9", 0x0, 0x12, 44, 44, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Delay_Req ns=1e9", 0x1, 0x12, 44, 44, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Pdelay_Req ns=1e9", 0x2, 0x12, 54, 54, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Pdelay_Resp ns=1e9", 0x3, 0x12, 54, 54, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Follow_Up ns=1e9", 0x8, 0x12, 44, 44, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Delay_Resp ns=1e9", 0x9, 0x12, 54, 54, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Pdelay_Resp_FUP ns=1e9", 0xa, 0x12, 54, 54, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Announce ns=1e9", 0xb, 0x12, 64, 64, 40, { NS_1E9 }, 4,
	  PTP_E_BAD_TIMESTAMP },
	{ "Sync ns=0xffffffff", 0x0, 0x12, 44, 44, 40,
	  { 0xff, 0xff, 0xff, 0xff }, 4, PTP_E_BAD_TIMESTAMP },
};

/* Build a case into a heap buffer of exactly c->len bytes (so ASan sees
 * any read past it). The header fields not in the case are zero. */
static uint8_t *make_case(const struct bad_case *c, uint8_t *tmpl)
{
	uint8_t *b;

	memset(tmpl, 0, 256);
	tmpl[0] = c->type;
	tmpl[1] = c->version;
	tmpl[2] = (uint8_t)(c->mlen >> 8);
	tmpl[3] = (uint8_t)c->mlen;
	if (c->patch_len)
		memcpy(tmpl + c->at, c->patch, c->patch_len);
	b = malloc(c->len ? c->len : 1);
	if (b != NULL && c->len)
		memcpy(b, tmpl, c->len);
	return b;
}

static void test_malformed_table(void)
{
	uint8_t tmpl[256];
	struct ptp_msg m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		uint8_t *b = make_case(c, tmpl);
		int rc;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		rc = ptp_msg_parse(b, c->len, &m);
		if (rc != c->want)
			fprintf(stderr, "\n  case '%s': got %d (%s), want %d\n",
				c->what, rc, ptp_strerror(rc), c->want);
		CU_ASSERT_EQUAL(rc, c->want);
		free(b);
	}
}

/* The same cases with the defect removed must parse: the table tests the
 * defect, not something else in the bytes. */
static void test_malformed_table_controls(void)
{
	uint8_t tmpl[256];
	struct ptp_msg m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		struct bad_case c = bad_cases[i];
		uint8_t *b;
		int rc;

		if (c.want == PTP_E_SHORT_HEADER || c.want == PTP_E_BAD_TYPE)
			continue;
		c.version = 0x12;
		if (c.want == PTP_E_LEN_TOO_SHORT ||
		    c.want == PTP_E_LEN_EXCEEDS_FRAME) {
			c.mlen = min_len_of(c.type);
			c.len = c.mlen;
		}
		if (c.want == PTP_E_TOO_MANY_TLVS) {
			c.mlen = 44 + 16 * 4;
			c.len = c.mlen;
		}
		if (c.want == PTP_E_TLV_OVERRUN || c.want == PTP_E_TLV_ODD ||
		    c.want == PTP_E_BAD_TIMESTAMP)
			c.patch_len = 0;
		if (c.want == PTP_E_TLV_OVERRUN || c.want == PTP_E_TLV_ODD)
			c.mlen = min_len_of(c.type);
		b = make_case(&c, tmpl);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		rc = ptp_msg_parse(b, c.len, &m);
		if (rc != PTP_OK)
			fprintf(stderr, "\n  control of '%s': got %d (%s)\n",
				c.what, rc, ptp_strerror(rc));
		CU_ASSERT_EQUAL(rc, PTP_OK);
		free(b);
	}
}

static void test_hdr_check_table(void)
{
	uint8_t tmpl[256];
	unsigned int i;

	/* header-level defects give the same code; body/TLV ones pass */
	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		uint8_t *b = make_case(c, tmpl);
		int want = c->want;

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		if (want <= PTP_E_TLV_OVERRUN)
			want = PTP_OK;
		CU_ASSERT_EQUAL(ptp_hdr_check(b, c->len), want);
		free(b);
	}
	CU_ASSERT_EQUAL(ptp_hdr_check(NULL, 100), PTP_E_SHORT_HEADER);
}

static void test_min_len_all_types(void)
{
	unsigned int t;

	for (t = 0; t < 16; t++)
		CU_ASSERT_EQUAL(ptp_msg_min_len((uint8_t)t), min_len_of((uint8_t)t));
	CU_ASSERT_EQUAL(ptp_msg_min_len(0x10), 0);
	CU_ASSERT_EQUAL(ptp_msg_min_len(0xff), 0);
}

/* ------------------------------------------------------------------ */
/* Length edges                                                        */
/* ------------------------------------------------------------------ */

static void test_exact_length_heap(void)
{
	/* every hand-made message, in a buffer exactly messageLength long */
	const uint8_t *const msgs[] = { pdelay_req, pdelay_resp,
					pdelay_resp_fup, management };
	struct ptp_msg m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(msgs); i++) {
		uint8_t *b = malloc(54);

		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		memcpy(b, msgs[i], 54);
		CU_ASSERT_EQUAL(ptp_msg_parse(b, 54, &m), PTP_OK);
		CU_ASSERT_EQUAL(ptp_msg_parse(b, 53, &m),
				PTP_E_LEN_EXCEEDS_FRAME);
		free(b);
	}
}

static void test_padding_ignored(void)
{
	struct ptp_msg m, out;
	uint8_t buf[128];
	int n;

	fill_hdr(&m, PTP_SYNC);
	m.body.sync.ts.sec = 5;
	memset(buf, 0xff, sizeof(buf));
	n = ptp_msg_build(&m, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, 44);
	/* 0xff padding would be an odd, overrunning TLV if it were read */
	CU_ASSERT_EQUAL(ptp_msg_parse(buf, sizeof(buf), &out), PTP_OK);
	CU_ASSERT_EQUAL(out.n_tlvs, 0);
	CU_ASSERT_EQUAL(out.hdr.messageLength, 44);
	CU_ASSERT_EQUAL(out.body.sync.ts.sec, 5);
	/* UDP minimum-frame padding of zeros: still nothing read */
	memset(buf + 44, 0, sizeof(buf) - 44);
	CU_ASSERT_EQUAL(ptp_msg_parse(buf, 46, &out), PTP_OK);
	CU_ASSERT_EQUAL(out.n_tlvs, 0);
}

static void test_management_padding_ignored(void)
{
	uint8_t buf[64];
	struct ptp_msg m;

	memcpy(buf, management, sizeof(management));
	memset(buf + 54, 0x01, sizeof(buf) - 54);	/* odd-looking junk */
	CU_ASSERT_EQUAL(ptp_msg_parse(buf, sizeof(buf), &m), PTP_OK);
	CU_ASSERT_EQUAL(m.n_tlvs, 1);
}

static void test_max_tlvs(void)
{
	uint8_t buf[44 + 16 * 4] = { 0x0c, 0x02, 0x00, 44 + 16 * 4 };
	struct ptp_msg m;

	CU_ASSERT_EQUAL_FATAL(ptp_msg_parse(buf, sizeof(buf), &m), PTP_OK);
	CU_ASSERT_EQUAL(m.n_tlvs, 16);
	CU_ASSERT_EQUAL(m.tlvs[15].length, 0);
	CU_ASSERT_PTR_EQUAL(m.tlvs[15].value, buf + 44 + 15 * 4 + 4);
}

/* ------------------------------------------------------------------ */
/* In-place correctionField, names, clock identity                     */
/* ------------------------------------------------------------------ */

static void test_hdr_correction_in_place(void)
{
	uint8_t buf[64];
	ptp_cf_t cf;
	static const uint8_t neg1[8] = { 0xff, 0xff, 0xff, 0xff,
					 0xff, 0xff, 0xff, 0xff };
	static const uint8_t pos[8] = { 0x01, 0x23, 0x45, 0x67,
					0x89, 0xab, 0xcd, 0xef };

	memcpy(buf, pdelay_req, sizeof(pdelay_req));
	CU_ASSERT_EQUAL(ptp_hdr_get_correction(buf).scaled, 0x18000);
	cf.scaled = -1;
	ptp_hdr_set_correction(buf, cf);
	CU_ASSERT_EQUAL(memcmp(buf + 8, neg1, 8), 0);
	CU_ASSERT_EQUAL(ptp_hdr_get_correction(buf).scaled, -1);
	cf.scaled = 0x0123456789abcdefLL;
	ptp_hdr_set_correction(buf, cf);
	CU_ASSERT_EQUAL(memcmp(buf + 8, pos, 8), 0);
	/* neighbours untouched */
	CU_ASSERT_EQUAL(buf[7], 0x00);
	CU_ASSERT_EQUAL(buf[16], 0x00);
	CU_ASSERT_EQUAL(buf[6], 0x02);
	cf.scaled = INT64_MIN;
	ptp_hdr_set_correction(buf, cf);
	CU_ASSERT_EQUAL(buf[8], 0x80);
	CU_ASSERT_EQUAL(ptp_hdr_get_correction(buf).scaled, INT64_MIN);
}

static void test_strerror(void)
{
	static const int codes[] = { PTP_OK, PTP_E_SHORT_HEADER,
		PTP_E_VERSION, PTP_E_BAD_TYPE, PTP_E_LEN_TOO_SHORT,
		PTP_E_LEN_EXCEEDS_FRAME, PTP_E_TLV_OVERRUN, PTP_E_TLV_ODD,
		PTP_E_TOO_MANY_TLVS, PTP_E_BAD_TIMESTAMP, PTP_E_NOSPACE,
		PTP_E_INVAL };
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		const char *s = ptp_strerror(codes[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(s);
		CU_ASSERT_STRING_NOT_EQUAL(s, "unknown error");
		for (j = 0; j < i; j++)
			CU_ASSERT_STRING_NOT_EQUAL(s, ptp_strerror(codes[j]));
	}
	CU_ASSERT_STRING_EQUAL(ptp_strerror(-12), "unknown error");
	CU_ASSERT_STRING_EQUAL(ptp_strerror(1), "unknown error");
	CU_ASSERT_STRING_EQUAL(ptp_strerror(-1000), "unknown error");
	CU_ASSERT_STRING_EQUAL(ptp_strerror(INT32_MIN), "unknown error");
}

static void test_type_names(void)
{
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x0), "Sync");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x1), "Delay_Req");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x2), "Pdelay_Req");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x3), "Pdelay_Resp");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x8), "Follow_Up");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x9), "Delay_Resp");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0xa),
			       "Pdelay_Resp_Follow_Up");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0xb), "Announce");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0xc), "Signaling");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0xd), "Management");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x4), "reserved");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0xf), "reserved");
	CU_ASSERT_STRING_EQUAL(ptp_msg_type_name(0x10), "reserved");
}

static void test_clock_id_str(void)
{
	char s[24];
	char small[8];

	ptp_clock_id_str(&clk_a, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "001b21.fffe.123456");
	ptp_clock_id_str(&clk_b, s, sizeof(s));
	CU_ASSERT_STRING_EQUAL(s, "a0369f.fffe.abcdef");
	/* a short buffer is truncated and terminated, not overrun */
	ptp_clock_id_str(&clk_b, small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "a0369f.");
}

static void test_clock_id_parse(void)
{
	static const char *const bad[] = {
		"", "a0369f.fffe.abcde", "a0369f.fffe.abcdef0",
		"a0369ffffeabcdef", "a0369f-fffe-abcdef", "a0369f.fffe.abcdeg",
		"a0369.ffffe.abcdef", " a0369f.fffe.abcde", "a0369f.fffe.abcd f",
		"0x369f.fffe.abcdef",
	};
	struct ptp_clock_identity id, orig;
	char s[24];
	unsigned int i;

	CU_ASSERT_EQUAL(ptp_clock_id_parse("a0369f.fffe.abcdef", &id), 0);
	CU_ASSERT_EQUAL(memcmp(id.id, clk_b.id, 8), 0);
	CU_ASSERT_EQUAL(ptp_clock_id_parse("A0369F.FFFE.ABCDEF", &id), 0);
	CU_ASSERT_EQUAL(memcmp(id.id, clk_b.id, 8), 0);
	ptp_clock_id_str(&clk_a, s, sizeof(s));
	CU_ASSERT_EQUAL(ptp_clock_id_parse(s, &id), 0);
	CU_ASSERT_EQUAL(memcmp(id.id, clk_a.id, 8), 0);

	orig = clk_a;
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		id = orig;
		CU_ASSERT_EQUAL(ptp_clock_id_parse(bad[i], &id), -1);
		/* untouched on failure */
		CU_ASSERT_EQUAL(memcmp(id.id, orig.id, 8), 0);
	}
	CU_ASSERT_EQUAL(ptp_clock_id_parse(NULL, &id), -1);
}

static const struct test_case msg_cases[] = {
	{ "round trip Sync", test_rt_sync },
	{ "round trip Delay_Req", test_rt_delay_req },
	{ "round trip Follow_Up", test_rt_follow_up },
	{ "round trip Delay_Resp", test_rt_delay_resp },
	{ "round trip Announce", test_rt_announce },
	{ "round trip Signaling with TLVs", test_rt_signaling },
	{ "round trip Sync with 16 TLVs", test_rt_sync_with_tlv },
	{ "controlField helper", test_build_controlfield_helper },
	{ "build NOSPACE", test_build_nospace },
	{ "build INVAL", test_build_inval },
	{ "parse hand-made Pdelay_Req", test_parse_pdelay_req },
	{ "parse hand-made Pdelay_Resp", test_parse_pdelay_resp },
	{ "parse hand-made Pdelay_Resp_Follow_Up", test_parse_pdelay_resp_fup },
	{ "parse hand-made Management", test_parse_management },
	{ "malformed table", test_malformed_table },
	{ "malformed table controls parse", test_malformed_table_controls },
	{ "hdr_check on the malformed table", test_hdr_check_table },
	{ "min_len of all 16 types", test_min_len_all_types },
	{ "exact messageLength buffer", test_exact_length_heap },
	{ "UDP padding ignored", test_padding_ignored },
	{ "Management padding ignored", test_management_padding_ignored },
	{ "16 TLVs accepted", test_max_tlvs },
	{ "correctionField in place", test_hdr_correction_in_place },
	{ "strerror", test_strerror },
	{ "type names", test_type_names },
	{ "clock id to string", test_clock_id_str },
	{ "clock id parse", test_clock_id_parse },
	{ NULL, NULL }
};

int test_register(void)
{
	return test_add_suite("ptp_msg", msg_cases);
}
