/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * worker TX side (worker_tx.h): a port's TX buffer or a burst's run out
 * through one path, tx_out(); the TC's egress correction on the way, and
 * worker 0's TX stamps (tc_hwtx.h) for the two-step TC and the one-step
 * TC's learnt egress latency.
 */

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "app.h"
#include "tc/tc.h"
#include "tc_hwtx.h"
#include "ts_source.h"
#include "worker_tx.h"

void tx_burst_some(struct worker *w, unsigned int out,
		   struct rte_mbuf **pkts, uint16_t from, uint16_t to,
		   uint64_t ptp_at, uint64_t *bytes)
{
	struct port_stats *st = &w->stats[out];
	uint16_t sent, i;

	sent = rte_eth_tx_burst(w->app->ports[out].port_id, w->txq,
				pkts + from, (uint16_t)(to - from));
	st->tx_pkts += sent;
	if (ptp_at && sent)	/* the TC messages among those sent */
		st->ptp_tx += (unsigned int)__builtin_popcountll(
			ptp_at & (~0ull >> (64 - sent)) << from);
	if (unlikely(from + sent < to)) {
		for (i = from + sent; i < to; i++) {
			*bytes -= rte_pktmbuf_pkt_len(pkts[i]);
			rte_pktmbuf_free(pkts[i]);
		}
		st->drop[DROP_TX_FULL] += to - from - sent;
	}
}

/* The TC's egress correction of a queued copy leaving port out at tx_ts
 * (tc_egress_choose(); ti->fi is frame_classify()'s of these bytes, which
 * nothing changed since). Returns true if the frame was changed. */
static bool tx_correct(struct worker *w, unsigned int out, struct rte_mbuf *m,
		       const struct tx_tc_info *ti, uint64_t tx_ts)
{
	return tc_egress_choose(w->tc, w->tc_mode,
				rte_pktmbuf_mtod(m, uint8_t *),
				rte_pktmbuf_data_len(m), &ti->fi, ti->in_port,
				(uint16_t)out, tmv_from_ns((int64_t)ti->rx_ts),
				tmv_from_ns((int64_t)tx_ts));
}

/*
 * Two-step TC on hardware TX stamps: an event message sent for its stamp
 * or a general message held for one leaves the TX buffer here. Returns
 * true if it did (counted as sent, or its bytes taken back when held).
 */
static bool tx_hwtx(struct worker *w, unsigned int out, struct rte_mbuf *m,
		    uint8_t flags, const struct tx_tc_info *ti,
		    uint64_t tx_ts, uint64_t *bytes)
{
	struct port_stats *st = &w->stats[out];
	uint32_t len = rte_pktmbuf_pkt_len(m);

	if ((ti->fi.flags & FRAME_F_EVENT) && tc_hwtx_port_on(w->hwtx, out) &&
	    !tc_hwtx_port_lost(w->hwtx, out))
		/* warm its send: the kernel's path after the stamp is
		 * uncovered, and slower when cold */
		ts_source_tx_prepare(&w->app->ports[out].ts);
	switch (tc_hwtx_egress(w->hwtx, out, m, &ti->fi, ti->in_port,
			       ti->rx_ts, tx_ts, !(flags & TXF_NOHOLD))) {
	case TC_HWTX_SENT:
		st->tx_pkts++;
		st->ptp_tx++;
		return true;
	case TC_HWTX_HELD:
		*bytes -= len;		/* counted again when released */
		return true;
	default:
		return false;
	}
}

void tx_released(void *arg, unsigned int out, struct rte_mbuf *m,
		 const struct frame_info *fi, uint16_t in_port,
		 uint64_t rx_ts)
{
	tx_add(arg, out, m, TXF_PTP | TXF_TC | TXF_NOHOLD, fi, (uint8_t)in_port,
	       rx_ts);
}

/* The learnt egress latency of port out less a guard: a send a little
 * faster than the fastest of the last TC_HWTX_LAT_N, or an error of the
 * realtime map the stamps go through, must not make a correction run
 * past the frame's departure. Under load (integration tc_ipv4 with 850
 * Mbit/s of TCP across the switch, 3200 one-step sends) no send was more
 * than 361 ns faster than that shortest. */
#define ONESTEP_LAT_GUARD_NS	1000

static inline int64_t onestep_lat(const struct worker *w, unsigned int out)
{
	int64_t lat = tc_hwtx_egress_lat(w->hwtx, out);

	return lat > ONESTEP_LAT_GUARD_NS ? lat - ONESTEP_LAT_GUARD_NS : 0;
}

/*
 * One-step TC on a port with TX stamps (worker 0): a Sync or Delay_Req
 * corrected in place is corrected with the egress time predicted now plus
 * the port's learnt egress latency and sent at once, alone, for its stamp
 * (which teaches that latency: tc_hwtx.h). Returns true if it left the
 * buffer; false with TXF_TC cleared in *f if it was corrected but must
 * leave with the buffer, false with *f unchanged if it is not for this
 * path.
 */
static bool tx_onestep(struct worker *w, unsigned int out,
		       struct rte_mbuf *m, const struct tx_tc_info *ti,
		       uint8_t *f)
{
	uint64_t t;

	if (!tc_hwtx_port_on(w->hwtx, out) || tc_hwtx_port_lost(w->hwtx, out) ||
	    !(ti->fi.flags & FRAME_F_EVENT) || !tc_in_place(w->tc_mode, &ti->fi))
		return false;
	ts_source_tx_prepare(&w->app->ports[out].ts);	/* warm its send */
	t = ts_source_tx_predict(&w->app->ports[out].ts);
	if (!tx_correct(w, out, m, ti, t + (uint64_t)onestep_lat(w, out)))
		return false;
	w->stats[out].ptp_corrected++;
	*f &= (uint8_t)~TXF_TC;
	if (tc_hwtx_send_onestep(w->hwtx, out, m, t) != 0)
		return false;
	w->stats[out].tx_pkts++;
	w->stats[out].ptp_tx++;
	return true;
}

/* tx_tc(): the entries from..*k it kept leave now (before a message that
 * tc_hwtx may send alone), and *k starts again at from. */
static void tx_kept(struct worker *w, unsigned int out, uint16_t from,
		    uint16_t *k, uint64_t *bytes)
{
	struct txbuf *b = &w->tx[out];

	if (*k == from)
		return;
	tx_burst(w, out, b->pkts, from, *k, b->ptp_at, bytes);
	b->ptp_at = 0;		/* none before from (tx_tc()) */
	*k = from;
}

/* The TC on entry i of port out's TX buffer (flags *f, TXF_TC): corrected
 * or its residence stored, or taken by tc_hwtx. Returns true if it left
 * the buffer. */
static bool tx_tc_one(struct worker *w, unsigned int out, uint16_t i,
		      uint8_t *f, uint16_t from, uint16_t *k, uint64_t tx_ts,
		      uint64_t *bytes)
{
	struct txbuf *b = &w->tx[out];
	const struct tx_tc_info *ti = &b->tc[i];
	struct rte_mbuf *m = b->pkts[i];

	/* what it may overtake by leaving alone leaves first */
	if (tc_hwtx_port_on(w->hwtx, out))
		tx_kept(w, out, from, k, bytes);
	if (w->hwtx != NULL &&
	    (w->hwtx_tc ? tx_hwtx(w, out, m, *f, ti, tx_ts, bytes) :
	     tx_onestep(w, out, m, ti, f)))
		return true;
	if ((*f & TXF_TC) && tx_correct(w, out, m, ti, tx_ts))
		w->stats[out].ptp_corrected++;
	return false;
}

void tx_tc(struct worker *w, unsigned int out, uint16_t from,
		  uint64_t *bytes)
{
	struct txbuf *b = &w->tx[out];
	uint64_t tx_ts = ts_source_tx_predict(&w->app->ports[out].ts);
	uint16_t i, k = from;

	b->ptp_at = 0;
	for (i = from; i < b->n; i++) {
		uint8_t f = b->flags[i];

		if ((f & TXF_TC) &&
		    tx_tc_one(w, out, i, &f, from, &k, tx_ts, bytes))
			continue;	/* left the buffer */
		if (k != i && (f & TXF_TC))
			b->tc[k] = b->tc[i];
		b->pkts[k] = b->pkts[i];
		b->flags[k] = f;
		b->ptp_at |= (uint64_t)((f & TXF_PTP) != 0) << k;
		k++;
	}
	b->n = k;
}

void tx_flush(struct worker *w, unsigned int out)
{
	struct txbuf *b = &w->tx[out];

	tx_out(w, out, b->pkts, b->n, b->ptp_at, b->bytes, 0, NULL);
	b->n = 0;
	b->ptp_at = 0;
	b->bytes = 0;
}

void tx_drain(struct worker *w)
{
	unsigned int p;
	uint16_t i;

	for (p = 0; p < w->app->n_ports; p++) {
		for (i = 0; i < w->tx[p].n; i++)
			rte_pktmbuf_free(w->tx[p].pkts[i]);
		w->tx[p].n = 0;
		w->tx[p].ptp_at = 0;
		w->tx[p].bytes = 0;
	}
}

void tx_stamp_paths(struct worker *w)
{
	unsigned int d;

	if (w->hwtx == NULL || w->hwtx_tc)
		return;
	for (d = 0; d < 256; d++)
		if (w->ev_path[d] == EV_RUN_TC)
			w->ev_path[d] = EV_GENERAL;
}

/* Does the view's TC correct any domain? */
static bool view_tc_any(const struct fwd_view *v)
{
	unsigned int i;

	for (i = 0; i < sizeof(v->tc_domains); i++)
		if (v->tc_domains[i])
			return true;
	return false;
}

/* Without memory worker 0 runs on with predicted egress times like other
 * ports. */
void tx_stamps_setup(struct worker *w)
{
	struct app *app = w->app;
	unsigned int p;

	/* a boundary clock's event messages want TX stamps too, and so do
	 * the TC's in either mode (one-step: to learn the egress latency,
	 * tc_hwtx_egress_lat()) */
	if (w->id != 0 || (!view_tc_any(w->view) && w->view->n_bcs == 0))
		return;
	for (p = 0; p < app->n_ports && p < TC_MAX_PORTS; p++) {
		if (!ts_source_has_tx_event(&app->ports[p].ts))
			continue;
		if (w->hwtx == NULL)
			w->hwtx = tc_hwtx_create(w->tc, app->n_ports);
		if (w->hwtx == NULL)
			return;
		tc_hwtx_port_enable(w->hwtx, p, &app->ports[p].ts, w->txq);
	}
	tx_stamp_paths(w);
}
