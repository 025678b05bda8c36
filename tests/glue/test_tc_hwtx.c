/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_hwtx itself over net_ptpsim ports: a boundary clock's event message
 * sent through the TC's latch (foreign send), the stamps' health (lost,
 * probed, back), and the one-step TC's learnt egress latency. The
 * worker's two-step path on these stamps, driven by the real worker loop,
 * is in test_worker.c.
 *
 * One virtual clock (ts_ethdev.c included with timebase_now renamed, as in
 * test_ptpsim_tc.c). Topology, back to back:
 *   gm <-> A (+50 ppm)  [TC]  B (-50 ppm) <-> rx
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

static uint64_t vnow = 2000000000000ULL;
uint64_t vclock_now(void) { return vnow; }

static int p_gm, p_a, p_b, p_rx;
static struct ts_source tsa, tsb;

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

static struct tc *tc;
static struct tc_hwtx *hw;

/* tc_hwtx_poll()'s release function: these tests hold nothing (the
 * worker's two-step path is in test_worker.c). */
static void released(void *arg, unsigned int out, struct rte_mbuf *m,
		     const struct frame_info *fi, uint16_t in_port,
		     uint64_t rx_ts)
{
	(void)arg;
	(void)out;
	(void)fi;
	(void)in_port;
	(void)rx_ts;
	CU_FAIL("a message was held");
	rte_pktmbuf_free(m);
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
	int fail;			/* without a stamp: this, or -ETIMEDOUT */
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
	return fake.stamps ? 1 : fake.fail ? fake.fail : -ETIMEDOUT;
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
	/* stamps off by a CLOCK_REALTIME jump (-EXDEV): predicted egress,
	 * but no stamp is missing: never lost */
	fake.stamps = false;
	fake.fail = -EXDEV;
	for (i = 0; i < 2 * TC_HWTX_MISS_MAX; i++)
		CU_ASSERT_EQUAL(fake_send(&res), 0);
	CU_ASSERT(!res.stamped);
	CU_ASSERT(!tc_hwtx_port_lost(hw, 1));
	CU_ASSERT_EQUAL(hw->port[1].lost_n, 0);
	fake.fail = 0;
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
