/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_hwtx: the worker's two-step TC path on hardware TX stamps, over
 * net_ptpsim ports, driven exactly as app/worker.c drives it: per frame
 * tc_hwtx_egress() with the predicted egress time, tc_egress() + TX for
 * what it passes, tc_hwtx_poll() each loop with a release function that
 * corrects and sends what it held.
 *
 * One virtual clock (ts_ethdev.c included with timebase_now renamed, as in
 * test_ptpsim_tc.c). Topology, back to back:
 *   gm <-> A (+50 ppm)  [TC]  B (-50 ppm) <-> rx
 * The GM sends Sync and its Follow_Up together, so both reach the TC in
 * one burst: the Follow_Up must wait for the Sync's TX stamp. The GM
 * answers a Delay_Req before the TC has polled that Delay_Req's stamp: the
 * Delay_Resp must wait too. Expected corrections come from the sim's true
 * wire times only.
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
#include "tc_hwtx.h"
#include "glue_util.h"
#include "../unit/cunit_main.h"

#define GM_PPM_NUM 50000	/* GM runs +20 ppm fast */
#define SYNC_GAP_NS 125000000ULL
#define WARMUP 16
#define K 48

static uint64_t vnow = 2000000000000ULL;
uint64_t vclock_now(void) { return vnow; }

static int p_gm, p_a, p_b, p_rx;
static struct ts_source tsa, tsb;

static const double gm_ratio = 1.0 + 1.0 / GM_PPM_NUM;

static int64_t gm_clock(uint64_t t)
{
	return (int64_t)(t + t / GM_PPM_NUM);
}

static int setup_ports(void)
{
	char err[256];

	ptpsim_set_time_source(vclock_now);
	p_gm = glue_port_create("net_ptpsim_hgm",
		"peer=net_ptpsim_ha,wire_ns=400,tx_lat_ns=150,rx_lat_ns=150", 0);
	p_a = glue_port_create("net_ptpsim_ha", "peer=net_ptpsim_hgm,ppm=50,"
		"offset_ns=2000000,wire_ns=400,rx_lat_ns=110,tx_lat_ns=210", 0);
	p_b = glue_port_create("net_ptpsim_hb", "peer=net_ptpsim_hrx,ppm=-50,"
		"offset_ns=-5000000,wire_ns=600,rx_lat_ns=130,tx_lat_ns=170", 0);
	p_rx = glue_port_create("net_ptpsim_hrx",
		"peer=net_ptpsim_hb,wire_ns=600,tx_lat_ns=90,rx_lat_ns=90", 0);
	if (p_gm < 0 || p_a < 0 || p_b < 0 || p_rx < 0)
		return -1;
	if (ts_source_open(&tsa, (uint16_t)p_a, CONF_TS_HARDWARE, err,
			   sizeof(err)) != 0 ||
	    ts_source_open(&tsb, (uint16_t)p_b, CONF_TS_HARDWARE, err,
			   sizeof(err)) != 0) {
		fprintf(stderr, "ts_source_open: %s\n", err);
		return -1;
	}
	rte_eth_timesync_enable((uint16_t)p_gm);
	rte_eth_timesync_enable((uint16_t)p_rx);
	return 0;
}

static struct ts_source *ts_of(unsigned int port)
{
	return (int)port == p_a ? &tsa : &tsb;
}

static void send_raw(int port, uint8_t type, uint16_t seq, int64_t origin)
{
	uint8_t buf[256];
	size_t len = glue_build_ptp(buf, sizeof(buf), type, 0, seq, true,
				    origin, (ptp_cf_t){ 0 });
	struct rte_mbuf *m = glue_mbuf(buf, len);

	CU_ASSERT_FATAL(len > 0 && m != NULL);
	CU_ASSERT_FATAL(rte_eth_tx_burst((uint16_t)port, 0, &m, 1) == 1);
}

/* ---- the worker's egress path ------------------------------------------ */

static struct tc *tc;
static struct tc_hwtx *hw;
static unsigned int n_passed_general;

/* What the worker does with a frame tc_hwtx passes or releases. */
static void egress_send(unsigned int out, struct rte_mbuf *m,
			const struct frame_info *fi, uint16_t in,
			uint64_t rx_ts)
{
	tc_egress(tc, rte_pktmbuf_mtod(m, uint8_t *), rte_pktmbuf_data_len(m),
		  fi, in, (uint16_t)out, tmv_from_ns((int64_t)rx_ts),
		  tmv_from_ns((int64_t)ts_source_tx_predict(ts_of(out))));
	CU_ASSERT_FATAL(rte_eth_tx_burst((uint16_t)out, 0, &m, 1) == 1);
}

static void released(void *arg, unsigned int out, struct rte_mbuf *m,
		     const struct frame_info *fi, uint16_t in_port,
		     uint64_t rx_ts)
{
	(void)arg;
	egress_send(out, m, fi, in_port, rx_ts);
}

/* One worker loop: RX burst on in, TC, egress on out, then poll. */
static void worker_loop(int in, int out, uint64_t residence)
{
	struct rte_mbuf *pkts[32];
	uint64_t rxts[32];
	struct frame_info fi;
	uint16_t n, i;

	n = rte_eth_rx_burst((uint16_t)in, 0, pkts, 32);
	ts_source_rx_burst(ts_of((unsigned int)in), pkts, n, rxts);
	vnow += residence;
	for (i = 0; i < n; i++) {
		uint8_t *b = rte_pktmbuf_mtod(pkts[i], uint8_t *);
		size_t len = rte_pktmbuf_data_len(pkts[i]);
		uint64_t pred = ts_source_tx_predict(ts_of((unsigned int)out));

		CU_ASSERT_FATAL(frame_classify(b, len, &fi) == FRAME_PTP);
		tc_ingress(tc, b, len, &fi, (uint16_t)in,
			   tmv_from_ns((int64_t)rxts[i]));
		switch (tc_hwtx_egress(hw, (unsigned int)out, pkts[i], &fi,
				       (uint16_t)in, rxts[i], pred, true)) {
		case TC_HWTX_PASS:
			if (!(fi.flags & FRAME_F_EVENT))
				n_passed_general++;
			egress_send((unsigned int)out, pkts[i], &fi,
				    (uint16_t)in, rxts[i]);
			break;
		case TC_HWTX_SENT:
		case TC_HWTX_HELD:
			break;
		}
		vnow += 300;	/* per-frame work */
	}
	tc_hwtx_poll(hw, vnow, released, NULL);
}

/* Receive one frame at port; its CF in ns (type/seq checked). */
static double recv_cf(int port, uint8_t type, uint16_t seq)
{
	struct rte_mbuf *m;
	struct frame_info fi;
	double cf;

	CU_ASSERT_FATAL(rte_eth_rx_burst((uint16_t)port, 0, &m, 1) == 1);
	glue_classify(m, &fi);
	CU_ASSERT_EQUAL(fi.ptp_type, type);
	CU_ASSERT_EQUAL(fi.seq_id, seq);
	CU_ASSERT(glue_udp_csum_ok(m));
	cf = ptp_cf_to_ns_double(glue_cf(m));
	rte_pktmbuf_free(m);
	return cf;
}

static bool nothing_at(int port)
{
	struct rte_mbuf *m;

	if (rte_eth_rx_burst((uint16_t)port, 0, &m, 1) == 0)
		return true;
	rte_pktmbuf_free(m);
	return false;
}

/* True residence, wire at in to wire at out, from the sim's records; the
 * event's TX stamp must have been latched (a hardware stamp was used). */
static double true_residence(int in, int out, uint8_t type, uint16_t seq)
{
	struct ptpsim_record ri, ro;

	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)in, true, type, seq,
					   &ri) == 0);
	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)out, false, type, seq,
					   &ro) == 0);
	CU_ASSERT(ri.latched && ro.latched);
	return (double)(int64_t)(ro.true_wire_ns - ri.true_wire_ns);
}

static double worst_err;
static unsigned int n_checked;

static void check_cf(double got, double true_res, unsigned int k)
{
	double ratio = tc_rate_ratio(tc, 0);
	double e = got - true_res * ratio;

	if (k < WARMUP)
		return;
	n_checked++;
	if (fabs(e) > worst_err)
		worst_err = fabs(e);
	if (fabs(e) > ratio + 1e-3)
		fprintf(stderr, "k %u: cf %.3f want %.3f\n", k, got,
			true_res * ratio);
	CU_ASSERT(fabs(e) <= ratio + 1e-3);
}

static void test_two_step_hw_tx(void)
{
	struct tc_params prm = {
		.mode = TC_TWO_STEP, .syntonize = true, .pending_entries = 64,
		.pending_timeout_ns = 1000000000LL,
	};
	const struct tc_hwtx_stats *hs;
	struct ptpsim_record rec;
	unsigned int k;

	prm.ingress_latency_ns[p_a] = 110;
	prm.egress_latency_ns[p_a] = 210;
	prm.ingress_latency_ns[p_b] = 130;
	prm.egress_latency_ns[p_b] = 170;
	tc = tc_create(&prm);
	CU_ASSERT_FATAL(tc != NULL);
	hw = tc_hwtx_create(tc, 4);
	CU_ASSERT_FATAL(hw != NULL);
	CU_ASSERT_FATAL(tc_hwtx_port_enable(hw, (unsigned int)p_a, &tsa, 0) == 0);
	CU_ASSERT_FATAL(tc_hwtx_port_enable(hw, (unsigned int)p_b, &tsb, 0) == 0);
	/* a port without TX stamps cannot be enabled */
	CU_ASSERT(tc_hwtx_port_enable(hw, (unsigned int)p_gm, NULL, 0) != 0);
	hs = tc_hwtx_get_stats(hw);
	worst_err = 0;
	n_checked = n_passed_general = 0;
	for (k = 0; k < K; k++) {
		uint16_t seq = (uint16_t)(300 + k);
		uint64_t res = 4000 + 211 * k;
		double cf, tr;

		vnow += SYNC_GAP_NS;
		ts_source_refresh(&tsa);
		ts_source_refresh(&tsb);
		/* Sync and Follow_Up back to back: one RX burst at A */
		send_raw(p_gm, PTP_SYNC, seq, 0);
		CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)p_gm, false,
					PTP_SYNC, seq, &rec) == 0);
		vnow += 500;
		send_raw(p_gm, PTP_FOLLOW_UP, seq, gm_clock(rec.true_wire_ns));
		vnow += 2000;
		worker_loop(p_a, p_b, res);
		/* the Sync left; the Follow_Up waited for its stamp, which
		 * the loop's poll collected, then left corrected */
		vnow += 2000;
		CU_ASSERT_EQUAL(recv_cf(p_rx, PTP_SYNC, seq), 0.0);
		cf = recv_cf(p_rx, PTP_FOLLOW_UP, seq);
		check_cf(cf, true_residence(p_a, p_b, PTP_SYNC, seq), k);

		/* Delay_Req rx -> B -> TC -> A -> gm; the GM answers before
		 * the TC polls the Delay_Req's stamp */
		vnow += 10000;
		send_raw(p_rx, PTP_DELAY_REQ, seq, 0);
		vnow += 2000;
		{
			struct rte_mbuf *pkts[4];
			uint64_t rxts[4];
			struct frame_info fi;
			uint16_t n = rte_eth_rx_burst((uint16_t)p_b, 0, pkts, 4);

			CU_ASSERT_FATAL(n == 1);
			ts_source_rx_burst(&tsb, pkts, n, rxts);
			vnow += res + 777;
			glue_classify(pkts[0], &fi);
			tc_ingress(tc, rte_pktmbuf_mtod(pkts[0], uint8_t *),
				   rte_pktmbuf_data_len(pkts[0]), &fi,
				   (uint16_t)p_b, tmv_from_ns((int64_t)rxts[0]));
			CU_ASSERT_FATAL(tc_hwtx_egress(hw, (unsigned int)p_a,
				pkts[0], &fi, (uint16_t)p_b, rxts[0],
				ts_source_tx_predict(&tsa), true) ==
				TC_HWTX_SENT);
		}
		vnow += 2000;
		CU_ASSERT_EQUAL(recv_cf(p_gm, PTP_DELAY_REQ, seq), 0.0);
		tr = true_residence(p_b, p_a, PTP_DELAY_REQ, seq);
		send_raw(p_gm, PTP_DELAY_RESP, seq, 0);
		vnow += 2000;
		{
			struct rte_mbuf *pkts[4];
			uint64_t rxts[4];
			struct frame_info fi;
			uint16_t n = rte_eth_rx_burst((uint16_t)p_a, 0, pkts, 4);

			CU_ASSERT_FATAL(n == 1);
			ts_source_rx_burst(&tsa, pkts, n, rxts);
			vnow += 2500;
			glue_classify(pkts[0], &fi);
			CU_ASSERT_FATAL(tc_hwtx_egress(hw, (unsigned int)p_b,
				pkts[0], &fi, (uint16_t)p_a, rxts[0],
				ts_source_tx_predict(&tsb), true) ==
				TC_HWTX_HELD);
		}
		vnow += 2000;
		CU_ASSERT(nothing_at(p_rx));	/* still held */
		CU_ASSERT_EQUAL(tc_hwtx_poll(hw, vnow, released, NULL), 1);
		vnow += 2000;
		cf = recv_cf(p_rx, PTP_DELAY_RESP, seq);
		check_cf(cf, tr, k);
	}
	CU_ASSERT(fabs(tc_rate_ratio(tc, 0) - gm_ratio) < 1e-9);
	CU_ASSERT_EQUAL(hs->sent, 2 * K);
	CU_ASSERT_EQUAL(hs->stamped, 2 * K);
	CU_ASSERT_EQUAL(hs->held, 2 * K);
	CU_ASSERT_EQUAL(hs->released, 2 * K);
	CU_ASSERT_EQUAL(hs->fallback + hs->lost + hs->busy, 0);
	CU_ASSERT_EQUAL(hs->hold_timeout + hs->hold_full, 0);
	CU_ASSERT_EQUAL(n_passed_general, 0);
	CU_ASSERT_EQUAL(tc_get_stats(tc)->pending_unmatched, 0);
	CU_ASSERT_EQUAL(tc_get_stats(tc)->corrected_follow_up, K);
	CU_ASSERT_EQUAL(tc_get_stats(tc)->corrected_delay_resp, K);
	printf("\n  two-step on hw TX stamps: worst |cf - true residence x "
	       "ratio| = %.3f ns over %u messages; %lu held, %lu stamped\n",
	       worst_err, n_checked, (unsigned long)hs->held,
	       (unsigned long)hs->stamped);
	tc_hwtx_free(hw);
	hw = NULL;
	tc_free(tc);
	tc = NULL;
}

/* Latch of p_b back on, what reached p_rx dropped, hw and tc freed. */
static void latch_back_and_free(void)
{
	struct rte_mbuf *m;

	rte_eth_timesync_enable((uint16_t)p_b);
	while (rte_eth_rx_burst((uint16_t)p_rx, 0, &m, 1) == 1)
		rte_pktmbuf_free(m);
	tc_hwtx_free(hw);
	hw = NULL;
	tc_free(tc);
	tc = NULL;
}

/* A held Follow_Up whose Sync never gets a stamp is released after
 * TC_HWTX_HOLD_NS; the residence then comes from the predicted time. */
static void test_hold_timeout(void)
{
	struct tc_params prm = {
		.mode = TC_TWO_STEP, .syntonize = false, .pending_entries = 8,
		.pending_timeout_ns = 1000000000LL,
	};
	const struct tc_hwtx_stats *hs;
	uint16_t seq = 7;

	tc = tc_create(&prm);
	hw = tc_hwtx_create(tc, 4);
	CU_ASSERT_FATAL(tc != NULL && hw != NULL);
	CU_ASSERT_FATAL(tc_hwtx_port_enable(hw, (unsigned int)p_b, &tsb, 0) == 0);
	hs = tc_hwtx_get_stats(hw);
	rte_eth_timesync_disable((uint16_t)p_b);	/* no TX latch now */
	send_raw(p_gm, PTP_SYNC, seq, 0);
	vnow += 500;
	send_raw(p_gm, PTP_FOLLOW_UP, seq, 0);
	vnow += 2000;
	worker_loop(p_a, p_b, 3000);
	CU_ASSERT_EQUAL(hs->sent, 1);
	CU_ASSERT_EQUAL(hs->held, 1);
	vnow += 2000;
	CU_ASSERT_EQUAL(recv_cf(p_rx, PTP_SYNC, seq), 0.0);
	CU_ASSERT(nothing_at(p_rx));
	/* the backend gives up first (its timeout < the hold's) ... */
	vnow += TS_ETHDEV_TX_TIMEOUT_NS + 1;
	tc_hwtx_poll(hw, vnow, released, NULL);
	CU_ASSERT_EQUAL(hs->fallback, 1);
	CU_ASSERT_EQUAL(hs->released, 1);	/* stamp "in" (given up) */
	vnow += 2000;
	CU_ASSERT(recv_cf(p_rx, PTP_FOLLOW_UP, seq) > 3000.0);
	CU_ASSERT_EQUAL(hs->hold_timeout, 0);
	latch_back_and_free();
}

/* What tc_hwtx handed back for a foreign (BC) message. */
struct foreign_res {
	unsigned int calls;
	uint64_t ts;
	bool stamped;
	uint16_t seq;
};

static void foreign_done(void *arg, struct rte_mbuf *m, uint64_t ts,
			 bool stamped)
{
	struct foreign_res *r = arg;
	struct frame_info fi;

	glue_classify(m, &fi);
	r->calls++;
	r->ts = ts;
	r->stamped = stamped;
	r->seq = fi.seq_id;
}

/*
 * A boundary clock's event message sent through tc_hwtx on a port whose
 * latch the two-step TC owns: its stamp comes back through the callback
 * (latched on the wire), and with the latch off, the predicted time once
 * the backend gives up. The TC's own counters do not move.
 */
static void test_foreign(void)
{
	struct tc_params prm = {
		.mode = TC_TWO_STEP, .syntonize = false, .pending_entries = 8,
		.pending_timeout_ns = 1000000000LL,
	};
	const struct tc_hwtx_stats *hs;
	struct foreign_res res = { 0 };
	struct ptpsim_record rec;
	uint8_t buf[256];
	size_t len = glue_build_ptp(buf, sizeof(buf), PTP_SYNC, 24, 41, true,
				    0, (ptp_cf_t){ 0 });
	struct rte_mbuf *m;
	uint64_t pred;

	tc = tc_create(&prm);
	hw = tc_hwtx_create(tc, 4);
	CU_ASSERT_FATAL(tc != NULL && hw != NULL);
	CU_ASSERT_FATAL(tc_hwtx_port_enable(hw, (unsigned int)p_b, &tsb, 0) == 0);
	hs = tc_hwtx_get_stats(hw);
	/* not on a port without TX stamps */
	m = glue_mbuf(buf, len);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(tc_hwtx_send_foreign(hw, (unsigned int)p_a, m, 0,
					     foreign_done, &res), -1);
	/* stamped */
	pred = ts_source_tx_predict(&tsb);
	CU_ASSERT_EQUAL_FATAL(tc_hwtx_send_foreign(hw, (unsigned int)p_b, m,
						   pred, foreign_done, &res), 0);
	vnow += 3000;
	tc_hwtx_poll(hw, vnow, released, NULL);
	CU_ASSERT_EQUAL(res.calls, 1);
	CU_ASSERT(res.stamped);
	CU_ASSERT_EQUAL(res.seq, 41);
	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)p_b, false, PTP_SYNC, 41,
					   &rec) == 0);
	CU_ASSERT(rec.latched);
	CU_ASSERT_EQUAL(hs->foreign, 1);
	CU_ASSERT_EQUAL(hs->foreign_stamped, 1);
	CU_ASSERT_EQUAL(hs->sent + hs->stamped + hs->fallback + hs->lost, 0);
	/* no latch: the predicted time after the backend's timeout */
	rte_eth_timesync_disable((uint16_t)p_b);
	len = glue_build_ptp(buf, sizeof(buf), PTP_SYNC, 24, 42, true, 0,
			     (ptp_cf_t){ 0 });
	m = glue_mbuf(buf, len);
	CU_ASSERT_FATAL(m != NULL);
	pred = ts_source_tx_predict(&tsb);
	CU_ASSERT_EQUAL_FATAL(tc_hwtx_send_foreign(hw, (unsigned int)p_b, m,
						   pred, foreign_done, &res), 0);
	vnow += 2000;
	tc_hwtx_poll(hw, vnow, released, NULL);
	CU_ASSERT_EQUAL(res.calls, 1);		/* not yet */
	vnow += TS_ETHDEV_TX_TIMEOUT_NS + 1;
	tc_hwtx_poll(hw, vnow, released, NULL);
	CU_ASSERT_EQUAL(res.calls, 2);
	CU_ASSERT(!res.stamped);
	CU_ASSERT_EQUAL(res.ts, pred);
	CU_ASSERT_EQUAL(res.seq, 42);
	CU_ASSERT_EQUAL(hs->foreign, 2);
	CU_ASSERT_EQUAL(hs->foreign_stamped, 1);
	latch_back_and_free();
}

/*
 * A port's stamps stop and come back: a fake backend that completes
 * every request at once, with a stamp or (while "off") without one.
 * After TC_HWTX_MISS_MAX misses in a row the port is lost: requests
 * then leave without a stamp request except one in TC_HWTX_PROBE_EVERY;
 * the first stamp that comes back ends it.
 */
static struct {
	bool stamps;
	unsigned int queued, events;
	uint64_t cookie[TC_HWTX_PEND];
} fake;

static int fake_tx_event(struct ts_source *ts, uint16_t queue,
			 struct rte_mbuf *m, uint64_t cookie)
{
	RTE_SET_USED(ts);
	RTE_SET_USED(queue);
	fake.cookie[fake.queued++] = cookie;
	fake.events++;
	rte_pktmbuf_free(m);
	return 0;
}

static int fake_tx_poll(struct ts_source *ts, uint64_t *cookie,
			uint64_t *tx_ts)
{
	RTE_SET_USED(ts);
	if (fake.queued == 0)
		return 0;
	*cookie = fake.cookie[0];
	memmove(fake.cookie, fake.cookie + 1,
		--fake.queued * sizeof(fake.cookie[0]));
	*tx_ts = vnow;
	return fake.stamps ? 1 : -ETIMEDOUT;
}

static const struct ts_source_ops fake_ops = {
	.name = "fake", .tx_event = fake_tx_event, .tx_poll = fake_tx_poll,
};

/* One BC message through hw on port 1: its send result. */
static int fake_send(struct foreign_res *res)
{
	uint8_t buf[256];
	size_t len = glue_build_ptp(buf, sizeof(buf), PTP_SYNC, 24, 7, true,
				    0, (ptp_cf_t){ 0 });
	struct rte_mbuf *m = glue_mbuf(buf, len);
	int r;

	CU_ASSERT_FATAL(m != NULL);
	r = tc_hwtx_send_foreign(hw, 1, m, vnow, foreign_done, res);
	if (r != 0)
		rte_pktmbuf_free(m);	/* the caller sends it */
	vnow += 1000;
	tc_hwtx_poll(hw, vnow, released, NULL);
	return r;
}

static struct ts_source fake_ts = { .ops = &fake_ops };

/* tc (mode) and hw over 2 ports, port 1 on the fake backend, stamping. */
static const struct tc_hwtx_stats *fake_setup(enum tc_mode mode)
{
	struct tc_params prm = {
		.mode = mode, .pending_entries = 8,
		.pending_timeout_ns = 1000000000LL,
	};

	memset(&fake, 0, sizeof(fake));
	fake.stamps = true;
	tc = tc_create(&prm);
	hw = tc_hwtx_create(tc, 2);
	CU_ASSERT_FATAL(tc != NULL && hw != NULL);
	CU_ASSERT_FATAL(tc_hwtx_port_enable(hw, 1, &fake_ts, 0) == 0);
	return tc_hwtx_get_stats(hw);
}

static void fake_teardown(void)
{
	tc_hwtx_free(hw);
	tc_free(tc);
	hw = NULL;
	tc = NULL;
}

static void test_health(void)
{
	const struct tc_hwtx_stats *hs = fake_setup(TC_TWO_STEP);
	struct foreign_res res = { 0 };
	unsigned int i, sent = 0;

	CU_ASSERT_EQUAL(fake_send(&res), 0);
	CU_ASSERT(res.stamped);
	fake.stamps = false;
	for (i = 0; i < TC_HWTX_MISS_MAX - 1; i++)
		CU_ASSERT_EQUAL(fake_send(&res), 0);
	CU_ASSERT(!tc_hwtx_port_lost(hw, 1));	/* 7 in a row: not yet */
	CU_ASSERT_EQUAL(fake_send(&res), 0);
	CU_ASSERT(tc_hwtx_port_lost(hw, 1));
	CU_ASSERT_EQUAL(hw->port[1].lost_n, 1);
	/* lost: one request in TC_HWTX_PROBE_EVERY still asks */
	fake.events = 0;
	for (i = 0; i < 3 * TC_HWTX_PROBE_EVERY; i++)
		sent += fake_send(&res) == 0;
	CU_ASSERT_EQUAL(sent, 3);
	CU_ASSERT_EQUAL(fake.events, 3);
	CU_ASSERT_EQUAL(hs->predicted, 3 * TC_HWTX_PROBE_EVERY - 3);
	CU_ASSERT_EQUAL(hs->busy, 0);
	CU_ASSERT(tc_hwtx_port_lost(hw, 1));
	/* stamps come back: the next probe ends it, all ask again */
	fake.stamps = true;
	for (i = 0; i < TC_HWTX_PROBE_EVERY; i++)
		fake_send(&res);
	CU_ASSERT(!tc_hwtx_port_lost(hw, 1));
	CU_ASSERT_EQUAL(hw->port[1].back_n, 1);
	fake.events = 0;
	for (i = 0; i < 4; i++)
		CU_ASSERT_EQUAL(fake_send(&res), 0);
	CU_ASSERT_EQUAL(fake.events, 4);
	CU_ASSERT(res.stamped);
	fake_teardown();
}

/* One one-step message through hw on port 1 whose stamp comes d ns after
 * its prediction (the fake stamps at vnow): its send result. */
static int onestep_send(int64_t d)
{
	uint8_t buf[256];
	size_t len = glue_build_ptp(buf, sizeof(buf), PTP_SYNC, 0, 9, false,
				    0, (ptp_cf_t){ 0 });
	struct rte_mbuf *m = glue_mbuf(buf, len);
	int r;

	CU_ASSERT_FATAL(m != NULL);
	r = tc_hwtx_send_onestep(hw, 1, m, (uint64_t)((int64_t)vnow - d));
	if (r != 0)
		rte_pktmbuf_free(m);
	tc_hwtx_poll(hw, vnow, released, NULL);
	vnow += 1000000;
	return r;
}

/*
 * One-step egress latency: nothing until TC_HWTX_LAT_WARM samples (the
 * first sends of a run can all be slow: a latency learnt from a few of
 * them ran a later, faster message's correction past its departure in
 * integration tc_ipv4), then the shortest (stamp - prediction) of the
 * last TC_HWTX_LAT_N one-step messages; negative or implausible samples
 * are not latencies; no port without stamps; nothing while unstamped.
 */
static void test_onestep_latency(void)
{
	const struct tc_hwtx_stats *hs = fake_setup(TC_ONE_STEP);
	unsigned int i;

	CU_ASSERT_EQUAL(tc_hwtx_egress_lat(hw, 1), 0);
	{	/* port 0 has no stamps: not sent */
		uint8_t buf[256];
		size_t len = glue_build_ptp(buf, sizeof(buf), PTP_SYNC, 0, 9,
					    false, 0, (ptp_cf_t){ 0 });
		struct rte_mbuf *m = glue_mbuf(buf, len);

		CU_ASSERT_EQUAL(tc_hwtx_send_onestep(hw, 0, m, vnow), -1);
		rte_pktmbuf_free(m);
	}
	/* slow first sends: not a latency yet, however many short of the
	 * warm-up */
	for (i = 0; i + 1 < TC_HWTX_LAT_WARM; i++) {
		CU_ASSERT_EQUAL(onestep_send(20000), 0);
		CU_ASSERT_EQUAL(tc_hwtx_egress_lat(hw, 1), 0);
	}
	onestep_send(-200);			/* not a latency */
	onestep_send(TC_HWTX_LAT_MAX_NS + 1);	/* nor that */
	fake.stamps = false;			/* no stamp: no sample */
	onestep_send(100);
	fake.stamps = true;
	CU_ASSERT_EQUAL(tc_hwtx_egress_lat(hw, 1), 0);
	onestep_send(5000);			/* the warm-up's last */
	CU_ASSERT_EQUAL(tc_hwtx_egress_lat(hw, 1), 5000);
	onestep_send(3000);
	onestep_send(9000);
	CU_ASSERT_EQUAL(tc_hwtx_egress_lat(hw, 1), 3000);
	for (i = 0; i < TC_HWTX_LAT_N; i++)	/* the 3000 ages out */
		onestep_send(7000 + (int64_t)i);
	CU_ASSERT_EQUAL(tc_hwtx_egress_lat(hw, 1), 7000);
	CU_ASSERT_EQUAL(hs->onestep, TC_HWTX_LAT_WARM + 5 + TC_HWTX_LAT_N);
	CU_ASSERT_EQUAL(hs->onestep_stamped,
			TC_HWTX_LAT_WARM + 4 + TC_HWTX_LAT_N);
	CU_ASSERT_EQUAL(hs->sent + hs->foreign, 0);
	fake_teardown();
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "two-step on hw TX stamps, Follow_Up/Delay_Resp held: "
		  "cf == true residence x ratio", test_two_step_hw_tx },
		{ "no TX stamp: backend timeout, predicted residence",
		  test_hold_timeout },
		{ "a BC's event message shares the latch (foreign send)",
		  test_foreign },
		{ "stamps that stop are lost after 8, probed, and come back",
		  test_health },
		{ "one-step: egress latency after 64 samples = shortest of "
		  "the last 255",
		  test_onestep_latency },
		{ NULL, NULL },
	};

	if (glue_eal_init("ptpsw_glue_hwtx") != 0 || glue_pool() == NULL ||
	    setup_ports() != 0) {
		fprintf(stderr, "EAL / ptpsim set-up failed\n");
		return -1;
	}
	return test_add_suite("tc_hwtx", cases);
}
