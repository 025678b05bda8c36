/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_GLUE_TC_HWTX_H
#define PTPSW_GLUE_TC_HWTX_H

/*
 * tc_hwtx: the transparent clock's two-step path on ports whose timestamp
 * backend gives hardware TX stamps only after sending (ts_source
 * tx_event/tx_poll, e.g. ts_ethdev's one-deep latch).
 *
 * In two-step mode, an event message that two-step corrects (Delay_Req, or
 * a Sync with twoStepFlag) leaving on such a port is sent through the
 * backend with a TX stamp request instead of the normal burst. When its
 * stamp is in, the residence (TX stamp - RX stamp, latencies, rate ratio)
 * is stored with tc_event_sent() for the matching Follow_Up / Delay_Resp.
 * Those general messages are held in a small per-port queue while an event
 * message sent earlier on the port that carried the event (the Follow_Up's
 * egress port, the Delay_Resp's ingress port) still waits for its stamp,
 * so they are never corrected before the stamp is known; a held message
 * is released when those stamps are in, or after TC_HWTX_HOLD_NS.
 * One-step corrections (and one-step Syncs) keep using the predicted
 * egress time plus egress_latency_ns (tc_egress) and do not come here.
 *
 * A message that gets no stamp (timeout, stamp rejected) is stored with
 * the egress time predicted just before it was sent (counted as fallback);
 * one the backend could not send at all stores nothing (counted as lost).
 *
 * A port whose promised stamps stop coming (TC_HWTX_MISS_MAX completions
 * in a row without one) is marked lost: its event messages then leave
 * the normal way with the predicted egress time, so nothing waits for a
 * stamp that does not come, except one in TC_HWTX_PROBE_EVERY, which
 * still asks for one. The first stamp that comes back ends it. The
 * control lcore reads the transitions (lost_n, back_n) and logs them.
 *
 * Other event messages that want their TX stamp (a boundary clock's Sync
 * and Delay_Req) go out through the same pending queue with
 * tc_hwtx_send_foreign(): one owner per port's stamps, in send order.
 *
 * One-step mode cannot wait for a stamp: the correction is written
 * before the frame leaves. On a port with TX stamps the worker sends each
 * one-step event message alone with tc_hwtx_send_onestep() right after
 * correcting it with the egress time predicted just before plus the
 * port's learnt egress latency (tc_hwtx_egress_lat()): 0 for the first
 * TC_HWTX_LAT_WARM samples, then the shortest of the last TC_HWTX_LAT_N
 * (stamp - prediction) of such messages, so the
 * correction covers the send path up to the kernel's or NIC's stamp (the
 * worker takes a guard off it: onestep_lat() in app/worker.c).
 *
 * One instance per worker lcore; all calls from that lcore. Only one
 * lcore may use the TX stamps of a port (the latch is one deep).
 * No allocation after tc_hwtx_create(), no locks, no syscalls.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "net/frame.h"
#include "tc/tc.h"
#include "ts_source.h"

#define TC_HWTX_PEND	16	/* stamp requests in flight per port (> the
				 * backend's queue + 1) */
#define TC_HWTX_HOLD	32	/* general messages held per egress port */
#define TC_HWTX_HOLD_NS	20000000 /* release a held message after this */
#define TC_HWTX_MISS_MAX 8	/* completions in a row without a stamp */
#define TC_HWTX_PROBE_EVERY 8	/* while lost: one request in this many */
#define TC_HWTX_LAT_N	255	/* egress latency samples (the shortest) */
#define TC_HWTX_LAT_WARM 64	/* samples before a latency is used */
#define TC_HWTX_LAT_MAX_NS 1000000 /* a larger one is not a latency */

struct tc_hwtx_stats {
	uint64_t sent;		/* event messages sent for a TX stamp */
	uint64_t stamped;	/* residence stored from a hardware stamp */
	uint64_t fallback;	/* no stamp: stored from the predicted time */
	uint64_t lost;		/* backend could not send it */
	uint64_t busy;		/* backend refused: sent the normal way */
	uint64_t held;		/* Follow_Up / Delay_Resp held */
	uint64_t released;	/* held and released with the stamp in */
	uint64_t hold_timeout;	/* released by TC_HWTX_HOLD_NS */
	uint64_t hold_full;	/* hold queue full: not held */
	uint64_t foreign;	/* other event messages (a BC's) sent */
	uint64_t foreign_stamped; /* of those, with the backend's stamp */
	uint64_t predicted;	/* not asked for a stamp: the port's are lost */
	uint64_t onestep;	/* one-step messages sent alone */
	uint64_t onestep_stamped; /* of those, stamped: a latency sample */
};

/* Stamp of a message sent with tc_hwtx_send_foreign(): ts is the
 * backend's stamp (stamped) or the time predicted at the send. m is
 * still tc_hwtx's (do not free it). */
typedef void (*tc_hwtx_foreign_fn)(void *arg, struct rte_mbuf *m,
				   uint64_t ts, bool stamped);

/* One message the module keeps: in flight for a stamp, or held. */
struct tc_hwtx_msg {
	struct rte_mbuf *m;
	struct frame_info fi;
	uint64_t rx_ts;		/* timebase ns */
	uint64_t t;		/* sent: predicted TX time; held: hold start */
	uint32_t need;		/* held: stamps to wait for on ev_port */
	uint16_t in_port;
	uint16_t ev_port;
	tc_hwtx_foreign_fn foreign;	/* sent: not the TC's (NULL: TC's) */
	void *foreign_arg;
	bool onestep;		/* sent: a one-step message (latency) */
};

struct tc_hwtx_port {
	struct ts_source *ts;	/* NULL: no hardware TX stamps here */
	uint16_t queue;		/* TX queue used for stamped sends */
	uint32_t submitted;	/* stamp requests (mod 2^32) */
	uint32_t completed;	/* of those, finished one way or another */
	uint32_t pend_head, pend_len;
	uint32_t hold_head, hold_len;
	/* health of the port's stamps (written by the owning lcore only) */
	uint32_t miss_run;	/* completions in a row without a stamp */
	uint32_t probe;		/* requests while lost */
	volatile uint8_t lost;	/* stamps stopped: predicted egress */
	volatile uint64_t lost_n;	/* times they stopped */
	volatile uint64_t back_n;	/* times they came back */
	/* one-step egress latency: the shortest of the last samples */
	volatile int64_t lat_ns;
	uint32_t lat_n;
	int32_t lat[TC_HWTX_LAT_N];
	struct tc_hwtx_msg pend[TC_HWTX_PEND];
	struct tc_hwtx_msg hold[TC_HWTX_HOLD];
};

struct tc_hwtx {
	struct tc *tc;
	unsigned int n_ports;
	unsigned int n_hw;	/* ports with a ts set */
	struct tc_hwtx_stats st;
	struct tc_hwtx_port port[TC_MAX_PORTS];
};

/* Verdict of tc_hwtx_egress(). */
enum tc_hwtx_verdict {
	TC_HWTX_PASS = 0,	/* not ours: tc_egress() and send as usual */
	TC_HWTX_SENT,		/* sent for a TX stamp (m is gone) */
	TC_HWTX_HELD,		/* held until the stamps are in (m is kept) */
};

/*
 * Allocate (rte_zmalloc) an instance for tc with n_ports ports, none with
 * hardware TX stamps yet. Returns NULL on bad arguments or no memory.
 */
struct tc_hwtx *tc_hwtx_create(struct tc *tc, unsigned int n_ports);

/* Free h, releasing every mbuf it holds (NULL is fine). */
void tc_hwtx_free(struct tc_hwtx *h);

/*
 * Use the TX stamps of port (ts must have ts_source_has_tx_event()) on TX
 * queue queue. Returns 0, or -1 if port is out of range or ts cannot.
 */
int tc_hwtx_port_enable(struct tc_hwtx *h, unsigned int port,
			struct ts_source *ts, uint16_t queue);

/* Does port use hardware TX stamps in h? */
static inline bool tc_hwtx_port_on(const struct tc_hwtx *h, unsigned int port)
{
	return h != NULL && port < h->n_ports && h->port[port].ts != NULL;
}

/*
 * Egress decision for one copy m of a classified PTP frame of a TC domain
 * (two-step mode) about to leave on out. fi: its classification; rx_ts:
 * its ingress time; tx_pred: the egress time predicted now; may_hold:
 * false for a message tc_hwtx released (never held twice).
 * Returns TC_HWTX_SENT (event message sent for a stamp), TC_HWTX_HELD
 * (general message held), or TC_HWTX_PASS: the caller corrects it with
 * tc_egress(..., tx_pred) and sends it (also when the backend refused the
 * event message: counted as busy).
 */
enum tc_hwtx_verdict tc_hwtx_egress(struct tc_hwtx *h, unsigned int out,
				    struct rte_mbuf *m,
				    const struct frame_info *fi,
				    uint16_t in_port, uint64_t rx_ts,
				    uint64_t tx_pred, bool may_hold);

/*
 * Send m, an event message that is not the TC's (a boundary clock's Sync
 * or Delay_Req), on out through the port's backend for its TX stamp:
 * the one latch per port is shared with the TC's messages. fn(arg, ...)
 * gets the stamp from tc_hwtx_poll() (tx_pred if the backend has none).
 * Returns 0 (m sent: the caller's reference is the PMD's now, tc_hwtx
 * keeps one of its own until fn ran), or -1 (not sent; out has no TX
 * stamps here or its queue is full: m is still the caller's).
 */
int tc_hwtx_send_foreign(struct tc_hwtx *h, unsigned int out,
			 struct rte_mbuf *m, uint64_t tx_pred,
			 tc_hwtx_foreign_fn fn, void *arg);

/*
 * Send m, a one-step event message already corrected with the egress time
 * t_pred + tc_hwtx_egress_lat(h, out), alone on out for its TX stamp; the
 * stamp teaches the port's egress latency (stamp - t_pred). Returns 0 (m
 * sent), or -1 (not sent: m is still the caller's, to send as usual).
 */
int tc_hwtx_send_onestep(struct tc_hwtx *h, unsigned int out,
			 struct rte_mbuf *m, uint64_t t_pred);

/* The egress latency learnt on port out (0 until TC_HWTX_LAT_WARM
 * samples). */
static inline int64_t tc_hwtx_egress_lat(const struct tc_hwtx *h,
					 unsigned int out)
{
	return h->port[out].lat_ns;
}

/* Called by tc_hwtx_poll() for each released message, in hold order: the
 * caller must tc_egress() and send m on out (it owns m again). */
typedef void (*tc_hwtx_release_fn)(void *arg, unsigned int out,
				   struct rte_mbuf *m,
				   const struct frame_info *fi,
				   uint16_t in_port, uint64_t rx_ts);

/*
 * Collect the TX stamps that are in (storing their residence with
 * tc_event_sent()), then release held messages whose stamps are in or
 * whose hold exceeded TC_HWTX_HOLD_NS at now (timebase ns).
 * Returns the number of messages released.
 */
unsigned int tc_hwtx_poll(struct tc_hwtx *h, uint64_t now,
			  tc_hwtx_release_fn release, void *arg);

/* Have port's TX stamps stopped coming (see above)? */
static inline bool tc_hwtx_port_lost(const struct tc_hwtx *h,
				     unsigned int port)
{
	return tc_hwtx_port_on(h, port) && h->port[port].lost;
}

/* Counters of h (live). */
static inline const struct tc_hwtx_stats *
tc_hwtx_get_stats(const struct tc_hwtx *h)
{
	return &h->st;
}

#endif /* PTPSW_GLUE_TC_HWTX_H */
