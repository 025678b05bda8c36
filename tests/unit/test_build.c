/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests for lib/net/build: the frames ptpsw sends itself. Byte for
 * byte against a frame worked out independently (Python's struct and an
 * RFC 1071 sum), and through the classifier: what is built is PTP over
 * UDP with valid checksums. tests/unit/test_tshark.c decodes built
 * frames with tshark as well.
 */
#include <string.h>

#include "cunit_main.h"
#include "net/build.h"
#include "net/frame.h"
#include "ptp/msg.h"

static const uint8_t dmac4[6] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0x81 };
static const uint8_t dmac6[6] = { 0x33, 0x33, 0x00, 0x00, 0x01, 0x81 };
static const uint8_t smac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
static const uint8_t src4[4] = { 192, 0, 2, 1 };
static const uint8_t dst4[4] = { 224, 0, 1, 129 };
static const uint8_t src6[16] = { 0xfe, 0x80, [15] = 0x01 };
static const uint8_t dst6[16] = { 0xff, 0x0e, [14] = 0x01, [15] = 0x81 };

static struct build_udp udp4(void)
{
	struct build_udp u = {
		.dst_mac = dmac4, .src_mac = smac, .src_ip = src4,
		.dst_ip = dst4, .v6 = false, .ttl = 1, .ip_id = 0x1234,
		.sport = PTP_UDP_EVENT, .dport = PTP_UDP_EVENT,
	};

	return u;
}

static struct build_udp udp6(void)
{
	struct build_udp u = udp4();

	u.dst_mac = dmac6;
	u.src_ip = src6;
	u.dst_ip = dst6;
	u.v6 = true;
	return u;
}

/* payload 0, 1, ..., 43 */
static void payload(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)i;
}

/* The headers of udp4() around payload(44), computed outside ptpsw. */
static const uint8_t want4[42] = {
	0x01, 0x00, 0x5e, 0x00, 0x01, 0x81, 0x02, 0x11, 0x22, 0x33, 0x44,
	0x55, 0x08, 0x00, 0x45, 0x00, 0x00, 0x48, 0x12, 0x34, 0x40, 0x00,
	0x01, 0x11, 0xc3, 0xee, 0xc0, 0x00, 0x02, 0x01, 0xe0, 0x00, 0x01,
	0x81, 0x01, 0x3f, 0x01, 0x3f, 0x00, 0x34, 0x89, 0x9f,
};

static void test_ipv4_bytes(void)
{
	struct build_udp u = udp4();
	uint8_t pl[44], f[128];

	payload(pl, sizeof(pl));
	memset(f, 0xAA, sizeof(f));
	CU_ASSERT_EQUAL(build_udp_room(false, sizeof(pl)), 86);
	CU_ASSERT_EQUAL(build_udp(f, sizeof(f), &u, pl, sizeof(pl)), 86);
	CU_ASSERT_EQUAL(memcmp(f, want4, sizeof(want4)), 0);
	CU_ASSERT_EQUAL(memcmp(f + 42, pl, sizeof(pl)), 0);
	CU_ASSERT_EQUAL(f[86], 0xAA);		/* nothing past the frame */
}

static void test_ipv6_bytes(void)
{
	struct build_udp u = udp6();
	uint8_t pl[44], f[128];

	payload(pl, sizeof(pl));
	u.ttl = 64;
	CU_ASSERT_EQUAL(build_udp(f, sizeof(f), &u, pl, sizeof(pl)), 106);
	CU_ASSERT_EQUAL(memcmp(f, dmac6, 6), 0);
	CU_ASSERT_EQUAL(f[12], 0x86);
	CU_ASSERT_EQUAL(f[13], 0xDD);
	CU_ASSERT_EQUAL(f[14], 0x60);
	CU_ASSERT_EQUAL(f[18] << 8 | f[19], 52);	/* payload length */
	CU_ASSERT_EQUAL(f[20], 17);
	CU_ASSERT_EQUAL(f[21], 64);
	CU_ASSERT_EQUAL(memcmp(f + 22, src6, 16), 0);
	CU_ASSERT_EQUAL(memcmp(f + 38, dst6, 16), 0);
	/* UDP checksum over the IPv6 pseudo header, computed outside ptpsw */
	CU_ASSERT_EQUAL(f[60] << 8 | f[61], 0x2e11);
}

/* A short payload is padded with zeros to the Ethernet minimum. */
static void test_padding(void)
{
	struct build_udp u = udp4();
	uint8_t pl[4] = { 1, 2, 3, 4 }, f[64];

	memset(f, 0xAA, sizeof(f));
	CU_ASSERT_EQUAL(build_udp_room(false, sizeof(pl)), BUILD_MIN_FRAME);
	CU_ASSERT_EQUAL(build_udp(f, sizeof(f), &u, pl, sizeof(pl)), 46);
	for (size_t i = 46; i < BUILD_MIN_FRAME; i++)
		CU_ASSERT_EQUAL(f[i], 0);
	CU_ASSERT_EQUAL(f[BUILD_MIN_FRAME], 0xAA);
}

static void test_too_small(void)
{
	struct build_udp u = udp6();
	static uint8_t big[70000], bigpl[65536];
	uint8_t pl[44] = { 0 }, f[128];

	memset(f, 0xAA, sizeof(f));
	CU_ASSERT_EQUAL(build_udp(f, 105, &u, pl, sizeof(pl)), 0);
	CU_ASSERT_EQUAL(f[0], 0xAA);			/* nothing written */
	CU_ASSERT_EQUAL(build_udp(big, sizeof(big), &u, bigpl, 65536 - 8), 0);
	u.v6 = false;
	CU_ASSERT_EQUAL(build_udp(big, sizeof(big), &u, bigpl, 65536 - 28), 0);
	CU_ASSERT_EQUAL(build_udp(big, sizeof(big), &u, bigpl, 65535 - 28),
			65535 + 14);
}

/* An ARP reply, against RFC 826's layout worked out outside ptpsw. */
static void test_arp(void)
{
	static const uint8_t want[BUILD_ARP_LEN] = {
		0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, 0x02, 0x11,
		0x22, 0x33, 0x44, 0x55, 0xc0, 0x00, 0x02, 0x01, 0x02, 0xaa,
		0xbb, 0xcc, 0xdd, 0xee, 0xc0, 0x00, 0x02, 0x09,
	};
	static const uint8_t tha[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee };
	static const uint8_t tpa[4] = { 192, 0, 2, 9 };
	uint8_t p[BUILD_ARP_LEN];

	CU_ASSERT_EQUAL(build_arp(p, 2, smac, src4, tha, tpa), BUILD_ARP_LEN);
	CU_ASSERT_EQUAL(memcmp(p, want, sizeof(want)), 0);
}

/* A PTP message built into each transport: the classifier finds it and
 * both checksums hold. */
static void check_ptp(const struct build_udp *u, uint8_t type)
{
	struct ptp_msg m;
	struct frame_info fi;
	uint8_t pl[128], f[256];
	size_t len;
	int n;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = type;
	m.hdr.versionPTP = 2;
	m.hdr.domainNumber = 24;
	m.hdr.sequenceId = 77;
	n = ptp_msg_build(&m, pl, sizeof(pl));
	CU_ASSERT_FATAL(n > 0);
	len = build_udp(f, sizeof(f), u, pl, (size_t)n);
	CU_ASSERT_FATAL(len > 0);
	CU_ASSERT_EQUAL_FATAL(frame_classify(f, len, &fi), FRAME_PTP);
	CU_ASSERT_EQUAL(fi.l3, u->v6 ? FRAME_L3_IPV6 : FRAME_L3_IPV4);
	CU_ASSERT_EQUAL(fi.ptp_type, type);
	CU_ASSERT_EQUAL(fi.domain, 24);
	CU_ASSERT_EQUAL(fi.seq_id, 77);
	CU_ASSERT(fi.flags & FRAME_F_L3_MCAST);
	CU_ASSERT(fi.flags & FRAME_F_UDP_CSUM);
	CU_ASSERT_EQUAL(f[fi.l4_off + 6] << 8 | f[fi.l4_off + 7],
			frame_udp_csum(f, len, &fi));
	if (!u->v6)	/* the header sums to 0xFFFF with its checksum */
		CU_ASSERT_EQUAL(csum_add_bytes(0, f + fi.l3_off, 20), 0xFFFF);
}

static void test_ptp_classified(void)
{
	struct build_udp u4 = udp4(), u6 = udp6();

	check_ptp(&u4, PTP_SYNC);
	check_ptp(&u6, PTP_DELAY_REQ);
	u4.sport = u4.dport = PTP_UDP_GENERAL;
	u6.sport = u6.dport = PTP_UDP_GENERAL;
	check_ptp(&u4, PTP_FOLLOW_UP);
	check_ptp(&u6, PTP_ANNOUNCE);
}

static const struct test_case build_cases[] = {
	{ "IPv4 frame byte for byte", test_ipv4_bytes },
	{ "IPv6 frame", test_ipv6_bytes },
	{ "padding to 60 bytes", test_padding },
	{ "buffer or lengths too small", test_too_small },
	{ "PTP over UDP classified, checksums valid", test_ptp_classified },
	{ "ARP reply", test_arp },
	{ NULL, NULL },
};

int test_register(void)
{
	return test_add_suite("build", build_cases);
}
