/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers for the 'glue' suite (see glue_util.h). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "glue_util.h"

static struct rte_mempool *pool;

/* Close every port (PMDs free their resources) and release EAL. */
static void glue_eal_exit(void)
{
	uint16_t pid;

	RTE_ETH_FOREACH_DEV(pid) {
		rte_eth_dev_stop(pid);
		rte_eth_dev_close(pid);
	}
	rte_eal_cleanup();
}

int glue_eal_init(const char *prefix)
{
	char fp[64];
	char *argv[] = { "glue_test", "--no-huge", "-m", "256", "--no-pci",
			 "--no-shconf", "-l", "0", "--log-level", "error", fp,
			 NULL };

	snprintf(fp, sizeof(fp), "--file-prefix=%s", prefix);
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0)
		return -1;
	atexit(glue_eal_exit);
	return 0;
}

struct rte_mempool *glue_pool(void)
{
	if (pool == NULL)
		pool = rte_pktmbuf_pool_create("glue_pool", 4095, 0, 0,
					       RTE_MBUF_DEFAULT_BUF_SIZE,
					       SOCKET_ID_ANY);
	return pool;
}

int glue_port_create(const char *name, const char *args, uint64_t rx_offloads)
{
	struct rte_eth_conf conf = { .rxmode.offloads = rx_offloads };
	uint16_t pid;

	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, &pid) != 0)
		return -1;
	if (rte_eth_dev_configure(pid, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(pid, 0, 256, SOCKET_ID_ANY, NULL,
				   glue_pool()) != 0 ||
	    rte_eth_tx_queue_setup(pid, 0, 256, SOCKET_ID_ANY, NULL) != 0 ||
	    rte_eth_dev_start(pid) != 0)
		return -1;
	return pid;
}

static uint16_t ip_csum(const uint8_t *h, size_t len)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

size_t glue_build_ptp(uint8_t *buf, size_t cap, uint8_t type, uint8_t domain,
		      uint16_t seq, bool two_step, int64_t origin_ns,
		      ptp_cf_t cf)
{
	static const uint8_t hdr[14] = { 0x01, 0x00, 0x5e, 0x00, 0x01, 0x81,
		0x02, 0x11, 0x22, 0x33, 0x44, 0x55, 0x08, 0x00 };
	struct ptp_msg msg;
	struct frame_info fi;
	uint16_t udp_len, ip_len, dport, c;
	int n;

	memset(&msg, 0, sizeof(msg));
	msg.hdr.messageType = type == PTP_PDELAY_REQ ? PTP_DELAY_REQ : type;
	msg.hdr.versionPTP = 2;
	msg.hdr.domainNumber = domain;
	msg.hdr.flagField = two_step ? PTP_FLAG_TWO_STEP : 0;
	msg.hdr.correction = cf;
	msg.hdr.sequenceId = seq;
	msg.hdr.sourcePortIdentity.clock.id[0] = type == PTP_DELAY_REQ ? 0xbb : 0xaa;
	msg.hdr.sourcePortIdentity.port = 1;
	msg.hdr.controlField = ptp_msg_control_field(type);
	msg.hdr.logMessageInterval = -3;
	msg.body.sync.ts = ptp_tmv_to_ts(tmv_from_ns(origin_ns));
	if (type == PTP_DELAY_RESP) {
		msg.body.resp.ts = ptp_tmv_to_ts(tmv_from_ns(origin_ns));
		msg.body.resp.requestingPortIdentity.clock.id[0] = 0xbb;
		msg.body.resp.requestingPortIdentity.port = 1;
	}
	n = ptp_msg_build(&msg, buf + 42, cap - 42);
	if (n <= 0 || cap < 42)
		return 0;
	if (type == PTP_PDELAY_REQ) {
		if (n != 44 || cap < 42 + 54)
			return 0;
		buf[42] = (uint8_t)((buf[42] & 0xF0) | PTP_PDELAY_REQ);
		buf[42 + 3] = 54;		/* messageLength */
		buf[42 + 32] = 5;		/* controlField: other */
		memset(buf + 42 + 44, 0, 10);
		n = 54;
	}
	memcpy(buf, hdr, sizeof(hdr));
	udp_len = (uint16_t)(8 + n);
	ip_len = (uint16_t)(20 + udp_len);
	dport = ptp_msg_is_event(type) ? 319 : 320;
	uint8_t *ip = buf + 14, *udp = buf + 34;
	memset(ip, 0, 20);
	ip[0] = 0x45;
	ip[2] = (uint8_t)(ip_len >> 8);
	ip[3] = (uint8_t)ip_len;
	ip[8] = 1;
	ip[9] = 17;
	ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = 1;
	ip[16] = 224; ip[17] = 0; ip[18] = 1; ip[19] = 129;
	c = ip_csum(ip, 20);
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)(dport >> 8); udp[1] = (uint8_t)dport;
	udp[2] = (uint8_t)(dport >> 8); udp[3] = (uint8_t)dport;
	udp[4] = (uint8_t)(udp_len >> 8); udp[5] = (uint8_t)udp_len;
	udp[6] = 0; udp[7] = 0;
	if (frame_classify(buf, 14u + ip_len, &fi) != FRAME_PTP)
		return 0;
	c = frame_udp_csum(buf, 14u + ip_len, &fi);
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
	return 14u + ip_len;
}

struct rte_mbuf *glue_mbuf(const uint8_t *buf, size_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(glue_pool());
	char *d;

	if (m == NULL)
		return NULL;
	d = rte_pktmbuf_append(m, (uint16_t)len);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memcpy(d, buf, len);
	return m;
}

void glue_classify(struct rte_mbuf *m, struct frame_info *fi)
{
	frame_classify(rte_pktmbuf_mtod(m, const uint8_t *),
		       rte_pktmbuf_data_len(m), fi);
}

ptp_cf_t glue_cf(struct rte_mbuf *m)
{
	struct frame_info fi;

	glue_classify(m, &fi);
	return ptp_hdr_get_correction(rte_pktmbuf_mtod(m, const uint8_t *) +
				      fi.ptp_off);
}

bool glue_udp_csum_ok(struct rte_mbuf *m)
{
	const uint8_t *b = rte_pktmbuf_mtod(m, const uint8_t *);
	struct frame_info fi;
	uint8_t tmp[1600];
	uint16_t have, want;
	size_t len = rte_pktmbuf_data_len(m);

	glue_classify(m, &fi);
	if (fi.cls != FRAME_PTP || fi.l4_off == 0 || len > sizeof(tmp))
		return false;
	have = (uint16_t)(b[fi.l4_off + 6] << 8 | b[fi.l4_off + 7]);
	if (have == 0)
		return true;
	memcpy(tmp, b, len);
	tmp[fi.l4_off + 6] = tmp[fi.l4_off + 7] = 0;
	want = frame_udp_csum(tmp, len, &fi);
	return have == want;
}

double glue_recv_cf(int port, uint8_t type, uint16_t seq)
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

void glue_send_ptp(int port, uint8_t type, uint16_t seq, int64_t origin_ns)
{
	uint8_t buf[256];
	size_t len = glue_build_ptp(buf, sizeof(buf), type, 0, seq, true,
				    origin_ns, (ptp_cf_t){ 0 });
	struct rte_mbuf *m = glue_mbuf(buf, len);

	CU_ASSERT_FATAL(len > 0 && m != NULL);
	CU_ASSERT_FATAL(rte_eth_tx_burst((uint16_t)port, 0, &m, 1) == 1);
}
