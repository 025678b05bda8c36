/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Profile watchdog: frames built byte by byte, classified by
 * frame_classify(), then counted.
 */
#include <string.h>

#include "cunit_main.h"
#include "net/frame.h"
#include "net/watchdog.h"

/* PTP message: 34-byte header of type, flag octet 0, plus body/TLVs. */
static size_t ptp(uint8_t *p, uint8_t type, uint8_t flags0,
		  const uint8_t *tail, size_t tail_len)
{
	size_t n = 34 + tail_len;

	memset(p, 0, 34);
	p[0] = type;
	p[1] = 2;
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
	p[6] = flags0;
	p[32] = 5;
	p[33] = 0x7f;
	memcpy(p + 34, tail, tail_len);
	return n;
}

static size_t udp4(uint8_t *f, uint8_t type, uint8_t flags0,
		   const uint8_t *tail, size_t tail_len)
{
	uint16_t port = type <= 3 ? 319 : 320;
	size_t n = ptp(f + 42, type, flags0, tail, tail_len);
	size_t ip = 20 + 8 + n;

	memset(f, 0, 42);
	f[0] = 0x01; f[1] = 0x00; f[2] = 0x5e; f[3] = 0x00; f[4] = 0x01;
	f[5] = 0x81;
	f[6] = 0x02; f[11] = 0x01;
	f[12] = 0x08; f[13] = 0x00;
	f[14] = 0x45;
	f[16] = (uint8_t)(ip >> 8);
	f[17] = (uint8_t)ip;
	f[22] = 1;
	f[23] = 17;
	f[26] = 10; f[29] = 1;
	f[30] = 224; f[31] = 0; f[32] = 1; f[33] = 129;
	f[34] = (uint8_t)(port >> 8); f[35] = (uint8_t)port;
	f[36] = (uint8_t)(port >> 8); f[37] = (uint8_t)port;
	f[38] = (uint8_t)((8 + n) >> 8);
	f[39] = (uint8_t)(8 + n);
	return 42 + n;
}

static size_t raw(uint8_t *f, uint8_t type, uint8_t flags0)
{
	static const uint8_t body[20] = { 0 };
	size_t n;

	memset(f, 0, 14);
	f[0] = 0x01; f[1] = 0x1b; f[2] = 0x19;
	f[6] = 0x02;
	f[12] = 0x88; f[13] = 0xf7;
	/* 20-byte body: long enough for Sync and Pdelay_Req */
	n = ptp(f + 14, type, flags0, body, sizeof(body));
	return 14 + n;
}

static unsigned int check(const uint8_t *f, size_t n,
			  struct watchdog_counters *c)
{
	struct frame_info fi;

	CU_ASSERT_EQUAL_FATAL(frame_classify(f, n, &fi), FRAME_PTP);
	return watchdog_check(f, n, &fi, c);
}

static void test_clean(void)
{
	uint8_t f[256], body[10] = { 0 }, ann[30] = { 0 };
	struct watchdog_counters c;

	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(check(f, udp4(f, 0x0, 0x02, body, 10), &c), 0);
	CU_ASSERT_EQUAL(check(f, udp4(f, 0xB, 0x00, ann, 30), &c), 0);
	CU_ASSERT_EQUAL(check(f, udp4(f, 0x1, 0x00, body, 10), &c), 0);
	CU_ASSERT_EQUAL(watchdog_total(&c), 0);
}

static void test_pdelay(void)
{
	uint8_t f[256], body[20] = { 0 };
	struct watchdog_counters c;

	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(check(f, udp4(f, 0x2, 0, body, 20), &c),
			WATCHDOG_F_PDELAY);
	CU_ASSERT_EQUAL(check(f, udp4(f, 0x3, 0, body, 20), &c),
			WATCHDOG_F_PDELAY);
	CU_ASSERT_EQUAL(check(f, udp4(f, 0xA, 0, body, 20), &c),
			WATCHDOG_F_PDELAY);
	CU_ASSERT_EQUAL(c.pdelay, 3);
	CU_ASSERT_EQUAL(watchdog_total(&c), 3);
}

/* Signaling body: targetPortIdentity then the given TLVs. */
static size_t sig_tail(uint8_t *t, const uint16_t *types, int n)
{
	size_t off = 10;
	int i;

	memset(t, 0xff, 10);
	for (i = 0; i < n; i++) {
		t[off] = (uint8_t)(types[i] >> 8);
		t[off + 1] = (uint8_t)types[i];
		t[off + 2] = 0;
		t[off + 3] = 6;
		memset(t + off + 4, 0, 6);
		off += 10;
	}
	return off;
}

static void test_negotiation(void)
{
	uint8_t f[256], t[128];
	struct watchdog_counters c;
	static const uint16_t other[] = { 0x0003, 0x0008 };
	uint16_t types[2];
	uint16_t ty;
	size_t n;

	memset(&c, 0, sizeof(c));
	/* each of the four negotiation TLVs, in second position */
	for (ty = 0x0004; ty <= 0x0007; ty++) {
		types[0] = 0x0003;
		types[1] = ty;
		n = sig_tail(t, types, 2);
		CU_ASSERT_EQUAL(check(f, udp4(f, 0xC, 0, t, n), &c),
				WATCHDOG_F_NEGOTIATION);
	}
	CU_ASSERT_EQUAL(c.negotiation, 4);
	/* other TLVs, and none at all */
	n = sig_tail(t, other, 2);
	CU_ASSERT_EQUAL(check(f, udp4(f, 0xC, 0, t, n), &c), 0);
	n = sig_tail(t, other, 0);
	CU_ASSERT_EQUAL(check(f, udp4(f, 0xC, 0, t, n), &c), 0);
	CU_ASSERT_EQUAL(c.negotiation, 4);
	CU_ASSERT_EQUAL(c.tlv_malformed, 0);
	/* a first TLV whose length overruns the message, hiding a 0x0004
	 * that sits in the bytes after messageLength */
	types[0] = 0x0003;
	types[1] = 0x0004;
	n = sig_tail(t, types, 2);
	t[13] = 200;
	CU_ASSERT_EQUAL(check(f, udp4(f, 0xC, 0, t, n), &c), 0);
	CU_ASSERT_EQUAL(c.tlv_malformed, 1);
	CU_ASSERT_EQUAL(c.negotiation, 4);
	/* messageLength cut inside the second TLV header (UDP still
	 * carries the rest): the TLV is not read */
	n = sig_tail(t, types, 2);
	n = udp4(f, 0xC, 0, t, n);
	f[42 + 3] = (uint8_t)(34 + 10 + 10 + 2);
	CU_ASSERT_EQUAL(check(f, n, &c), 0);
	CU_ASSERT_EQUAL(c.tlv_malformed, 2);
}

static void test_alt_master_and_raw(void)
{
	uint8_t f[256], ann[30] = { 0 };
	struct watchdog_counters c, sum;

	memset(&c, 0, sizeof(c));
	CU_ASSERT_EQUAL(check(f, udp4(f, 0xB, 0x01, ann, 30), &c),
			WATCHDOG_F_ALT_MASTER);
	/* twoStep (0x02) and unicast (0x04) are allowed */
	CU_ASSERT_EQUAL(check(f, udp4(f, 0x8, 0x06, ann, 10), &c), 0);
	CU_ASSERT_EQUAL(check(f, raw(f, 0x0, 0x00), &c), WATCHDOG_F_RAW);
	CU_ASSERT_EQUAL(check(f, raw(f, 0x2, 0x01), &c),
			WATCHDOG_F_RAW | WATCHDOG_F_PDELAY |
			WATCHDOG_F_ALT_MASTER);
	CU_ASSERT_EQUAL(c.alt_master, 2);
	CU_ASSERT_EQUAL(c.raw_ptp, 2);
	CU_ASSERT_EQUAL(c.pdelay, 1);
	memset(&sum, 0, sizeof(sum));
	watchdog_add(&sum, &c);
	watchdog_add(&sum, &c);
	CU_ASSERT_EQUAL(sum.raw_ptp, 4);
	CU_ASSERT_EQUAL(watchdog_total(&sum), 10);
}

static void test_not_ptp_and_bounds(void)
{
	uint8_t f[256], body[20] = { 0 };
	struct watchdog_counters c;
	struct frame_info fi;
	size_t n;

	memset(&c, 0, sizeof(c));
	n = udp4(f, 0x2, 0x01, body, 20);
	CU_ASSERT_EQUAL(frame_classify(f, n, &fi), FRAME_PTP);
	/* an info that claims more than the buffer holds is refused */
	CU_ASSERT_EQUAL(watchdog_check(f, n - 1, &fi, &c), 0);
	fi.cls = FRAME_NON_PTP;
	CU_ASSERT_EQUAL(watchdog_check(f, n, &fi, &c), 0);
	fi.cls = FRAME_MALFORMED;
	CU_ASSERT_EQUAL(watchdog_check(f, n, &fi, &c), 0);
	CU_ASSERT_EQUAL(watchdog_total(&c), 0);
	CU_ASSERT_EQUAL(c.tlv_malformed, 0);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "allowed traffic not counted", test_clean },
		{ "Pdelay messages", test_pdelay },
		{ "unicast negotiation TLVs, bounded walk", test_negotiation },
		{ "alternateMasterFlag, raw 0x88F7", test_alt_master_and_raw },
		{ "non-PTP and bounds", test_not_ptp_and_bounds },
		{ NULL, NULL }
	};

	return test_add_suite("watchdog", cases);
}
