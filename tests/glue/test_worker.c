/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's real loop (app/worker.c, worker_tx.c, worker_ctl.c,
 * worker_setup.c included here chrony style: its static functions are the ones that
 * run) over net_ptpsim ports with hardware stamps, one-step TC:
 *   gm <-> A (+50 ppm)  [worker]  B (-50 ppm) <-> rx
 * Frames go in at gm or rx, worker_poll() runs rounds, and what comes out
 * at the other end is checked: order, bytes, and the correctionField
 * against the sim's true wire times (syntonize off: the rate ratio is 1).
 * One virtual clock for the sim, the stamps' timebase and the worker.
 */

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

uint64_t vclock_now(void);
#define timebase_now vclock_now
#include "ts_ethdev.c"
#include "worker.c"
#include "worker_tx.c"
#include "worker_ctl.c"
#include "worker_setup.c"
#undef timebase_now

#include "ptpsim.h"
#include "glue_util.h"
#include "../unit/cunit_main.h"

volatile sig_atomic_t app_quit;
volatile sig_atomic_t app_dump;
int ptpsw_logtype;

static uint64_t vnow = 3000000000000ULL;
uint64_t vclock_now(void) { return vnow; }

/* Both rigs' ports: A's RX and B's TX latency, and B's RX and A's TX */
#define SIM_A	"ppm=50,offset_ns=2000000,wire_ns=400,rx_lat_ns=110,tx_lat_ns=210"
#define SIM_B	"ppm=-50,offset_ns=-5000000,wire_ns=600,rx_lat_ns=130,tx_lat_ns=170"
#define LAT_AB	(110.0 + 170.0)
#define LAT_BA	(130.0 + 210.0)

#define GM_PPM_NUM	50000	/* the two-step rig's GM runs +20 ppm fast */
#define SYNC_GAP_NS	125000000ULL
#define WARMUP		16
#define K		48

/* An app with one worker on ports A (0) and B (1); gm and rx are the far
 * ends of their wires. */
struct rig {
	const char *tag;	/* ptpsim names: net_ptpsim_<tag><a|b|gm|rx> */
	const char *cfg;
	struct app app;
	struct fwd_view view;
	struct worker *w;
	int p_gm, p_rx;
};

/* The one-step rig corrects with the predicted egress time: no port
 * latencies, which the CF check takes as the prediction's blind spot. The
 * two-step rig's are the sim's: wire to wire. */
#define RIG_CFG(mode, synt, lat_a, lat_b) \
	"ports = (\n" \
	"  { name = \"a\"; device = \"a\"; timestamping = \"hardware\";" lat_a " },\n" \
	"  { name = \"b\"; device = \"b\"; timestamping = \"hardware\";" lat_b " } );\n" \
	"transparent_clock = { enabled = true; mode = \"" mode "\";\n" \
	"  syntonize = " synt "; domains = \"all\"; };\n"

static struct rig one = { .tag = "w1",
	.cfg = RIG_CFG("one-step", "false", "", "") };
static struct rig two = { .tag = "w2",
	.cfg = RIG_CFG("two-step", "true",
		       " ingress_latency_ns = 110; egress_latency_ns = 210;",
		       " ingress_latency_ns = 130; egress_latency_ns = 170;") };

static void no_free(void *v, void *arg)
{
	(void)v;
	(void)arg;
}

static int sim_port(const struct rig *r, const char *end, const char *peer,
		    const char *args)
{
	char name[64], a[256];

	snprintf(name, sizeof(name), "net_ptpsim_%s%s", r->tag, end);
	snprintf(a, sizeof(a), "peer=net_ptpsim_%s%s,%s", r->tag, peer, args);
	return glue_port_create(name, a, 0);
}

/* Port i of the rig's app: ptpsim A or B with hardware stamps, link up. */
static int open_port(struct rig *r, unsigned int i)
{
	char err[256];
	int id = sim_port(r, i ? "b" : "a", i ? "rx" : "gm", i ? SIM_B : SIM_A);

	if (id < 0)
		return -1;
	r->app.ports[i].port_id = (uint16_t)id;
	r->app.ports[i].link_up = 1;
	if (ts_source_open(&r->app.ports[i].ts, (uint16_t)id, CONF_TS_HARDWARE,
			   err, sizeof(err)) != 0) {
		fprintf(stderr, "ts_source_open: %s\n", err);
		return -1;
	}
	return 0;
}

/* The app as main.c sets it up; worker 0 polls both ports and, in the
 * two-step rig, takes their TX stamps. */
static int setup_rig(struct rig *r)
{
	struct app *app = &r->app;
	struct conf_error ce;
	char ring[32];

	r->p_gm = sim_port(r, "gm", "a", "wire_ns=400,tx_lat_ns=150,rx_lat_ns=150");
	r->p_rx = sim_port(r, "rx", "b", "wire_ns=600,tx_lat_ns=90,rx_lat_ns=90");
	if (r->p_gm < 0 || r->p_rx < 0 || open_port(r, 0) || open_port(r, 1))
		return -1;
	rte_eth_timesync_enable((uint16_t)r->p_gm);
	rte_eth_timesync_enable((uint16_t)r->p_rx);
	if (conf_load_string(r->cfg, r->tag, &app->conf, &ce) != 0) {
		fprintf(stderr, "config line %d: %s: %s\n", ce.line, ce.key,
			ce.msg);
		return -1;
	}
	snprintf(ring, sizeof(ring), "%s_bc", r->tag);
	app->n_ports = 2;
	app->pool = glue_pool();
	app->meta_offset = meta_register();
	app->fdb = fdb_create(1024, 300000000000ULL);
	app->bc_ring = rte_ring_create(ring, 64, 0, 0);
	fwd_view_build(&app->conf, &r->view);
	if (app->meta_offset < 0 || app->fdb == NULL || app->bc_ring == NULL ||
	    vswap_init(&app->views, 1, &r->view, no_free, NULL) != 0)
		return -1;
	r->w = worker_create(app, 0, 0);
	if (r->w == NULL)
		return -1;
	r->w->n_rx = 2;
	r->w->rx_ports[0] = 0;
	r->w->rx_ports[1] = 1;
	tx_stamps_setup(r->w);
	return 0;
}

/* The control lcore's part: the ports' PHC -> timebase maps. */
static void refresh_maps(struct rig *r)
{
	ts_source_refresh(&r->app.ports[0].ts);
	ts_source_refresh(&r->app.ports[1].ts);
}

/* Let what is on the wire arrive, then one round of the rig's worker. */
static void worker_round(struct rig *r)
{
	vnow += 20000;
	worker_poll(r->w);
	vnow += 20000;
}

static struct rte_mbuf *ptp_mbuf(uint8_t type, uint16_t seq, bool two_step)
{
	uint8_t buf[256];
	size_t len = glue_build_ptp(buf, sizeof(buf), type, 0, seq, two_step,
				    1000000, (ptp_cf_t){ 0 });

	return glue_mbuf(buf, len);
}

/* A frame that is not PTP (ARP ethertype), marked by k. */
static struct rte_mbuf *plain_mbuf(uint8_t k)
{
	uint8_t buf[60] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
			    0x02, 0x11, 0x22, 0x33, 0x44, 0x66, 0x08, 0x06 };

	memset(buf + 14, k, sizeof(buf) - 14);
	return glue_mbuf(buf, sizeof(buf));
}

static void send_burst(int port, struct rte_mbuf **m, uint16_t n)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		CU_ASSERT_FATAL(m[i] != NULL);
	CU_ASSERT_FATAL(rte_eth_tx_burst((uint16_t)port, 0, m, n) == n);
}

/* True residence of a message between the wire at A or B (in) and the
 * wire at the other (out). */
static double true_residence(uint16_t in, uint16_t out, uint8_t type,
			     uint16_t seq)
{
	struct ptpsim_record ri, ro;

	CU_ASSERT_FATAL(ptpsim_find_record(in, true, type, seq, &ri) == 0);
	CU_ASSERT_FATAL(ptpsim_find_record(out, false, type, seq, &ro) == 0);
	return (double)(int64_t)(ro.true_wire_ns - ri.true_wire_ns);
}

/* Bytes of got and sent equal, and their lengths. */
static bool same_bytes(struct rte_mbuf *got, struct rte_mbuf *sent)
{
	return rte_pktmbuf_data_len(got) == rte_pktmbuf_data_len(sent) &&
	       memcmp(rte_pktmbuf_mtod(got, void *),
		      rte_pktmbuf_mtod(sent, void *),
		      rte_pktmbuf_data_len(sent)) == 0;
}

/* Bytes of got and sent equal but for the correctionField (and the UDP
 * checksum, which must be valid). */
static void same_but_cf(struct rte_mbuf *got, struct rte_mbuf *sent)
{
	struct frame_info fi;
	uint8_t *a = rte_pktmbuf_mtod(got, uint8_t *);
	uint8_t *b = rte_pktmbuf_mtod(sent, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(sent);

	glue_classify(got, &fi);
	CU_ASSERT_FATAL(fi.cls == FRAME_PTP);
	CU_ASSERT(glue_udp_csum_ok(got));
	CU_ASSERT_EQUAL_FATAL(rte_pktmbuf_data_len(got), len);
	CU_ASSERT(memcmp(a, b, fi.l4_off + 6) == 0);
	CU_ASSERT(memcmp(a + fi.ptp_off, b + fi.ptp_off, 8) == 0);
	CU_ASSERT(memcmp(a + fi.ptp_off + 16, b + fi.ptp_off + 16,
			 len - fi.ptp_off - 16) == 0);
}

/* The one-step CF: the true residence less what the egress prediction
 * cannot see, at most the in port's RX and the out port's TX latency in
 * the sim (lat), and no more than 2 ns of rounding above it. */
static void check_cf(struct rte_mbuf *m, double want, double lat)
{
	double cf = ptp_cf_to_ns_double(glue_cf(m));
	bool ok = cf <= want + 2.0 && cf >= want - lat - 2.0;

	if (!ok)
		fprintf(stderr, "cf %.3f want %.3f - up to %.0f\n", cf, want,
			lat);
	CU_ASSERT(ok);
}

static uint16_t receive(int port, struct rte_mbuf **m, uint16_t cap)
{
	return rte_eth_rx_burst((uint16_t)port, 0, m, cap);
}

static void free_all(struct rte_mbuf **m, uint16_t n)
{
	while (n)
		rte_pktmbuf_free(m[--n]);
}

/* The one-step rig's want frames at rx (into out, room for 8), in the
 * order of ref: the second a Sync (seq) with the one-step CF (check_cf()
 * with lat), the others byte for byte. Returns how many arrived. */
static uint16_t receive_n(struct rte_mbuf **out, struct rte_mbuf **ref,
			  uint16_t want, uint16_t seq, double lat)
{
	uint16_t i, n = receive(one.p_rx, out, 8);

	CU_ASSERT_EQUAL_FATAL(n, want);
	for (i = 0; i < n; i++)
		if (i != 1)
			CU_ASSERT(same_bytes(out[i], ref[i]));
	same_but_cf(out[1], ref[1]);
	check_cf(out[1], true_residence(one.app.ports[0].port_id,
					one.app.ports[1].port_id, PTP_SYNC,
					seq),
		 lat);
	return n;
}

/*
 * One burst from the GM: plain, one-step Sync, Announce, plain. The first
 * leaves in the burst's run; the Sync (this worker takes TX stamps:
 * handle_ptp()) goes to B's TX buffer and closes the run, so the
 * Announce and the second plain frame queue behind it: all four arrive
 * in order, the plain frames and the Announce byte for byte, the Sync
 * with its residence added. All four go to group MACs: four floods
 * counted, whichever way each took.
 */
static void test_burst_in_order(void)
{
	struct rte_mbuf *in[4], *ref[4], *out[8];
	uint64_t flood0 = one.w->stats[0].flooded;
	uint16_t i, n;

	in[0] = plain_mbuf(1);
	in[1] = ptp_mbuf(PTP_SYNC, 11, false);
	in[2] = ptp_mbuf(PTP_ANNOUNCE, 11, false);
	in[3] = plain_mbuf(2);
	for (i = 0; i < 4; i++) {
		ref[i] = rte_pktmbuf_copy(in[i], one.app.pool, 0, UINT32_MAX);
		CU_ASSERT_FATAL(ref[i] != NULL);
	}
	send_burst(one.p_gm, in, 4);
	worker_round(&one);
	n = receive_n(out, ref, 4, 11, LAT_AB);
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_corrected, 1);
	CU_ASSERT_EQUAL(one.w->stats[0].rx_pkts, 4);
	CU_ASSERT_EQUAL(one.w->stats[1].tx_pkts, 4);
	CU_ASSERT_EQUAL(one.w->stats[0].flooded, flood0 + 4);
	free_all(out, n);
	free_all(ref, 4);
}

/* An Announce, then a one-step Sync: the Announce waits in B's TX buffer,
 * so the Sync cannot open a run and goes there too (handle_ptp()); the TX
 * buffer's TC (tx_tc()) corrects it. Order kept. */
static void test_tx_buffer_tc(void)
{
	struct rte_mbuf *in[2], *ref[2], *out[4];
	uint64_t corrected = one.w->stats[1].ptp_corrected;
	uint16_t n;

	/* the Announce joins the burst's run; the Sync (this worker takes
	 * TX stamps: handle_ptp()) goes through B's TX buffer, which
	 * leaves after the run */
	in[0] = ptp_mbuf(PTP_ANNOUNCE, 12, false);
	in[1] = ptp_mbuf(PTP_SYNC, 12, false);
	ref[0] = rte_pktmbuf_copy(in[0], one.app.pool, 0, UINT32_MAX);
	ref[1] = rte_pktmbuf_copy(in[1], one.app.pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(ref[0] != NULL && ref[1] != NULL);
	send_burst(one.p_gm, in, 2);
	worker_round(&one);
	n = receive(one.p_rx, out, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(same_bytes(out[0], ref[0]));
	same_but_cf(out[1], ref[1]);
	check_cf(out[1], true_residence(one.app.ports[0].port_id,
					one.app.ports[1].port_id, PTP_SYNC, 12),
		 LAT_AB);
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_corrected, corrected + 1);
	CU_ASSERT_EQUAL(one.w->burst.bc.r.run_n, 1);
	free_all(out, n);
	free_all(ref, 2);
}

/* Messages the TC leaves alone (Announce, Pdelay_Req; in one-step mode
 * with nothing stored, Follow_Up and Delay_Resp too) join the burst's
 * run as plain frames do: the Sync behind the Announce still joins it,
 * corrected by tc_run(), and so does what follows. This rig's worker
 * takes TX stamps, so its one-step Syncs go through handle_ptp()
 * (tx_stamp_paths()); here domain 0 takes the path it has on any other
 * worker, the run's. One Sync: the port's RX latch is one deep. */
static void test_as_is_keeps_run(void)
{
	struct rte_mbuf *in[5], *ref[5], *out[8];
	uint64_t corrected = one.w->stats[1].ptp_corrected;
	uint64_t ptp_rx = one.w->stats[0].ptp_rx;
	uint64_t ptp_tx = one.w->stats[1].ptp_tx;
	uint64_t pdelay = one.w->wd[0].pdelay;
	uint16_t i, n;

	in[0] = ptp_mbuf(PTP_ANNOUNCE, 15, false);
	in[1] = ptp_mbuf(PTP_SYNC, 15, false);
	in[2] = ptp_mbuf(PTP_PDELAY_REQ, 15, false);
	in[3] = ptp_mbuf(PTP_FOLLOW_UP, 15, false);
	in[4] = ptp_mbuf(PTP_DELAY_RESP, 15, false);
	for (i = 0; i < 5; i++) {
		CU_ASSERT_FATAL(in[i] != NULL);
		ref[i] = rte_pktmbuf_copy(in[i], one.app.pool, 0, UINT32_MAX);
		CU_ASSERT_FATAL(ref[i] != NULL);
	}
	one.w->ev_path[0] = EV_RUN_TC;
	send_burst(one.p_gm, in, 5);
	worker_round(&one);
	one.w->ev_path[0] = EV_GENERAL;
	CU_ASSERT_EQUAL(one.w->burst.bc.r.run_n, 5);
	CU_ASSERT_EQUAL(one.w->burst.bc.tc.n, 1);
	/* no learnt egress latency on this path, and the RX stamp through
	 * the port's clock map: a few ns more than LAT_AB below */
	n = receive_n(out, ref, 5, 15, LAT_AB + 10.0);
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_corrected, corrected + 1);
	CU_ASSERT_EQUAL(one.w->stats[0].ptp_rx, ptp_rx + 5);
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_tx, ptp_tx + 1);
	CU_ASSERT_EQUAL(one.w->wd[0].pdelay, pdelay + 1);
	free_all(out, n);
	free_all(ref, 5);
}

/* A Delay_Req the other way, rx -> B -> A -> gm. */
static void test_delay_req(void)
{
	struct rte_mbuf *in = ptp_mbuf(PTP_DELAY_REQ, 13, false), *ref, *out;

	ref = rte_pktmbuf_copy(in, one.app.pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(ref != NULL);
	send_burst(one.p_rx, &in, 1);
	worker_round(&one);
	CU_ASSERT_EQUAL_FATAL(receive(one.p_gm, &out, 1), 1);
	same_but_cf(out, ref);
	check_cf(out, true_residence(one.app.ports[1].port_id,
				     one.app.ports[0].port_id, PTP_DELAY_REQ, 13),
		 LAT_BA);
	rte_pktmbuf_free(out);
	rte_pktmbuf_free(ref);
}

/*
 * A TC domain's message the TC leaves alone (a Pdelay_Req: a profile
 * violation the watchdog counts) goes out as it came, not through the
 * TC: not counted as a TC-handled copy (ptp tx), nothing corrected.
 */
static void test_tc_leaves_alone(void)
{
	struct rte_mbuf *in = ptp_mbuf(PTP_PDELAY_REQ, 14, false), *ref, *out;
	uint64_t ptp_rx = one.w->stats[0].ptp_rx;
	uint64_t ptp_tx = one.w->stats[1].ptp_tx;
	uint64_t corrected = one.w->stats[1].ptp_corrected;
	uint64_t tx = one.w->stats[1].tx_pkts;
	uint64_t pdelay = one.w->wd[0].pdelay;

	ref = rte_pktmbuf_copy(in, one.app.pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(ref != NULL);
	send_burst(one.p_gm, &in, 1);
	worker_round(&one);
	CU_ASSERT_EQUAL_FATAL(receive(one.p_rx, &out, 1), 1);
	CU_ASSERT(same_bytes(out, ref));
	CU_ASSERT_EQUAL(one.w->stats[0].ptp_rx, ptp_rx + 1);
	CU_ASSERT_EQUAL(one.w->wd[0].pdelay, pdelay + 1);
	CU_ASSERT_EQUAL(one.w->stats[1].tx_pkts, tx + 1);
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_tx, ptp_tx);
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_corrected, corrected);
	rte_pktmbuf_free(out);
	rte_pktmbuf_free(ref);
}

/*
 * Peer delay messages the light check (frame_pdelay()) does not take are
 * classified in full, as before it: a Pdelay_Req whose messageLength is
 * 44 (a Pdelay_Req has 54) is dropped and counted as invalid PTP, never
 * switched; one with alternateMasterFlag set goes out as it came, and the
 * watchdog counts both what it is (pdelay) and the flag (alt_master).
 * The well-formed one beside them (frame_pdelay()'s path) goes out byte
 * for byte, counted as pdelay only.
 */
static void test_pdelay_checks(void)
{
	struct rte_mbuf *in[3], *ref[2], *out[4];
	struct watchdog_counters wd = one.w->wd[0];
	uint64_t invalid = one.w->stats[0].drop[FRAME_E_PTP_INVALID];
	uint64_t ptp_rx = one.w->stats[0].ptp_rx;
	uint64_t tx = one.w->stats[1].tx_pkts;
	uint8_t *p;
	uint16_t i, n;

	for (i = 0; i < 3; i++)
		in[i] = ptp_mbuf(PTP_PDELAY_REQ, (uint16_t)(20 + i), false);
	p = rte_pktmbuf_mtod(in[0], uint8_t *) + 42;
	p[3] = 44;			/* messageLength too short */
	p = rte_pktmbuf_mtod(in[1], uint8_t *) + 42;
	p[6] |= 0x01;			/* alternateMasterFlag */
	for (i = 0; i < 2; i++) {
		ref[i] = rte_pktmbuf_copy(in[i + 1], one.app.pool, 0,
					  UINT32_MAX);
		CU_ASSERT_FATAL(ref[i] != NULL);
	}
	send_burst(one.p_gm, in, 3);
	worker_round(&one);
	n = receive(one.p_rx, out, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(same_bytes(out[0], ref[0]));
	CU_ASSERT(same_bytes(out[1], ref[1]));
	CU_ASSERT_EQUAL(one.w->stats[0].drop[FRAME_E_PTP_INVALID],
			invalid + 1);
	CU_ASSERT_EQUAL(one.w->stats[0].ptp_rx, ptp_rx + 2);
	CU_ASSERT_EQUAL(one.w->stats[1].tx_pkts, tx + 2);
	CU_ASSERT_EQUAL(one.w->wd[0].pdelay, wd.pdelay + 2);
	CU_ASSERT_EQUAL(one.w->wd[0].alt_master, wd.alt_master + 1);
	free_all(out, n);
	free_all(ref, 2);
}

static double worst_err;
static unsigned int n_checked;

/* Two-step: the CF is the true residence (wire to wire: the port
 * latencies are the sim's) times the rate ratio, to what two stamps lose:
 * each is whole PHC ns, then mapped to the timebase and rounded (here,
 * with 40 us rounds, 2 ns at worst in 4 of 64 messages). */
static void check_cf_ratio(double got, double true_res, unsigned int k)
{
	double ratio = tc_rate_ratio(two.w->tc, 0);
	double e = got - true_res * ratio;

	if (k < WARMUP)
		return;
	n_checked++;
	if (fabs(e) > worst_err)
		worst_err = fabs(e);
	if (fabs(e) > 2 * ratio + 1e-3)
		fprintf(stderr, "k %u: cf %.3f want %.3f\n", k, got,
			true_res * ratio);
	CU_ASSERT(fabs(e) <= 2 * ratio + 1e-3);
}

/* Sync and Follow_Up from the GM, back to back: one RX burst at A. The
 * Sync leaves for its TX stamp, the Follow_Up is held until the next
 * round's poll has the stamp, then leaves corrected. */
static void two_step_sync(uint16_t seq, unsigned int k)
{
	uint16_t a = two.app.ports[0].port_id, b = two.app.ports[1].port_id;
	struct ptpsim_record rec;

	glue_send_ptp(two.p_gm, PTP_SYNC, seq, 0);
	CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)two.p_gm, false,
					   PTP_SYNC, seq, &rec) == 0);
	vnow += 500;
	glue_send_ptp(two.p_gm, PTP_FOLLOW_UP, seq,
		 (int64_t)(rec.true_wire_ns + rec.true_wire_ns / GM_PPM_NUM));
	worker_round(&two);
	CU_ASSERT_EQUAL(glue_recv_cf(two.p_rx, PTP_SYNC, seq), 0.0);
	CU_ASSERT_EQUAL(receive(two.p_rx, &(struct rte_mbuf *){ NULL }, 1), 0);
	worker_round(&two);
	check_cf_ratio(glue_recv_cf(two.p_rx, PTP_FOLLOW_UP, seq),
		       true_residence(a, b, PTP_SYNC, seq), k);
}

/* Delay_Req rx -> B -> A -> gm, leaving for its stamp; the GM's
 * Delay_Resp carries its residence back to rx. */
static void two_step_delay(uint16_t seq, unsigned int k)
{
	uint16_t a = two.app.ports[0].port_id, b = two.app.ports[1].port_id;

	glue_send_ptp(two.p_rx, PTP_DELAY_REQ, seq, 0);
	worker_round(&two);
	CU_ASSERT_EQUAL(glue_recv_cf(two.p_gm, PTP_DELAY_REQ, seq), 0.0);
	glue_send_ptp(two.p_gm, PTP_DELAY_RESP, seq, 0);
	worker_round(&two);
	worker_round(&two);
	check_cf_ratio(glue_recv_cf(two.p_rx, PTP_DELAY_RESP, seq),
		       true_residence(b, a, PTP_DELAY_REQ, seq), k);
}

/* The two-step TC on the ports' TX stamps (tc_hwtx), driven by the
 * worker: every event message stamped, every Follow_Up and Delay_Resp
 * corrected to the true residence times the learnt rate ratio. */
static void test_two_step_hw_tx(void)
{
	const struct tc_hwtx_stats *hs;
	unsigned int k;

	CU_ASSERT_FATAL(two.w->hwtx != NULL && two.w->hwtx_tc);
	hs = tc_hwtx_get_stats(two.w->hwtx);
	for (k = 0; k < K; k++) {
		vnow += SYNC_GAP_NS;
		refresh_maps(&two);
		two_step_sync((uint16_t)(300 + k), k);
		vnow += 10000;
		two_step_delay((uint16_t)(300 + k), k);
	}
	CU_ASSERT(fabs(tc_rate_ratio(two.w->tc, 0) - (1.0 + 1.0 / GM_PPM_NUM))
		  < 1e-9);
	CU_ASSERT_EQUAL(hs->sent, 2 * K);
	CU_ASSERT_EQUAL(hs->stamped, 2 * K);
	CU_ASSERT(hs->held >= K);
	CU_ASSERT_EQUAL(hs->released, hs->held);
	CU_ASSERT_EQUAL(hs->fallback + hs->lost + hs->busy, 0);
	CU_ASSERT_EQUAL(hs->hold_timeout + hs->hold_full, 0);
	CU_ASSERT_EQUAL(tc_get_stats(two.w->tc)->pending_unmatched, 0);
	CU_ASSERT_EQUAL(tc_get_stats(two.w->tc)->corrected_follow_up, K);
	CU_ASSERT_EQUAL(tc_get_stats(two.w->tc)->corrected_delay_resp, K);
	printf("\n  two-step on hw TX stamps: worst |cf - true residence x "
	       "ratio| = %.3f ns over %u messages; %lu held, %lu stamped\n",
	       worst_err, n_checked, (unsigned long)hs->held,
	       (unsigned long)hs->stamped);
}

/* A held Follow_Up whose Sync never gets a stamp is released once the
 * backend gives up; the residence then comes from the predicted time. */
static void test_hold_timeout(void)
{
	const struct tc_hwtx_stats *hs = tc_hwtx_get_stats(two.w->hwtx);
	uint64_t fallback = hs->fallback, released = hs->released;
	uint16_t seq = 7;

	rte_eth_timesync_disable(two.app.ports[1].port_id);	/* no latch */
	vnow += SYNC_GAP_NS;
	glue_send_ptp(two.p_gm, PTP_SYNC, seq, 0);
	vnow += 500;
	glue_send_ptp(two.p_gm, PTP_FOLLOW_UP, seq, 0);
	worker_round(&two);
	CU_ASSERT_EQUAL(glue_recv_cf(two.p_rx, PTP_SYNC, seq), 0.0);
	CU_ASSERT_EQUAL(receive(two.p_rx, &(struct rte_mbuf *){ NULL }, 1), 0);
	vnow += TS_ETHDEV_TX_TIMEOUT_NS + 1;
	worker_round(&two);
	CU_ASSERT_EQUAL(hs->fallback, fallback + 1);
	CU_ASSERT_EQUAL(hs->released, released + 1);
	CU_ASSERT(glue_recv_cf(two.p_rx, PTP_FOLLOW_UP, seq) > 0.0);
	CU_ASSERT_EQUAL(hs->hold_timeout, 0);
	rte_eth_timesync_enable(two.app.ports[1].port_id);
}

/* A plain frame (local experimental ethertype) from src to dst (last octets; 02:00:00:
 * 00:00:xx, src 0x100 | x: the group MAC 03:00:00:00:00:xx). */
static struct rte_mbuf *eth_mbuf(uint8_t dst, unsigned int src)
{
	uint8_t buf[60] = { 0x02, 0, 0, 0, 0, dst,
			    0x02, 0, 0, 0, 0, (uint8_t)src, 0x88, 0xb5 };

	if (src & 0x100)
		buf[6] = 0x03;
	memset(buf + 14, 0x5a, sizeof(buf) - 14);
	return glue_mbuf(buf, sizeof(buf));
}

/* The n frames of m (n <= 8) as one burst into far end in: how many left
 * at far end out (freed). */
static uint16_t switch_burst(int in, int out, struct rte_mbuf **m, uint16_t n)
{
	struct rte_mbuf *got_m[8];
	uint16_t got;

	send_burst(in, m, n);
	worker_round(&one);
	got = receive(out, got_m, 8);
	free_all(got_m, got);
	return got;
}

/* n frames from dst..src into far end in; how many left at far end out. */
static uint16_t switch_frames(int in, int out, uint8_t dst, unsigned int src,
			      uint16_t n)
{
	struct rte_mbuf *m[8];
	uint16_t i;

	for (i = 0; i < n; i++)
		m[i] = eth_mbuf(dst, src);
	return switch_burst(in, out, m, n);
}

/*
 * Plain switching through the learn cache and the destination memo's
 * quick answer: an unknown destination floods (counted), a learnt one
 * goes to its port only, frames back to their own port are filtered
 * (each counted, also the ones the memo answers in the same burst), a
 * destination learnt after a memoised flood is no longer flooded, and a
 * group source MAC is switched but never learnt.
 */
static void test_plain_learn_memo(void)
{
	struct worker *w = one.w;
	uint64_t flood0 = w->stats[0].flooded, flood1 = w->stats[1].flooded;
	uint64_t filt = w->stats[0].drop[DROP_FILTERED], calls;

	/* 0xd1 unknown: flooded A -> B; 0xa1 learnt on A */
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd1, 0xa1, 3), 3);
	CU_ASSERT_EQUAL(w->stats[0].flooded, flood0 + 3);
	/* back to 0xa1 from B: A only, not a flood; 0xd1 learnt on B */
	CU_ASSERT_EQUAL(switch_frames(one.p_rx, one.p_gm, 0xa1, 0xd1, 3), 3);
	CU_ASSERT_EQUAL(w->stats[1].flooded, flood1);
	/* to 0xa1 from A itself: filtered, every frame counted */
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xa1, 0xa2, 4), 0);
	CU_ASSERT_EQUAL(w->stats[0].drop[DROP_FILTERED], filt + 4);
	/* 0xd1 is known now (the flood memoised above is forgotten) */
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd1, 0xa1, 2), 2);
	CU_ASSERT_EQUAL(w->stats[0].flooded, flood0 + 3);
	/* a group source: flooded on, not learnt (no fdb learn, and frames
	 * to that MAC as unicast 02:..:c1 from B stay unknown) */
	calls = w->fdb_learn_calls;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd2, 0x1c1, 3), 3);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls);
	CU_ASSERT_EQUAL(w->stats[0].flooded, flood0 + 6);
	CU_ASSERT_EQUAL(switch_frames(one.p_rx, one.p_gm, 0xc1, 0xd1, 1), 1);
	CU_ASSERT_EQUAL(w->stats[1].flooded, flood1 + 1);
	/* one burst from B: to 0xe1 (unknown, the memo floods it), from 0xe1
	 * to itself (learnt on B first: the memo forgets it, and the frame
	 * is filtered), to 0xe1 again: filtered too */
	{
		struct rte_mbuf *m[3] = { eth_mbuf(0xe1, 0xd1),
					  eth_mbuf(0xe1, 0xe1),
					  eth_mbuf(0xe1, 0xd1) };
		uint64_t filt1 = w->stats[1].drop[DROP_FILTERED];
		uint64_t fl1 = w->stats[1].flooded;

		CU_ASSERT_EQUAL(switch_burst(one.p_rx, one.p_gm, m, 3), 1);
		CU_ASSERT_EQUAL(w->stats[1].drop[DROP_FILTERED], filt1 + 2);
		CU_ASSERT_EQUAL(w->stats[1].flooded, fl1 + 1);
	}
	/* one burst from A to two unknown MACs in turn (f1 f1 f2 f2 f2 f1):
	 * each frame after a change of MAC joins the run through the memo
	 * resolved again, and every frame is counted as a flood once */
	{
		struct rte_mbuf *m[6] = { eth_mbuf(0xf1, 0xa1),
					  eth_mbuf(0xf1, 0xa1),
					  eth_mbuf(0xf2, 0xa1),
					  eth_mbuf(0xf2, 0xa1),
					  eth_mbuf(0xf2, 0xa1),
					  eth_mbuf(0xf1, 0xa1) };
		uint64_t fl0 = w->stats[0].flooded;

		CU_ASSERT_EQUAL(switch_burst(one.p_gm, one.p_rx, m, 6), 6);
		CU_ASSERT_EQUAL(w->stats[0].flooded, fl0 + 6);
	}
	/* to three unknown MACs in turn, twice (f3 f4 f5 f3 f4 f5): one
	 * fdb lookup each (the destination cache), every frame flooded */
	{
		struct rte_mbuf *m[6];
		uint64_t fl0 = w->stats[0].flooded;
		uint64_t looked = w->fdb_lookup_calls;
		int i;

		for (i = 0; i < 6; i++)
			m[i] = eth_mbuf((uint8_t)(0xf3 + i % 3), 0xa1);

		CU_ASSERT_EQUAL(switch_burst(one.p_gm, one.p_rx, m, 6), 6);
		CU_ASSERT_EQUAL(w->stats[0].flooded, fl0 + 6);
		CU_ASSERT_EQUAL(w->fdb_lookup_calls, looked + 3);
	}
}

/*
 * A source MAC seen on both ports at once (a loop, or one capture
 * replayed into two ports) goes to the fdb once per learn epoch, not at
 * every frame; its move is learned at its first frame of the next epoch,
 * and frames to it follow.
 */
static void test_mac_two_ports(void)
{
	struct worker *w = one.w;
	uint64_t epoch = 1ull << w->learn_shift, calls, flood0;
	int i;

	vnow = (vnow | (epoch - 1)) + 1;	/* an epoch starts */
	/* 0xb1 learnt on A, then seen from B, A, B, ... in this epoch */
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb1, 1), 1);
	calls = w->fdb_learn_calls;
	for (i = 0; i < 8; i++) {
		int from_b = i % 2 == 0;

		CU_ASSERT_EQUAL(switch_frames(from_b ? one.p_rx : one.p_gm,
					      from_b ? one.p_gm : one.p_rx,
					      0xd3, 0xb1, 2), 2);
	}
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls);
	/* next epoch: from B, moved there; frames to it from A go to B
	 * only (no flood) */
	vnow += epoch;
	CU_ASSERT_EQUAL(switch_frames(one.p_rx, one.p_gm, 0xd3, 0xb1, 1), 1);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls + 1);
	flood0 = w->stats[0].flooded;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xb1, 0xa1, 2), 2);
	CU_ASSERT_EQUAL(w->stats[0].flooded, flood0);
}

/*
 * An active MAC that stays on its port goes to the fdb once per
 * learn_refresh_ns (fdb aging / 128), not at every learn epoch, also
 * while another MAC moves; a move of its own (another lcore's) in the
 * fdb since it was handed over sends it once more.
 */
static void test_learn_renew(void)
{
	static const uint8_t b5[6] = { 0x02, 0, 0, 0, 0, 0xb5 };
	static const uint8_t b6[6] = { 0x02, 0, 0, 0, 0, 0xb6 };
	struct worker *w = one.w;
	uint64_t epoch = 1ull << w->learn_shift, calls, renewed, m5, m6;
	uint64_t flood1;
	int i;

	CU_ASSERT(w->learn_refresh_ns > 8 * epoch);
	vnow = (vnow | (epoch - 1)) + 1;	/* an epoch starts */
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5, 1), 1);
	calls = w->fdb_learn_calls;
	renewed = w->learn_renewed;
	for (i = 0; i < 4; i++) {	/* four more epochs on A */
		vnow += epoch;
		CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5,
					      1), 1);
	}
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls);
	CU_ASSERT_EQUAL(w->learn_renewed, renewed + 4);
	/* learn_refresh_ns later: handed over again (the fdb's aging) */
	vnow += w->learn_refresh_ns;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5, 1), 1);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls + 1);
	/* 0xb6 learnt on A, then moved to B: a move in another move slot,
	 * so 0xb5's next epoch is renewed all the same */
	m5 = fdb_moves_of(w->app->fdb, b5);
	m6 = fdb_moves_of(w->app->fdb, b6);
	vnow += epoch;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb6, 1), 1);
	vnow += epoch;
	CU_ASSERT_EQUAL(switch_frames(one.p_rx, one.p_gm, 0xd3, 0xb6, 1), 1);
	CU_ASSERT_EQUAL(fdb_moves_of(w->app->fdb, b6), m6 + 1);
	CU_ASSERT_EQUAL(fdb_moves_of(w->app->fdb, b5), m5);
	calls = w->fdb_learn_calls;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5, 1), 1);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls);
	/* 0xb5 moved to B by another lcore (the fdb directly): its next
	 * epoch on A goes to the fdb, which moves it back, and frames to
	 * it from B go to A only; that move of its own hands it over once
	 * more in the next epoch, the epoch after is renewed again */
	CU_ASSERT_EQUAL(fdb_learn(w->app->fdb, b5, 1, vnow), 0);
	CU_ASSERT_EQUAL(fdb_moves_of(w->app->fdb, b5), m5 + 1);
	vnow += epoch;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5, 1), 1);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls + 1);
	CU_ASSERT_EQUAL(fdb_lookup(w->app->fdb, b5, vnow), 0);
	flood1 = w->stats[1].flooded;
	CU_ASSERT_EQUAL(switch_frames(one.p_rx, one.p_gm, 0xb5, 0xc7, 2), 2);
	CU_ASSERT_EQUAL(w->stats[1].flooded, flood1);
	calls = w->fdb_learn_calls;	/* and 0xc7 learned */
	vnow += epoch;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5, 1), 1);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls + 1);
	vnow += epoch;
	CU_ASSERT_EQUAL(switch_frames(one.p_gm, one.p_rx, 0xd3, 0xb5, 1), 1);
	CU_ASSERT_EQUAL(w->fdb_learn_calls, calls + 1);
}

/*
 * One-step with syntonize on, a two-step time transmitter running
 * 1/GM_PPM_NUM fast: its Follow_Ups are switched as they are
 * (ptp_as_is()), byte for byte and not counted as the TC's, and
 * still feed the rate estimator on the way (tc_ingress()), which ends at
 * the transmitter's rate, as in the two-step rig.
 */
static void test_onestep_follow_up_rate(void)
{
	uint64_t ptp_tx = one.w->stats[1].ptp_tx;
	const struct tc_stats *st = tc_get_stats(one.w->tc);
	uint64_t corrected_fu = st->corrected_follow_up;
	struct tc_params p = one.view.tc;
	struct ptpsim_record rec;
	struct rte_mbuf *out[4];
	uint8_t buf[256];
	unsigned int k;
	uint16_t n, seq;
	int64_t origin;
	size_t len;

	p.syntonize = true;
	CU_ASSERT_FATAL(tc_reconfigure(one.w->tc, &p) == 0);
	CU_ASSERT_TRUE(tc_general_passes(one.w->tc));
	for (k = 0; k < 24; k++) {
		seq = (uint16_t)(400 + k);
		vnow += SYNC_GAP_NS;
		refresh_maps(&one);
		glue_send_ptp(one.p_gm, PTP_SYNC, seq, 0);
		CU_ASSERT_FATAL(ptpsim_find_record((uint16_t)one.p_gm, false,
						   PTP_SYNC, seq, &rec) == 0);
		vnow += 500;
		origin = (int64_t)(rec.true_wire_ns +
				   rec.true_wire_ns / GM_PPM_NUM);
		len = glue_build_ptp(buf, sizeof(buf), PTP_FOLLOW_UP, 0, seq,
				     true, origin, (ptp_cf_t){ 0 });
		CU_ASSERT_FATAL(len > 0);
		glue_send_ptp(one.p_gm, PTP_FOLLOW_UP, seq, origin);
		worker_round(&one);
		worker_round(&one);
		n = receive(one.p_rx, out, 4);
		CU_ASSERT_EQUAL_FATAL(n, 2);
		CU_ASSERT(rte_pktmbuf_data_len(out[1]) == len &&
			  memcmp(rte_pktmbuf_mtod(out[1], void *), buf, len) == 0);
		free_all(out, n);
	}
	CU_ASSERT(fabs(tc_rate_ratio(one.w->tc, 0) - (1.0 + 1.0 / GM_PPM_NUM))
		  < 1e-9);
	CU_ASSERT_EQUAL(st->corrected_follow_up, corrected_fu);
	/* the Syncs only: sent alone for their stamps, the TC's */
	CU_ASSERT_EQUAL(one.w->stats[1].ptp_tx, ptp_tx + 24);
	CU_ASSERT_FATAL(tc_reconfigure(one.w->tc, &one.view.tc) == 0);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "one-step burst: run, TX buffer, order, CF",
		  test_burst_in_order },
		{ "one-step Sync in the TX buffer after the run's Announce",
		  test_tx_buffer_tc },
		{ "Announce, Pdelay_Req, one-step Follow_Up, Delay_Resp keep the run",
		  test_as_is_keeps_run },
		{ "one-step Delay_Req the other way", test_delay_req },
		{ "a Pdelay_Req of a TC domain: as it came, not the TC's",
		  test_tc_leaves_alone },
		{ "Pdelay_Req cut short or alternateMaster: classified in full",
		  test_pdelay_checks },
		{ "plain frames: learn, memo, filter, group source",
		  test_plain_learn_memo },
		{ "a MAC on two ports: one fdb learn per epoch, then moved",
		  test_mac_two_ports },
		{ "a MAC that stays put: the fdb once per refresh, not per "
		  "epoch", test_learn_renew },
		{ "one-step, syntonize: Follow_Ups as they are feed the rate",
		  test_onestep_follow_up_rate },
		{ "two-step on hw TX stamps: Follow_Up/Delay_Resp "
		  "cf == true residence x ratio", test_two_step_hw_tx },
		{ "two-step: no TX stamp, backend timeout, predicted residence",
		  test_hold_timeout },
		{ NULL, NULL },
	};

	if (glue_eal_init("ptpsw_glue_worker") != 0 || glue_pool() == NULL) {
		fprintf(stderr, "EAL set-up failed\n");
		return -1;
	}
	ptpsim_set_time_source(vclock_now);
	if (setup_rig(&one) != 0 || setup_rig(&two) != 0) {
		fprintf(stderr, "ptpsim / worker set-up failed\n");
		return -1;
	}
	refresh_maps(&one);
	return test_add_suite("worker", cases);
}
