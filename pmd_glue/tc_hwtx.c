/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tc_hwtx: two-step transparent clock on hardware TX timestamps
 * (tc_hwtx.h). Stamp requests are tracked per port in a ring indexed by
 * the cookie (the port's request count), so a completion finds its
 * message directly; the backend completes them in request order, which
 * is what the hold queue's "completed >= need" relies on.
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ptp/msg.h"
#include "tc_hwtx.h"

struct tc_hwtx *tc_hwtx_create(struct tc *tc, unsigned int n_ports)
{
	struct tc_hwtx *h;

	if (tc == NULL || n_ports == 0 || n_ports > TC_MAX_PORTS)
		return NULL;
	h = rte_zmalloc("ptpsw_tc_hwtx", sizeof(*h), RTE_CACHE_LINE_SIZE);
	if (h == NULL)
		return NULL;
	h->tc = tc;
	h->n_ports = n_ports;
	return h;
}

void tc_hwtx_free(struct tc_hwtx *h)
{
	unsigned int p, i;

	if (h == NULL)
		return;
	for (p = 0; p < h->n_ports; p++) {
		struct tc_hwtx_port *hp = &h->port[p];

		for (i = 0; i < TC_HWTX_PEND; i++)
			rte_pktmbuf_free(hp->pend[i].m);	/* our ref */
		for (i = 0; i < hp->hold_len; i++)
			rte_pktmbuf_free(hp->hold[(hp->hold_head + i) %
						  TC_HWTX_HOLD].m);
	}
	rte_free(h);
}

int tc_hwtx_port_enable(struct tc_hwtx *h, unsigned int port,
			struct ts_source *ts, uint16_t queue)
{
	if (h == NULL || port >= h->n_ports || ts == NULL ||
	    !ts_source_has_tx_event(ts))
		return -1;
	if (h->port[port].ts == NULL)
		h->n_hw++;
	h->port[port].ts = ts;
	h->port[port].queue = queue;
	return 0;
}

/* Event messages whose residence two-step mode carries in a later
 * general message. */
static bool hwtx_two_step_event(const struct frame_info *fi)
{
	return fi->ptp_type == PTP_DELAY_REQ ||
	       (fi->ptp_type == PTP_SYNC && (fi->flags & FRAME_F_TWO_STEP));
}

/* Send m on out for its TX stamp: the port's next pending entry (m, its
 * port and predicted time set, the rest zero), or NULL (m still the
 * caller's: the queue is full or the backend refused). */
static struct tc_hwtx_msg *hwtx_submit(struct tc_hwtx *h, unsigned int out,
				       struct rte_mbuf *m, uint64_t tx_pred)
{
	struct tc_hwtx_port *hp = &h->port[out];
	uint32_t cookie = hp->submitted;
	struct tc_hwtx_msg *e = &hp->pend[cookie % TC_HWTX_PEND];

	if (hp->pend_len == TC_HWTX_PEND || e->m != NULL)
		return NULL;
	if (hp->lost && hp->probe++ % TC_HWTX_PROBE_EVERY != 0) {
		h->st.predicted++;
		return NULL;
	}
	/* our reference keeps the frame readable after the PMD is done */
	rte_mbuf_refcnt_update(m, 1);
	if (ts_source_tx_event(hp->ts, hp->queue, m, cookie) != 0) {
		rte_mbuf_refcnt_update(m, -1);
		return NULL;
	}
	memset(e, 0, sizeof(*e));
	e->m = m;
	e->t = tx_pred;
	e->ev_port = (uint16_t)out;
	hp->submitted++;
	hp->pend_len++;
	return e;
}

static enum tc_hwtx_verdict hwtx_send(struct tc_hwtx *h, unsigned int out,
				      struct rte_mbuf *m,
				      const struct frame_info *fi,
				      uint16_t in_port, uint64_t rx_ts,
				      uint64_t tx_pred)
{
	struct tc_hwtx_msg *e = hwtx_submit(h, out, m, tx_pred);

	if (e == NULL) {
		h->st.busy += !h->port[out].lost;
		return TC_HWTX_PASS;
	}
	e->fi = *fi;
	e->rx_ts = rx_ts;
	e->in_port = in_port;
	h->st.sent++;
	return TC_HWTX_SENT;
}

int tc_hwtx_send_foreign(struct tc_hwtx *h, unsigned int out,
			 struct rte_mbuf *m, uint64_t tx_pred,
			 tc_hwtx_foreign_fn fn, void *arg)
{
	struct tc_hwtx_msg *e;

	if (!tc_hwtx_port_on(h, out) || fn == NULL)
		return -1;
	e = hwtx_submit(h, out, m, tx_pred);
	if (e == NULL)
		return -1;
	e->foreign = fn;
	e->foreign_arg = arg;
	h->st.foreign++;
	return 0;
}

int tc_hwtx_send_onestep(struct tc_hwtx *h, unsigned int out,
			 struct rte_mbuf *m, uint64_t t_pred)
{
	struct tc_hwtx_msg *e;

	if (!tc_hwtx_port_on(h, out))
		return -1;
	e = hwtx_submit(h, out, m, t_pred);
	if (e == NULL)
		return -1;
	e->onestep = true;
	h->st.onestep++;
	return 0;
}

/* A one-step message's (stamp - prediction): the port's latency is the
 * shortest of the last TC_HWTX_LAT_N, once TC_HWTX_LAT_WARM are in. A
 * thread descheduled between the prediction and the send only ever makes
 * a sample longer, so the shortest follows the send path itself, not the
 * machine's load, and a correction does not run past the frame's real
 * departure (which the kernel's own TX path after the stamp still
 * follows). The warm-up matters: under load the send path takes 2-60 us
 * with a median near 10, and the shortest of a run's first few samples
 * was once 10 us above a later send's (integration tc_ipv4, a Delay_Req
 * corrected past its arrival at the time transmitter). */
static void hwtx_learn(struct tc_hwtx_port *hp, int64_t d)
{
	int32_t lo;
	uint32_t n, i;

	if (d < 0 || d > TC_HWTX_LAT_MAX_NS)
		return;
	hp->lat[hp->lat_n++ % TC_HWTX_LAT_N] = (int32_t)d;
	if (hp->lat_n < TC_HWTX_LAT_WARM)
		return;
	n = hp->lat_n < TC_HWTX_LAT_N ? hp->lat_n : TC_HWTX_LAT_N;
	lo = hp->lat[0];
	for (i = 1; i < n; i++)
		if (hp->lat[i] < lo)
			lo = hp->lat[i];
	hp->lat_ns = lo;
}

/* Hold a Follow_Up / Delay_Resp while stamps it may need are out. */
static enum tc_hwtx_verdict hwtx_hold(struct tc_hwtx *h, unsigned int out,
				      struct rte_mbuf *m,
				      const struct frame_info *fi,
				      uint16_t in_port, uint64_t rx_ts,
				      uint64_t now)
{
	unsigned int ev = fi->ptp_type == PTP_FOLLOW_UP ? out : in_port;
	struct tc_hwtx_port *hp = &h->port[out];
	struct tc_hwtx_msg *e;

	if (!tc_hwtx_port_on(h, ev))
		return TC_HWTX_PASS;
	/* nothing outstanding and nobody held before it: send now */
	if (h->port[ev].submitted == h->port[ev].completed &&
	    hp->hold_len == 0)
		return TC_HWTX_PASS;
	if (hp->hold_len == TC_HWTX_HOLD) {
		h->st.hold_full++;
		return TC_HWTX_PASS;
	}
	e = &hp->hold[(hp->hold_head + hp->hold_len) % TC_HWTX_HOLD];
	e->m = m;
	e->fi = *fi;
	e->rx_ts = rx_ts;
	e->t = now;
	e->need = h->port[ev].submitted;
	e->in_port = in_port;
	e->ev_port = (uint16_t)ev;
	hp->hold_len++;
	h->st.held++;
	return TC_HWTX_HELD;
}

enum tc_hwtx_verdict tc_hwtx_egress(struct tc_hwtx *h, unsigned int out,
				    struct rte_mbuf *m,
				    const struct frame_info *fi,
				    uint16_t in_port, uint64_t rx_ts,
				    uint64_t tx_pred, bool may_hold)
{
	if (h == NULL || h->n_hw == 0 || out >= h->n_ports ||
	    in_port >= h->n_ports || fi->cls != FRAME_PTP)
		return TC_HWTX_PASS;
	if (fi->flags & FRAME_F_EVENT) {
		if (h->port[out].ts == NULL || !hwtx_two_step_event(fi))
			return TC_HWTX_PASS;
		return hwtx_send(h, out, m, fi, in_port, rx_ts, tx_pred);
	}
	if (may_hold && (fi->ptp_type == PTP_FOLLOW_UP ||
			 fi->ptp_type == PTP_DELAY_RESP))
		return hwtx_hold(h, out, m, fi, in_port, rx_ts, tx_pred);
	return TC_HWTX_PASS;
}

/* A completion with (stamped) or without a stamp: the port's health. */
static void hwtx_health(struct tc_hwtx_port *hp, bool stamped)
{
	if (stamped) {
		hp->miss_run = 0;
		if (hp->lost) {
			hp->lost = 0;
			hp->back_n++;
		}
	} else if (++hp->miss_run >= TC_HWTX_MISS_MAX && !hp->lost) {
		hp->lost = 1;
		hp->probe = 1;
		hp->lost_n++;
	}
}

/* Completion r of the request cookie on port p. */
static void hwtx_complete(struct tc_hwtx *h, unsigned int p, int r,
			  uint64_t cookie, uint64_t tx_ts)
{
	struct tc_hwtx_port *hp = &h->port[p];
	struct tc_hwtx_msg *e = &hp->pend[(uint32_t)cookie % TC_HWTX_PEND];
	struct rte_mbuf *m = e->m;

	if (m == NULL)
		return;		/* not ours (cannot happen: counted nowhere) */
	if (r != -EIO && r != -EXDEV)	/* sent: a stamp was due (EXDEV:
					 * one came, off by a clock jump) */
		hwtx_health(hp, r == 1);
	if (e->onestep) {
		if (r == 1) {
			h->st.onestep_stamped++;
			hwtx_learn(hp, (int64_t)(tx_ts - e->t));
		}
	} else if (e->foreign != NULL) {
		h->st.foreign_stamped += r == 1;
		e->foreign(e->foreign_arg, m, r == 1 ? tx_ts : e->t, r == 1);
	} else if (r == 1 || r == -ETIMEDOUT || r == -ESTALE || r == -EXDEV) {
		if (r == 1)
			h->st.stamped++;
		else
			h->st.fallback++;
		tc_event_sent(h->tc, rte_pktmbuf_mtod(m, const uint8_t *),
			      rte_pktmbuf_data_len(m), &e->fi, e->in_port,
			      (uint16_t)p, tmv_from_ns((int64_t)e->rx_ts),
			      tmv_from_ns((int64_t)(r == 1 ? tx_ts : e->t)));
	} else {
		h->st.lost++;
	}
	rte_pktmbuf_free(m);
	e->m = NULL;
	hp->pend_len--;
	hp->completed++;
}

static unsigned int hwtx_release(struct tc_hwtx *h, unsigned int p,
				 uint64_t now, tc_hwtx_release_fn release,
				 void *arg)
{
	struct tc_hwtx_port *hp = &h->port[p];
	unsigned int n = 0;

	while (hp->hold_len > 0) {
		struct tc_hwtx_msg *e = &hp->hold[hp->hold_head];
		const struct tc_hwtx_port *ev = &h->port[e->ev_port];

		if ((int32_t)(ev->completed - e->need) >= 0)
			h->st.released++;
		else if ((int64_t)(now - e->t) > TC_HWTX_HOLD_NS)
			h->st.hold_timeout++;
		else
			break;
		hp->hold_head = (hp->hold_head + 1) % TC_HWTX_HOLD;
		hp->hold_len--;
		release(arg, p, e->m, &e->fi, e->in_port, e->rx_ts);
		e->m = NULL;
		n++;
	}
	return n;
}

unsigned int tc_hwtx_poll(struct tc_hwtx *h, uint64_t now,
			  tc_hwtx_release_fn release, void *arg)
{
	unsigned int p, n = 0;
	uint64_t cookie, tx_ts;
	int r;

	if (h == NULL || h->n_hw == 0)
		return 0;
	for (p = 0; p < h->n_ports; p++) {
		struct tc_hwtx_port *hp = &h->port[p];

		if (hp->ts == NULL || hp->pend_len == 0)
			continue;
		while ((r = ts_source_tx_poll(hp->ts, &cookie, &tx_ts)) != 0)
			hwtx_complete(h, p, r, cookie, tx_ts);
	}
	for (p = 0; p < h->n_ports; p++)
		if (h->port[p].hold_len)
			n += hwtx_release(h, p, now, release, arg);
	return n;
}
