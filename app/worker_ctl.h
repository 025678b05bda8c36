/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_WORKER_CTL_H
#define PTPSW_APP_WORKER_CTL_H

/*
 * The worker's traffic with the control lcore (worker_ctl.c): frames for
 * it (boundary clocks' PTP, ptpsw's own addresses) into app->bc_ring;
 * frames it built (app->ctl_tx_ring) out through worker 0, a boundary
 * clock's event message with its TX stamp. Worker-internal.
 */

#include <stdbool.h>

#include <rte_mbuf.h>

#include "worker.h"

/* Hand m (received on port in at rx_ts, fi its classification) to the
 * control lcore with its pkt_meta; counted as ptp_to_bc, or dropped as
 * bc_ring_full. */
void to_control(struct worker *w, struct rte_mbuf *m, unsigned int in,
		const struct frame_info *fi, uint64_t rx_ts);

/* While ptpsw has addresses of its own (neigh.h): m to the control lcore
 * if it is for them (a copy of it if it is also switched). Returns true
 * if m was taken (for ptpsw alone). */
bool ctl_local(struct worker *w, struct rte_mbuf *m, unsigned int in,
	       const struct frame_info *fi, uint64_t rx_ts);

/* Worker 0: send what the control lcore queued. Returns the number of
 * frames taken from the ring. */
unsigned int ctl_tx(struct worker *w);

#endif /* PTPSW_APP_WORKER_CTL_H */
