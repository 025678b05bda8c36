/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Transparent-clock correction on simulated hardware timestamps.
 *
 * Everything runs on one virtual clock: the sim's "true time" and the
 * timebase of the ethdev backend (ts_ethdev.c is included here with
 * timebase_now() renamed, chrony style), so every result repeats exactly.
 * Topology, net_ptpsim ports joined back to back:
 *   gm <-> A (+50 ppm)  [TC]  B (-50 ppm) <-> rx
 * The expected correction is computed from the sim's true wire times only.
 */

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ethdev.h>

uint64_t vclock_now(void);
#define timebase_now vclock_now
#include "ts_ethdev.c"
#undef timebase_now

#include "ptpsim.h"
#include "tc/tc.h"
#include "glue_util.h"
#include "../unit/cunit_main.h"

#define GM_PPM_NUM 50000	/* GM runs 1/50000 = +20 ppm fast */
#define SYNC_GAP_NS 125000000ULL
#define WARMUP 16

static uint64_t vnow = 1000000000000ULL;
uint64_t vclock_now(void) { return vnow; }

static int p_gm, p_a, p_b, p_rx;
static struct ts_source tsa, tsb;

static int64_t gm_clock(uint64_t t)
{
	return (int64_t)(t + t / GM_PPM_NUM);
}

static const double gm_ratio = 1.0 + 1.0 / GM_PPM_NUM;

static int setup_ports(void)
{
	char err[256];

	ptpsim_set_time_source(vclock_now);
	p_gm = glue_port_create("net_ptpsim_gm",
		"peer=net_ptpsim_a,wire_ns=500,tx_lat_ns=150,rx_lat_ns=150", 0);
	p_a = glue_port_create("net_ptpsim_a", "peer=net_ptpsim_gm,ppm=50,"
		"offset_ns=1000000,wire_ns=500,rx_lat_ns=100,tx_lat_ns=200", 0);
	p_b = glue_port_create("net_ptpsim_b", "peer=net_ptpsim_rx,ppm=-50,"
		"offset_ns=-3000000,wire_ns=700,rx_lat_ns=120,tx_lat_ns=180", 0);
	p_rx = glue_port_create("net_ptpsim_rx",
		"peer=net_ptpsim_b,wire_ns=700,tx_lat_ns=90,rx_lat_ns=90", 0);
	if (p_gm < 0 || p_a < 0 || p_b < 0 || p_rx < 0)
		return -1;
	if (ts_source_open(&tsa, (uint16_t)p_a, CONF_TS_HARDWARE, err,
			   sizeof(err)) != 0 ||
	    ts_source_open(&tsb, (uint16_t)p_b, CONF_TS_HARDWARE, err,
			   sizeof(err)) != 0) {
		fprintf(stderr, "ts_source_open: %s\n", err);
		return -1;
	}
	/* the receiving end points need timesync for the PTP flags only */
	rte_eth_timesync_enable((uint16_t)p_gm);
	rte_eth_timesync_enable((uint16_t)p_rx);
	return 0;
}

static void refresh_maps(void)
{
	ts_source_refresh(&tsa);
	ts_source_refresh(&tsb);
}

/* ---- the TC worker under test ------------------------------------------ */

struct ctx {
	uint8_t buf[256];
	size_t len;
	struct frame_info fi;
	uint16_t in, out;
	uint64_t rx_ts;
};

static struct ctx ctxs[64];
static unsigned int ctx_next;
static unsigned int mismatches, completions;

static struct ts_source *ts_of(int port)
{
	return port == p_a ? &tsa : &tsb;
}

/* Two-step event path: hardware TX stamp, then tc_event_sent(). */
static void poll_tx(struct tc *tc, int out)
{
	uint64_t cookie, txts;
	struct ptpsim_record rec;
	int r;

	while ((r = ts_ethdev_tx_poll(ts_of(out), &cookie, &txts)) != 0) {
		struct ctx *c = &ctxs[cookie % RTE_DIM(ctxs)];

		CU_ASSERT_EQUAL(r, 1);
		if (r != 1)
			continue;
		completions++;
		/* the stamp belongs to this message: the sim says so */
		if (ptpsim_find_record((uint16_t)out, false, c->fi.ptp_type,
				       c->fi.seq_id, &rec) != 0 ||
		    llabs((int64_t)(txts - rec.true_stamp_ns)) > 1)
			mismatches++;
		tc_event_sent(tc, c->buf, c->len, &c->fi, c->in, c->out,
			      tmv_from_ns((int64_t)c->rx_ts),
			      tmv_from_ns((int64_t)txts));
	}
}

static void forward(struct tc *tc, enum tc_mode mode, int in, int out,
		    uint64_t residence)
{
	struct rte_mbuf *pkts[32];
	uint64_t rxts[32];
	struct frame_info fi;
	uint16_t n, i;

	n = rte_eth_rx_burst((uint16_t)in, 0, pkts, 32);
	ts_source_rx_burst(ts_of(in), pkts, n, rxts);
	vnow += residence;
	for (i = 0; i < n; i++) {
		uint8_t *b = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		size_t len = rte_pktmbuf_data_len(pkts[i]);
		tmv_t rx = tmv_from_ns((int64_t)rxts[i]);

		CU_ASSERT_FATAL(frame_classify(b, len, &fi) == FRAME_PTP);
		tc_ingress(tc, b, len, &fi, (uint16_t)in, rx);
		if (mode == TC_TWO_STEP && (fi.flags & FRAME_F_EVENT)) {
			struct ctx *c = &ctxs[ctx_next % RTE_DIM(ctxs)];

			memcpy(c->buf, b, len);
			c->len = len;
			c->fi = fi;
			c->in = (uint16_t)in;
			c->out = (uint16_t)out;
			c->rx_ts = rxts[i];
			CU_ASSERT_FATAL(ts_ethdev_tx_event(ts_of(out), 0,
					pkts[i], ctx_next++) == 0);
			poll_tx(tc, out);
			continue;
		}
		tc_egress(tc, b, len, &fi, (uint16_t)in, (uint16_t)out, rx,
			  tmv_from_ns((int64_t)ts_source_tx_predict(ts_of(out))));
		CU_ASSERT_FATAL(rte_eth_tx_burst((uint16_t)out, 0, &pkts[i], 1) == 1);
	}
}

/* True residence between the wire at in_port and the wire at out_port. */
static double true_residence(int in, int out, uint8_t type, uint16_t seq)
{
	struct ptpsim_record ri, ro;

	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)in, true, type, seq, &ri) == 0);
	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)out, false, type, seq, &ro) == 0);
	CU_ASSERT(ri.latched && (ro.latched || type == PTP_SYNC ||
				 type == PTP_DELAY_REQ));
	return (double)(int64_t)(ro.true_wire_ns - ri.true_wire_ns);
}

static double worst_err;
static unsigned int n_checked, n_off_by_one;

/*
 * Each timestamp the TC gets from a hardware stamp is whole ns after the
 * PHC -> timebase map, which keeps its line to a fraction of a ns and rounds
 * each mapped stamp once (under 0.5 ns): the residence from two mapped
 * stamps (two-step: RX and TX) is within 1 ns, like one-step's. The bias
 * over all messages must stay far below that.
 */
static double err_sum;

static void check_cf(struct tc *tc, enum tc_mode mode, double got,
		     double true_res, unsigned k)
{
	double ratio = tc_rate_ratio(tc, 0);
	double want = true_res * ratio;
	double e = got - want;
	double bound = ratio + 1e-3;

	(void)mode;

	if (k < WARMUP)
		return;
	n_checked++;
	err_sum += e;
	if (fabs(e) > 0.5)
		n_off_by_one++;
	if (fabs(e) > worst_err)
		worst_err = fabs(e);
	if (fabs(e) > bound)
		fprintf(stderr, "k %u: cf %.3f want %.3f (true %.0f)\n", k, got,
			want, true_res);
	CU_ASSERT(fabs(e) <= bound);
}

static void run_tc(enum tc_mode mode)
{
	struct tc_params prm = {
		.mode = mode, .syntonize = true, .pending_entries = 64,
		.pending_timeout_ns = 1000000000LL,
	};
	struct ptpsim_record rec;
	struct tc *tc;
	unsigned int k;
	const unsigned int K = 48;

	prm.ingress_latency_ns[p_a] = 100;
	prm.egress_latency_ns[p_a] = 200;
	prm.ingress_latency_ns[p_b] = 120;
	prm.egress_latency_ns[p_b] = 180;
	tc = tc_create(&prm);
	CU_ASSERT_FATAL(tc != NULL);
	worst_err = 0;
	n_checked = n_off_by_one = 0;
	err_sum = 0;
	mismatches = completions = 0;
	for (k = 0; k < K; k++) {
		uint16_t seq = (uint16_t)(100 + k);
		uint64_t res = 5000 + 173 * k;
		double cf, tr;

		vnow += SYNC_GAP_NS;
		refresh_maps();
		/* Sync GM -> A -> TC -> B -> rx, then its Follow_Up */
		glue_send_ptp(p_gm, PTP_SYNC, seq, 0);
		vnow += 2000;
		forward(tc, mode, p_a, p_b, res);
		vnow += 2000;
		cf = glue_recv_cf(p_rx, PTP_SYNC, seq);
		CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)p_gm, false,
					PTP_SYNC, seq, &rec) == 0);
		glue_send_ptp(p_gm, PTP_FOLLOW_UP, seq, gm_clock(rec.true_wire_ns));
		vnow += 2000;
		forward(tc, mode, p_a, p_b, 3000);
		vnow += 2000;
		tr = true_residence(p_a, p_b, PTP_SYNC, seq);
		if (mode == TC_TWO_STEP) {
			CU_ASSERT_EQUAL(cf, 0.0);
			cf = glue_recv_cf(p_rx, PTP_FOLLOW_UP, seq);
		} else {
			CU_ASSERT_EQUAL(glue_recv_cf(p_rx, PTP_FOLLOW_UP, seq), 0.0);
		}
		check_cf(tc, mode, cf, tr, k);

		/* Delay_Req rx -> B -> TC -> A -> gm, Delay_Resp back */
		vnow += 10000;
		glue_send_ptp(p_rx, PTP_DELAY_REQ, seq, 0);
		vnow += 2000;
		forward(tc, mode, p_b, p_a, res + 911);
		vnow += 2000;
		cf = glue_recv_cf(p_gm, PTP_DELAY_REQ, seq);
		tr = true_residence(p_b, p_a, PTP_DELAY_REQ, seq);
		glue_send_ptp(p_gm, PTP_DELAY_RESP, seq, 0);
		vnow += 2000;
		forward(tc, mode, p_a, p_b, 2500);
		vnow += 2000;
		if (mode == TC_TWO_STEP) {
			CU_ASSERT_EQUAL(cf, 0.0);
			cf = glue_recv_cf(p_rx, PTP_DELAY_RESP, seq);
		} else {
			CU_ASSERT_EQUAL(glue_recv_cf(p_rx, PTP_DELAY_RESP, seq), 0.0);
		}
		check_cf(tc, mode, cf, tr, k);
	}
	CU_ASSERT(fabs(err_sum / n_checked) < 0.25);	/* no bias */
	/* the TC's rate ratio is the GM's true one */
	CU_ASSERT(fabs(tc_rate_ratio(tc, 0) - gm_ratio) < 1e-9);
	if (mode == TC_TWO_STEP) {
		CU_ASSERT_EQUAL(completions, 2 * K);
		CU_ASSERT_EQUAL(mismatches, 0);
		CU_ASSERT_EQUAL(tc_get_stats(tc)->pending_unmatched, 0);
	}
	printf("\n  %s: worst |cf - true residence x ratio| = %.3f ns, "
	       "%u of %u off by >= 1 ns, mean %.3f ns; ratio %.12f (GM %.12f)\n",
	       mode == TC_TWO_STEP ? "two-step" : "one-step", worst_err,
	       n_off_by_one, n_checked, err_sum / n_checked, tc_rate_ratio(tc, 0), gm_ratio);
	tc_free(tc);
}

static void test_tc_one_step(void)
{
	run_tc(TC_ONE_STEP);
}

static void test_tc_two_step(void)
{
	run_tc(TC_TWO_STEP);
}

/* ---- (b) a burst through the one-deep TX latch -------------------------- */

static void test_tx_latch_burst(void)
{
	const unsigned int N = 40;
	struct ptpsim_counters c0, c1;
	const struct ts_ethdev_stats *st = ts_ethdev_get_stats(&tsb);
	uint64_t done0 = st->tx_done, cookie, txts;
	unsigned int next = 0, got = 0, polls = 0;
	struct ptpsim_record rec;
	struct rte_mbuf *m;
	uint8_t buf[256];
	size_t len;

	CU_ASSERT_FATAL(st != NULL);
	ptpsim_get_counters((uint16_t)p_b, &c0);
	while (got < N && polls++ < 100000) {
		/* offer as many as the backend takes */
		while (next < N) {
			len = glue_build_ptp(buf, sizeof(buf), PTP_DELAY_REQ, 0,
					     (uint16_t)(1000 + next), false, 0,
					     (ptp_cf_t){ 0 });
			m = glue_mbuf(buf, len);
			CU_ASSERT_FATAL(m != NULL);
			if (ts_ethdev_tx_event(&tsb, 0, m, next) != 0) {
				rte_pktmbuf_free(m);
				break;
			}
			next++;
		}
		vnow += 1000;	/* every message gets a distinct stamp */
		while (ts_ethdev_tx_poll(&tsb, &cookie, &txts) == 1) {
			/* completions come in order, each with its own stamp */
			CU_ASSERT_EQUAL(cookie, got);
			CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)p_b, false,
				PTP_DELAY_REQ, (uint16_t)(1000 + cookie), &rec) == 0);
			CU_ASSERT(rec.latched);
			CU_ASSERT(llabs((int64_t)(txts - rec.true_stamp_ns)) <= 1);
			got++;
		}
	}
	ptpsim_get_counters((uint16_t)p_b, &c1);
	CU_ASSERT_EQUAL(got, N);
	CU_ASSERT_EQUAL(st->tx_done - done0, N);
	CU_ASSERT_EQUAL(c1.tx_latch_lost - c0.tx_latch_lost, 0);
	CU_ASSERT_EQUAL(c1.tx_latched - c0.tx_latched, N);
	CU_ASSERT_EQUAL(st->tx_rejected + st->tx_timeout, 0);
	CU_ASSERT(st->tx_queue_full > 0);	/* the queue really filled */
	CU_ASSERT_EQUAL(ts_ethdev_tx_pending(&tsb), 0);
	while (rte_eth_rx_burst((uint16_t)p_rx, 0, &m, 1) == 1)
		rte_pktmbuf_free(m);
}

/* Control: sending past the backend loses a stamp (the latch is one deep),
 * and the backend drains that stale stamp before its next message. */
static void test_tx_latch_one_deep(void)
{
	struct ptpsim_counters c0, c1;
	const struct ts_ethdev_stats *st = ts_ethdev_get_stats(&tsb);
	uint64_t drained0 = st->tx_stale_drained, cookie = 99, txts = 0;
	struct ptpsim_record rec;
	struct rte_mbuf *m[2];
	uint8_t buf[256];
	size_t len;

	ptpsim_get_counters((uint16_t)p_b, &c0);
	for (int i = 0; i < 2; i++) {
		len = glue_build_ptp(buf, sizeof(buf), PTP_DELAY_REQ, 0,
				     (uint16_t)(2000 + i), false, 0,
				     (ptp_cf_t){ 0 });
		m[i] = glue_mbuf(buf, len);
		m[i]->ol_flags |= RTE_MBUF_F_TX_IEEE1588_TMST;
	}
	CU_ASSERT_FATAL(rte_eth_tx_burst((uint16_t)p_b, 0, m, 2) == 2);
	ptpsim_get_counters((uint16_t)p_b, &c1);
	CU_ASSERT_EQUAL(c1.tx_latch_lost - c0.tx_latch_lost, 1);
	vnow += 5000;
	len = glue_build_ptp(buf, sizeof(buf), PTP_DELAY_REQ, 0, 2002, false,
			     0, (ptp_cf_t){ 0 });
	m[0] = glue_mbuf(buf, len);
	CU_ASSERT_FATAL(ts_ethdev_tx_event(&tsb, 0, m[0], 7) == 0);
	CU_ASSERT_EQUAL(st->tx_stale_drained - drained0, 1);
	CU_ASSERT_EQUAL(ts_ethdev_tx_poll(&tsb, &cookie, &txts), 1);
	CU_ASSERT_EQUAL(cookie, 7);
	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)p_b, false, PTP_DELAY_REQ,
					   2002, &rec) == 0);
	CU_ASSERT(llabs((int64_t)(txts - rec.true_stamp_ns)) <= 1);
	while (rte_eth_rx_burst((uint16_t)p_rx, 0, m, 1) == 1)
		rte_pktmbuf_free(m[0]);
}

/* A stamp that never comes: the message times out, nothing is paired. */
static void test_tx_timeout(void)
{
	const struct ts_ethdev_stats *st = ts_ethdev_get_stats(&tsb);
	uint64_t to0 = st->tx_timeout, cookie = 0, txts = 0;
	struct rte_mbuf *m;
	uint8_t buf[256];
	size_t len;

	rte_eth_timesync_disable((uint16_t)p_b);	/* no more latching */
	len = glue_build_ptp(buf, sizeof(buf), PTP_DELAY_REQ, 0, 3000, false,
			     0, (ptp_cf_t){ 0 });
	m = glue_mbuf(buf, len);
	CU_ASSERT_FATAL(ts_ethdev_tx_event(&tsb, 0, m, 5) == 0);
	CU_ASSERT_EQUAL(ts_ethdev_tx_poll(&tsb, &cookie, &txts), 0);
	vnow += TS_ETHDEV_TX_TIMEOUT_NS + 1;
	CU_ASSERT_EQUAL(ts_ethdev_tx_poll(&tsb, &cookie, &txts), -ETIMEDOUT);
	CU_ASSERT_EQUAL(cookie, 5);
	CU_ASSERT_EQUAL(st->tx_timeout - to0, 1);
	rte_eth_timesync_enable((uint16_t)p_b);
	while (rte_eth_rx_burst((uint16_t)p_rx, 0, &m, 1) == 1)
		rte_pktmbuf_free(m);
}

/* ---- (c) the clockmap converges and follows a frequency step ------------ */

static double map_err(struct ts_source *ts, int port)
{
	uint64_t phc;

	ptpsim_phc_at((uint16_t)port, vnow, &phc);
	return (double)(clockmap_to_base(ts_ethdev_clockmap(ts), (int64_t)phc) -
			(int64_t)vnow);
}

static void test_clockmap_step(void)
{
	const struct clockmap *map = ts_ethdev_clockmap(&tsa);
	int i, settle = -1;

	CU_ASSERT_FATAL(map != NULL);
	for (i = 0; i < 64; i++) {
		vnow += SYNC_GAP_NS;
		ts_source_refresh(&tsa);
	}
	CU_ASSERT(fabs(map_err(&tsa, p_a)) <= 1.0);
	CU_ASSERT(fabs(map->rate - 1.0 / (1.0 + 50e-6)) < 1e-10);
	/* the PHC's frequency error steps from +50 to +150 ppm */
	CU_ASSERT_FATAL(ptpsim_set_ppm((uint16_t)p_a, 150.0) == 0);
	vnow += SYNC_GAP_NS;
	CU_ASSERT(fabs(map_err(&tsa, p_a)) > 1000.0);	/* it is visible */
	for (i = 0; i < 400; i++) {
		ts_source_refresh(&tsa);
		vnow += SYNC_GAP_NS;
		if (settle < 0 && fabs(map_err(&tsa, p_a)) <= 10.0)
			settle = i + 1;
	}
	CU_ASSERT(settle > 0);
	CU_ASSERT(fabs(map_err(&tsa, p_a)) <= 1.0);
	CU_ASSERT(fabs(map->rate - 1.0 / (1.0 + 150e-6)) < 1e-10);
	printf("\n  frequency step +100 ppm: map error <= 10 ns after %d "
	       "refreshes (%.3f s); rate %.12f\n", settle,
	       settle * SYNC_GAP_NS / 1e9, map->rate);
	ptpsim_set_ppm((uint16_t)p_a, 50.0);
	for (i = 0; i < 400; i++) {
		ts_source_refresh(&tsa);
		vnow += SYNC_GAP_NS;
	}
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "tc one-step: cf == true residence x ratio", test_tc_one_step },
		{ "tc two-step (hw TX stamps): cf == true residence x ratio",
		  test_tc_two_step },
		{ "tx latch: burst loses and mismatches nothing", test_tx_latch_burst },
		{ "tx latch: one deep, stale stamp drained", test_tx_latch_one_deep },
		{ "tx latch: missing stamp times out", test_tx_timeout },
		{ "clockmap converges, follows a frequency step", test_clockmap_step },
		{ NULL, NULL },
	};

	if (glue_eal_init("ptpsw_glue_tc") != 0 || glue_pool() == NULL ||
	    setup_ports() != 0) {
		fprintf(stderr, "EAL / ptpsim set-up failed\n");
		return -1;
	}
	return test_add_suite("ptpsim_tc", cases);
}
