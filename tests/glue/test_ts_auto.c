/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_source_open(AUTO) picks the right backend per port kind, and the
 * ethdev backend's clockmap tracks a real-time simulated PHC (TSC-driven,
 * real cross-timestamps with their bracketing noise).
 */

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/sockios.h>

#include <CUnit/CUnit.h>
#include <rte_bus_vdev.h>
#include <rte_ethdev.h>

#include "glue_util.h"
#include "ptpsim.h"
#include "sendwarm.h"
#include "timebase.h"
#include "ts_ethdev.h"
#include "ts_source.h"
#include "../unit/cunit_main.h"

static char pcap_rx[64], pcap_tx[64];

/* A pcap file with one PTP frame, for net_pcap's rx_pcap. */
static int write_pcap(const char *path)
{
	uint32_t gh[6] = { 0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1 };
	uint8_t frame[256];
	size_t len = glue_build_ptp(frame, sizeof(frame), 0, 0, 1, true, 0,
				    (ptp_cf_t){ 0 });
	uint32_t rh[4] = { 1, 0, (uint32_t)len, (uint32_t)len };
	FILE *f = fopen(path, "wb");

	if (f == NULL || len == 0)
		return -1;
	fwrite(gh, sizeof(gh), 1, f);
	fwrite(rh, sizeof(rh), 1, f);
	fwrite(frame, len, 1, f);
	return fclose(f);
}

static const char *open_name(const char *vdev, const char *args,
			     uint64_t offloads, enum conf_ts_mode mode,
			     struct ts_source *ts)
{
	char err[256];
	int pid = glue_port_create(vdev, args, offloads);

	if (pid < 0)
		return NULL;
	if (ts_source_open(ts, (uint16_t)pid, mode, err, sizeof(err)) != 0)
		return "(failed)";
	return ts_source_name(ts);
}

static void test_auto_sim(void)
{
	struct ts_source ts;
	const char *n = open_name("net_ptpsim_auto", "ppm=10", 0,
				  CONF_TS_AUTO, &ts);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "ethdev-timesync");
	CU_ASSERT(ts.caps.timesync && ts.caps.read_clock && ts.caps.tx_hw);
	ts_source_close(&ts);
}

static void test_auto_pcap(void)
{
	char args[160];
	struct ts_source ts;
	const char *n;

	snprintf(args, sizeof(args), "rx_pcap=%s,tx_pcap=%s", pcap_rx, pcap_tx);
	n = open_name("net_pcap_auto", args, 0, CONF_TS_AUTO, &ts);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "rx-dynfield");
	ts_source_close(&ts);
}

static void test_auto_null(void)
{
	struct ts_source ts;
	const char *n = open_name("net_null_auto", "", 0, CONF_TS_AUTO, &ts);
	char err[256];

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "software");
	ts_source_close(&ts);
	/* and "hardware" is refused with a reason */
	err[0] = '\0';
	CU_ASSERT_EQUAL(ts_source_open(&ts, ts.port_id, CONF_TS_HARDWARE, err,
				       sizeof(err)), -1);
	CU_ASSERT(strlen(err) > 0);
}

/* Send one UDP datagram over lo (to the discard port). */
static int send_lo_datagram(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(9) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	if (fd < 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ret = sendto(fd, "ptpsw", 5, 0, (struct sockaddr *)&a, sizeof(a)) == 5 ?
	      0 : -1;
	close(fd);
	return ret;
}

/*
 * net_af_packet: the kernel's receive time from the ring. A datagram sent
 * over lo 20 ms before the poll must carry a stamp about 20 ms before the
 * burst (not the poll time), and a frame whose data no longer matches its
 * ring slot must fall back to the burst's time.
 */
static void test_auto_af_packet(void)
{
	struct timespec ms20 = { 0, 20 * 1000 * 1000 };
	struct rte_mbuf *m[32];
	uint64_t stamps[32], t_send, t_burst, before;
	struct ts_source ts;
	const char *n = open_name("net_af_packet_auto", "iface=lo", 0,
				  CONF_TS_AUTO, &ts);
	uint16_t got = 0, i;
	bool ours = false;

	if (n == NULL) {
		printf("\n  SKIP: af_packet on lo unavailable (needs root)\n");
		return;
	}
	CU_ASSERT_STRING_EQUAL_FATAL(n, "af_packet-ring");
	while ((got = rte_eth_rx_burst(ts.port_id, 0, m, 32)) > 0)	/* drain */
		for (i = 0; i < got; i++)
			rte_pktmbuf_free(m[i]);
	t_send = timebase_now();
	CU_ASSERT_FATAL(send_lo_datagram() == 0);
	nanosleep(&ms20, NULL);
	for (int k = 0; k < 50 && got == 0; k++) {
		got = rte_eth_rx_burst(ts.port_id, 0, m, 32);
		if (got == 0)
			nanosleep(&ms20, NULL);
	}
	CU_ASSERT_FATAL(got > 0);
	before = ts.rx_stamped;
	t_burst = timebase_now();
	ts_source_rx_burst(&ts, m, got, stamps);
	CU_ASSERT_EQUAL(ts.rx_stamped - before, got);
	for (i = 0; i < got; i++) {
		CU_ASSERT(stamps[i] <= t_burst);
		/* ours: sent at t_send, stamped by the kernel within 1 ms */
		if (stamps[i] + 100000 >= t_send && stamps[i] <= t_send + 1000000)
			ours = true;
	}
	CU_ASSERT(ours);
	printf("\n  af_packet on lo: %u frames, first stamped %.1f us before "
	       "the burst (sent %.1f us before)\n", got,
	       (double)(t_burst - stamps[0]) / 1e3,
	       (double)(t_burst - t_send) / 1e3);
	/* data that no longer matches its slot: the burst's time */
	before = ts.rx_fallback;
	rte_pktmbuf_mtod(m[0], uint8_t *)[0] ^= 0xff;
	ts_source_rx_burst(&ts, m, 1, stamps);
	CU_ASSERT_EQUAL(ts.rx_fallback - before, 1);
	CU_ASSERT(stamps[0] >= t_burst);
	rte_pktmbuf_mtod(m[0], uint8_t *)[0] ^= 0xff;	/* matches again */
	/* CLOCK_REALTIME "jumps" 100 ms back (the map moved instead, as the
	 * test switch does): the burst takes its own time, counted, with the
	 * map's error; after the next renewal the kernel's stamp again */
	{
		struct clockmap *cm = ts.ops->rt_map ? ts.ops->rt_map(&ts) : NULL;
		uint64_t stale = ts.rx_map_stale, first;
		struct rte_mbuf **last = &m[got - 1];	/* its ring slot */

		CU_ASSERT_PTR_NOT_NULL_FATAL(cm);
		ts_source_rx_burst(&ts, last, 1, stamps);
		first = stamps[0];
		CU_ASSERT(first < t_burst);
		CU_ASSERT_EQUAL(ts.rx_map_stale, stale);
		clockmap_shift(cm, -100000000);
		before = ts.rx_fallback;
		t_burst = timebase_now();
		ts_source_rx_burst(&ts, last, 1, stamps);
		CU_ASSERT_EQUAL(ts.rx_map_stale, stale + 1);
		CU_ASSERT_EQUAL(ts.rx_fallback - before, 1);
		CU_ASSERT(stamps[0] >= t_burst);
		CU_ASSERT(llabs(ts.rx_map_err_ns + 100000000) < 1000000);
		ts_source_refresh(&ts);		/* the map restarts */
		before = ts.rx_stamped;
		ts_source_rx_burst(&ts, last, 1, stamps);
		CU_ASSERT_EQUAL(ts.rx_stamped - before, 1);
		CU_ASSERT_EQUAL(ts.rx_map_stale, stale + 1);
		CU_ASSERT(llabs((long long)(stamps[0] - first)) < 1000000);
		printf("  af_packet on lo: a 100 ms map error caught (%" PRId64
		       " ns), the renewed map stamps %.1f us from the first\n",
		       ts.rx_map_err_ns, (double)((int64_t)(stamps[0] - first)) / 1e3);
	}
	for (i = 0; i < got; i++)
		rte_pktmbuf_free(m[i]);
	/* the self-test proved the ring's RX stamps on lo too */
	CU_ASSERT(strstr(ts.rx_desc, "self-test") != NULL &&
		  strstr(ts.rx_desc, " us") != NULL);
	printf("  af_packet on lo: rx %s; tx %s\n", ts.rx_desc, ts.tx_desc);
	ts_source_close(&ts);
	/* "software" still forces TSC stamps */
	CU_ASSERT_EQUAL(ts_source_open(&ts, ts.port_id, CONF_TS_SOFTWARE,
				       NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(ts_source_name(&ts), "software");
	ts_source_close(&ts);
}

/* Delete the test's network namespace (and the veth pair with it). */
static void ns_del(const char *ns)
{
	char cmd[96];

	snprintf(cmd, sizeof(cmd), "ip netns del %s 2>/dev/null", ns);
	if (system(cmd) != 0)
		printf("\n  could not delete netns %s\n", ns);
}

/* Poll ts for a completion for up to 100 ms: its result (0: none). */
static int poll_tx(struct ts_source *ts, uint64_t *cookie, uint64_t *tx)
{
	struct timespec ms1 = { 0, 1000 * 1000 };
	int r = 0;

	for (int i = 0; i < 100; i++) {
		r = ts_source_tx_poll(ts, cookie, tx);
		if (r != 0)
			break;
		nanosleep(&ms1, NULL);
	}
	return r;
}

/* A stamped send of frame (len) as cookie; 1 if its stamp came back
 * with that cookie between just before the send and the poll. */
static int stamped_send(struct ts_source *ts, const uint8_t *frame,
			size_t len, uint64_t want)
{
	struct rte_mbuf *m = glue_mbuf(frame, len);
	uint64_t before, after, cookie = 0, tx = 0;
	int r;

	if (m == NULL)
		return -1;
	before = timebase_now();
	r = ts_source_tx_event(ts, 0, m, want);
	if (r != 0) {
		rte_pktmbuf_free(m);
		return r;
	}
	r = poll_tx(ts, &cookie, &tx);
	after = timebase_now();
	if (r != 1 || cookie != want)
		return r == 1 ? -EINVAL : r;
	return tx + 20000 >= before && tx <= after ? 1 : -ERANGE;
}

/*
 * net_af_packet TX stamps (two-step TC, BC): a veth pair whose peer sits
 * in a network namespace of this test's own. The start-up self-test must
 * prove RX and TX stamps; a PTP frame sent with ts_source_tx_event()
 * must come back from ts_source_tx_poll() with its cookie and a stamp
 * between just before the send and the poll, from the socket's error
 * queue, whatever the kernel does with the PMD's TX ring (ordinary
 * bursts that wrap that ring change nothing). With the test switch on,
 * a stamped send must time out (not be lost), and stamps come back when
 * it is off.
 */
static void test_af_packet_tx(void)
{
	char ns[32], ifa[16], ifb[16], args[48], cmd[384];
	uint8_t frame[256];
	struct ts_source ts;
	const struct ts_tx_stats *st;
	uint64_t cookie = 0, tx = 0;
	size_t len;
	const char *n;
	int r, k, on = 1, fd;
	unsigned int stamped = 0;

	snprintf(ns, sizeof(ns), "ptpsw-glue-%d", (int)getpid());
	snprintf(ifa, sizeof(ifa), "pgt%da", (int)getpid() % 1000000);
	snprintf(ifb, sizeof(ifb), "pgt%db", (int)getpid() % 1000000);
	snprintf(cmd, sizeof(cmd), "ip netns add %s 2>/dev/null && "
		 "ip link add %s type veth peer name %s netns %s && "
		 "ip link set %s up && ip -n %s link set %s up",
		 ns, ifa, ifb, ns, ifa, ns, ifb);
	if (system(cmd) != 0) {		/* not root, or no netns */
		printf("\n  SKIP: veth/netns unavailable (needs root)\n");
		ns_del(ns);
		return;
	}
	/* receive stamps are taken only while some socket asks for them */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	CU_ASSERT(fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on,
					sizeof(on)) == 0);
	/* qdisc_bypass=0: the stamp socket goes through the qdisc too, and
	 * the PMD must drop outgoing frames (checked below) */
	snprintf(args, sizeof(args), "iface=%s,qdisc_bypass=0", ifa);
	n = open_name("net_af_packet_tx", args, 0, CONF_TS_AUTO, &ts);
	CU_ASSERT_PTR_NOT_NULL(n);
	if (n == NULL)
		goto out;
	printf("\n  veth: rx %s; tx %s\n", ts.rx_desc, ts.tx_desc);
	CU_ASSERT_STRING_EQUAL(n, "af_packet-ring");
	CU_ASSERT(strncmp(ts.rx_desc, "kernel receive time (ring), self-test ",
			  38) == 0 && strstr(ts.rx_desc, " us") != NULL);
	CU_ASSERT(strncmp(ts.tx_desc, "kernel software stamps (error queue)",
			  35) == 0);
	CU_ASSERT(ts.tx_selftest_ns > 0 && ts.tx_selftest_ns < 50000000);
	CU_ASSERT_FATAL(ts_source_has_tx_event(&ts));
	len = glue_build_ptp(frame, sizeof(frame), 0, 0, 7, true, 0,
			     (ptp_cf_t){ 0 });
	for (k = 0; k < 5; k++) {
		frame[len - 1] = (uint8_t)k;	/* distinct frames */
		r = stamped_send(&ts, frame, len, 100 + (uint64_t)k);
		CU_ASSERT_EQUAL(r, 1);
		stamped += r == 1;
	}
	/* ordinary bursts wrap the PMD's TX ring (512 slots) twice */
	for (k = 0; k < 40; k++) {
		struct rte_mbuf *b[32];
		uint16_t i, got;

		for (i = 0; i < 32; i++)
			b[i] = glue_mbuf(frame, len);
		got = rte_eth_tx_burst(ts.port_id, 0, b, 32);
		CU_ASSERT_EQUAL(got, 32);
		for (i = got; i < 32; i++)
			rte_pktmbuf_free(b[i]);
	}
	/* a stamped send still works after that */
	frame[len - 1] = 0x55;
	CU_ASSERT_EQUAL(stamped_send(&ts, frame, len, 7), 1);
	/* the PMD did not receive its own stamped sends back (the peer's
	 * own frames, IPv6 ND and such, may come) */
	{
		struct rte_mbuf *b[32];
		uint16_t i, got = rte_eth_rx_burst(ts.port_id, 0, b, 32);
		unsigned int own = 0;

		for (i = 0; i < got; i++) {
			own += rte_pktmbuf_data_len(b[i]) == len &&
			       memcmp(rte_pktmbuf_mtod(b[i], void *), frame,
				      len - 1) == 0;
			rte_pktmbuf_free(b[i]);
		}
		CU_ASSERT_EQUAL(own, 0);
	}
	/* the test switch: the stamp is dropped, the request times out */
	ts.test_no_tx_stamps = 1;
	{
		struct rte_mbuf *m = glue_mbuf(frame, len);

		CU_ASSERT_EQUAL_FATAL(ts_source_tx_event(&ts, 0, m, 9), 0);
		r = poll_tx(&ts, &cookie, &tx);
		CU_ASSERT_EQUAL(r, -ETIMEDOUT);
		CU_ASSERT_EQUAL(cookie, 9);
	}
	ts.test_no_tx_stamps = 0;
	/* tx_prepare (before a one-step prediction) sends nothing: no report
	 * comes back, nothing is counted, and the next stamped send matches
	 * its own stamp */
	{
		struct timespec ms5 = { 0, 5 * 1000 * 1000 };
		uint64_t sent = ts_source_tx_stats(&ts)->sent;
		uint64_t unm = ts_source_tx_stats(&ts)->unmatched;

		for (k = 0; k < 3; k++)
			ts_source_tx_prepare(&ts);
		nanosleep(&ms5, NULL);
		CU_ASSERT_EQUAL(ts_source_tx_poll(&ts, &cookie, &tx), 0);
		frame[len - 1] = 0x66;
		CU_ASSERT_EQUAL(stamped_send(&ts, frame, len, 10), 1);
		CU_ASSERT_EQUAL(ts_source_tx_stats(&ts)->sent, sent + 1);
		CU_ASSERT_EQUAL(ts_source_tx_stats(&ts)->unmatched, unm);
	}
	/* with the private loopback open, tx_prepare after an idle spell
	 * sends one warm-up frame there, and none right after; still no
	 * report on the port */
	{
		struct timespec ms5 = { 0, 5 * 1000 * 1000 };
		struct sendwarm_info w0, w1, w2;

		CU_ASSERT_EQUAL_FATAL(sendwarm_open(), 0);
		sendwarm_get(&w0);
		CU_ASSERT(w0.on);
		nanosleep(&ms5, NULL);
		ts_source_tx_prepare(&ts);
		sendwarm_get(&w1);
		ts_source_tx_prepare(&ts);
		sendwarm_get(&w2);
		CU_ASSERT_EQUAL(w1.sent, w0.sent + 1);
		CU_ASSERT_EQUAL(w2.sent, w1.sent);
		CU_ASSERT_EQUAL(w2.kicks, w0.kicks + 2);
		CU_ASSERT_EQUAL(w2.failed, 0);
		nanosleep(&ms5, NULL);
		CU_ASSERT_EQUAL(ts_source_tx_poll(&ts, &cookie, &tx), 0);
		sendwarm_close();
		CU_ASSERT_EQUAL(sendwarm_fd(), -1);
	}
	/* a stamp lost (read and dropped while the switch is on), then a
	 * later request's stamp: the lost one completes without a stamp,
	 * the later one still gets its own */
	{
		struct timespec ms5 = { 0, 5 * 1000 * 1000 };
		struct rte_mbuf *a, *b;

		frame[len - 1] = 0x77;
		a = glue_mbuf(frame, len);
		CU_ASSERT_EQUAL_FATAL(ts_source_tx_event(&ts, 0, a, 11), 0);

		ts.test_no_tx_stamps = 1;
		nanosleep(&ms5, NULL);	/* its stamp is in the queue by then */
		CU_ASSERT_EQUAL(ts_source_tx_poll(&ts, &cookie, &tx), 0);
		ts.test_no_tx_stamps = 0;
		frame[len - 1] = 0x78;
		b = glue_mbuf(frame, len);
		CU_ASSERT_EQUAL_FATAL(ts_source_tx_event(&ts, 0, b, 12), 0);
		r = poll_tx(&ts, &cookie, &tx);
		CU_ASSERT_EQUAL(r, -ESTALE);
		CU_ASSERT_EQUAL(cookie, 11);
		r = poll_tx(&ts, &cookie, &tx);
		CU_ASSERT_EQUAL(r, 1);
		CU_ASSERT_EQUAL(cookie, 12);
	}
	st = ts_source_tx_stats(&ts);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	CU_ASSERT_EQUAL(st->stamped, stamped + 3);
	CU_ASSERT_EQUAL(st->timeout, 2);
	CU_ASSERT_EQUAL(st->sent, stamped + 5);
	printf("  af_packet TX stamps on a veth: %u of 5, self-test %.1f us "
	       "after the send\n", stamped, (double)ts.tx_selftest_ns / 1e3);
	ts_source_close(&ts);
	rte_eth_dev_stop(ts.port_id);
	rte_eth_dev_close(ts.port_id);
out:
	if (fd >= 0)
		close(fd);
	ns_del(ns);
}

/* The private loopback (sendwarm.h) lives in a network namespace of its
 * own: no interface of ours carries the warm-up frames. Opens and
 * closes are counted. */
static void test_sendwarm_netns(void)
{
	struct stat own, its;
	int nsfd;

	if (sendwarm_open() != 0) {
		struct sendwarm_info w;

		sendwarm_get(&w);
		printf("\n  SKIP: %s (needs root)\n", w.why);
		CU_ASSERT(strncmp(w.why, "no private loopback to warm sends "
				  "on: ", 35) == 0);
		return;
	}
	CU_ASSERT_EQUAL_FATAL(sendwarm_open(), 0);	/* a second user */
	CU_ASSERT_FATAL(sendwarm_fd() >= 0);
	nsfd = ioctl(sendwarm_fd(), SIOCGSKNS);
	CU_ASSERT_FATAL(nsfd >= 0);
	CU_ASSERT_EQUAL_FATAL(stat("/proc/self/ns/net", &own), 0);
	CU_ASSERT_EQUAL_FATAL(fstat(nsfd, &its), 0);
	CU_ASSERT(own.st_ino != its.st_ino || own.st_dev != its.st_dev);
	close(nsfd);
	/* its loopback is up: the warm-up frame is sent */
	CU_ASSERT(sendwarm_kick(timebase_now() + 2 * SENDWARM_IDLE_NS));
	sendwarm_close();
	CU_ASSERT(sendwarm_fd() >= 0);			/* one user left */
	sendwarm_close();
	CU_ASSERT_EQUAL(sendwarm_fd(), -1);
	CU_ASSERT(!sendwarm_kick(timebase_now() + 4 * SENDWARM_IDLE_NS));
}

/* Sim with dynfield=1 and the offload on: still the ethdev backend
 * (timesync ops beat the dynfield), and "software" forces TSC stamps. */
static void test_sim_modes(void)
{
	struct ts_source ts;
	const char *n = open_name("net_ptpsim_dyn", "dynfield=1",
				  RTE_ETH_RX_OFFLOAD_TIMESTAMP,
				  CONF_TS_AUTO, &ts);

	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL(n, "ethdev-timesync");
	CU_ASSERT(ts.caps.rx_dynfield);
	ts_source_close(&ts);
	CU_ASSERT_EQUAL(ts_source_open(&ts, ts.port_id, CONF_TS_SOFTWARE,
				       NULL, 0), 0);
	CU_ASSERT_STRING_EQUAL(ts_source_name(&ts), "software");
	ts_source_close(&ts);
}

/* Real time: map error of the PHC (-80 ppm, then +120 ppm) vs the truth. */
static double rt_err(const struct clockmap *map, uint16_t port)
{
	uint64_t t, phc;

	ptpsim_read(port, &t, &phc);
	return (double)(clockmap_to_base(map, (int64_t)phc) - (int64_t)t);
}

static void test_clockmap_realtime(void)
{
	struct timespec ms2 = { 0, 2 * 1000 * 1000 };
	const struct clockmap *map;
	struct ts_source ts;
	double e0, e1, e2;
	const char *n;
	int i;

	ptpsim_set_time_source(timebase_now);	/* truth on the timebase */
	n = open_name("net_ptpsim_rt", "ppm=-80,offset_ns=5000000", 0,
		      CONF_TS_HARDWARE, &ts);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n);
	CU_ASSERT_STRING_EQUAL_FATAL(n, "ethdev-timesync");
	map = ts_ethdev_clockmap(&ts);
	for (i = 0; i < 60; i++) {
		ts_source_refresh(&ts);
		nanosleep(&ms2, NULL);
	}
	e0 = rt_err(map, ts.port_id);
	CU_ASSERT(fabs(e0) < 1000.0);
	CU_ASSERT(fabs(map->rate * (1.0 - 80e-6) - 1.0) < 2e-6);
	ptpsim_set_ppm(ts.port_id, 120.0);
	for (i = 0; i < 3; i++)
		nanosleep(&ms2, NULL);
	e1 = rt_err(map, ts.port_id);
	CU_ASSERT(fabs(e1) > 200.0);	/* 200 ppm x 6 ms = 1.2 us */
	for (i = 0; i < 150; i++) {
		ts_source_refresh(&ts);
		nanosleep(&ms2, NULL);
	}
	e2 = rt_err(map, ts.port_id);
	CU_ASSERT(fabs(e2) < 1000.0);
	CU_ASSERT(fabs(map->rate * (1.0 + 120e-6) - 1.0) < 2e-6);
	printf("\n  real time: map error %.0f ns, after +200 ppm step %.0f ns, "
	       "150 refreshes later %.0f ns; best bracket %lu ns\n", e0, e1, e2,
	       (unsigned long)ts_ethdev_get_stats(&ts)->xts_best_bracket_ns);
	ts_source_close(&ts);
	ptpsim_set_time_source(NULL);
}

/* What a CLOCK_REALTIME read costs: through the vDSO where the
 * clocksource has one, and through syscall(2) with the test switch;
 * "slow" is the median over TIMEBASE_RT_READ_SLOW_NS, whatever the host. */
static void test_rt_read_probe(void)
{
	struct timebase_rt_cost v, sc;

	unsetenv("PTPSW_TEST_RT_SYSCALL");
	timebase_probe_rt(&v);
	setenv("PTPSW_TEST_RT_SYSCALL", "1", 1);
	timebase_probe_rt(&sc);
	unsetenv("PTPSW_TEST_RT_SYSCALL");
	printf("\n  CLOCK_REALTIME read: %u ns median, p99 %u ns (clocksource "
	       "%s); through syscall(2): %u ns, p99 %u ns\n", v.median_ns,
	       v.p99_ns, v.clocksource, sc.median_ns, sc.p99_ns);
	CU_ASSERT(!v.syscall);
	CU_ASSERT(sc.syscall);
	CU_ASSERT(v.median_ns > 0 && v.median_ns <= v.p99_ns);
	CU_ASSERT(sc.median_ns > 0 && sc.median_ns <= sc.p99_ns);
	CU_ASSERT(v.median_ns < 100000);	/* a read, not a sleep */
	CU_ASSERT(v.slow == (v.median_ns > TIMEBASE_RT_READ_SLOW_NS));
	CU_ASSERT(sc.slow == (sc.median_ns > TIMEBASE_RT_READ_SLOW_NS));
	CU_ASSERT(v.clocksource[0] != '\0' &&
		  strchr(v.clocksource, '\n') == NULL);
	CU_ASSERT_STRING_EQUAL(v.clocksource, sc.clocksource);
}

/* Whether the TSC is fit to measure time with: whole words only. */
static void test_tsc_verdict(void)
{
	static const char good[] = "flags\t\t: fpu vme tsc constant_tsc "
				   "rep_good nopl nonstop_tsc cpuid\n";
	struct timebase_tsc_check c;

	timebase_tsc_verdict(good, "tsc kvm-clock \n", &c);
	CU_ASSERT(c.checked && c.constant && c.nonstop && c.kernel);
	CU_ASSERT(c.reliable);
	timebase_tsc_verdict(good, "kvm-clock hpet acpi_pm\n", &c);
	CU_ASSERT(c.checked && !c.kernel && !c.reliable);
	timebase_tsc_verdict(good, "tsc-early hpet", &c);	/* not "tsc" */
	CU_ASSERT(!c.kernel && !c.reliable);
	timebase_tsc_verdict("flags\t: fpu tsc constant_tsc_x nonstop_tsc\n",
			     "tsc", &c);
	CU_ASSERT(!c.constant && c.nonstop && c.kernel && !c.reliable);
	timebase_tsc_verdict("flags\t: constant_tsc\n", "hpet tsc", &c);
	CU_ASSERT(c.constant && !c.nonstop && c.kernel && !c.reliable);
	timebase_tsc_verdict(NULL, "tsc", &c);	/* nothing to judge */
	CU_ASSERT(!c.checked && c.reliable);
	/* this host, as the banner will say it */
	timebase_check_tsc(&c);
	printf("\n  this host's TSC: checked %d constant_tsc %d nonstop_tsc %d "
	       "kernel %d: %s\n", c.checked, c.constant, c.nonstop, c.kernel,
	       c.reliable ? "reliable" : "UNRELIABLE");
	CU_ASSERT(c.reliable == (!c.checked ||
				 (c.constant && c.nonstop && c.kernel)));
	setenv("PTPSW_TEST_CLOCKSOURCES", "hpet acpi_pm", 1);
	timebase_check_tsc(&c);
	unsetenv("PTPSW_TEST_CLOCKSOURCES");
	CU_ASSERT(!c.checked || (c.test && !c.kernel && !c.reliable));
}

/* Init r on clock (its test switch env), and two samples 0.2 s apart. */
static void rate_two(struct timebase_rate *r, clockid_t clock, double tol,
		     const char *env)
{
	timebase_rate_init(r, clock, tol, env);
	timebase_rate_sample(r);
	usleep(200000);
	timebase_rate_sample(r);
}

/* The TSC's rate against CLOCK_MONOTONIC_RAW over a window of pairs. */
static void test_tsc_rate(void)
{
	struct timebase_rate r;
	unsigned int i;
	uint64_t b = 1000000000ULL;
	int64_t raw = 5000000000LL;

	timebase_rate_init(&r, CLOCK_MONOTONIC_RAW, TIMEBASE_RATE_TOL_PPM,
			   NULL);
	timebase_rate_add(&r, raw, b);
	CU_ASSERT(r.n == 1 && r.ppm == 0 && !r.off);
	for (i = 1; i <= 20; i++)	/* 20 s in step, 1 ppm apart */
		timebase_rate_add(&r, raw + (int64_t)i * 1000001000LL,
				  b + (uint64_t)i * 1000000000ULL);
	CU_ASSERT(r.n == TIMEBASE_RATE_WIN);
	CU_ASSERT(fabs(r.ppm - 1.0) < 0.01 && !r.off);
	CU_ASSERT(fabs(r.span_s - (TIMEBASE_RATE_WIN - 1)) < 1e-9);
	raw += 20 * 1000001000LL;
	b += 20 * 1000000000ULL;
	/* the TSC now runs 6 % slower (another host): off at once */
	for (i = 1; i <= 2; i++)
		timebase_rate_add(&r, raw + (int64_t)i * 1000000000LL,
				  b + (uint64_t)i * 940000000ULL);
	CU_ASSERT(r.off && r.ppm > 1000);
	/* and stays off while the timebase converts at the old rate */
	for (i = 3; i <= 12; i++)
		timebase_rate_add(&r, raw + (int64_t)i * 1000000000LL,
				  b + (uint64_t)i * 940000000ULL);
	CU_ASSERT(r.off && fabs(r.ppm - (1.0 / 0.94 - 1.0) * 1e6) < 1.0);
	CU_ASSERT(r.steps == 0);	/* 6 % is a rate, not a step */
	/* a measured sample here: close to 0 ppm, not off */
	rate_two(&r, CLOCK_MONOTONIC_RAW, TIMEBASE_RATE_TOL_PPM,
		 "PTPSW_TEST_TSC_RATE_PPM");
	printf("\n  TSC against CLOCK_MONOTONIC_RAW: %+.3f ppm over %.3f s\n",
	       r.ppm, r.span_s);
	CU_ASSERT(r.n == 2 && r.span_s > 0.1 && !r.off);
	/* the test switch moves the raw clock */
	setenv("PTPSW_TEST_TSC_RATE_PPM", "500", 1);
	rate_two(&r, CLOCK_MONOTONIC_RAW, TIMEBASE_RATE_TOL_PPM,
		 "PTPSW_TEST_TSC_RATE_PPM");
	unsetenv("PTPSW_TEST_TSC_RATE_PPM");
	CU_ASSERT(r.off && fabs(r.ppm - 500.0) < 50.0);
}

/*
 * CLOCK_REALTIME's rate against the timebase: off beyond 500 ppm (a
 * slew with the tick), not at 400 (the kernel's own discipline); a step
 * (the clock set) restarts the window and is counted, not taken for a
 * rate; the tick's largest slew (10 %) is a rate; measured here, and
 * through the test switch.
 */
static void test_realtime_rate(void)
{
	struct timebase_rate r;
	unsigned int i;
	uint64_t b = 1000000000ULL;
	int64_t c = 1700000000000000000LL;

	timebase_rate_init(&r, CLOCK_REALTIME, TIMEBASE_RT_RATE_TOL_PPM, NULL);
	for (i = 0; i < 12; i++)	/* 400 ppm: within the discipline */
		timebase_rate_add(&r, c + (int64_t)i * 1000400000LL,
				  b + (uint64_t)i * 1000000000ULL);
	CU_ASSERT(!r.off && fabs(r.ppm - 400.0) < 0.01 && r.steps == 0);
	c += 11 * 1000400000LL;
	b += 11 * 1000000000ULL;
	for (i = 1; i <= 3; i++)	/* then 5000 ppm: off within 3 s */
		timebase_rate_add(&r, c + (int64_t)i * 1005000000LL,
				  b + (uint64_t)i * 1000000000ULL);
	CU_ASSERT(r.off && r.ppm > 500.0 && r.steps == 0);
	c += 3 * 1005000000LL;
	b += 3 * 1000000000ULL;
	/* set back 2 s: a step restarts the window there */
	timebase_rate_add(&r, c - 2000000000LL + 1000000000LL,
			  b + 1000000000ULL);
	CU_ASSERT(r.steps == 1 && r.n == 1 && !r.off && r.ppm == 0);
	c += -2000000000LL + 1000000000LL;
	b += 1000000000ULL;
	for (i = 1; i <= 9; i++)	/* in step after it */
		timebase_rate_add(&r, c + (int64_t)i * 1000000000LL,
				  b + (uint64_t)i * 1000000000ULL);
	CU_ASSERT(r.steps == 1 && r.n == TIMEBASE_RATE_WIN && !r.off &&
		  fabs(r.ppm) < 0.01);
	c += 9 * 1000000000LL;
	b += 9 * 1000000000ULL;
	/* the tick's largest slew, -10 %: a rate, not steps */
	for (i = 1; i <= 3; i++)
		timebase_rate_add(&r, c + (int64_t)i * 900000000LL,
				  b + (uint64_t)i * 1000000000ULL);
	CU_ASSERT(r.steps == 1 && r.off && r.ppm < -10000.0);
	/* measured here: a system clock nobody slews hard */
	rate_two(&r, CLOCK_REALTIME, TIMEBASE_RT_RATE_TOL_PPM,
		 "PTPSW_TEST_REALTIME_RATE_PPM");
	printf("  CLOCK_REALTIME against the TSC: %+.3f ppm over %.3f s\n",
	       r.ppm, r.span_s);
	CU_ASSERT(r.n == 2 && r.span_s > 0.1 && r.steps == 0);
	/* the test switch moves the samples' clock */
	setenv("PTPSW_TEST_REALTIME_RATE_PPM", "-3000", 1);
	rate_two(&r, CLOCK_REALTIME, TIMEBASE_RT_RATE_TOL_PPM,
		 "PTPSW_TEST_REALTIME_RATE_PPM");
	unsetenv("PTPSW_TEST_REALTIME_RATE_PPM");
	CU_ASSERT(r.off && fabs(r.ppm + 3000.0) < 100.0 && r.steps == 0);
}

static void rm_pcaps(void)
{
	unlink(pcap_rx);
	unlink(pcap_tx);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "auto: net_ptpsim -> ethdev", test_auto_sim },
		{ "auto: net_pcap -> dynfield", test_auto_pcap },
		{ "auto: net_null -> software; hardware refused", test_auto_null },
		{ "auto: net_af_packet -> kernel stamps from its ring", test_auto_af_packet },
		{ "net_af_packet TX stamps on a veth (two-step)", test_af_packet_tx },
		{ "one-step send warm-up: a private loopback of its own", test_sendwarm_netns },
		{ "sim with dynfield: ethdev; software forced", test_sim_modes },
		{ "clockmap tracks a real-time PHC", test_clockmap_realtime },
		{ "CLOCK_REALTIME read cost probed", test_rt_read_probe },
		{ "TSC fit to measure time with", test_tsc_verdict },
		{ "TSC rate against CLOCK_MONOTONIC_RAW", test_tsc_rate },
		{ "CLOCK_REALTIME rate against the TSC", test_realtime_rate },
		{ NULL, NULL },
	};

	snprintf(pcap_rx, sizeof(pcap_rx), "/tmp/ptpsw_glue_%d_rx.pcap",
		 (int)getpid());
	snprintf(pcap_tx, sizeof(pcap_tx), "/tmp/ptpsw_glue_%d_tx.pcap",
		 (int)getpid());
	atexit(rm_pcaps);
	if (glue_eal_init("ptpsw_glue_auto") != 0 || glue_pool() == NULL ||
	    timebase_init() != 0 || write_pcap(pcap_rx) != 0) {
		fprintf(stderr, "EAL set-up failed\n");
		return -1;
	}
	return test_add_suite("ts_auto", cases);
}
