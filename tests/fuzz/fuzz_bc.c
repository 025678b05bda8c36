/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target for a boundary-clock instance (lib/bc) and the
 * management server (lib/mgmt) fed from the wire: a sequence of received
 * messages, timer ticks, link changes and TX timestamps on one instance of
 * one to three ports, and management requests answered from it.
 *
 * Checks (any failure aborts):
 *   - nothing is read outside a message (ASan: each is an exact-size heap
 *     copy) and no arithmetic overflows (UBSan) on any input;
 *   - every message the instance sends parses (ptp_msg_parse), is of the
 *     type, sequenceId and port it claims, in the instance's domain, and
 *     fits BC_TX_BUF;
 *   - at most one port is UNCALIBRATED or SLAVE, and every port has a
 *     valid state;
 *   - every management reply parses (mgmt_parse) as a RESPONSE or
 *     ACKNOWLEDGE in the request's domain.
 *
 * Input: 2 bytes of parameters, then records until the input ends:
 *   u8 op        bits 0-1: 0 message received, 1 tick, 2 link down/up,
 *                3 management request; bits 2-3: port index (modulo the
 *                instance's ports); bit 4: sent to the multicast address;
 *                bit 5: also a TX timestamp for the last event sent;
 *                bit 6: (op 0) made the reply to the last Delay_Req sent:
 *                its sequenceId and requestingPortIdentity written in
 *                (if the message is long enough for them)
 *   u16 gap      the timebase advances by gap << 14 ns (up to about 1 s)
 *   u8 len       message length, then len bytes (ops 0 and 3; cut short
 *                at the end of the input)
 *
 * Build: see tests/fuzz/meson.build (scripts/fuzz.sh runs it).
 * Seed corpus generator (same file, no libFuzzer):
 *   cc -DFUZZ_BC_GEN_CORPUS -Ilib tests/fuzz/fuzz_bc.c lib/bc/[a-z]*.c \
 *     lib/mgmt/mgmt.c lib/ptp/msg.c lib/ptp/ptp_time.c -lm -o gen && \
 *     ./gen tests/fuzz/corpus/bc
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bc/bc.h"
#include "mgmt/mgmt.h"
#include "ptp/msg.h"

#include "fuzz_check.h"

#define REC_HDR		4	/* op, gap (2), len */
#define SEC		1000000000LL

enum { OP_RX = 0, OP_TICK, OP_LINK, OP_MGMT };

struct fuzz_bc {
	struct bc bc;
	uint8_t domain;
	bool have_event;		/* last event message sent */
	unsigned int ev_port;
	uint8_t ev_type;
	uint16_t ev_seq;
	bool have_dreq;			/* last Delay_Req sent */
	struct ptp_port_identity dreq_from;
	uint16_t dreq_seq;
};

static int fz_send(void *arg, const struct bc_tx *tx)
{
	struct fuzz_bc *f = arg;
	struct ptp_msg m;

	CHECK(tx->len <= BC_TX_BUF);
	CHECK(tx->port < f->bc.n_ports);
	CHECK(ptp_msg_parse(tx->buf, tx->len, &m) == 0);
	CHECK(m.hdr.messageType == tx->type);
	CHECK(m.hdr.sequenceId == tx->seq);
	CHECK(m.hdr.domainNumber == f->domain);
	CHECK(m.hdr.sourcePortIdentity.port == tx->port + 1);
	CHECK(ptp_msg_is_event(tx->type) == tx->event);
	if (tx->event) {
		f->have_event = true;
		f->ev_port = tx->port;
		f->ev_type = tx->type;
		f->ev_seq = tx->seq;
	}
	if (tx->type == PTP_DELAY_REQ) {
		f->have_dreq = true;
		f->dreq_from = m.hdr.sourcePortIdentity;
		f->dreq_seq = tx->seq;
	}
	return 0;
}

static const struct bc_ops fz_ops = { .send = fz_send };

struct mgmt_ctx {
	const struct mgmt_msg *req;
};

static void fz_emit(void *arg, const uint8_t *buf, size_t len)
{
	const struct mgmt_ctx *c = arg;
	struct mgmt_msg r;

	CHECK(mgmt_parse(buf, len, &r) == 0);
	CHECK(r.action == MGMT_RESPONSE || r.action == MGMT_ACKNOWLEDGE);
	CHECK(r.hdr.domainNumber == c->req->hdr.domainNumber);
	CHECK(r.hdr.sequenceId == c->req->hdr.sequenceId);
}

static void cfg_from(const uint8_t *d, struct conf_bc *c)
{
	memset(c, 0, sizeof(*c));
	c->domain = (d[0] & 1) ? 0 : 24;
	c->transport = (d[0] & 2) ? CONF_UDPV6 : CONF_UDPV4;
	c->n_ports = 1 + (d[0] >> 2 & 3) % 3;
	c->priority1 = (d[0] & 0x10) ? 128 : 255;
	c->priority2 = 128;
	c->clock_class = (d[0] & 0x20) ? 255 : 248;
	c->clock_accuracy = 0xFE;
	c->offset_scaled_log_variance = 0xFFFF;
	c->log_sync_interval = (int8_t)(-(d[1] & 3));	/* 0 .. -3 */
	c->log_min_delay_req_interval = c->log_sync_interval;
	c->log_announce_interval = 0;
	c->two_step = (d[0] & 0x40) != 0;
	c->delay_req = (d[0] & 0x80) ? CONF_DREQ_UNICAST : CONF_DREQ_MULTICAST;
	c->current_utc_offset = 37;
	c->current_utc_offset_valid = true;
	c->time_source = 0xA0;
	c->slave_only = (d[0] & 0x30) == 0x30;
	c->servo_kp = 0.7;
	c->servo_ki = 0.3;
	c->step_threshold_ns = (d[1] & 4) ? 0 : 20000;
}

static void check_states(const struct bc *bc)
{
	unsigned int p, n_rx = 0;

	for (p = 0; p < bc->n_ports; p++) {
		enum fsm_state s = bc_port_state(bc, p);

		CHECK(s < FSM_N_STATES);
		n_rx += s == FSM_SLAVE || s == FSM_UNCALIBRATED;
	}
	CHECK(n_rx <= 1);
}

static void mgmt_request(const struct bc *bc, const uint8_t *buf, size_t len)
{
	struct mgmt_msg req;
	struct mgmt_ctx c = { &req };

	if (mgmt_parse(buf, len, &req) != 0)
		return;
	CHECK(mgmt_answer(&req, bc, fz_emit, &c) < MGMT_OUTCOME__COUNT);
	CHECK(mgmt_answer(&req, NULL, fz_emit, &c) < MGMT_OUTCOME__COUNT);
}

/* Seal m (at least PTP_HDR_LEN + 20 bytes) as the Delay_Resp to the last
 * Delay_Req: sequenceId and requestingPortIdentity. */
static void as_reply(const struct fuzz_bc *f, uint8_t *m)
{
	uint8_t *rp = m + PTP_HDR_LEN + 10;

	m[30] = (uint8_t)(f->dreq_seq >> 8);
	m[31] = (uint8_t)f->dreq_seq;
	memcpy(rp, f->dreq_from.clock.id, 8);
	rp[8] = (uint8_t)(f->dreq_from.port >> 8);
	rp[9] = (uint8_t)f->dreq_from.port;
}

static void one_record(struct fuzz_bc *f, const uint8_t *rec,
		       const uint8_t *bytes, size_t len, int64_t now)
{
	unsigned int port = (rec[0] >> 2 & 3) % f->bc.n_ports;
	struct bc_rx rx;
	uint8_t *m;

	m = malloc(len ? len : 1);
	CHECK(m != NULL);
	memcpy(m, bytes, len);
	switch (rec[0] & 3) {
	case OP_RX:
		if ((rec[0] & 0x40) && f->have_dreq &&
		    len >= PTP_HDR_LEN + 20)
			as_reply(f, m);
		memset(&rx, 0, sizeof(rx));
		rx.ts = tmv_from_ns(now);
		rx.src.is_v6 = f->bc.cfg.transport == CONF_UDPV6;
		rx.src.a[0] = 10;
		rx.src.a[3] = (uint8_t)(port + 2);
		rx.dst_multicast = (rec[0] & 0x10) != 0;
		(void)bc_rx(&f->bc, port, m, len, &rx);
		break;
	case OP_TICK:
		bc_tick(&f->bc, tmv_from_ns(now));
		break;
	case OP_LINK:
		CHECK(bc_port_link(&f->bc, port, (rec[0] & 0x10) != 0,
				   tmv_from_ns(now)) >= 0);
		break;
	default:
		mgmt_request(&f->bc, m, len);
		break;
	}
	if ((rec[0] & 0x20) && f->have_event)
		bc_tx_timestamp(&f->bc, f->ev_port, f->ev_type, f->ev_seq,
				tmv_from_ns(now));
	(void)bc_time(&f->bc, tmv_from_ns(now));
	check_states(&f->bc);
	free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct ptp_clock_identity id = {
		{ 0x02, 0, 0, 0xFF, 0xFE, 0, 0, 0x42 } };
	struct fuzz_bc *f;
	struct conf_bc cfg;
	int64_t now = 100 * SEC;
	size_t at = 2, len;

	if (size < 2)
		return 0;
	cfg_from(data, &cfg);
	f = calloc(1, sizeof(*f));
	CHECK(f != NULL);
	f->domain = cfg.domain;
	CHECK(bc_init(&f->bc, &cfg, &id, &fz_ops, f, tmv_from_ns(now)) == 0);
	while (at + REC_HDR <= size) {
		const uint8_t *rec = data + at;

		at += REC_HDR;
		len = 0;
		if ((rec[0] & 3) == OP_RX || (rec[0] & 3) == OP_MGMT) {
			len = rec[3];
			if (len > size - at)
				len = size - at;
		}
		now += (int64_t)(rec[1] << 8 | rec[2]) << 14;
		one_record(f, rec, data + at, len, now);
		at += len;
	}
	free(f);
	return 0;
}

#ifdef FUZZ_BC_GEN_CORPUS
/* ---- seed corpus: a time transmitter's conversation, and pmc's GETs ---- */

static const struct ptp_clock_identity gm = {
	{ 0x02, 0, 0, 0xFF, 0xFE, 0, 0, 0x01 } };

/* The fuzz input's timebase: starts at 100 s, each record adds its gap;
 * the generator's time transmitter runs on the same time, 500 ns away. */
static int64_t gen_now = 100 * SEC;

static size_t build(uint8_t type, uint16_t seq, uint8_t domain,
		    uint16_t flags, int64_t ts, uint8_t *out, size_t cap)
{
	struct ptp_msg m;
	int n;

	memset(&m, 0, sizeof(m));
	m.hdr.messageType = type;
	m.hdr.versionPTP = 2;
	m.hdr.domainNumber = domain;
	m.hdr.flagField = flags;
	m.hdr.sourcePortIdentity.clock = gm;
	m.hdr.sourcePortIdentity.port = 1;
	m.hdr.sequenceId = seq;
	m.hdr.logMessageInterval = type == PTP_ANNOUNCE ? 0 : -3;
	m.body.sync.ts.sec = (uint64_t)(ts / SEC);
	m.body.sync.ts.nsec = (uint32_t)(ts % SEC);
	if (type == PTP_ANNOUNCE) {
		m.body.announce.originTimestamp = m.body.sync.ts;
		m.body.announce.currentUtcOffset = 37;
		m.body.announce.grandmasterPriority1 = 1;
		m.body.announce.grandmasterClockQuality.clockClass = 6;
		m.body.announce.grandmasterClockQuality.clockAccuracy = 0x21;
		m.body.announce.grandmasterClockQuality.offsetScaledLogVariance =
			0x4E5D;
		m.body.announce.grandmasterPriority2 = 1;
		m.body.announce.grandmasterIdentity = gm;
		m.body.announce.timeSource = 0x20;
	}
	if (type == PTP_DELAY_RESP) {
		m.body.resp.ts = m.body.sync.ts;
		m.body.resp.requestingPortIdentity.clock.id[0] = 0x02;
		m.body.resp.requestingPortIdentity.clock.id[3] = 0xFF;
		m.body.resp.requestingPortIdentity.clock.id[4] = 0xFE;
		m.body.resp.requestingPortIdentity.clock.id[7] = 0x42;
		m.body.resp.requestingPortIdentity.port = 1;
	}
	n = ptp_msg_build(&m, out, cap);
	CHECK(n > 0);
	return (size_t)n;
}

/* A pmc GET of managementId id (all clocks, all ports). */
static size_t build_get(uint16_t id, uint8_t domain, uint8_t *out)
{
	static const uint8_t hdr[] = {
		0x0D, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* length later */
	};
	size_t n = PTP_HDR_LEN + 14 + 6;

	memset(out, 0, n);
	memcpy(out, hdr, 2);
	out[2] = (uint8_t)(n >> 8);
	out[3] = (uint8_t)n;
	out[4] = domain;
	out[20] = 0x02;			/* sourcePortIdentity: some pmc */
	out[29] = 0x07;			/* sequenceId */
	out[32] = 0x04;			/* controlField: management */
	out[33] = 0x7F;
	memset(out + PTP_HDR_LEN, 0xFF, 10);	/* target: all */
	out[PTP_HDR_LEN + 10] = 1;	/* startingBoundaryHops */
	out[PTP_HDR_LEN + 11] = 1;	/* boundaryHops */
	out[PTP_HDR_LEN + 12] = 0;	/* actionField: GET */
	out[PTP_HDR_LEN + 14 + 1] = 0x01;	/* TLV MANAGEMENT */
	out[PTP_HDR_LEN + 14 + 3] = 2;	/* length */
	out[PTP_HDR_LEN + 14 + 4] = (uint8_t)(id >> 8);
	out[PTP_HDR_LEN + 14 + 5] = (uint8_t)id;
	return n;
}

static size_t put_rec(uint8_t *o, uint8_t op, uint16_t gap, const uint8_t *m,
		      size_t len)
{
	gen_now += (int64_t)gap << 14;
	o[0] = op;
	o[1] = (uint8_t)(gap >> 8);
	o[2] = (uint8_t)gap;
	o[3] = (uint8_t)len;
	if (len)
		memcpy(o + REC_HDR, m, len);
	return REC_HDR + len;
}

int main(int argc, char **argv)
{
	/* 0.25 s in gap units (2^14 ns) */
	const uint16_t q = (uint16_t)(SEC / 4 >> 14);
	static const uint16_t ids[] = { 0x2000, 0x2001, 0x2002, 0x2003,
					0x2004, 0x0001 };
	uint8_t in[16384], msg[256];
	size_t n, len, i;
	uint16_t seq;
	int v, two;

	CHECK(argc == 2);
	for (v = 0; v < 4; v++) {
		uint8_t dom = (v & 1) ? 0 : 24;

		two = v >> 1;
		/* domain 24 or 0; two-step or one-step; unicast Delay_Req
		 * for the two-step ones; 2 ports */
		in[0] = (uint8_t)((v & 1) | 0x04 | 0x10 | (two ? 0xC0 : 0));
		in[1] = 0x03;
		n = 2;
		gen_now = 100 * SEC;
		for (seq = 0; seq < 12; seq++) {
			/* each message is stamped as sent 500 ns before the
			 * record that delivers it (q or 1 gap units later) */
			if (seq % 4 == 0) {
				len = build(PTP_ANNOUNCE, seq, dom, 0,
					    gen_now + ((int64_t)q << 14) - 500, msg,
					    sizeof(msg));
				n += put_rec(in + n, OP_RX, q, msg, len);
			}
			len = build(PTP_SYNC, seq, dom,
				    two ? PTP_FLAG_TWO_STEP : 0,
				    gen_now + ((int64_t)q << 14) - 500, msg,
				    sizeof(msg));
			n += put_rec(in + n, OP_RX | 0x10, q, msg, len);
			if (two) {
				/* preciseOriginTimestamp: the Sync's */
				len = build(PTP_FOLLOW_UP, seq, dom, 0,
					    gen_now - 500, msg, sizeof(msg));
				n += put_rec(in + n, OP_RX | 0x10, 1, msg,
					     len);
			}
			/* the Delay_Req goes out here, stamped now; its
			 * Delay_Resp says it arrived 500 ns later */
			n += put_rec(in + n, OP_TICK | 0x20, 1, NULL, 0);
			len = build(PTP_DELAY_RESP, seq, dom, 0,
				    gen_now + 500, msg, sizeof(msg));
			n += put_rec(in + n, OP_RX | 0x50, 1, msg, len);
		}
		n += put_rec(in + n, OP_LINK | 0x04, q, NULL, 0);
		n += put_rec(in + n, OP_LINK | 0x14, q, NULL, 0);
		for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
			len = build_get(ids[i], dom, msg);
			n += put_rec(in + n, OP_MGMT, 1, msg, len);
		}
		CHECK(n <= sizeof(in));
		snprintf((char *)msg, sizeof(msg), "gm-%s-domain%u",
			 two ? "2step" : "1step", dom);
		fuzz_write_seed(argv[1], (const char *)msg, in, n);
	}
	return 0;
}
#endif
