/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's real loop (app/worker.c, worker_tx.c, worker_ctl.c,
 * included here chrony style: its static functions are the ones that
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
#undef timebase_now

#include "ptpsim.h"
#include "glue_util.h"
#include "../unit/cunit_main.h"

volatile sig_atomic_t app_quit;
volatile sig_atomic_t app_dump;
int ptpsw_logtype;

static uint64_t vnow = 3000000000000ULL;
uint64_t vclock_now(void) { return vnow; }

static const char cfg[] =
	"ports = (\n"
	"  { name = \"a\"; device = \"net_ptpsim_wa\"; timestamping = \"hardware\"; },\n"
	"  { name = \"b\"; device = \"net_ptpsim_wb\"; timestamping = \"hardware\"; } );\n"
	"transparent_clock = { enabled = true; mode = \"one-step\";\n"
	"  syntonize = false; domains = \"all\"; };\n";

/* A's RX + B's TX latency, B's RX + A's TX (the port arguments below) */
#define LAT_AB	(110.0 + 170.0)
#define LAT_BA	(130.0 + 210.0)

static struct app app;
static struct fwd_view view;
static struct worker *w;
static int p_gm, p_rx;

static void no_free(void *v, void *arg)
{
	(void)v;
	(void)arg;
}

static int open_port(unsigned int i, const char *name, const char *args)
{
	char err[256];
	int id = glue_port_create(name, args, 0);

	if (id < 0)
		return -1;
	app.ports[i].port_id = (uint16_t)id;
	app.ports[i].link_up = 1;
	if (ts_source_open(&app.ports[i].ts, (uint16_t)id, CONF_TS_HARDWARE,
			   err, sizeof(err)) != 0) {
		fprintf(stderr, "ts_source_open: %s\n", err);
		return -1;
	}
	return 0;
}

/* The app as main.c sets it up for one worker polling both ports. */
static int setup_app(void)
{
	struct conf_error ce;

	ptpsim_set_time_source(vclock_now);
	p_gm = glue_port_create("net_ptpsim_wgm",
		"peer=net_ptpsim_wa,wire_ns=400,tx_lat_ns=150,rx_lat_ns=150", 0);
	p_rx = glue_port_create("net_ptpsim_wrx",
		"peer=net_ptpsim_wb,wire_ns=600,tx_lat_ns=90,rx_lat_ns=90", 0);
	if (p_gm < 0 || p_rx < 0 ||
	    open_port(0, "net_ptpsim_wa", "peer=net_ptpsim_wgm,ppm=50,"
		      "offset_ns=2000000,wire_ns=400,rx_lat_ns=110,tx_lat_ns=210") ||
	    open_port(1, "net_ptpsim_wb", "peer=net_ptpsim_wrx,ppm=-50,"
		      "offset_ns=-5000000,wire_ns=600,rx_lat_ns=130,tx_lat_ns=170"))
		return -1;
	rte_eth_timesync_enable((uint16_t)p_gm);
	rte_eth_timesync_enable((uint16_t)p_rx);
	if (conf_load_string(cfg, "test_worker", &app.conf, &ce) != 0) {
		fprintf(stderr, "config: %s\n", ce.msg);
		return -1;
	}
	app.n_ports = 2;
	app.pool = glue_pool();
	app.meta_offset = meta_register();
	app.fdb = fdb_create(1024, 300000000000ULL);
	app.bc_ring = rte_ring_create("tw_bc", 64, 0, 0);
	fwd_view_build(&app.conf, &view);
	if (app.meta_offset < 0 || app.fdb == NULL || app.bc_ring == NULL ||
	    vswap_init(&app.views, 1, &view, no_free, NULL) != 0)
		return -1;
	w = worker_create(&app, 0, 0);
	if (w == NULL)
		return -1;
	w->n_rx = 2;
	w->rx_ports[0] = 0;
	w->rx_ports[1] = 1;
	tx_stamps_setup(w);
	return 0;
}

/* Let what is on the wire arrive, then one round of the worker. */
static void worker_round(void)
{
	vnow += 20000;
	ts_source_refresh(&app.ports[0].ts);
	ts_source_refresh(&app.ports[1].ts);
	worker_poll(w);
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

/*
 * One burst from the GM: plain, one-step Sync, Announce, plain. The first
 * two leave in the burst's run (the Sync corrected by tc_run()), the
 * Announce closes it and leaves from B's TX buffer with the second plain
 * frame: all four arrive in order, the plain frames and the Announce byte
 * for byte, the Sync with its residence added.
 */
static void test_burst_in_order(void)
{
	struct rte_mbuf *in[4], *ref[4], *out[8];
	uint16_t i, n;

	in[0] = plain_mbuf(1);
	in[1] = ptp_mbuf(PTP_SYNC, 11, false);
	in[2] = ptp_mbuf(PTP_ANNOUNCE, 11, false);
	in[3] = plain_mbuf(2);
	for (i = 0; i < 4; i++) {
		ref[i] = rte_pktmbuf_copy(in[i], app.pool, 0, UINT32_MAX);
		CU_ASSERT_FATAL(ref[i] != NULL);
	}
	send_burst(p_gm, in, 4);
	worker_round();
	n = receive(p_rx, out, 8);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (i = 0; i < 4; i++)
		if (i != 1)
			CU_ASSERT(rte_pktmbuf_data_len(out[i]) ==
				  rte_pktmbuf_data_len(ref[i]) &&
				  memcmp(rte_pktmbuf_mtod(out[i], void *),
					 rte_pktmbuf_mtod(ref[i], void *),
					 rte_pktmbuf_data_len(ref[i])) == 0);
	same_but_cf(out[1], ref[1]);
	check_cf(out[1], true_residence(app.ports[0].port_id,
					app.ports[1].port_id, PTP_SYNC, 11),
		 LAT_AB);
	CU_ASSERT_EQUAL(w->stats[1].ptp_corrected, 1);
	CU_ASSERT_EQUAL(w->stats[0].rx_pkts, 4);
	CU_ASSERT_EQUAL(w->stats[1].tx_pkts, 4);
	free_all(out, n);
	free_all(ref, 4);
}

/* An Announce, then a one-step Sync: the Announce waits in B's TX buffer,
 * so the Sync cannot open a run and goes there too (handle_ptp()); the TX
 * buffer's TC (tx_tc()) corrects it. Order kept. */
static void test_tx_buffer_tc(void)
{
	struct rte_mbuf *in[2], *ref[2], *out[4];
	uint64_t corrected = w->stats[1].ptp_corrected;
	uint16_t n;

	in[0] = ptp_mbuf(PTP_ANNOUNCE, 12, false);
	in[1] = ptp_mbuf(PTP_SYNC, 12, false);
	ref[0] = rte_pktmbuf_copy(in[0], app.pool, 0, UINT32_MAX);
	ref[1] = rte_pktmbuf_copy(in[1], app.pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(ref[0] != NULL && ref[1] != NULL);
	send_burst(p_gm, in, 2);
	worker_round();
	n = receive(p_rx, out, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod(out[0], void *),
			 rte_pktmbuf_mtod(ref[0], void *),
			 rte_pktmbuf_data_len(ref[0])) == 0);
	same_but_cf(out[1], ref[1]);
	check_cf(out[1], true_residence(app.ports[0].port_id,
					app.ports[1].port_id, PTP_SYNC, 12),
		 LAT_AB);
	CU_ASSERT_EQUAL(w->stats[1].ptp_corrected, corrected + 1);
	free_all(out, n);
	free_all(ref, 2);
}

/* A Delay_Req the other way, rx -> B -> A -> gm. */
static void test_delay_req(void)
{
	struct rte_mbuf *in = ptp_mbuf(PTP_DELAY_REQ, 13, false), *ref, *out;

	ref = rte_pktmbuf_copy(in, app.pool, 0, UINT32_MAX);
	CU_ASSERT_FATAL(ref != NULL);
	send_burst(p_rx, &in, 1);
	worker_round();
	CU_ASSERT_EQUAL_FATAL(receive(p_gm, &out, 1), 1);
	same_but_cf(out, ref);
	check_cf(out, true_residence(app.ports[1].port_id,
				     app.ports[0].port_id, PTP_DELAY_REQ, 13),
		 LAT_BA);
	rte_pktmbuf_free(out);
	rte_pktmbuf_free(ref);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "burst: run, TX buffer, order, CF", test_burst_in_order },
		{ "Sync behind an Announce: TX buffer's TC", test_tx_buffer_tc },
		{ "Delay_Req the other way", test_delay_req },
		{ NULL, NULL },
	};

	if (glue_eal_init("ptpsw_glue_worker") != 0 || glue_pool() == NULL ||
	    setup_app() != 0) {
		fprintf(stderr, "EAL / ptpsim / worker set-up failed\n");
		return -1;
	}
	return test_add_suite("worker", cases);
}
