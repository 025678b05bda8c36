/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for the transparent clock (lib/tc) as the worker drives
 * it: a sequence of frames, each classified, shown to the profile watchdog,
 * fed to tc_ingress() and then to tc_egress() (or tc_event_sent(), the
 * hardware-TX-stamp path) on one TC instance whose two-step table, rate
 * estimator and expiry state carry over from frame to frame. The frames
 * are wire input and fully adversarial; the timestamps are the local
 * timebase's (monotonic ns, as the worker's are), with arbitrary gaps.
 *
 * Checks, frame by frame (any failure aborts):
 *   - nothing is read or written outside the frame (ASan: every frame is
 *     an exact-size heap copy);
 *   - tc_ingress() and tc_event_sent() never change the frame;
 *   - tc_egress() changes nothing when it returns false, and otherwise
 *     only the correctionField and the UDP checksum, and only of Sync,
 *     Delay_Req, Follow_Up and Delay_Resp (Announce, Signaling,
 *     Management and the peer-delay messages pass byte for byte);
 *   - a frame whose UDP checksum was valid still has a valid one, a
 *     checksum of 0 (none made) stays 0, and the frame classifies exactly
 *     as before;
 *   - a twin instance driven as the worker drives it gives every frame
 *     the same bytes and result, and ends with the same counters,
 *     residence statistics and rate ratios: a one-step Sync or Delay_Req
 *     that frame_ptp_event() finds goes through the burst's run
 *     (tc_run()) unless the record says the run does not take it, every
 *     other copy through the TX buffer's tc_egress_choose() (so
 *     tc_egress_in_place() where tc_in_place() accepts it);
 *   - the two-step table never holds more than pending_entries;
 *   - every domain's rate ratio stays finite and within the estimator's
 *     plausibility bound.
 *
 * Input: 2 bytes of parameters, then records until the input ends:
 *   u8 ports     in_port (low nibble), out_port (high nibble); 15 means
 *                port 40 (beyond TC_MAX_PORTS: no latency entry)
 *   u8 op        bit 0: tc_event_sent() instead of tc_egress();
 *                bit 1: tc_expire() at the frame's arrival first;
 *                bit 2: egress before ingress (tx_ts = rx_ts - res);
 *                bit 3: the worker's run does not take it (flooded, a
 *                closed run, TX stamps): the TX buffer's path
 *   u16 gap      rx_ts advances by gap << 12 ns (up to about 268 ms)
 *   u16 res      residence in ns (tx_ts = rx_ts + res)
 *   u8 len       frame length, then len bytes (cut short at the end)
 *
 * Build: see tests/fuzz/meson.build (scripts/fuzz.sh runs it).
 * Seed corpus generator (same file, no libFuzzer), chaining the frame
 * target's seeds into sequences:
 *   cc -DFUZZ_TC_GEN_CORPUS -Ilib tests/fuzz/fuzz_tc.c lib/tc/tc.c \
 *     lib/net/frame.c lib/net/watchdog.c lib/ptp/msg.c lib/ptp/ptp_time.c \
 *     -lm -o gen && ./gen tests/fuzz/corpus/frame tests/fuzz/corpus/tc
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"
#include "net/watchdog.h"
#include "ptp/msg.h"
#include "tc/tc.h"

#include "fuzz_check.h"

#define REC_HDR		7	/* ports, op, gap (2), res (2), len */
#define FAR_PORT	40	/* a port number beyond TC_MAX_PORTS */
#define CF_OFF		8
#define CF_LEN		8
#define UDP_CSUM_OFF	6

static const uint32_t pending_sizes[4] = { 1, 2, 3, 64 };

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint16_t port_of(unsigned int nibble)
{
	return nibble == 15 ? FAR_PORT : (uint16_t)nibble;
}

static void params_from(const uint8_t *d, struct tc_params *p)
{
	int i;

	memset(p, 0, sizeof(*p));
	p->mode = (d[0] & 1) ? TC_TWO_STEP : TC_ONE_STEP;
	p->syntonize = (d[0] & 2) != 0;
	p->pending_entries = pending_sizes[d[0] >> 2 & 3];
	p->pending_timeout_ns = ((int64_t)(d[0] >> 4) + 1) * 1000000;
	for (i = 0; i < TC_MAX_PORTS; i++) {
		p->ingress_latency_ns[i] = (int8_t)d[1] * (i + 1);
		p->egress_latency_ns[i] = -(int8_t)d[1] * i;
	}
}

/* A UDP checksum that holds for the frame as it is. */
static int csum_valid(const uint8_t *f, size_t len,
		      const struct frame_info *fi)
{
	uint16_t stored = rd16(f + fi->l4_off + UDP_CSUM_OFF);

	if (fi->l3 == FRAME_L3_IPV4 && stored == 0)
		return 1;
	return frame_udp_csum(f, len, fi) == stored;
}

/* Only the correctionField and the UDP checksum may differ. */
static void only_cf_and_csum(const uint8_t *was, const uint8_t *now,
			     size_t len, const struct frame_info *fi)
{
	size_t i, cf = (size_t)fi->ptp_off + CF_OFF;
	size_t cs = fi->l4_off ? (size_t)fi->l4_off + UDP_CSUM_OFF : len;

	for (i = 0; i < len; i++) {
		if (i >= cf && i < cf + CF_LEN)
			continue;
		if (i >= cs && i < cs + 2)
			continue;
		CHECK(was[i] == now[i]);
	}
}

/* One frame through tc by the reference calls (tc_egress()); the frame
 * as it leaves into result (len bytes). Returns tc_egress()'s result
 * (false if it was not called). */
static bool one_frame(struct tc *tc, const struct tc_params *p,
		      const uint8_t *rec, const uint8_t *bytes, size_t len,
		      int64_t rx_ns, struct watchdog_counters *wd,
		      uint8_t *result)
{
	uint16_t in = port_of(rec[0] & 0x0F), out = port_of(rec[0] >> 4);
	int64_t res = rd16(rec + 4);
	tmv_t rx = tmv_from_ns(rx_ns);
	tmv_t tx = tmv_from_ns((rec[1] & 4) ? rx_ns - res : rx_ns + res);
	struct frame_info fi, again;
	uint8_t *f, *was;
	bool changed = false;
	int ip_csum_ok = 0;

	f = malloc(len ? len : 1);
	was = malloc(len ? len : 1);
	CHECK(f != NULL && was != NULL);
	memcpy(f, bytes, len);
	memcpy(was, bytes, len);
	if (rec[1] & 2)
		tc_expire(tc, rx);
	/* the worker: only classified PTP frames reach the TC */
	if (frame_classify(f, len, &fi) != FRAME_PTP)
		goto out;
	(void)watchdog_check(f, len, &fi, wd);
	CHECK(memcmp(f, was, len) == 0);
	if (fi.l4_off)
		ip_csum_ok = csum_valid(f, len, &fi);
	tc_ingress(tc, f, len, &fi, in, rx);
	CHECK(memcmp(f, was, len) == 0);
	if (rec[1] & 1) {
		(void)tc_event_sent(tc, f, len, &fi, in, out, rx, tx);
		CHECK(memcmp(f, was, len) == 0);
		goto out;
	}
	changed = tc_egress(tc, f, len, &fi, in, out, rx, tx);
	/* what tc_in_place() accepts is corrected at once */
	if (tc_in_place(p->mode, &fi))
		CHECK(changed);
	/* EP-25: only the four E2E messages are ever corrected */
	if (fi.ptp_type != PTP_SYNC && fi.ptp_type != PTP_DELAY_REQ &&
	    fi.ptp_type != PTP_FOLLOW_UP && fi.ptp_type != PTP_DELAY_RESP)
		CHECK(!changed);
	if (!changed) {
		CHECK(memcmp(f, was, len) == 0);
		goto out;
	}
	only_cf_and_csum(was, f, len, &fi);
	CHECK(frame_classify(f, len, &again) == FRAME_PTP);
	CHECK(fuzz_same_info(&fi, &again));
	if (fi.l4_off) {
		uint16_t before = rd16(was + fi.l4_off + UDP_CSUM_OFF);

		if (before == 0)	/* none made (IPv4, IPv6 RFC 6936) */
			CHECK(rd16(f + fi.l4_off + UDP_CSUM_OFF) == 0);
		if (ip_csum_ok)
			CHECK(csum_valid(f, len, &fi));
	}
out:
	CHECK(tc_get_stats(tc)->pending_in_use <= p->pending_entries);
	memcpy(result, f, len);
	free(f);
	free(was);
	return changed;
}

/* The same frame through tw as the worker drives it: the burst run's
 * tc_run() (a run of one) where the worker uses it, else the TX buffer's
 * tc_egress_choose(). The bytes and the result must be one_frame()'s
 * (expect, changed). */
static void twin_frame(struct tc *tw, const struct tc_params *p,
		       const uint8_t *rec, const uint8_t *bytes, size_t len,
		       int64_t rx_ns, const uint8_t *expect, bool changed)
{
	uint16_t in = port_of(rec[0] & 0x0F), out = port_of(rec[0] >> 4);
	int64_t res = rd16(rec + 4);
	tmv_t rx = tmv_from_ns(rx_ns);
	tmv_t tx = tmv_from_ns((rec[1] & 4) ? rx_ns - res : rx_ns + res);
	struct frame_scan_pos pos;
	struct frame_info fi;
	unsigned int off;
	uint64_t rx_u = (uint64_t)rx_ns;
	uint8_t *f = malloc(len ? len : 1);

	CHECK(f != NULL);
	memcpy(f, bytes, len);
	if (rec[1] & 2)
		tc_expire(tw, rx);
	if (frame_classify(f, len, &fi) != FRAME_PTP)
		goto out;
	/* op bit 0: tc_event_sent(); bit 3: the run does not take it */
	if (p->mode == TC_ONE_STEP && !(rec[1] & (1 | 8)) &&
	    frame_prescan(f, len, &pos) == FRAME_SCAN_UDP_PTP &&
	    (off = frame_ptp_event(f, &pos)) != 0) {
		uint8_t *ptp = f + off;

		CHECK(tc_in_place(p->mode, &fi));
		/* bit 1: as a time per message or one per burst (the
		 * same for a run of one) */
		CHECK(tc_run(tw, in, out, tx, &ptp, &rx_u, rec[1] >> 1 & 1,
			     1) == 1);
		CHECK(changed);
	} else {
		tc_ingress(tw, f, len, &fi, in, rx);
		if (rec[1] & 1)
			(void)tc_event_sent(tw, f, len, &fi, in, out, rx, tx);
		else
			CHECK(tc_egress_choose(tw, p->mode, f, len, &fi, in,
					       out, rx, tx) == changed);
	}
out:
	CHECK(memcmp(f, expect, len) == 0);
	free(f);
}

/* tc and tw counted the same */
static void same_stats(const struct tc *tc, const struct tc *tw)
{
	const struct tc_stats *a = tc_get_stats(tc), *b = tc_get_stats(tw);
	int d;

	CHECK(a->corrected_sync == b->corrected_sync);
	CHECK(a->corrected_delay_req == b->corrected_delay_req);
	CHECK(a->corrected_follow_up == b->corrected_follow_up);
	CHECK(a->corrected_delay_resp == b->corrected_delay_resp);
	CHECK(a->pending_stored == b->pending_stored);
	CHECK(a->ratio_rejected == b->ratio_rejected);
	CHECK(memcmp(a->res, b->res, sizeof(a->res)) == 0);
	for (d = 0; d < 256; d++) {
		CHECK(a->domain[d].corrected == b->domain[d].corrected);
		CHECK(a->domain[d].sync_seen == b->domain[d].sync_seen);
		CHECK(tc_rate_ratio(tc, (uint8_t)d) ==
		      tc_rate_ratio(tw, (uint8_t)d));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct watchdog_counters wd;
	struct tc_params p;
	struct tc *tc, *tw;
	int64_t now = 1000000000;	/* the timebase's ns, after start-up */
	size_t at = 2, len;
	uint8_t result[256];
	bool changed;
	int d;

	if (size < 2)
		return 0;
	params_from(data, &p);
	tc = tc_create(&p);
	tw = tc_create(&p);
	CHECK(tc != NULL && tw != NULL);
	memset(&wd, 0, sizeof(wd));
	while (at + REC_HDR <= size) {
		const uint8_t *rec = data + at;

		len = rec[6];		/* at most 255: result[] holds it */
		at += REC_HDR;
		if (len > size - at)
			len = size - at;
		now += (int64_t)rd16(rec + 2) << 12;
		changed = one_frame(tc, &p, rec, data + at, len, now, &wd,
				    result);
		twin_frame(tw, &p, rec, data + at, len, now, result, changed);
		at += len;
	}
	same_stats(tc, tw);
	tc_free(tw);
	for (d = 0; d < 256; d++) {
		double r = tc_rate_ratio(tc, (uint8_t)d);

		CHECK(isfinite(r));
		CHECK(fabs(r - 1.0) <= 2 * TC_RATE_MAX_DEV);
	}
	tc_free(tc);
	return 0;
}

#ifdef FUZZ_TC_GEN_CORPUS
/* ---- seed corpus: the frame target's seeds, alone and in pairs ---- */
#include <dirent.h>

#define MAX_SEEDS	32
#define MAX_FRAME	255

struct frame_seed {
	char name[64];
	uint8_t f[MAX_FRAME];
	size_t len;
};

static struct frame_seed seeds[MAX_SEEDS];
static size_t n_seeds;

/* The frame target's inputs are an 8-byte delta, then the frame. */
static void load_seeds(const char *dir)
{
	struct dirent *e;
	uint8_t buf[8 + MAX_FRAME + 1];
	char path[512];
	DIR *d = opendir(dir);
	FILE *fp;
	size_t n;

	CHECK(d != NULL);
	while ((e = readdir(d)) != NULL && n_seeds < MAX_SEEDS) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		fp = fopen(path, "rb");
		CHECK(fp != NULL);
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		if (n <= 8 || n - 8 > MAX_FRAME)
			continue;
		snprintf(seeds[n_seeds].name, sizeof(seeds[n_seeds].name),
			 "%.63s", e->d_name);
		memcpy(seeds[n_seeds].f, buf + 8, n - 8);
		seeds[n_seeds++].len = n - 8;
	}
	closedir(d);
}

static size_t put_rec(uint8_t *o, uint8_t ports, uint8_t op, uint16_t gap,
		      uint16_t res, const struct frame_seed *s)
{
	o[0] = ports;
	o[1] = op;
	o[2] = (uint8_t)(gap >> 8);
	o[3] = (uint8_t)gap;
	o[4] = (uint8_t)(res >> 8);
	o[5] = (uint8_t)res;
	o[6] = (uint8_t)s->len;
	memcpy(o + REC_HDR, s->f, s->len);
	return REC_HDR + s->len;
}

static int is_type(const struct frame_seed *s, uint8_t type)
{
	struct frame_info fi;

	return frame_classify(s->f, s->len, &fi) == FRAME_PTP &&
	       fi.ptp_type == type;
}

int main(int argc, char **argv)
{
	uint8_t in[2 + 4 * (REC_HDR + MAX_FRAME)];
	char name[160];
	size_t i, j, n;
	int mode;

	CHECK(argc == 3);
	load_seeds(argv[1]);
	CHECK(n_seeds > 0);
	for (mode = 0; mode < 2; mode++) {
		/* two-step, syntonize, 2 entries, 2 ms; or one-step */
		in[0] = mode ? 0x17 : 0x02;
		in[1] = 0x03;
		for (i = 0; i < n_seeds; i++) {
			n = 2 + put_rec(in + 2, 0x10, 0, 1, 800, &seeds[i]);
			snprintf(name, sizeof(name), "%s-%.63s",
				 mode ? "2step" : "1step", seeds[i].name);
			fuzz_write_seed(argv[2], name, in, n);
		}
		if (!mode)
			continue;
		/* an event message, then a general message the other way or
		 * the same way; plus a late one after expiry */
		for (i = 0; i < n_seeds; i++) {
			if (!is_type(&seeds[i], PTP_SYNC) &&
			    !is_type(&seeds[i], PTP_DELAY_REQ))
				continue;
			for (j = 0; j < n_seeds; j++) {
				if (!is_type(&seeds[j], PTP_FOLLOW_UP) &&
				    !is_type(&seeds[j], PTP_DELAY_RESP))
					continue;
				n = 2;
				n += put_rec(in + n, 0x10, 0, 1, 900,
					     &seeds[i]);
				n += put_rec(in + n,
					     is_type(&seeds[j], PTP_DELAY_RESP) ?
					     0x01 : 0x10, 0, 2, 50, &seeds[j]);
				n += put_rec(in + n, 0x10, 1, 3, 70,
					     &seeds[i]);
				n += put_rec(in + n, 0x10, 2, 4000, 10,
					     &seeds[j]);
				snprintf(name, sizeof(name), "seq-%.63s-%.63s",
					 seeds[i].name, seeds[j].name);
				fuzz_write_seed(argv[2], name, in, n);
			}
		}
	}
	return 0;
}
#endif
