/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * worker <-> control lcore (worker_ctl.h).
 */

#include <rte_mbuf.h>
#include <rte_ring.h>

#include "app.h"
#include "ctl_tx.h"
#include "meta.h"
#include "tc_hwtx.h"
#include "ts_source.h"
#include "worker_ctl.h"
#include "worker_tx.h"

void to_control(struct worker *w, struct rte_mbuf *m, unsigned int in,
		const struct frame_info *fi, uint64_t rx_ts)
{
	meta_from_info(meta_get(m, w->app->meta_offset), fi, (uint8_t)in,
		       rx_ts);
	if (rte_ring_mp_enqueue(w->app->bc_ring, m) != 0) {
		w->stats[in].drop[DROP_BC_RING_FULL]++;
		rte_pktmbuf_free(m);
		return;
	}
	w->stats[in].ptp_to_bc++;
}

/* tc_hwtx has the stamp of a BC message sent through it. */
static void bc_hwtx_done(void *arg, struct rte_mbuf *m, uint64_t ts,
			 bool stamped)
{
	struct worker *w = arg;

	ctl_tx_stamp(m, w->app->meta_offset, ts);
	if (stamped)
		w->bc_ts_stamped++;
	else
		w->bc_ts_predicted++;
}

/*
 * A BC event message for port out, sent through tc_hwtx for the port
 * backend's TX stamp (bc_hwtx_done hands it over). Returns false (m not
 * taken) if it does not want a stamp, the port has no TX stamps, or
 * tc_hwtx could not send it.
 */
static bool bc_tx_event(struct worker *w, unsigned int out,
			struct rte_mbuf *m)
{
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if (!ctl_tx_wants_stamp(m, w->app->meta_offset) ||
	    tc_hwtx_send_foreign(w->hwtx, out, m,
				 ts_source_tx_predict(&w->app->ports[out].ts),
				 bc_hwtx_done, w) != 0)
		return false;
	w->stats[out].tx_pkts++;
	w->stats[out].tx_bytes += len;
	return true;
}

/* A frame the control lcore built (boundary clocks, ARP/ND;
 * ctl_tx.h), for port m->port. */
static void ctl_tx_one(struct worker *w, struct rte_mbuf *m)
{
	unsigned int out = m->port;

	if (out >= w->app->n_ports) {
		rte_pktmbuf_free(m);
		return;
	}
	/* an event message's stamp is its own: the frames queued before
	 * it (data through a busy port) leave first */
	if (ctl_tx_wants_stamp(m, w->app->meta_offset) &&
	    w->tx[out].n > 0)
		tx_flush(w, out);
	if (bc_tx_event(w, out, m))	/* stamped by the backend */
		return;
	tx_add(w, out, m, 0, NULL, 0, 0);
	if (ctl_tx_stamp(m, w->app->meta_offset,
				ts_source_tx_predict(&w->app->ports[out].ts)))
		tx_flush(w, out);	/* sent now: stamp holds */
}

bool ctl_local(struct worker *w, struct rte_mbuf *m, unsigned int in,
	       const struct frame_info *fi, uint64_t rx_ts)
{
	enum neigh_class lc = neigh_local_class(&w->app->local,
						rte_pktmbuf_mtod(m, uint8_t *),
						rte_pktmbuf_data_len(m));

	if (lc == NEIGH_FWD)
		return false;
	if (lc == NEIGH_COPY)		/* and switched as usual */
		rte_mbuf_refcnt_update(m, 1);
	to_control(w, m, in, fi, rx_ts);
	return lc == NEIGH_LOCAL;
}

unsigned int ctl_tx(struct worker *w)
{
	struct rte_mbuf *m[WORKER_BURST];
	unsigned int n, i;

	n = rte_ring_sc_dequeue_burst(w->app->ctl_tx_ring, (void **)m,
				      WORKER_BURST, NULL);
	for (i = 0; i < n; i++)
		ctl_tx_one(w, m[i]);
	return n;
}
