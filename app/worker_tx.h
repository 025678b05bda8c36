/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_WORKER_TX_H
#define PTPSW_APP_WORKER_TX_H

/*
 * The worker's TX side (worker_tx.c): frames leave a port either from its
 * TX buffer (struct txbuf, flushed at the end of every loop) or from a
 * burst's run (frames of one RX burst for one port, sent straight from
 * the RX array). Both leave through tx_out(): the frames before the first
 * TC message, then the egress time and the TC, then the rest, in order.
 * Worker-internal: included by worker.c and worker_ctl.c only.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "app.h"
#include "tc/tc.h"
#include "ts_source.h"
#include "worker.h"

/* Send a port's TX buffer (emptied). */
void tx_flush(struct worker *w, unsigned int out);

/* tx_out()'s parts (worker_tx.c). tx_burst(): send pkts[from..to) to
 * port out, ptp_at: bit per TC message of pkts; what the PMD does not
 * take is freed, counted, and its bytes taken off *bytes. */
void tx_burst_some(struct worker *w, unsigned int out,
		   struct rte_mbuf **pkts, uint16_t from, uint16_t to,
		   uint64_t ptp_at, uint64_t *bytes);

static inline void tx_burst(struct worker *w, unsigned int out,
			    struct rte_mbuf **pkts, uint16_t from, uint16_t to,
			    uint64_t ptp_at, uint64_t *bytes)
{
	if (from != to)
		tx_burst_some(w, out, pkts, from, to, ptp_at, bytes);
}

/* TC on entries from..n of port out's TX buffer (none flagged TXF_PTP
 * before from): egress time predicted once, each TC copy corrected, its
 * residence stored, or taken by tc_hwtx; what stays is moved up, ptp_at
 * rebuilt. */
void tx_tc(struct worker *w, unsigned int out, uint16_t from,
	   uint64_t *bytes);

/* The one-step TC on a run's messages: all from in, all to out, one
 * egress time. */
static inline void tx_tc_run(struct worker *w, unsigned int in,
			     unsigned int out, const struct run_tc *tc)
{
	uint64_t tx_ts = ts_source_tx_predict(&w->app->ports[out].ts);

	w->stats[out].ptp_corrected +=
		tc_run(w->tc, (uint16_t)in, (uint16_t)out,
		       tmv_from_ns((int64_t)tx_ts), tc->ptp, tc->rx_at,
		       tc->rx_step, tc->n);
}

/*
 * Send pkts[0..n) to port out in order (bytes: their pkt_len sum),
 * ptp_at: bit per TC message. With TC messages, the frames before the
 * first leave first (their copy and kick then happen before the egress
 * stamp, not inside the uncorrected span after it); then the egress time
 * and the TC (the run's tc_run(), else tx_tc() on out's TX buffer, which
 * may take entries out) and the rest. Inline: the run's (a constant tc)
 * goes into the loop's code, as the TX buffer's into tx_flush().
 */
static __rte_always_inline void tx_out(struct worker *w, unsigned int out,
				       struct rte_mbuf **pkts, uint16_t n,
				       uint64_t ptp_at, uint64_t bytes,
				       unsigned int in,
				       const struct run_tc *tc)
{
	uint16_t first = 0;

	if (ptp_at) {
		first = (uint16_t)__builtin_ctzll(ptp_at);
		tx_burst(w, out, pkts, 0, first, 0, &bytes);
		if (tc != NULL) {
			tx_tc_run(w, in, out, tc);
		} else {
			tx_tc(w, out, first, &bytes);
			n = w->tx[out].n;
			ptp_at = w->tx[out].ptp_at;
		}
	}
	tx_burst(w, out, pkts, first, n, ptp_at, &bytes);
	w->stats[out].tx_bytes += bytes;
}

/* Send a burst's run: pkts[0..n) (bytes their pkt_len sum) from port in
 * to port out, tc its one-step TC messages. */
static inline void tx_run(struct worker *w, unsigned int in, unsigned int out,
			  struct rte_mbuf **pkts, uint16_t n, uint64_t bytes,
			  const struct run_tc *tc)
{
	tx_out(w, out, pkts, n, tc->at, bytes, in, tc);
}

/* tc_hwtx released a message it held (tc_hwtx_poll()'s callback, arg:
 * the worker): back into the TX buffer. */
void tx_released(void *arg, unsigned int out, struct rte_mbuf *m,
		 const struct frame_info *fi, uint16_t in_port,
		 uint64_t rx_ts);

/* Free what the TX buffers hold (the worker stops). */
void tx_drain(struct worker *w);

/* Worker 0 takes the TX stamps of every port whose backend has them
 * when the two-step TC or a boundary clock uses them (tc_hwtx.h). */
void tx_stamps_setup(struct worker *w);

/* With TX stamps on this worker, one-step messages go the general way
 * (tx_out() corrects them with the learnt latency), not the burst's run.
 * After every view copy: the view's paths know nothing of stamps. */
void tx_stamp_paths(struct worker *w);

/* Queue m for port out; fi, in_port and rx_ts (the TC's metadata) only
 * with TXF_TC. TXF_PTP comes only with TXF_TC. */
static inline void tx_add(struct worker *w, unsigned int out,
			  struct rte_mbuf *m, uint8_t flags,
			  const struct frame_info *fi, uint8_t in_port,
			  uint64_t rx_ts)
{
	struct txbuf *b = &w->tx[out];
	uint16_t n;

	if (unlikely(b->n == WORKER_TXBUF))
		tx_flush(w, out);
	n = b->n;
	if (flags & TXF_TC) {
		b->tc[n].fi = *fi;
		b->tc[n].in_port = in_port;
		b->tc[n].rx_ts = rx_ts;
	}
	b->flags[n] = flags;
	b->pkts[n] = m;
	b->n = (uint16_t)(n + 1);
	b->bytes += rte_pktmbuf_pkt_len(m);
	b->ptp_at |= (uint64_t)((flags & TXF_PTP) != 0) << n;
}

/* Same mbuf to every port of mask (reference counted). */
static inline void send_shared(struct worker *w, uint32_t mask,
			       struct rte_mbuf *m)
{
	unsigned int k;

	if (likely((mask & (mask - 1)) == 0)) {	/* one port: no refcnt */
		tx_add(w, (unsigned int)__builtin_ctz(mask), m, 0, NULL, 0, 0);
		return;
	}
	k = (unsigned int)__builtin_popcount(mask);
	rte_mbuf_refcnt_update(m, (int16_t)(k - 1));
	while (mask) {
		unsigned int out = (unsigned int)__builtin_ctz(mask);

		mask &= mask - 1;
		tx_add(w, out, m, 0, NULL, 0, 0);
	}
}

/* A private copy per port (each gets its own correction); the last
 * port gets the original. */
static inline void send_copies(struct worker *w, uint32_t mask,
			       struct rte_mbuf *m, unsigned int in,
			       uint8_t flags, const struct frame_info *fi,
			       uint64_t rx_ts)
{
	while (mask) {
		unsigned int out = (unsigned int)__builtin_ctz(mask);
		struct rte_mbuf *c = m;

		mask &= mask - 1;
		if (mask) {
			c = rte_pktmbuf_copy(m, w->app->pool, 0, UINT32_MAX);
			if (c == NULL) {
				w->stats[in].drop[DROP_NO_MBUF]++;
				continue;
			}
		}
		tx_add(w, out, c, flags, fi, (uint8_t)in, rx_ts);
	}
}

#endif /* PTPSW_APP_WORKER_TX_H */
