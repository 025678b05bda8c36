/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_CTL_TX_H
#define PTPSW_APP_CTL_TX_H

/*
 * ctl_tx: the frames the control lcore builds (boundary clocks,
 * bc_runtime.h; ARP/ND, neigh.h) and worker 0 sends, and the TX-stamp
 * handshake between the two.
 *
 * The control lcore has no TX queue of its own (af_packet ports cannot
 * have more TX than RX queues without splitting their RX across unpolled
 * queues). It builds the frame and puts the mbuf on app->ctl_tx_ring
 * (ctl_tx_send); worker 0 sends it on its own TX queue of the egress port
 * (mbuf->port) in its next loop.
 *
 * TX stamps: an event message that needs its TX timestamp carries
 * CTL_TX_TS_WANTED in its ptpsw_meta flags, and the control lcore keeps a
 * reference in a struct ctl_tx_wait (ctl_tx_send_stamped). Worker 0
 * writes the timebase time into meta.tx_ts, marks it CTL_TX_TS_DONE
 * (release) and sends the frame at once (ctl_tx_stamp); the control
 * lcore picks the stamp up on its next round (ctl_tx_collect) and drops
 * its reference. So the stamp is taken by the lcore that transmits,
 * right before rte_eth_tx_burst, whatever the delay between the two
 * lcores (the worker may be preempted on a busy host). Where the port's
 * backend has TX stamps (ts_source_tx_event: NIC latches, af_packet's
 * kernel stamps), worker 0 sends the frame through the backend instead
 * (tc_hwtx_send_foreign: tc_hwtx owns each port's stamps, for the
 * two-step TC too) and writes the backend's stamp once it is in (the
 * predicted time if the backend has none for it); see bc_tx_event() in
 * worker.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "meta.h"

struct app;

#define CTL_TX_RING		512	/* frames queued for worker 0 */
#define CTL_TX_WAIT		16	/* TX stamps one sender waits for */
#define CTL_TX_TS_TIMEOUT_NS	(100ull * 1000 * 1000)

#define CTL_TX_TS_WANTED	0xA5	/* ptpsw_meta.flags of a control frame */
#define CTL_TX_TS_DONE		0x5A

/* Does a frame of app->ctl_tx_ring want a TX timestamp? */
static inline bool ctl_tx_wants_stamp(struct rte_mbuf *m, int meta_off)
{
	return meta_get(m, meta_off)->flags == CTL_TX_TS_WANTED;
}

/*
 * Worker 0, for a frame taken off app->ctl_tx_ring just before it is
 * sent: if it wants a TX timestamp, stamp it (timebase now) and return
 * true (the caller then sends it at once). Returns false otherwise.
 */
static inline bool ctl_tx_stamp(struct rte_mbuf *m, int meta_off,
				uint64_t now)
{
	struct pkt_meta *pm = meta_get(m, meta_off);

	if (pm->flags != CTL_TX_TS_WANTED)
		return false;
	pm->tx_ts = now;
	__atomic_store_n(&pm->flags, CTL_TX_TS_DONE, __ATOMIC_RELEASE);
	return true;
}

/* What a sender knows a stamped frame by (its own numbering). */
struct ctl_tx_tag {
	uint8_t port, type;
	uint16_t seq;
};

/* The stamped frames one sender waits for. Zeroed: empty. */
struct ctl_tx_wait {
	unsigned int n;
	struct {
		struct ctl_tx_tag tag;
		uint64_t sent;		/* when queued (timeout) */
		struct rte_mbuf *m;	/* our reference: meta gets the stamp */
	} e[CTL_TX_WAIT];
};

/* Create app->ctl_tx_ring. Returns 0, or -1 (not logged). */
int ctl_tx_init(struct app *app);

/* Free every frame still queued and the ring (after the workers
 * stopped). */
void ctl_tx_fini(struct app *app);

/*
 * A zeroed frame of len bytes (at least the Ethernet minimum, 60) from
 * app->pool: returns its data, *mp the mbuf; NULL (*mp NULL) when the
 * pool is empty.
 */
uint8_t *ctl_tx_alloc(struct app *app, struct rte_mbuf **mp, uint16_t len);

/* Queue m for TX on conf port port, no stamp wanted. Returns 0, or
 * -ENOBUFS (m freed, counted by the caller). */
int ctl_tx_send(struct app *app, unsigned int port, struct rte_mbuf *m);

/*
 * Queue m for TX on conf port port and wait in w for its TX stamp, known
 * by tag; when w is full, m is sent without. Returns 0, or -ENOBUFS (m
 * freed, counted by the caller).
 */
int ctl_tx_send_stamped(struct app *app, struct ctl_tx_wait *w,
			unsigned int port, struct rte_mbuf *m,
			const struct ctl_tx_tag *tag, uint64_t now);

/*
 * Hand the stamps worker 0 wrote back: done(arg, tag, ts) per stamped
 * frame, in the order of w (done may send again, also stamped frames into
 * w). A frame without a stamp after CTL_TX_TS_TIMEOUT_NS is given up.
 * Returns the number given up.
 */
unsigned int ctl_tx_collect(struct ctl_tx_wait *w, int meta_off,
			    uint64_t now,
			    void (*done)(void *arg, const struct ctl_tx_tag *tag,
					 uint64_t ts),
			    void *arg);

/* Drop the references w holds. */
void ctl_tx_wait_free(struct ctl_tx_wait *w);

#endif /* PTPSW_APP_CTL_TX_H */
