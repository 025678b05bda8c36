/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ts_ethdev: timestamps from rte_eth_timesync_* one-deep latches, mapped
 * from the NIC clock (PHC, ns) onto the common timebase by a clockmap
 * refreshed from cross-timestamps on the control lcore.
 *
 * RX: a packet flagged RTE_MBUF_F_RX_IEEE1588_TMST owns the RX latch; it is
 * read with mbuf->timesync as the register index (i40e) and mapped. Other
 * packets get the burst's TSC time.
 * TX: the egress time is known only after sending, so the TC uses
 * tc_event_sent() (two-step correction) for event messages on these ports;
 * tx_predict (one-step) is plain "now" (the TC adds egress_latency_ns).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "timebase.h"
#include "ts_ethdev.h"
#include "ts_source.h"

#define TSE_XTS_TRIES 5
#define TSE_DRAIN_MAX 4

struct tse_slot {
	struct rte_mbuf *m;
	uint64_t cookie;
	uint16_t queue;
};

struct tse_priv {
	struct clockmap map;
	/* the one message in flight */
	bool busy;
	uint64_t cookie;
	uint64_t sent_before;		/* timebase just before tx_burst */
	/* messages waiting for the latch */
	struct tse_slot q[TS_ETHDEV_TXQ_LEN];
	uint32_t q_head;
	uint32_t q_len;
	/* a queued message that could not be sent, reported by tx_poll */
	bool failed;
	uint64_t failed_cookie;
	struct ts_ethdev_stats st;
};

static int64_t tse_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

/* Cross-timestamp: keep the PHC read with the shortest bracket. */
static void tse_refresh(struct ts_source *ts)
{
	struct tse_priv *p = ts->priv;
	uint64_t best = UINT64_MAX, t0, t1;
	int64_t best_f = 0, best_b = 0;
	struct timespec t;

	for (int i = 0; i < TSE_XTS_TRIES; i++) {
		t0 = timebase_now();
		if (rte_eth_timesync_read_time(ts->port_id, &t) != 0)
			return;
		t1 = timebase_now();
		if (t1 - t0 < best) {
			best = t1 - t0;
			best_f = tse_ns(&t);
			best_b = (int64_t)(t0 + (t1 - t0) / 2);
		}
	}
	clockmap_update(&p->map, best_f, best_b);
	p->st.xts_refresh++;
	p->st.xts_best_bracket_ns = best;
}

static int tse_open(struct ts_source *ts)
{
	struct tse_priv *p;
	int ret;

	ret = rte_eth_timesync_enable(ts->port_id);
	if (ret != 0)
		return ret;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	clockmap_init(&p->map, 1.0);
	ts->priv = p;
	return 0;
}

static void tse_close(struct ts_source *ts)
{
	struct tse_priv *p = ts->priv;

	if (p == NULL)
		return;
	for (uint32_t i = 0; i < p->q_len; i++)
		rte_pktmbuf_free(p->q[(p->q_head + i) % TS_ETHDEV_TXQ_LEN].m);
	free(p);
	ts->priv = NULL;
}

static void tse_rx_burst(struct ts_source *ts, struct rte_mbuf **pkts,
			 uint16_t n, uint64_t *ts_out)
{
	struct tse_priv *p = ts->priv;
	uint64_t now = timebase_now();
	uint64_t stamped = 0;
	struct timespec t;
	int64_t b;

	for (uint16_t i = 0; i < n; i++) {
		ts_out[i] = now;
		if (!(pkts[i]->ol_flags & RTE_MBUF_F_RX_IEEE1588_TMST))
			continue;
		if (rte_eth_timesync_read_rx_timestamp(ts->port_id, &t,
						       pkts[i]->timesync) != 0) {
			p->st.rx_latch_miss++;
			continue;
		}
		b = clockmap_to_base(&p->map, tse_ns(&t));
		/* a stamp after the burst returned is a mapping error */
		if (b > (int64_t)now || b <= 0) {
			p->st.rx_clamped++;
			b = (int64_t)now;
		}
		ts_out[i] = (uint64_t)b;
		ts->rx_lead_ns = (int64_t)now - b;
		stamped++;
	}
	p->st.rx_stamped += stamped;
	ts->rx_stamped += stamped;
	ts->rx_fallback += n - stamped;
}

/* Not ts_tx_predict_now(): the glue tests compile this file with
 * timebase_now renamed to their virtual clock. */
static uint64_t tse_tx_predict(struct ts_source *ts)
{
	(void)ts;
	return timebase_now();
}

/* Send one message with a TX timestamp request; the latch is ours. */
static int tse_send(struct ts_source *ts, uint16_t queue, struct rte_mbuf *m,
		    uint64_t cookie)
{
	struct tse_priv *p = ts->priv;
	struct timespec t;
	uint64_t before;

	/* a stale stamp (message given up on) must not be taken for ours */
	for (int i = 0; i < TSE_DRAIN_MAX &&
	     rte_eth_timesync_read_tx_timestamp(ts->port_id, &t) == 0; i++)
		p->st.tx_stale_drained++;
	m->ol_flags |= RTE_MBUF_F_TX_IEEE1588_TMST;
	before = timebase_now();
	if (rte_eth_tx_burst(ts->port_id, queue, &m, 1) != 1) {
		m->ol_flags &= ~RTE_MBUF_F_TX_IEEE1588_TMST;
		p->st.tx_send_fail++;
		return -EBUSY;
	}
	p->busy = true;
	p->cookie = cookie;
	p->sent_before = before;
	p->st.tx_sent++;
	return 0;
}

/* Latch free: send the next queued message, if any. */
static void tse_kick(struct ts_source *ts)
{
	struct tse_priv *p = ts->priv;
	struct tse_slot *s;

	while (!p->busy && !p->failed && p->q_len > 0) {
		s = &p->q[p->q_head];
		p->q_head = (p->q_head + 1) % TS_ETHDEV_TXQ_LEN;
		p->q_len--;
		if (tse_send(ts, s->queue, s->m, s->cookie) != 0) {
			rte_pktmbuf_free(s->m);
			p->failed = true;
			p->failed_cookie = s->cookie;
		}
	}
}

int ts_ethdev_tx_event(struct ts_source *ts, uint16_t queue,
		       struct rte_mbuf *m, uint64_t cookie)
{
	struct tse_priv *p = ts->priv;
	struct tse_slot *s;

	if (!p->busy && p->q_len == 0)
		return tse_send(ts, queue, m, cookie);
	if (p->q_len == TS_ETHDEV_TXQ_LEN) {
		p->st.tx_queue_full++;
		return -ENOSPC;
	}
	s = &p->q[(p->q_head + p->q_len) % TS_ETHDEV_TXQ_LEN];
	s->m = m;
	s->cookie = cookie;
	s->queue = queue;
	p->q_len++;
	p->st.tx_queued++;
	return 0;
}

/* The in-flight message is over; report result r and start the next. */
static int tse_complete(struct ts_source *ts, int r, uint64_t *cookie)
{
	struct tse_priv *p = ts->priv;

	*cookie = p->cookie;
	p->busy = false;
	tse_kick(ts);
	return r;
}

int ts_ethdev_tx_poll(struct ts_source *ts, uint64_t *cookie,
		      uint64_t *tx_ts)
{
	struct tse_priv *p = ts->priv;
	struct timespec t;
	uint64_t now;
	int64_t b;

	if (p->failed) {
		p->failed = false;
		*cookie = p->failed_cookie;
		tse_kick(ts);
		return -EIO;
	}
	if (!p->busy)
		return 0;
	if (rte_eth_timesync_read_tx_timestamp(ts->port_id, &t) != 0) {
		if (timebase_now() - p->sent_before <= TS_ETHDEV_TX_TIMEOUT_NS)
			return 0;	/* -EINVAL: not yet */
		p->st.tx_timeout++;
		return tse_complete(ts, -ETIMEDOUT, cookie);
	}
	now = timebase_now();
	b = clockmap_to_base(&p->map, tse_ns(&t));
	if (b < (int64_t)(p->sent_before - TS_ETHDEV_TX_SLACK_NS) ||
	    b > (int64_t)(now + TS_ETHDEV_TX_SLACK_NS)) {
		p->st.tx_rejected++;
		return tse_complete(ts, -ESTALE, cookie);
	}
	*tx_ts = (uint64_t)b;
	p->st.tx_done++;
	return tse_complete(ts, 1, cookie);
}

unsigned int ts_ethdev_tx_pending(const struct ts_source *ts)
{
	const struct tse_priv *p = ts->priv;

	return p->q_len + (p->busy ? 1u : 0u) + (p->failed ? 1u : 0u);
}

/* ts_source_ops.tx_read: the stamp of the one message in flight. */
static int tse_tx_read(struct ts_source *ts, uint64_t *ts_out)
{
	uint64_t cookie;
	int r = ts_ethdev_tx_poll(ts, &cookie, ts_out);

	return r == 1 ? 0 : -EAGAIN;
}

const struct ts_source_ops ts_ethdev_ops = {
	.name = "ethdev-timesync",
	.open = tse_open,
	.close = tse_close,
	.rx_burst = tse_rx_burst,
	.tx_predict = tse_tx_predict,
	.tx_read = tse_tx_read,
	.refresh = tse_refresh,
	.tx_event = ts_ethdev_tx_event,
	.tx_poll = ts_ethdev_tx_poll,
};

const struct ts_ethdev_stats *ts_ethdev_get_stats(const struct ts_source *ts)
{
	const struct tse_priv *p = ts->priv;

	return ts->ops == &ts_ethdev_ops && p ? &p->st : NULL;
}

const struct clockmap *ts_ethdev_clockmap(const struct ts_source *ts)
{
	const struct tse_priv *p = ts->priv;

	return ts->ops == &ts_ethdev_ops && p ? &p->map : NULL;
}
