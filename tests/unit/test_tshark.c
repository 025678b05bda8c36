/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Cross-check of the codec and the frame rewrite against tshark's decoder.
 *
 * Frames are built with ptp_msg_build() inside Ethernet / VLAN / IPv4
 * (with options) / IPv6 / UDP, some are then rewritten by
 * frame_add_correction(); two are built by lib/net/build (build_udp(), as
 * the boundary clocks send), IPv4 and IPv6. All are written to a classic
 * libpcap file and decoded by $TSHARK (default "tshark") with IP and UDP
 * checksum checking on. Every decoded field must equal what the test
 * built.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "net/build.h"
#include "net/frame.h"
#include "ptp/msg.h"
#include "ptp/ptp_time.h"

#define MAX_FRAMES 32
#define FRAME_CAP 512

/* TX_B4, TX_B6: UDP over IPv4 / IPv6 by build_udp() */
enum tx_l3 { TX_V4, TX_V6, TX_RAW, TX_B4, TX_B6 };

/* One frame of the capture and the values tshark must decode from it. */
struct tx_case {
	const char *what;
	enum tx_l3 l3;
	unsigned int n_vlans;
	unsigned int ip_opt_words;
	bool udp_csum;
	uint8_t type;
	uint16_t flags;
	uint8_t domain;
	uint16_t seq;
	int64_t cf_ns;		/* initial correctionField, ns */
	int64_t delta_ns[3];	/* applied with frame_add_correction() */
	double delta_frac;	/* sub-ns part added to the first delta */
};

static const struct tx_case cases[] = {
	{ "sync one-step v4", TX_V4, 0, 0, true, PTP_SYNC, 0, 0, 1, 0,
	  { 0 }, 0 },
	{ "sync two-step v4 vlan", TX_V4, 1, 0, true, PTP_SYNC,
	  PTP_FLAG_TWO_STEP, 0, 2, 0, { 0 }, 0 },
	{ "delay_req unicast v6", TX_V6, 0, 0, true, PTP_DELAY_REQ,
	  PTP_FLAG_UNICAST, 24, 3, 0, { 0 }, 0 },
	{ "follow_up v4 qinq", TX_V4, 2, 0, true, PTP_FOLLOW_UP, 0, 4, 4,
	  250, { 0 }, 0 },
	{ "delay_resp v6 unicast", TX_V6, 1, 0, true, PTP_DELAY_RESP,
	  PTP_FLAG_UNICAST, 44, 5, 0, { 0 }, 0 },
	{ "announce v4 options", TX_V4, 0, 3, true, PTP_ANNOUNCE,
	  PTP_FLAG_UTC_VALID | PTP_FLAG_PTP_TIMESCALE |
	  PTP_FLAG_TIME_TRACEABLE, 0, 6, 0, { 0 }, 0 },
	{ "signaling tlv v6", TX_V6, 0, 0, true, PTP_SIGNALING,
	  PTP_FLAG_UNICAST, 127, 7, 0, { 0 }, 0 },
	{ "sync v4 +residence", TX_V4, 0, 0, true, PTP_SYNC, 0, 0, 8, 0,
	  { 1234, 0, 0 }, 0.5 },
	{ "sync v6 -1000", TX_V6, 0, 0, true, PTP_SYNC, 0, 0, 9, 500,
	  { -1000, 0, 0 }, 0 },
	{ "delay_req v4 vlan options, three", TX_V4, 1, 10, true,
	  PTP_DELAY_REQ, PTP_FLAG_UNICAST, 24, 10, 7, { 100, 200000, -3 },
	  0.25 },
	{ "sync v6 qinq big", TX_V6, 2, 0, true, PTP_SYNC, 0, 5, 11, 0,
	  { 4000000000LL, 987654321, 0 }, 0 },
	{ "follow_up v4 negative", TX_V4, 0, 1, true, PTP_FOLLOW_UP,
	  0, 0, 12, -77, { -12345, 0, 0 }, -0.25 },
	{ "sync v4 no checksum", TX_V4, 0, 0, false, PTP_SYNC, 0, 0, 13,
	  0, { 42, 0, 0 }, 0 },
	{ "sync raw", TX_RAW, 1, 0, false, PTP_SYNC, PTP_FLAG_TWO_STEP, 0,
	  14, 0, { 999, 0, 0 }, 0 },
	{ "sync two-step build v4", TX_B4, 0, 0, true, PTP_SYNC,
	  PTP_FLAG_TWO_STEP, 24, 15, 0, { 0 }, 0 },
	{ "delay_resp build v6", TX_B6, 0, 0, true, PTP_DELAY_RESP,
	  PTP_FLAG_UNICAST, 24, 16, 0, { 0 }, 0 },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

struct built {
	uint8_t f[FRAME_CAP];
	size_t len;
	int64_t cf;		/* final correctionField, scaled */
};

static struct built frames[N_CASES];

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static const uint8_t tlv_value[6] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06 };

static int make_ptp(const struct tx_case *c, uint8_t *buf, size_t cap)
{
	struct ptp_msg m;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = c->type;
	m.hdr.versionPTP = 2;
	m.hdr.minorVersionPTP = 1;
	m.hdr.domainNumber = c->domain;
	m.hdr.flagField = c->flags;
	m.hdr.correction = ptp_cf_from_tmv(tmv_from_ns(c->cf_ns));
	m.hdr.sequenceId = c->seq;
	m.hdr.logMessageInterval = 0;
	memcpy(m.hdr.sourcePortIdentity.clock.id,
	       "\x02\x11\x22\xff\xfe\x33\x44\x55", 8);
	m.hdr.sourcePortIdentity.port = 1;
	switch (c->type) {
	case PTP_DELAY_RESP:
		m.body.resp.ts.sec = 1700000000;
		m.body.resp.ts.nsec = 1;
		m.body.resp.requestingPortIdentity.port = 2;
		break;
	case PTP_ANNOUNCE:
		m.body.announce.currentUtcOffset = 37;
		m.body.announce.grandmasterPriority1 = 128;
		m.body.announce.grandmasterPriority2 = 128;
		m.body.announce.grandmasterClockQuality.clockClass = 6;
		m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
		m.body.announce.timeSource = 0x20;
		break;
	case PTP_SIGNALING:
		memset(m.body.signaling.targetPortIdentity.clock.id, 0xFF, 8);
		m.body.signaling.targetPortIdentity.port = 0xFFFF;
		m.n_tlvs = 1;
		m.tlvs[0].type = PTP_TLV_REQUEST_UNICAST_TRANSMISSION;
		m.tlvs[0].length = sizeof(tlv_value);
		m.tlvs[0].value = tlv_value;
		break;
	default:
		m.body.sync.ts.sec = 1700000000;
		m.body.sync.ts.nsec = 999999999;
		break;
	}
	return ptp_msg_build(&m, buf, cap);
}

static size_t put_l2(const struct tx_case *c, uint8_t *f, uint16_t etype)
{
	static const uint8_t dst4[6] = { 0x01, 0x00, 0x5E, 0x00, 0x01, 0x81 };
	static const uint8_t dst6[6] = { 0x33, 0x33, 0x00, 0x00, 0x01, 0x81 };
	static const uint8_t dstraw[6] = { 0x01, 0x1B, 0x19, 0x00, 0x00, 0x00 };
	static const uint8_t src[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	size_t off = 12;
	unsigned int i;

	memcpy(f, c->l3 == TX_V4 ? dst4 : c->l3 == TX_V6 ? dst6 : dstraw, 6);
	memcpy(f + 6, src, 6);
	for (i = 0; i < c->n_vlans; i++) {
		put16(f + off, (c->n_vlans == 2 && i == 0) ? 0x88A8 : 0x8100);
		put16(f + off + 2, (uint16_t)(100 + i));
		off += 4;
	}
	put16(f + off, etype);
	return off + 2;
}

static uint16_t ip_hdr_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;
	size_t i;

	for (i = 0; i < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

static size_t put_ip(const struct tx_case *c, uint8_t *f, size_t ulen)
{
	size_t hlen = 20 + 4 * c->ip_opt_words;

	if (c->l3 == TX_V6) {
		memset(f, 0, 40);
		f[0] = 0x60;
		put16(f + 4, (uint16_t)ulen);
		f[6] = 17;
		f[7] = 1;
		f[8] = 0xFE; f[9] = 0x80; f[23] = 0x01;
		if (c->flags & PTP_FLAG_UNICAST) {
			f[24] = 0xFE; f[25] = 0x80; f[39] = 0x02;
		} else {
			f[24] = 0xFF; f[25] = 0x0E; f[38] = 0x01; f[39] = 0x81;
		}
		return 40;
	}
	memset(f, 0, hlen);
	f[0] = (uint8_t)(0x40 | hlen / 4);
	put16(f + 2, (uint16_t)(hlen + ulen));
	f[8] = 1;
	f[9] = 17;
	f[12] = 192; f[13] = 0; f[14] = 2; f[15] = 1;
	if (c->flags & PTP_FLAG_UNICAST) {
		f[16] = 192; f[17] = 0; f[18] = 2; f[19] = 2;
	} else {
		f[16] = 224; f[17] = 0; f[18] = 1; f[19] = 129;
	}
	memset(f + 20, 1, hlen - 20);	/* NOP options */
	put16(f + 10, ip_hdr_csum(f, hlen));
	return hlen;
}

/* The PTP message ptp (n bytes) of c by build_udp(). */
static size_t put_built(const struct tx_case *c, uint8_t *f,
			const uint8_t *ptp, int n)
{
	static const uint8_t dmac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x66 };
	static const uint8_t smac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	static const uint8_t ip4[2][4] = { { 192, 0, 2, 1 }, { 192, 0, 2, 2 } };
	static const uint8_t ip6[2][16] = { { 0xfe, 0x80, [15] = 1 },
					    { 0xfe, 0x80, [15] = 2 } };
	uint16_t port = ptp_msg_is_event(c->type) ? PTP_UDP_EVENT :
						    PTP_UDP_GENERAL;
	struct build_udp u = {
		.dst_mac = dmac, .src_mac = smac, .v6 = c->l3 == TX_B6,
		.src_ip = c->l3 == TX_B6 ? ip6[0] : ip4[0],
		.dst_ip = c->l3 == TX_B6 ? ip6[1] : ip4[1],
		.ttl = 64, .ip_id = c->seq, .sport = port, .dport = port,
	};

	return build_udp(f, FRAME_CAP, &u, ptp, (size_t)n);
}

/* Build frame i and apply its corrections. */
static void build_case(size_t i)
{
	const struct tx_case *c = &cases[i];
	struct built *b = &frames[i];
	uint8_t ptp[256];
	struct frame_info fi;
	size_t off, l4, k;
	int n = make_ptp(c, ptp, sizeof(ptp));
	ptp_cf_t d;

	CU_ASSERT_FATAL(n > 0);
	if (c->l3 == TX_B4 || c->l3 == TX_B6) {
		b->len = put_built(c, b->f, ptp, n);
	} else if (c->l3 == TX_RAW) {
		off = put_l2(c, b->f, ETH_P_PTP_RAW);
		memcpy(b->f + off, ptp, (size_t)n);
		b->len = off + (size_t)n;
	} else {
		off = put_l2(c, b->f, c->l3 == TX_V6 ? 0x86DD : 0x0800);
		l4 = off + put_ip(c, b->f + off, (size_t)n + 8);
		put16(b->f + l4, 319);
		put16(b->f + l4 + 2, ptp_msg_is_event(c->type) ? 319 : 320);
		put16(b->f + l4 + 4, (uint16_t)(n + 8));
		put16(b->f + l4 + 6, 0);
		memcpy(b->f + l4 + 8, ptp, (size_t)n);
		b->len = l4 + 8 + (size_t)n;
		CU_ASSERT_FATAL(frame_classify(b->f, b->len, &fi) == FRAME_PTP);
		if (c->udp_csum)
			put16(b->f + l4 + 6, frame_udp_csum(b->f, b->len, &fi));
	}
	CU_ASSERT_FATAL(frame_classify(b->f, b->len, &fi) == FRAME_PTP);
	b->cf = ptp_cf_from_tmv(tmv_from_ns(c->cf_ns)).scaled;
	for (k = 0; k < 3; k++) {
		if (c->delta_ns[k] == 0 && !(k == 0 && c->delta_frac != 0))
			continue;
		d = ptp_cf_from_ns_double((double)c->delta_ns[k] +
					  (k == 0 ? c->delta_frac : 0));
		CU_ASSERT_FATAL(frame_add_correction(b->f, b->len, &fi, d)
				== 0);
		b->cf += d.scaled;
	}
}

/* Classic libpcap file, host byte order, LINKTYPE_ETHERNET. */
static int write_pcap(const char *path)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} gh = { 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1 };
	uint32_t rh[4];
	FILE *fp = fopen(path, "wb");
	size_t i;

	if (fp == NULL)
		return -1;
	fwrite(&gh, sizeof(gh), 1, fp);
	for (i = 0; i < N_CASES; i++) {
		rh[0] = 1700000000u + (uint32_t)i;
		rh[1] = 0;
		rh[2] = rh[3] = (uint32_t)frames[i].len;
		fwrite(rh, sizeof(rh), 1, fp);
		fwrite(frames[i].f, frames[i].len, 1, fp);
	}
	return fclose(fp) == 0 ? 0 : -1;
}

/* The tshark fields, in output order. */
enum col {
	C_NUM, C_TYPE, C_DOMAIN, C_SEQ, C_CF_NS, C_CF_SUBNS, C_FLAGS,
	C_TWO_STEP, C_UNICAST, C_LEN, C_CSUM_STATUS, C_TLV_TYPE, C_IP_STATUS,
	C__N
};

static const char *const fields[C__N] = {
	"frame.number", "ptp.v2.messagetype", "ptp.v2.domainnumber",
	"ptp.v2.sequenceid", "ptp.v2.correction.ns",
	"ptp.v2.correction.subns", "ptp.v2.flags", "ptp.v2.flags.twostep",
	"ptp.v2.flags.unicast", "ptp.v2.messagelength",
	"udp.checksum.status", "ptp.v2.sig.tlv.tlvType",
	"ip.checksum.status",
};

/* Split line at sep into at most n columns (in place). Returns count. */
static size_t split(char *line, char sep, char **col, size_t n)
{
	size_t k = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (k < n) {
		col[k++] = p;
		p = strchr(p, sep);
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return k;
}

static bool tshark_bool(const char *s)
{
	return strcmp(s, "1") == 0 || strcmp(s, "True") == 0 ||
	       strcmp(s, "true") == 0;
}

/* Compare one decoded line with the frame that was built. */
static void check_line(char **col)
{
	unsigned long num = strtoul(col[C_NUM], NULL, 10);
	const struct tx_case *c;
	const struct built *b;
	const char *want_status;
	double want_ns, got_ns;

	CU_ASSERT_FATAL(num >= 1 && num <= N_CASES);
	c = &cases[num - 1];
	b = &frames[num - 1];
	printf("\n    %-34s cf %s+%s csum '%s'", c->what, col[C_CF_NS],
	       col[C_CF_SUBNS], col[C_CSUM_STATUS]);
	CU_ASSERT_EQUAL(strtoul(col[C_TYPE], NULL, 0), c->type);
	CU_ASSERT_EQUAL(strtoul(col[C_DOMAIN], NULL, 0), c->domain);
	CU_ASSERT_EQUAL(strtoul(col[C_SEQ], NULL, 0), c->seq);
	CU_ASSERT_EQUAL(strtoul(col[C_FLAGS], NULL, 0), c->flags);
	CU_ASSERT_EQUAL(tshark_bool(col[C_TWO_STEP]),
			!!(c->flags & PTP_FLAG_TWO_STEP));
	CU_ASSERT_EQUAL(tshark_bool(col[C_UNICAST]),
			!!(c->flags & PTP_FLAG_UNICAST));
	CU_ASSERT_EQUAL(strtoul(col[C_LEN], NULL, 0),
			ptp_msg_min_len(c->type) +
			(c->type == PTP_SIGNALING ? 4 + sizeof(tlv_value) : 0));
	/* correctionField: integer ns plus the sub-ns fraction */
	want_ns = ptp_cf_to_ns_double((ptp_cf_t){ b->cf });
	/* tshark prints the signed 64-bit ns value as unsigned */
	got_ns = (double)(int64_t)strtoull(col[C_CF_NS], NULL, 10) +
		 (col[C_CF_SUBNS][0] ? strtod(col[C_CF_SUBNS], NULL) : 0);
	if (got_ns != want_ns)
		printf(" (want %.6f, got %.6f)", want_ns, got_ns);
	CU_ASSERT_DOUBLE_EQUAL(got_ns, want_ns, 1e-9);
	/* udp.checksum.status: 1 Good, 3 Not present (checksum 0) */
	want_status = c->l3 == TX_RAW ? "" : c->udp_csum ? "1" : "3";
	CU_ASSERT_STRING_EQUAL(col[C_CSUM_STATUS], want_status);
	/* ip.checksum.status: 1 Good; no IPv4 header, none */
	CU_ASSERT_STRING_EQUAL(col[C_IP_STATUS],
			       c->l3 == TX_V4 || c->l3 == TX_B4 ? "1" : "");
	if (c->type == PTP_SIGNALING)
		CU_ASSERT_EQUAL(strtoul(col[C_TLV_TYPE], NULL, 0),
				PTP_TLV_REQUEST_UNICAST_TRANSMISSION);
}

static int run_tshark(const char *pcap, FILE **out)
{
	const char *tshark = getenv("TSHARK");
	char cmd[2048];
	size_t i, n;

	if (tshark == NULL || tshark[0] == '\0')
		tshark = "tshark";
	n = (size_t)snprintf(cmd, sizeof(cmd),
		"'%s' -r '%s' -o udp.check_checksum:TRUE "
		"-o ip.check_checksum:TRUE -T fields "
		"-E separator=, -E aggregator=/ -E occurrence=f", tshark, pcap);
	for (i = 0; i < C__N && n < sizeof(cmd); i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " -e %s",
				      fields[i]);
	if (n >= sizeof(cmd) - 16)
		return -1;
	strcat(cmd, " 2>/dev/null");
	*out = popen(cmd, "r");
	return *out ? 0 : -1;
}

static void test_tshark_decode(void)
{
	char dir[] = "/tmp/ptpsw-tshark-XXXXXX";
	char path[sizeof(dir) + 16];
	char line[1024], *col[C__N];
	unsigned int seen = 0;
	FILE *out = NULL;
	size_t i;

	for (i = 0; i < N_CASES; i++)
		build_case(i);
	CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/ptp.pcap", dir);
	CU_ASSERT_FATAL(write_pcap(path) == 0);
	CU_ASSERT_FATAL(run_tshark(path, &out) == 0);
	while (fgets(line, sizeof(line), out) != NULL) {
		if (split(line, ',', col, C__N) != C__N) {
			CU_FAIL("short tshark line");
			continue;
		}
		check_line(col);
		seen++;
	}
	CU_ASSERT_EQUAL(pclose(out), 0);
	CU_ASSERT_EQUAL(seen, N_CASES);
	unlink(path);
	rmdir(dir);
}

static const struct test_case tshark_cases[] = {
	{ "codec and rewrite decoded by tshark", test_tshark_decode },
	{ NULL, NULL },
};

int test_register(void)
{
	return test_add_suite("tshark", tshark_cases);
}
