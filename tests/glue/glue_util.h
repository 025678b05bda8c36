/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_TESTS_GLUE_UTIL_H
#define PTPSW_TESTS_GLUE_UTIL_H

/*
 * Helpers for the 'glue' suite: EAL without hugepages, vdev ports, PTP
 * frames over UDP/IPv4 (valid UDP checksum) in mbufs.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "net/frame.h"
#include "ptp/msg.h"

/* rte_eal_init with --no-huge --no-pci --no-shconf and its own
 * --file-prefix; at exit every port is closed and EAL cleaned up.
 * Returns 0 or -1. */
int glue_eal_init(const char *prefix);

/* The one mbuf pool of the test process (created on first call). */
struct rte_mempool *glue_pool(void);

/* rte_vdev_init(name, args), configure 1 RX + 1 TX queue with rx_offloads,
 * start. Returns the port id, or -1. */
int glue_port_create(const char *name, const char *args, uint64_t rx_offloads);

/* A PTP message in a UDP/IPv4 multicast frame (224.0.1.129), event port for
 * event types. origin: the body timestamp (ns). A Pdelay_Req is a
 * Delay_Req's octets with its own type and control field and 10 reserved
 * octets more (54). Returns frame length. */
size_t glue_build_ptp(uint8_t *buf, size_t cap, uint8_t type, uint8_t domain,
		      uint16_t seq, bool two_step, int64_t origin_ns,
		      ptp_cf_t cf);

/* Frame copied into a fresh mbuf from glue_pool(), or NULL. */
struct rte_mbuf *glue_mbuf(const uint8_t *buf, size_t len);

/* Classify the frame in m (single segment). */
void glue_classify(struct rte_mbuf *m, struct frame_info *fi);

/* correctionField of the PTP message in m (m must classify as PTP). */
ptp_cf_t glue_cf(struct rte_mbuf *m);

/* Is the UDP checksum of the frame in m correct (or 0)? */
bool glue_udp_csum_ok(struct rte_mbuf *m);

/* Send a two-step PTP message (glue_build_ptp(), domain 0, CF 0) out of
 * port (CUnit: it must leave). */
void glue_send_ptp(int port, uint8_t type, uint16_t seq, int64_t origin_ns);

/* Receive one frame at port (CUnit: it must be there, a PTP message of
 * type and seq with a valid UDP checksum); its correctionField in ns. */
double glue_recv_cf(int port, uint8_t type, uint16_t seq);

#endif
