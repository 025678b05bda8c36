/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_META_H
#define PTPSW_APP_META_H

/*
 * ptpsw_meta: the mbuf dynfield carrying what the worker learnt at ingress
 * (timebase RX time, ingress port, classifier offsets) to the egress side
 * and to the control lcore (BC hand-off). Packed into 24 bytes: mbuf
 * dynfield space is small and the PMD's timestamp field needs 8 of it.
 * Valid only in mbufs the worker marked (its TX buffer flag, or the BC
 * ring): dynfields are not cleared on allocation.
 */

#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "net/frame.h"

#define PTPSW_META_NAME "ptpsw_meta"

struct pkt_meta {
	union {			/* ns on the timebase */
		uint64_t rx_ts;	/* a received frame's RX stamp */
		uint64_t tx_ts;	/* a frame the control lcore built: its TX
				 * stamp, written by worker 0 (ctl_tx.h) */
	};
	uint8_t in_port;	/* index into conf.ports */
	uint8_t flags;		/* FRAME_F_* (all fit in 8 bits) */
	uint8_t l3;
	uint8_t n_vlans;
	uint16_t l3_off, l4_off, ptp_off, ptp_len;
	uint8_t ptp_type;
	uint8_t domain;
	uint16_t seq_id;
} __attribute__((aligned(8)));

_Static_assert(sizeof(struct pkt_meta) == 24, "pkt_meta grew");
_Static_assert(FRAME_F_L2_BCAST < 0x100, "FRAME_F_* no longer fit 8 bits");

/* Register the dynfield. Returns its offset, or -1 (rte_errno set). */
static inline int meta_register(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = PTPSW_META_NAME,
		.size = sizeof(struct pkt_meta),
		.align = __alignof__(struct pkt_meta),
	};

	return rte_mbuf_dynfield_register(&desc);
}

static inline struct pkt_meta *meta_get(struct rte_mbuf *m, int off)
{
	return RTE_MBUF_DYNFIELD(m, off, struct pkt_meta *);
}

/* The frame_info fields the meta carries as they are (both directions). */
#define META_FIELDS(X) \
	X(n_vlans) X(l3_off) X(l4_off) X(ptp_off) X(ptp_len) X(ptp_type) \
	X(domain) X(seq_id)

static inline void meta_from_info(struct pkt_meta *pm,
				  const struct frame_info *fi,
				  uint8_t in_port, uint64_t rx_ts)
{
#define META_TO_PM(f) pm->f = fi->f;
	pm->rx_ts = rx_ts;
	pm->in_port = in_port;
	pm->flags = (uint8_t)fi->flags;
	pm->l3 = (uint8_t)fi->l3;
	META_FIELDS(META_TO_PM)
#undef META_TO_PM
}

static inline void meta_to_info(const struct pkt_meta *pm,
				struct frame_info *fi)
{
#define META_TO_FI(f) fi->f = pm->f;
	fi->cls = FRAME_PTP;
	fi->err = FRAME_E_NONE;
	fi->l3 = (enum frame_l3)pm->l3;
	fi->flags = pm->flags;
	META_FIELDS(META_TO_FI)
#undef META_TO_FI
}

#endif /* PTPSW_APP_META_H */
