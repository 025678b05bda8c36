/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Management: requests built byte by byte here (as pmc sends them),
 * answered from a boundary clock fixture with known datasets, the replies
 * checked at fixed wire offsets and through the decoders.
 */
#include <string.h>

#include "cunit_main.h"
#include "bc/bc.h"
#include "mgmt/mgmt.h"

#define NPORTS 3

static struct bc the_bc;

static const struct ptp_clock_identity my_id = {
	{ 0x02, 0x11, 0x22, 0xff, 0xfe, 0x33, 0x44, 0x55 } };
static const struct ptp_clock_identity gm_id = {
	{ 0xaa, 0xbb, 0xcc, 0xff, 0xfe, 0xdd, 0xee, 0x01 } };
static const uint8_t pmc_id[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };

static int nosend(void *arg, const struct bc_tx *tx)
{
	(void)arg;
	(void)tx;
	return 0;
}

static const struct bc_ops ops = { .send = nosend };

static void fixture(void)
{
	struct conf_bc c;

	memset(&c, 0, sizeof(c));
	c.domain = 24;
	c.n_ports = NPORTS;
	c.priority1 = 100;
	c.priority2 = 77;
	c.clock_class = 248;
	c.clock_accuracy = 0xfe;
	c.offset_scaled_log_variance = 0xffff;
	c.log_sync_interval = -3;
	c.log_min_delay_req_interval = -2;
	c.log_announce_interval = 0;
	c.two_step = true;
	c.current_utc_offset = 37;
	c.current_utc_offset_valid = true;
	c.time_source = 0xa0;
	c.servo_kp = 0.7;
	c.servo_ki = 0.3;
	c.step_threshold_ns = 20000;
	memset(&the_bc, 0, sizeof(the_bc));
	CU_ASSERT_FATAL(bc_init(&the_bc, &c, &my_id, &ops, NULL,
				tmv_from_ns(1000000000LL)) == 0);
	/* a synchronized state, set by hand */
	the_bc.cur.stepsRemoved = 2;
	the_bc.cur.offsetFromMaster = tmv_from_ns(-1234);
	the_bc.cur.meanPathDelay = tmv_from_ns(5678);
	the_bc.parent.parentPortIdentity.clock = gm_id;
	the_bc.parent.parentPortIdentity.port = 7;
	the_bc.parent.grandmasterIdentity = gm_id;
	the_bc.parent.grandmasterClockQuality.clockClass = 6;
	the_bc.parent.grandmasterClockQuality.clockAccuracy = 0x21;
	the_bc.parent.grandmasterClockQuality.offsetScaledLogVariance = 0x4e5d;
	the_bc.parent.grandmasterPriority1 = 10;
	the_bc.parent.grandmasterPriority2 = 20;
	the_bc.tp.currentUtcOffset = 37;
	the_bc.tp.currentUtcOffsetValid = true;
	the_bc.tp.ptpTimescale = true;
	the_bc.tp.timeTraceable = true;
	the_bc.tp.leap61 = true;
	the_bc.tp.timeSource = 0x20;
	the_bc.port[0].state = FSM_SLAVE;
	the_bc.port[1].state = FSM_MASTER;
	the_bc.port[2].state = FSM_PASSIVE;
}

/* A request as pmc builds it: 48-byte header+body, one management TLV. */
static size_t req(uint8_t *b, uint8_t domain, uint8_t action, uint16_t id,
		  uint16_t port, uint16_t seq, size_t data_len)
{
	size_t n = 48 + 4 + 2 + data_len;

	memset(b, 0, n);
	b[0] = 0x0d;
	b[1] = 0x02;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	b[4] = domain;
	memcpy(b + 20, pmc_id, 8);
	b[28] = 0x12;			/* sourcePortIdentity.portNumber 0x1234 */
	b[29] = 0x34;
	b[30] = (uint8_t)(seq >> 8);
	b[31] = (uint8_t)seq;
	b[32] = 4;
	b[33] = 0x7f;
	memset(b + 34, 0xff, 8);	/* target clock: all ones */
	b[42] = (uint8_t)(port >> 8);
	b[43] = (uint8_t)port;
	b[44] = 1;			/* startingBoundaryHops */
	b[45] = 0;			/* boundaryHops (pmc -b 0 sends 0/0) */
	b[46] = action;
	b[48] = 0x00;
	b[49] = 0x01;			/* MANAGEMENT */
	b[50] = (uint8_t)((2 + data_len) >> 8);
	b[51] = (uint8_t)(2 + data_len);
	b[52] = (uint8_t)(id >> 8);
	b[53] = (uint8_t)id;
	return n;
}

struct sink {
	unsigned int n;
	uint8_t buf[8][MGMT_MAX_MSG];
	size_t len[8];
};

static void emit(void *arg, const uint8_t *buf, size_t len)
{
	struct sink *s = arg;

	CU_ASSERT_FATAL(s->n < 8 && len <= MGMT_MAX_MSG);
	memcpy(s->buf[s->n], buf, len);
	s->len[s->n++] = len;
}

/* Send one request through parse + answer; returns the outcome. */
static enum mgmt_outcome run(const uint8_t *b, size_t n, const struct bc *bc,
			     struct sink *s)
{
	struct mgmt_msg m;

	memset(s, 0, sizeof(*s));
	CU_ASSERT_FATAL(mgmt_parse(b, n, &m) == 0);
	return mgmt_answer(&m, bc, emit, s);
}

/* Common checks of a reply against request fields; returns the parse. */
static void check_reply(const struct sink *s, unsigned int i, uint16_t seq,
			uint8_t domain, uint8_t action, struct mgmt_msg *r)
{
	const uint8_t *b = s->buf[i];

	CU_ASSERT_FATAL(mgmt_parse(b, s->len[i], r) == 0);
	CU_ASSERT_EQUAL(b[0] & 0x0f, 0x0d);
	CU_ASSERT_EQUAL((b[2] << 8 | b[3]), (int)s->len[i]);
	CU_ASSERT_EQUAL(b[4], domain);
	CU_ASSERT_EQUAL((b[30] << 8 | b[31]), seq);
	CU_ASSERT_EQUAL(b[32], 4);
	/* targetPortIdentity = the request's sourcePortIdentity */
	CU_ASSERT(memcmp(b + 34, pmc_id, 8) == 0);
	CU_ASSERT_EQUAL((b[42] << 8 | b[43]), 0x1234);
	CU_ASSERT_EQUAL(b[44], 1);	/* starting 1 - used 0 */
	CU_ASSERT_EQUAL(b[45], 1);
	CU_ASSERT_EQUAL(b[46] & 0x0f, action);
	CU_ASSERT_EQUAL(r->action, action);
	CU_ASSERT_EQUAL(r->hdr.sequenceId, seq);
	CU_ASSERT_EQUAL(s->len[i] % 2, 0);
}

static void test_default_ds(void)
{
	uint8_t b[128];
	struct sink s;
	struct mgmt_msg r;
	struct mgmt_default_ds d;
	size_t n;

	fixture();
	n = req(b, 24, MGMT_GET, MGMT_ID_DEFAULT_DATA_SET, 0xffff, 5, 20);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	check_reply(&s, 0, 5, 24, MGMT_RESPONSE, &r);
	CU_ASSERT_EQUAL(r.tlv_type, PTP_TLV_MANAGEMENT);
	CU_ASSERT_EQUAL(r.id, MGMT_ID_DEFAULT_DATA_SET);
	CU_ASSERT_EQUAL(r.data_len, 20);
	/* clock-level reply: sourcePortIdentity = clockIdentity, port 0 */
	CU_ASSERT(memcmp(s.buf[0] + 20, my_id.id, 8) == 0);
	CU_ASSERT_EQUAL(s.buf[0][28] | s.buf[0][29], 0);
	/* raw wire offsets of the dataField (after the 48 + 6 bytes) */
	CU_ASSERT_EQUAL(s.buf[0][54], 0x01);		/* TSC, not SO */
	CU_ASSERT_EQUAL(s.buf[0][57], NPORTS);
	CU_ASSERT_EQUAL(s.buf[0][58], 100);
	CU_ASSERT_EQUAL(s.buf[0][59], 248);
	CU_ASSERT(memcmp(s.buf[0] + 64, my_id.id, 8) == 0);
	CU_ASSERT_EQUAL(s.buf[0][72], 24);
	CU_ASSERT_FATAL(mgmt_decode_default(r.data, r.data_len, &d) == 0);
	CU_ASSERT(d.two_step);
	CU_ASSERT(!d.slave_only);
	CU_ASSERT_EQUAL(d.number_ports, NPORTS);
	CU_ASSERT_EQUAL(d.priority1, 100);
	CU_ASSERT_EQUAL(d.priority2, 77);
	CU_ASSERT_EQUAL(d.quality.clockClass, 248);
	CU_ASSERT_EQUAL(d.quality.clockAccuracy, 0xfe);
	CU_ASSERT_EQUAL(d.quality.offsetScaledLogVariance, 0xffff);
	CU_ASSERT(memcmp(d.clock.id, my_id.id, 8) == 0);
	CU_ASSERT_EQUAL(d.domain, 24);
}

static void test_current_ds(void)
{
	uint8_t b[128];
	struct sink s;
	struct mgmt_msg r;
	struct mgmt_current_ds d;
	size_t n;

	fixture();
	n = req(b, 24, MGMT_GET, MGMT_ID_CURRENT_DATA_SET, 0xffff, 6, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	check_reply(&s, 0, 6, 24, MGMT_RESPONSE, &r);
	CU_ASSERT_EQUAL(r.id, MGMT_ID_CURRENT_DATA_SET);
	CU_ASSERT_FATAL(mgmt_decode_current(r.data, r.data_len, &d) == 0);
	CU_ASSERT_EQUAL(d.steps_removed, 2);
	/* TimeInterval: ns * 65536, computed independently */
	CU_ASSERT_EQUAL(d.offset_from_master.scaled, -1234LL * 65536);
	CU_ASSERT_EQUAL(d.mean_path_delay.scaled, 5678LL * 65536);
	CU_ASSERT_EQUAL(ptp_cf_to_ns_double(d.offset_from_master), -1234.0);
	/* stepsRemoved big-endian at offset 54 */
	CU_ASSERT_EQUAL(s.buf[0][54] << 8 | s.buf[0][55], 2);
}

static void test_parent_ds(void)
{
	uint8_t b[128];
	struct sink s;
	struct mgmt_msg r;
	struct mgmt_parent_ds d;
	size_t n;

	fixture();
	n = req(b, 24, MGMT_GET, MGMT_ID_PARENT_DATA_SET, 0xffff, 7, 32);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	check_reply(&s, 0, 7, 24, MGMT_RESPONSE, &r);
	CU_ASSERT_EQUAL(r.data_len, MGMT_PARENT_DS_LEN);
	CU_ASSERT_FATAL(mgmt_decode_parent(r.data, r.data_len, &d) == 0);
	CU_ASSERT(memcmp(d.parent.clock.id, gm_id.id, 8) == 0);
	CU_ASSERT_EQUAL(d.parent.port, 7);
	CU_ASSERT(!d.parent_stats);
	CU_ASSERT_EQUAL(d.observed_variance, 0xffff);
	CU_ASSERT_EQUAL(d.observed_rate, 0x7fffffff);
	CU_ASSERT_EQUAL(d.gm_priority1, 10);
	CU_ASSERT_EQUAL(d.gm_priority2, 20);
	CU_ASSERT_EQUAL(d.gm_quality.clockClass, 6);
	CU_ASSERT_EQUAL(d.gm_quality.clockAccuracy, 0x21);
	CU_ASSERT_EQUAL(d.gm_quality.offsetScaledLogVariance, 0x4e5d);
	CU_ASSERT(memcmp(d.gm.id, gm_id.id, 8) == 0);
	CU_ASSERT(memcmp(s.buf[0] + 54 + 24, gm_id.id, 8) == 0);
}

static void test_tp_ds(void)
{
	uint8_t b[128];
	struct sink s;
	struct mgmt_msg r;
	struct mgmt_tp_ds d;
	size_t n;

	fixture();
	n = req(b, 24, MGMT_GET, MGMT_ID_TIME_PROPERTIES_DATA_SET, 0xffff, 8,
		4);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	check_reply(&s, 0, 8, 24, MGMT_RESPONSE, &r);
	CU_ASSERT_FATAL(mgmt_decode_tp(r.data, r.data_len, &d) == 0);
	CU_ASSERT_EQUAL(d.utc_offset, 37);
	/* LI-61 (bit 0) | UTCV (bit 2) | PTP (bit 3) | TTRA (bit 4) */
	CU_ASSERT_EQUAL(d.flags, 0x01 | 0x04 | 0x08 | 0x10);
	CU_ASSERT_EQUAL(d.time_source, 0x20);
}

static void check_port(const struct sink *s, unsigned int i, uint16_t pn,
		       uint8_t state)
{
	struct mgmt_msg r;
	struct mgmt_port_ds d;

	check_reply(s, i, 9, 24, MGMT_RESPONSE, &r);
	CU_ASSERT_FATAL(mgmt_decode_port(r.data, r.data_len, &d) == 0);
	CU_ASSERT(memcmp(d.id.clock.id, my_id.id, 8) == 0);
	CU_ASSERT_EQUAL(d.id.port, pn);
	/* port-level reply comes from that port */
	CU_ASSERT_EQUAL(r.hdr.sourcePortIdentity.port, pn);
	CU_ASSERT_EQUAL(d.state, state);
	CU_ASSERT_EQUAL(d.log_min_delay_req, -2);
	CU_ASSERT_EQUAL(d.peer_mean_path_delay.scaled, 0);
	CU_ASSERT_EQUAL(d.log_announce, 0);
	CU_ASSERT_EQUAL(d.log_sync, -3);
	CU_ASSERT_EQUAL(d.delay_mechanism, 1);
	CU_ASSERT_EQUAL(d.version, 2);
}

static void test_port_ds(void)
{
	uint8_t b[128];
	struct sink s;
	size_t n;

	fixture();
	/* every port: one response each; 1588 states SLAVE 9, MASTER 6,
	 * PASSIVE 7 */
	n = req(b, 24, MGMT_GET, MGMT_ID_PORT_DATA_SET, 0xffff, 9, 26);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, NPORTS);
	check_port(&s, 0, 1, 9);
	check_port(&s, 1, 2, 6);
	check_port(&s, 2, 3, 7);
	/* one port */
	n = req(b, 24, MGMT_GET, MGMT_ID_PORT_DATA_SET, 2, 9, 26);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	check_port(&s, 0, 2, 6);
}

static void check_error(const struct sink *s, uint16_t seq, uint8_t action,
			uint16_t err, uint16_t id)
{
	struct mgmt_msg r;

	CU_ASSERT_EQUAL_FATAL(s->n, 1);
	check_reply(s, 0, seq, 24, action, &r);
	CU_ASSERT_EQUAL(r.tlv_type, PTP_TLV_MANAGEMENT_ERROR_STATUS);
	CU_ASSERT_EQUAL(r.error, err);
	CU_ASSERT_EQUAL(r.id, id);
	/* wire: TLV type 2 at 48, errorId at 52, managementId at 54 */
	CU_ASSERT_EQUAL(s->buf[0][48] << 8 | s->buf[0][49], 2);
	CU_ASSERT_EQUAL(s->buf[0][52] << 8 | s->buf[0][53], err);
	CU_ASSERT_EQUAL(s->buf[0][54] << 8 | s->buf[0][55], id);
}

static void test_errors(void)
{
	uint8_t b[128];
	struct sink s;
	struct mgmt_msg r;
	size_t n;

	fixture();
	n = req(b, 24, MGMT_SET, 0x2005 /* PRIORITY1 */, 0xffff, 11, 2);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_REFUSED);
	check_error(&s, 11, MGMT_RESPONSE, MGMT_ERR_NOT_SUPPORTED, 0x2005);
	n = req(b, 24, MGMT_COMMAND, 0x2010 /* ENABLE_PORT */, 0xffff, 12, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_REFUSED);
	check_error(&s, 12, MGMT_ACKNOWLEDGE, MGMT_ERR_NOT_SUPPORTED, 0x2010);
	n = req(b, 24, MGMT_GET, 0xC000 /* TIME_STATUS_NP */, 0xffff, 13, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_REFUSED);
	check_error(&s, 13, MGMT_RESPONSE, MGMT_ERR_NOT_SUPPORTED, 0xC000);
	n = req(b, 24, MGMT_GET, MGMT_ID_PORT_DATA_SET, 9, 14, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_REFUSED);
	check_error(&s, 14, MGMT_RESPONSE, MGMT_ERR_WRONG_VALUE,
		    MGMT_ID_PORT_DATA_SET);
	/* SET of a read-only data set, and of NULL_PTP_MANAGEMENT */
	n = req(b, 24, MGMT_SET, MGMT_ID_DEFAULT_DATA_SET, 0xffff, 16, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_REFUSED);
	check_error(&s, 16, MGMT_RESPONSE, MGMT_ERR_NOT_SETABLE,
		    MGMT_ID_DEFAULT_DATA_SET);
	n = req(b, 24, MGMT_SET, MGMT_ID_NULL, 0xffff, 17, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_REFUSED);
	check_error(&s, 17, MGMT_RESPONSE, MGMT_ERR_NOT_SETABLE, MGMT_ID_NULL);
	/* GET NULL_PTP_MANAGEMENT: a RESPONSE with an empty TLV (as ptp4l:
	 * type 1, length 2, managementId 0), from the clock */
	n = req(b, 24, MGMT_GET, MGMT_ID_NULL, 0xffff, 18, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL_FATAL(s.n, 1);
	check_reply(&s, 0, 18, 24, MGMT_RESPONSE, &r);
	CU_ASSERT_EQUAL(r.tlv_type, PTP_TLV_MANAGEMENT);
	CU_ASSERT_EQUAL(r.id, MGMT_ID_NULL);
	CU_ASSERT_EQUAL(r.data_len, 0);
	CU_ASSERT_EQUAL(s.len[0], 54);
	CU_ASSERT_EQUAL(s.buf[0][50] << 8 | s.buf[0][51], 2);
	/* no instance for the domain: GENERAL_ERROR with a text */
	n = req(b, 24, MGMT_GET, MGMT_ID_DEFAULT_DATA_SET, 0xffff, 15, 0);
	CU_ASSERT_EQUAL(run(b, n, NULL, &s), MGMT_REFUSED);
	check_error(&s, 15, MGMT_RESPONSE, MGMT_ERR_GENERAL_ERROR,
		    MGMT_ID_DEFAULT_DATA_SET);
	CU_ASSERT_FATAL(mgmt_parse(s.buf[0], s.len[0], &r) == 0);
	CU_ASSERT(r.data_len >= 1 && r.data[0] + 1u <= r.data_len);
	CU_ASSERT(memcmp(r.data + 1, "no boundary clock in domain 24",
			 r.data[0]) == 0);
}

static void test_ignored(void)
{
	uint8_t b[128];
	struct sink s;
	size_t n;

	fixture();
	/* responses are never answered (no loops) */
	n = req(b, 24, MGMT_RESPONSE, MGMT_ID_DEFAULT_DATA_SET, 0xffff, 1, 0);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_IGNORED);
	CU_ASSERT_EQUAL(s.n, 0);
	/* aimed at another clock */
	n = req(b, 24, MGMT_GET, MGMT_ID_DEFAULT_DATA_SET, 0xffff, 1, 0);
	memcpy(b + 34, gm_id.id, 8);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_IGNORED);
	CU_ASSERT_EQUAL(s.n, 0);
	/* aimed at this clock explicitly */
	memcpy(b + 34, my_id.id, 8);
	CU_ASSERT_EQUAL(run(b, n, &the_bc, &s), MGMT_ANSWERED);
	CU_ASSERT_EQUAL(s.n, 1);
}

static void test_malformed(void)
{
	uint8_t b[128], x[128];
	struct mgmt_msg m;
	size_t n;
	int codes[8], k = 0, i, j;

	n = req(b, 24, MGMT_GET, MGMT_ID_DEFAULT_DATA_SET, 0xffff, 1, 0);
	CU_ASSERT_EQUAL(mgmt_parse(b, n, &m), 0);
	/* short: fewer bytes than the header */
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(b, 20, &m), PTP_E_SHORT_HEADER);
	/* messageLength beyond the datagram */
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(b, n - 2, &m),
			PTP_E_LEN_EXCEEDS_FRAME);
	/* wrong type: an Announce-sized Signaling */
	memcpy(x, b, n);
	x[0] = 0x0c;
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(x, n, &m),
			MGMT_E_NOT_MANAGEMENT);
	/* TLV length runs past messageLength */
	memcpy(x, b, n);
	x[51] = 8;
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(x, n, &m), PTP_E_TLV_OVERRUN);
	/* no TLV at all */
	memcpy(x, b, n);
	x[3] = 48;
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(x, 48, &m), MGMT_E_NO_TLV);
	/* management TLV with lengthField 0 */
	memcpy(x, b, n);
	x[3] = 52;
	x[51] = 0;
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(x, 52, &m), MGMT_E_TLV_SHORT);
	/* other TLV type first */
	memcpy(x, b, n);
	x[49] = 0x03;
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(x, n, &m), MGMT_E_TLV_TYPE);
	/* reserved action */
	memcpy(x, b, n);
	x[46] = 7;
	CU_ASSERT_EQUAL(codes[k++] = mgmt_parse(x, n, &m), MGMT_E_ACTION);
	for (i = 0; i < k; i++) {
		CU_ASSERT(codes[i] < 0);
		CU_ASSERT(strcmp(mgmt_strerror(codes[i]), "unknown error") != 0);
		for (j = 0; j < i; j++)
			CU_ASSERT(codes[i] != codes[j]);
	}
	/* every truncation of a good request is rejected, never read past */
	for (i = 0; i < (int)n; i++)
		CU_ASSERT(mgmt_parse(b, (size_t)i, &m) < 0);
}

static void test_decoders_len(void)
{
	uint8_t d[40] = { 0 };
	struct mgmt_default_ds dd;
	struct mgmt_current_ds cd;
	struct mgmt_parent_ds pd;
	struct mgmt_tp_ds td;
	struct mgmt_port_ds od;

	CU_ASSERT_EQUAL(mgmt_decode_default(d, 19, &dd), MGMT_E_TLV_SHORT);
	CU_ASSERT_EQUAL(mgmt_decode_current(d, 20, &cd), MGMT_E_TLV_SHORT);
	CU_ASSERT_EQUAL(mgmt_decode_parent(d, 30, &pd), MGMT_E_TLV_SHORT);
	CU_ASSERT_EQUAL(mgmt_decode_tp(d, 2, &td), MGMT_E_TLV_SHORT);
	CU_ASSERT_EQUAL(mgmt_decode_port(d, 28, &od), MGMT_E_TLV_SHORT);
	CU_ASSERT_EQUAL(mgmt_port_state(FSM_INITIALIZING), 1);
	CU_ASSERT_EQUAL(mgmt_port_state(FSM_LISTENING), 4);
	CU_ASSERT_EQUAL(mgmt_port_state(FSM_UNCALIBRATED), 8);
	CU_ASSERT_EQUAL(mgmt_port_state(FSM_N_STATES), 0);
}

static void test_reply_text_cap(void)
{
	uint8_t b[128], out[MGMT_MAX_MSG];
	char longtext[400];
	struct mgmt_msg m, r;
	struct ptp_port_identity src;
	size_t n;
	int len;

	memset(&src, 0, sizeof(src));
	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = 0;
	n = req(b, 24, MGMT_GET, 0x0001, 0xffff, 3, 0);
	CU_ASSERT_FATAL(mgmt_parse(b, n, &m) == 0);
	len = mgmt_build_reply(&m, &src, MGMT_ERR_GENERAL_ERROR, NULL, 0,
			       longtext, out, sizeof(out));
	CU_ASSERT_FATAL(len > 0 && len <= MGMT_MAX_MSG);
	CU_ASSERT_EQUAL(mgmt_parse(out, (size_t)len, &r), 0);
	CU_ASSERT_EQUAL(mgmt_build_reply(&m, &src, MGMT_ERR_GENERAL_ERROR,
					 NULL, 0, "x", out, 50),
			PTP_E_NOSPACE);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "DEFAULT_DATA_SET", test_default_ds },
		{ "CURRENT_DATA_SET", test_current_ds },
		{ "PARENT_DATA_SET", test_parent_ds },
		{ "TIME_PROPERTIES_DATA_SET", test_tp_ds },
		{ "PORT_DATA_SET all and one", test_port_ds },
		{ "SET/COMMAND/unknown id/port/domain errors", test_errors },
		{ "responses and other clocks ignored", test_ignored },
		{ "malformed requests, distinct errors", test_malformed },
		{ "decoder lengths, state mapping", test_decoders_len },
		{ "error text capped", test_reply_text_cap },
		{ NULL, NULL }
	};

	return test_add_suite("mgmt", cases);
}
