/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcapfile_count(): capture files written byte by byte (pcap in both
 * byte orders and both magics, pcapng with two sections of different
 * byte order), cut short, and not a capture at all.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cunit_main.h"
#include "net/pcapfile.h"

static char path[64];

static FILE *tmp_open(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_pcapfile.XXXXXX");
	fd = mkstemp(path);
	CU_ASSERT_FATAL(fd >= 0);
	return fdopen(fd, "wb");
}

static void put32(FILE *f, uint32_t v, int be)
{
	uint8_t b[4];
	int i;

	for (i = 0; i < 4; i++)
		b[be ? 3 - i : i] = (uint8_t)(v >> (8 * i));
	fwrite(b, 1, 4, f);
}

static void put16(FILE *f, uint16_t v, int be)
{
	uint8_t b[2] = { (uint8_t)(be ? v >> 8 : v), (uint8_t)(be ? v : v >> 8) };

	fwrite(b, 1, 2, f);
}

static void pcap_write(FILE *f, uint32_t magic, int be, unsigned int n,
		       unsigned int cut)
{
	uint8_t data[80];
	unsigned int i, len;

	memset(data, 0xab, sizeof(data));
	put32(f, magic, be);
	put16(f, 2, be);
	put16(f, 4, be);
	put32(f, 0, be);
	put32(f, 0, be);
	put32(f, 65535, be);
	put32(f, 1, be);
	for (i = 0; i < n; i++) {
		len = 60 + i % 20;		/* frames of different length */
		put32(f, i, be);
		put32(f, 0, be);
		put32(f, len, be);
		put32(f, len, be);
		fwrite(data, 1, i + 1 == n ? len - cut : len, f);
	}
}

static uint64_t count_of(int *ret)
{
	uint64_t n = 12345;

	*ret = pcapfile_count(path, &n);
	unlink(path);
	return n;
}

static void test_pcap_orders(void)
{
	static const uint32_t magics[2] = { 0xa1b2c3d4u, 0xa1b23c4du };
	int ret, be, m;
	uint64_t n;
	FILE *f;

	for (m = 0; m < 2; m++) {
		for (be = 0; be < 2; be++) {
			f = tmp_open();
			pcap_write(f, magics[m], be, 4097, 0);
			fclose(f);
			n = count_of(&ret);
			CU_ASSERT_EQUAL(ret, 0);
			CU_ASSERT_EQUAL(n, 4097);
		}
	}
	f = tmp_open();			/* header only */
	pcap_write(f, magics[0], 0, 0, 0);
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(n, 0);
}

static void test_pcap_cut(void)
{
	int ret;
	uint64_t n;
	FILE *f;

	f = tmp_open();			/* last frame 1 byte short */
	pcap_write(f, 0xa1b2c3d4u, 0, 10, 1);
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_EQUAL(n, 9);
	f = tmp_open();			/* record header cut */
	pcap_write(f, 0xa1b2c3d4u, 1, 3, 0);
	put32(f, 7, 1);
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_EQUAL(n, 3);
}

/* A pcapng block: type, length, body (padded to 4), length. */
static void ng_block(FILE *f, uint32_t type, int be, const uint8_t *body,
		     uint32_t blen)
{
	uint32_t len = 12 + (blen + 3) / 4 * 4;
	uint8_t pad[4] = { 0 };

	put32(f, type, be);
	put32(f, len, be);
	fwrite(body, 1, blen, f);
	fwrite(pad, 1, (4 - blen % 4) % 4, f);
	put32(f, len, be);
}

static void ng_section(FILE *f, int be, unsigned int epb, unsigned int spb)
{
	uint8_t body[96];
	unsigned int i;

	memset(body, 0, sizeof(body));
	body[0] = be ? 0x1a : 0x4d;		/* byte-order magic */
	body[1] = be ? 0x2b : 0x3c;
	body[2] = be ? 0x3c : 0x2b;
	body[3] = be ? 0x4d : 0x1a;
	body[be ? 5 : 4] = 1;			/* version 1.0 */
	memset(body + 8, 0xff, 8);		/* section length unknown */
	ng_block(f, 0x0a0d0d0au, be, body, 16);
	memset(body, 0, sizeof(body));
	body[be ? 1 : 0] = 1;			/* IDB: Ethernet */
	ng_block(f, 1, be, body, 8);
	for (i = 0; i < epb; i++)
		ng_block(f, 6, be, body, 20 + 61);	/* odd: padded */
	for (i = 0; i < spb; i++)
		ng_block(f, 3, be, body, 4 + 60);
	ng_block(f, 5, be, body, 8);		/* statistics: no frame */
}

static void test_pcapng(void)
{
	int ret;
	uint64_t n;
	FILE *f;

	f = tmp_open();
	ng_section(f, 0, 100, 3);
	ng_section(f, 1, 20, 0);
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, 0);
	CU_ASSERT_EQUAL(n, 123);

	f = tmp_open();			/* last block's length past the end */
	ng_section(f, 0, 5, 0);
	put32(f, 6, 0);
	put32(f, 1000, 0);
	put32(f, 0, 0);
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_EQUAL(n, 5);
}

static void test_not_capture(void)
{
	int ret;
	uint64_t n;
	FILE *f;

	f = tmp_open();
	fprintf(f, "this is not a capture file, it is text long enough\n");
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_EQUAL(n, 0);
	f = tmp_open();			/* shorter than a file header */
	fclose(f);
	n = count_of(&ret);
	CU_ASSERT_EQUAL(ret, -EINVAL);
	CU_ASSERT_EQUAL(pcapfile_count("/nonexistent/ptpsw.pcap", &n),
			-ENOENT);
	CU_ASSERT_EQUAL(n, 0);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "pcap, both magics and byte orders", test_pcap_orders },
		{ "pcap cut short", test_pcap_cut },
		{ "pcapng, two sections", test_pcapng },
		{ "not a capture", test_not_capture },
		{ NULL, NULL },
	};

	return test_add_suite("pcapfile", cases);
}
