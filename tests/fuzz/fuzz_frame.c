/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the frame classifier and the correctionField
 * rewrite (lib/net/frame.c).
 *
 * Input: 8 bytes of correction delta (big-endian, scaled ns), then the
 * frame. For every input frame_classify() must stay inside the buffer
 * (ASan checks that) and return a consistent frame_info. When the frame is
 * PTP, a copy gets a valid UDP checksum (if it has one), then the delta is
 * added with frame_add_correction(); afterwards the frame must classify
 * the same, the correctionField must be the saturated sum, only the
 * correctionField and checksum bytes may have changed, and the checksum
 * must equal a full recomputation (IPv4 checksum 0 must stay 0). The
 * worker's pre-test frame_surely_non_ptp() may say "surely not PTP" only
 * for frames frame_classify() calls FRAME_NON_PTP. Every PTP result must
 * pass frame_cf_in_place_ok(): the TC's egress corrects it in place
 * without checking the layout again.
 * Any inconsistency aborts.
 *
 * Build: meson setup -Dfuzz=true with CC=clang (tests/fuzz/meson.build),
 * or by hand:
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Ilib \
 *     tests/fuzz/fuzz_frame.c lib/net/frame.c lib/net/watchdog.c \
 *     lib/ptp/msg.c lib/ptp/ptp_time.c -o fuzz_frame
 * Seed corpus generator (same file, no libFuzzer):
 *   cc -DFUZZ_FRAME_GEN_CORPUS -D_GNU_SOURCE -Ilib tests/fuzz/fuzz_frame.c \
 *     lib/net/frame.c lib/net/watchdog.c lib/ptp/msg.c lib/ptp/ptp_time.c \
 *     -lm -o gen && \
 *     ./gen tests/fuzz/corpus/frame
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"
#include "ptp/msg.h"
#include "net/watchdog.h"
#include "tc/tc.h"

#include "fuzz_check.h"

#define DELTA_LEN	8
#define UDP_CSUM_OFF	6
#define CF_OFF		8
#define CF_LEN		8

static uint64_t get_be(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static int64_t sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return INT64_MAX;
	if (b < 0 && a < INT64_MIN - b)
		return INT64_MIN;
	return a + b;
}

static int is_ip(const struct frame_info *fi)
{
	return fi->l3 == FRAME_L3_IPV4 || fi->l3 == FRAME_L3_IPV6;
}

/* What any classification must satisfy. */
static void check_info(const struct frame_info *fi, size_t len)
{
	CHECK(fi->cls == FRAME_NON_PTP || fi->cls == FRAME_PTP ||
	      fi->cls == FRAME_MALFORMED);
	CHECK((fi->cls == FRAME_MALFORMED) == (fi->err != FRAME_E_NONE));
	CHECK(fi->err < FRAME_E__COUNT);
	CHECK(fi->n_vlans <= 2);
	if (fi->cls != FRAME_PTP) {
		CHECK(fi->ptp_off == 0);
		return;
	}
	CHECK((size_t)fi->ptp_off + fi->ptp_len <= len);
	CHECK(fi->ptp_len >= PTP_HDR_LEN);
	CHECK(fi->l3_off >= 14 && fi->ptp_off >= fi->l3_off);
	if (is_ip(fi))
		CHECK(fi->l4_off > fi->l3_off && fi->l4_off + 8u == fi->ptp_off);
	else
		CHECK(fi->l3 == FRAME_L3_RAW_PTP && fi->l4_off == 0);
	CHECK(!!(fi->flags & FRAME_F_EVENT) == ptp_msg_is_event(fi->ptp_type));
}

/* What the transparent clock's egress relies on without checking it
 * again (frame_cf_add_in_place, tc_egress_in_place). */
static void check_in_place(const uint8_t *f, size_t len,
			   const struct frame_info *fi)
{
	CHECK(frame_cf_in_place_ok(f, len, fi));
}

static void check_same(const struct frame_info *a, const struct frame_info *b)
{
	CHECK(a->cls == b->cls && a->err == b->err && a->l3 == b->l3);
	CHECK(a->n_vlans == b->n_vlans && a->flags == b->flags);
	CHECK(a->l3_off == b->l3_off && a->l4_off == b->l4_off);
	CHECK(a->ptp_off == b->ptp_off && a->ptp_len == b->ptp_len);
	CHECK(a->ptp_type == b->ptp_type && a->domain == b->domain);
	CHECK(a->seq_id == b->seq_id);
}

/* Rewrite a copy of a PTP frame and check the result. */
static void fuzz_rewrite(const uint8_t *frame, size_t len, int64_t delta)
{
	struct frame_info fi, after;
	uint8_t *f = malloc(len), *orig = malloc(len);
	size_t csum_at = 0, cf_at, i;
	int has_csum;
	int64_t cf;

	CHECK(f != NULL && orig != NULL);
	memcpy(f, frame, len);
	CHECK(frame_classify(f, len, &fi) == FRAME_PTP);
	has_csum = is_ip(&fi) && (fi.l3 == FRAME_L3_IPV6 ||
				   (fi.flags & FRAME_F_UDP_CSUM));
	if (has_csum) {
		csum_at = fi.l4_off + UDP_CSUM_OFF;
		put16(f + csum_at, frame_udp_csum(f, len, &fi));
		CHECK(frame_classify(f, len, &fi) == FRAME_PTP);
	}
	memcpy(orig, f, len);
	cf = (int64_t)get_be(f + fi.ptp_off + CF_OFF, CF_LEN);
	CHECK(frame_add_correction(f, len, &fi, (ptp_cf_t){ delta }) == 0);
	CHECK((int64_t)get_be(f + fi.ptp_off + CF_OFF, CF_LEN) ==
	      sat_add(cf, delta));
	CHECK(frame_classify(f, len, &after) == FRAME_PTP);
	check_same(&fi, &after);
	cf_at = (size_t)fi.ptp_off + CF_OFF;
	for (i = 0; i < len; i++) {
		if (i >= cf_at && i < cf_at + CF_LEN)
			continue;
		if (has_csum && (i == csum_at || i == csum_at + 1))
			continue;
		CHECK(f[i] == orig[i]);
	}
	if (has_csum)
		CHECK(get_be(f + csum_at, 2) == frame_udp_csum(f, len, &fi));
	else if (fi.l3 == FRAME_L3_IPV4)
		CHECK(get_be(f + fi.l4_off + UDP_CSUM_OFF, 2) == 0);
	free(orig);
	free(f);
}

/* What the worker's one-step fast path trusts after frame_ptp_event():
 * classify agrees, the TC takes it in place, the watchdog has nothing to
 * count, and frame_cf_add_udp() writes frame_cf_add_in_place()'s bytes. */
static void check_ptp_event(const uint8_t *frame, size_t len,
			    const struct frame_scan_pos *pos,
			    const struct frame_info *fi, int64_t delta)
{
	struct watchdog_counters wc;
	unsigned int off = frame_ptp_event(frame, pos);
	uint8_t *a, *b;

	if (off == 0)
		return;
	CHECK(fi->cls == FRAME_PTP);
	CHECK(off == fi->ptp_off && off - 8 == fi->l4_off);
	CHECK((frame[off] & 0x0F) == fi->ptp_type &&
	      frame[off + 4] == fi->domain);
	CHECK(tc_in_place(TC_ONE_STEP, fi));
	CHECK(frame_cf_in_place_ok(frame, len, fi));
	memset(&wc, 0, sizeof(wc));
	CHECK(watchdog_check(frame, len, fi, &wc) == 0);
	CHECK(watchdog_total(&wc) == 0);
	a = malloc(len);
	b = malloc(len);
	CHECK(a != NULL && b != NULL);
	memcpy(a, frame, len);
	memcpy(b, frame, len);
	frame_cf_add_in_place(a, fi, (ptp_cf_t){ delta });
	frame_cf_add_udp(b + off, (ptp_cf_t){ delta });
	CHECK(memcmp(a, b, len) == 0);
	free(a);
	free(b);
}

/* What the worker's rx_pdelay() trusts after frame_pdelay(): classify
 * agrees (a Pdelay_Req or Pdelay_Resp at the same offsets, its domain)
 * and the watchdog counts one pdelay and nothing else. */
static void check_pdelay(const uint8_t *frame, size_t len,
			 const struct frame_scan_pos *pos,
			 const struct frame_info *fi)
{
	struct watchdog_counters wc;
	unsigned int off = frame_pdelay(frame, pos);

	if (off == 0)
		return;
	CHECK(fi->cls == FRAME_PTP);
	CHECK(off == fi->ptp_off && off - 8 == fi->l4_off);
	CHECK(fi->ptp_type == PTP_PDELAY_REQ || fi->ptp_type == PTP_PDELAY_RESP);
	CHECK((frame[off] & 0x0F) == fi->ptp_type &&
	      frame[off + 4] == fi->domain);
	memset(&wc, 0, sizeof(wc));
	CHECK(watchdog_check(frame, len, fi, &wc) == WATCHDOG_F_PDELAY);
	CHECK(wc.pdelay == 1 && watchdog_total(&wc) == 1 &&
	      wc.tlv_malformed == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frame_info fi;
	int64_t delta;
	uint8_t *frame;
	size_t len;

	if (size < DELTA_LEN)
		return 0;
	delta = (int64_t)get_be(data, DELTA_LEN);
	len = size - DELTA_LEN;
	/* an exact-size heap copy so ASan catches any read past len */
	frame = malloc(len ? len : 1);
	CHECK(frame != NULL);
	memcpy(frame, data + DELTA_LEN, len);
	frame_classify(frame, len, &fi);
	check_info(&fi, len);
	/* the worker's pre-test: "non-PTP" only where classify says so, and
	 * classify_udp from its position gives classify's result exactly */
	{
		struct frame_scan_pos pos, pe;
		struct frame_info fu;
		enum frame_scan scan, se;
		unsigned int ev;

		memset(&pos, 0, sizeof(pos));
		memset(&pe, 0, sizeof(pe));
		scan = frame_prescan(frame, len, &pos);
		/* the fused pre-test: the same scan, frame_ptp_event()'s
		 * offset, and else the same position */
		ev = frame_prescan_event(frame, len, &pe, &se);
		CHECK(se == scan);
		CHECK(ev == (scan == FRAME_SCAN_UDP_PTP ?
			     frame_ptp_event(frame, &pos) : 0));
		CHECK(ev != 0 || scan != FRAME_SCAN_UDP_PTP ||
		      (pe.l3 == pos.l3 && pe.n_vlans == pos.n_vlans &&
		       pe.l3_off == pos.l3_off && pe.l4_off == pos.l4_off &&
		       pe.end == pos.end));
		switch (scan) {
		case FRAME_SCAN_NON_PTP:
			CHECK(fi.cls == FRAME_NON_PTP);
			break;
		case FRAME_SCAN_UDP_PTP:
			memset(&fu, 0, sizeof(fu));
			CHECK(frame_classify_udp(frame, len, &pos, &fu) == fi.cls);
			CHECK(fuzz_same_info(&fu, &fi));
			check_ptp_event(frame, len, &pos, &fi, delta);
			check_pdelay(frame, len, &pos, &fi);
			break;
		default:
			break;
		}
	}
	CHECK(frame_strerror(fi.err) != NULL);
	if (fi.cls == FRAME_PTP) {
		check_in_place(frame, len, &fi);
		fuzz_rewrite(frame, len, delta);
	}
	else
		CHECK(frame_add_correction(frame, len, &fi,
					   (ptp_cf_t){ delta }) == -1);
	free(frame);
	return 0;
}

#ifdef FUZZ_FRAME_GEN_CORPUS
/* ---- seed corpus: a few frames of every shape the classifier knows ---- */

struct seed {
	const char *name;
	int l3;			/* 4, 6 or 0 for raw */
	int n_vlans;
	int opt_words;		/* IPv4 options */
	int v6_ext;		/* IPv6 Destination Options headers */
	uint8_t type;
	uint16_t flags;
	int csum;
	int64_t delta;
	uint16_t frag;		/* IPv4 flags/offset word, or IPv6 fragment */
};

static const struct seed seeds[] = {
	{ "v4-sync", 4, 0, 0, 0, PTP_SYNC, 0, 1, 1000, 0 },
	{ "v4-sync-twostep-vlan", 4, 1, 0, 0, PTP_SYNC, PTP_FLAG_TWO_STEP, 1,
	  -5, 0 },
	{ "v4-delayreq-nocsum", 4, 0, 0, 0, PTP_DELAY_REQ, PTP_FLAG_UNICAST,
	  0, 123456789, 0 },
	{ "v4-followup-options", 4, 0, 10, 0, PTP_FOLLOW_UP, 0, 1, 7, 0 },
	{ "v4-announce-qinq", 4, 2, 1, 0, PTP_ANNOUNCE, 0, 1, 0, 0 },
	{ "v4-signaling", 4, 0, 0, 0, PTP_SIGNALING, PTP_FLAG_UNICAST, 1, 0,
	  0 },
	{ "v4-fragment", 4, 0, 0, 0, PTP_SYNC, 0, 1, 0, 0x2000 },
	{ "v4-later-fragment", 4, 0, 0, 0, PTP_SYNC, 0, 1, 0, 0x0004 },
	{ "v6-sync", 6, 0, 0, 0, PTP_SYNC, 0, 1, INT64_MAX, 0 },
	{ "v6-delayresp-ext", 6, 1, 0, 2, PTP_DELAY_RESP, 0, 1, -1, 0 },
	{ "v6-delayreq-qinq", 6, 2, 0, 1, PTP_DELAY_REQ, 0, 1, INT64_MIN, 0 },
	{ "v6-fragment", 6, 0, 0, 1, PTP_SYNC, 0, 1, 0, 1 },
	{ "v4-pdelayreq", 4, 0, 0, 0, PTP_PDELAY_REQ, 0, 1, 11, 0 },
	{ "v6-pdelayresp-vlan", 6, 1, 0, 0, PTP_PDELAY_RESP, 0, 1, 11, 0 },
	{ "raw-sync", 0, 0, 0, 0, PTP_SYNC, PTP_FLAG_TWO_STEP, 0, 99, 0 },
	{ "raw-followup-vlan", 0, 1, 0, 0, PTP_FOLLOW_UP, 0, 0, 1, 0 },
};

static size_t gen_ptp(const struct seed *s, uint8_t *buf, size_t cap)
{
	static const uint8_t tlv[6] = { 0x00, 0x00, 0, 0, 0, 60 };
	struct ptp_msg m;
	int n;

	memset(&m, 0, sizeof(m));
	/* a peer delay message: a Delay_Resp's 54 octets, its type set
	 * below (ptp_msg_build() makes no Pdelay_*) */
	m.hdr.messageType = s->type == PTP_PDELAY_REQ ||
			    s->type == PTP_PDELAY_RESP ? PTP_DELAY_RESP :
			    s->type;
	m.hdr.versionPTP = 2;
	m.hdr.flagField = s->flags;
	m.hdr.sequenceId = 4242;
	m.hdr.domainNumber = 24;
	m.hdr.sourcePortIdentity.port = 1;
	if (s->type == PTP_SIGNALING) {
		m.n_tlvs = 1;
		m.tlvs[0].type = PTP_TLV_REQUEST_UNICAST_TRANSMISSION;
		m.tlvs[0].length = sizeof(tlv);
		m.tlvs[0].value = tlv;
	}
	n = ptp_msg_build(&m, buf, cap);
	CHECK(n > 0);
	buf[0] = (uint8_t)((buf[0] & 0xF0) | s->type);
	return (size_t)n;
}

static size_t gen_ip(const struct seed *s, uint8_t *f, size_t ulen)
{
	size_t hlen, i;

	if (s->l3 == 6) {
		size_t ext = 8 * (size_t)s->v6_ext;

		memset(f, 0, 40 + ext);
		f[0] = 0x60;
		put16(f + 4, (uint16_t)(ext + ulen));
		f[6] = s->v6_ext ? (s->frag && s->v6_ext == 1 ? 44 : 60) : 17;
		f[7] = 1;
		f[8] = 0xFE; f[9] = 0x80; f[24] = 0xFF; f[25] = 0x02;
		f[39] = 0x81; f[38] = 0x01;
		for (i = 0; i < (size_t)s->v6_ext; i++) {
			f[40 + 8 * i] = i + 1 == (size_t)s->v6_ext ? 17 : 60;
			if (s->frag && s->v6_ext == 1)
				put16(f + 42, 0x0001);
		}
		return 40 + ext;
	}
	hlen = 20 + 4 * (size_t)s->opt_words;
	memset(f, 0, hlen);
	f[0] = (uint8_t)(0x40 | hlen / 4);
	put16(f + 2, (uint16_t)(hlen + ulen));
	put16(f + 6, s->frag);
	f[8] = 1;
	f[9] = 17;
	f[12] = 10; f[15] = 1;
	f[16] = 224; f[18] = 1; f[19] = 129;
	memset(f + 20, 1, hlen - 20);
	return hlen;
}

static size_t gen_frame(const struct seed *s, uint8_t *f, size_t cap)
{
	uint8_t ptp[128];
	size_t n = gen_ptp(s, ptp, sizeof(ptp)), off = 12, l4;
	struct frame_info fi;
	int i;

	memcpy(f, "\x01\x00\x5e\x00\x01\x81\x02\x00\x00\x00\x00\x01", 12);
	for (i = 0; i < s->n_vlans; i++, off += 4) {
		put16(f + off, i == 0 && s->n_vlans == 2 ? 0x88A8 : 0x8100);
		put16(f + off + 2, 10);
	}
	if (s->l3 == 0) {
		put16(f + off, ETH_P_PTP_RAW);
		memcpy(f + off + 2, ptp, n);
		return off + 2 + n;
	}
	put16(f + off, s->l3 == 6 ? 0x86DD : 0x0800);
	off += 2;
	l4 = off + gen_ip(s, f + off, n + 8);
	CHECK(l4 + 8 + n <= cap);
	put16(f + l4, 319);
	put16(f + l4 + 2, ptp_msg_is_event(s->type) ? 319 : 320);
	put16(f + l4 + 4, (uint16_t)(n + 8));
	put16(f + l4 + 6, 0);
	memcpy(f + l4 + 8, ptp, n);
	if (s->csum && frame_classify(f, l4 + 8 + n, &fi) == FRAME_PTP)
		put16(f + l4 + 6, frame_udp_csum(f, l4 + 8 + n, &fi));
	return l4 + 8 + n;
}

/* Write delta + frame as one input, after running it once. */
static void gen_write(const char *dir, const char *name, int64_t delta,
		      const uint8_t *f, size_t len)
{
	uint8_t in[DELTA_LEN + 1024];
	int i;

	CHECK(len <= sizeof(in) - DELTA_LEN);
	for (i = 0; i < DELTA_LEN; i++)
		in[i] = (uint8_t)((uint64_t)delta >> (56 - 8 * i));
	memcpy(in + DELTA_LEN, f, len);
	fuzz_write_seed(dir, name, in, DELTA_LEN + len);
}

int main(int argc, char **argv)
{
	static const uint8_t arp[42] = {
		0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0, 0, 0, 1,
		0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1 };
	uint8_t f[1024];
	size_t i, len;

	if (argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", argv[0]);
		return 2;
	}
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		len = gen_frame(&seeds[i], f, sizeof(f));
		gen_write(argv[1], seeds[i].name, seeds[i].delta, f, len);
	}
	gen_write(argv[1], "arp", 0, arp, sizeof(arp));
	return 0;
}
#endif
