/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * pcapfile: frames in a pcap or pcapng file (pcapfile.h).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "net/pcapfile.h"

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_HDR_LEN	24
#define PCAP_REC_LEN	16
#define PCAPNG_SHB	0x0a0d0d0au
#define PCAPNG_BOM	0x1a2b3c4du
#define PCAPNG_PB_OLD	2u		/* obsolete Packet Block */
#define PCAPNG_SPB	3u		/* Simple Packet Block */
#define PCAPNG_EPB	6u		/* Enhanced Packet Block */

static uint32_t rd32(const uint8_t *p, bool swap)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swap ? __builtin_bswap32(v) : v;
}

/* Size of f (its position is kept), or -1. */
static long file_size(FILE *f)
{
	long pos = ftell(f), end;

	if (pos < 0 || fseek(f, 0, SEEK_END) != 0)
		return -1;
	end = ftell(f);
	if (fseek(f, pos, SEEK_SET) != 0)
		return -1;
	return end;
}

/* Classic pcap: 24-byte file header, records of 16 bytes + incl_len. */
static int count_pcap(FILE *f, bool swap, uint64_t *frames)
{
	uint8_t rec[PCAP_REC_LEN];
	long end = file_size(f), pos = PCAP_HDR_LEN;
	uint32_t len;

	if (end < 0)
		return -EINVAL;
	while (pos < end) {
		if (end - pos < PCAP_REC_LEN ||
		    fread(rec, 1, sizeof(rec), f) != sizeof(rec))
			return -EINVAL;
		len = rd32(rec + 8, swap);
		if ((long)len > end - pos - PCAP_REC_LEN)
			return -EINVAL;
		pos += PCAP_REC_LEN + (long)len;
		if (fseek(f, pos, SEEK_SET) != 0)
			return -EINVAL;
		(*frames)++;
	}
	return 0;
}

/* pcapng: blocks of type, total length, body, total length; the
 * Section Header Block's byte-order magic sets the order of its
 * section. */
static int count_pcapng(FILE *f, uint64_t *frames)
{
	uint8_t hdr[12];
	uint32_t type, len;
	bool swap = false;
	long end = file_size(f), pos;
	size_t n;

	if (end < 0 || fseek(f, 0, SEEK_SET) != 0)
		return -EINVAL;
	while ((n = fread(hdr, 1, sizeof(hdr), f)) == sizeof(hdr)) {
		type = rd32(hdr, false);
		if (type == PCAPNG_SHB) {
			if (rd32(hdr + 8, false) == PCAPNG_BOM)
				swap = false;
			else if (rd32(hdr + 8, true) == PCAPNG_BOM)
				swap = true;
			else
				return -EINVAL;
		}
		type = rd32(hdr, swap);
		len = rd32(hdr + 4, swap);
		pos = ftell(f) - (long)sizeof(hdr);
		if (len < sizeof(hdr) || len % 4 != 0 ||
		    (long)len > end - pos)
			return -EINVAL;
		if (type == PCAPNG_EPB || type == PCAPNG_SPB ||
		    type == PCAPNG_PB_OLD)
			(*frames)++;
		if (fseek(f, pos + (long)len, SEEK_SET) != 0)
			return -EINVAL;
	}
	return n == 0 ? 0 : -EINVAL;
}

int pcapfile_count(const char *path, uint64_t *frames)
{
	uint8_t hdr[PCAP_HDR_LEN];
	uint32_t magic;
	FILE *f;
	int ret;

	*frames = 0;
	f = fopen(path, "rb");
	if (f == NULL)
		return -errno;
	if (fread(hdr, 1, sizeof(hdr), f) != sizeof(hdr)) {
		fclose(f);
		return -EINVAL;
	}
	magic = rd32(hdr, false);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
		ret = count_pcap(f, false, frames);
	else if (__builtin_bswap32(magic) == PCAP_MAGIC_US ||
		 __builtin_bswap32(magic) == PCAP_MAGIC_NS)
		ret = count_pcap(f, true, frames);
	else if (magic == PCAPNG_SHB)
		ret = count_pcapng(f, frames);
	else
		ret = -EINVAL;
	fclose(f);
	return ret;
}
