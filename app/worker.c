/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * worker: the loop. Burst in, classify, learn, look up, dispatch; the TX
 * side (worker_tx.c) corrects and sends, the control lcore's traffic goes
 * through worker_ctl.c, set-up and reloads are in worker_setup.c.
 * Per packet: no allocation besides mbuf copies from the pool, no
 * syscalls, no locks, no logging; every drop is counted by reason.
 */

#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "app.h"
#include "net/frame.h"
#include "sw/fdb.h"
#include "sw/fwd_view.h"
#include "sw/memo.h"
#include "tc/tc.h"
#include "tc_hwtx.h"
#include "timebase.h"
#include "ts_source.h"
#include "worker.h"
#include "worker_ctl.h"
#include "worker_tx.h"

#define WORKER_EXPIRE_NS	(100 * 1000 * 1000)
/* Empty polls for this long before an idle worker starts to sleep. */
#define WORKER_IDLE_SPIN_NS	20000

/* run_out without a port: never a value memo_dest() returns */
#define RUN_NONE	(-16)		/* no run yet in this burst */
#define RUN_CLOSED	(-17)		/* the run takes no more frames */

/* A run holds at most one burst, and the TX buffer of its port cannot
 * fill (and flush ahead of the run) within the burst. */
_Static_assert(WORKER_BURST <= WORKER_TXBUF, "a burst fits a TX buffer");

#define MAC_KEY_VALID	LEARN_VALID

_Static_assert(CONF_MAX_PORTS <= 1u << LEARN_T_PORT_BITS,
	       "a learn cache way's time holds every port");

_Static_assert(DROP_NO_DEST - DROP_FILTERED == MEMO_DROP_NO_DEST &&
	       DROP_PORT_DOWN - DROP_FILTERED == MEMO_DROP_PORT_DOWN &&
	       MEMO_DROP_FILTERED == 0,
	       "memo_dest() counts into port_stats.drop from DROP_FILTERED");

/* r's run_key after its run's port or its fast memo changed. */
static __rte_always_inline void run_key_sync(struct burst_regs *r)
{
	r->run_key = r->fast.out == r->run_out ? r->fast.key : MEMO_FAST_NONE;
}

/* Count the floods of the frames that joined r's run through run_key
 * since the last call: before r's fast memo changes, and at the burst's
 * end. */
static __rte_always_inline void run_key_settle(struct burst_regs *r)
{
	r->key_floods += r->fast.flood * (r->run_n - r->key_base);
	r->key_base = r->run_n;
}

/*
 * learn_check()'s rare part: src (mac its learn_mac()) was not in its
 * learn set under key (this epoch): a unicast MAC that stays put since
 * it was handed over (learn_renew()) takes the key; else it goes to
 * the fdb and (re)writes its way. Returns mac | MAC_KEY_VALID (a memo of
 * a lookup of that MAC is to be forgotten), or 0 for a group MAC, which
 * is not learned and so never hits the cache.
 */
static __rte_noinline uint64_t learn_miss(struct worker *w,
					  const uint8_t *src, uint64_t mac,
					  unsigned int in, uint64_t now,
					  uint64_t key)
{
	struct learn_set *set = learn_set_of(w->learn, mac);
	unsigned int k;
	uint64_t moves;

	if (src[0] & 1)		/* a group MAC is not learned (never cached) */
		return 0;
	k = learn_way(set, mac);
	moves = fdb_moves_of(w->app->fdb, src);
	if (learn_renew(set, k, mac, in, now, w->learn_refresh_ns, moves)) {
		set->key[k] = key;	/* a new epoch, nothing to tell */
		w->learn_renewed++;
		return 0;
	}
	w->fdb_learn_calls++;
	if (fdb_learn(w->app->fdb, src, (uint16_t)in, now) != 0) {
		set->key[k] = 0;	/* table full: try again next time */
		set->t[k] = 0;
	} else {
		set->key[k] = key;
		/* the count before the call: any move from then on, this
		 * call's own too, hands the MAC over once more */
		set->t[k] = learn_t(now, in, moves);
	}
	return mac | MAC_KEY_VALID;
}

/*
 * Learn a source MAC (src, mac its learn_mac()) through the worker's
 * learn cache (a group MAC: learn_miss() ignores it); key_hi is
 * learn_key_hi() of now. A MAC has at most one way of its set. The
 * usual case (the MAC learned in this epoch, on any port: a move waits
 * for the next epoch, lib/sw/learn.h) is one vector compare. Returns 0,
 * or learn_miss()'s MAC key to forget.
 */
static __rte_always_inline uint64_t learn_check(struct worker *w,
						const uint8_t *src,
						uint64_t mac, unsigned int in,
						uint64_t now, uint64_t key_hi)
{
	if (likely(learn_has(learn_set_of(w->learn, mac), mac | key_hi)))
		return 0;
	return learn_miss(w, src, mac, in, now, mac | key_hi);
}

/*
 * The port (< 0: unknown) of a unicast destination (fk: its
 * memo_fast_key(), data: the frame) that r's fast memo does not answer:
 * the destination cache's answer, else an fdb lookup (cached). A
 * looked-up destination, or a cached one at its second frame in a row,
 * becomes the memo, and r's fast memo is resolved again.
 */
static __rte_always_inline int burst_dest_other(struct worker *w,
						const uint8_t *data,
						uint64_t fk, unsigned int in,
						const struct burst_const *c,
						struct burst_regs *r)
{
	uint64_t t;
	int p;

	if (dcache_get(&w->dcache, fk, &p)) {
		if (fk != w->dcache_last) {
			w->dcache_last = fk;
			return p;
		}
		t = w->dcache.gen_t;	/* the memo ends with the answer */
	} else {
		p = fdb_lookup(w->app->fdb, data, c->now);
		w->fdb_lookup_calls++;
		t = c->now;
		dcache_put(&w->dcache, fk, p);
	}
	memo_set(&w->memo, memo_key_of_fast(fk), p, t);
	run_key_settle(r);
	memo_fast_set(&r->fast, &w->memo, in, &c->fl);
	run_key_sync(r);
	return p;
}

/*
 * The destination of a frame from port in (at least 12 bytes at data):
 * a group MAC floods; to the memo's MAC where that is one port, r's fast
 * memo (one compare); else burst_dest_other(): as memo_dest(), drops
 * counted in in's stats, floods in *flooded.
 */
static __rte_always_inline int burst_dest_one(struct worker *w,
					      const uint8_t *data,
					      unsigned int in,
					      const struct burst_const *c,
					      struct burst_regs *r,
					      uint64_t *flooded)
{
	int port = -1;

	if (!(data[0] & 1)) {
		uint64_t fk = memo_fast_key(data);

		if (likely(fk == r->fast.key)) {
			*flooded += r->fast.flood;
			return r->fast.out;
		}
		port = burst_dest_other(w, data, fk, in, c, r);
	}
	return memo_dest(port, in, &c->fl, c->drop, flooded);
}

/* Learn the source MAC of a frame from port in (at least 12 bytes at
 * data; a group MAC is not learned); a memo of its lookup (the
 * worker's, and r's fast memo) is forgotten when it goes to the fdb. */
static __rte_always_inline void burst_learn(struct worker *w,
					    const uint8_t *data,
					    unsigned int in,
					    const struct burst_const *c,
					    struct burst_regs *r)
{
	uint64_t forget = learn_check(w, data + 6, learn_mac_src(data), in,
				      c->now, c->key_hi);

	if (unlikely(forget != 0)) {
		memo_forget(&w->memo, forget);
		dcache_forget(&w->dcache, forget);
		run_key_settle(r);
		memo_fast_forget(&r->fast, forget);
		run_key_sync(r);
	}
}

/*
 * Whether PTP message fi (in m, from port in at rx_ts) is switched as it
 * is: not a BC's domain, and not a message the TC of its domain corrects,
 * which is one it never handles (tc_handles()), or a Follow_Up or
 * Delay_Resp while it adds nothing to them (tc_general_passes(): one-step
 * mode, nothing stored); such a Follow_Up's ingress work (the rate
 * estimator) is done here.
 */
static __rte_always_inline bool ptp_as_is(struct worker *w,
					  const struct rte_mbuf *m,
					  unsigned int in,
					  const struct frame_info *fi,
					  uint64_t rx_ts)
{
	if (fwd_view_bit(w->view->bc_domains, fi->domain))
		return false;
	if (!fwd_view_bit(w->view->tc_domains, fi->domain) ||
	    !tc_handles(fi->ptp_type))
		return true;
	if ((fi->ptp_type != PTP_FOLLOW_UP &&
	     fi->ptp_type != PTP_DELAY_RESP) || !tc_general_passes(w->tc))
		return false;
	tc_ingress(w->tc, rte_pktmbuf_mtod(m, const uint8_t *),
		   rte_pktmbuf_data_len(m), fi, (uint16_t)in,
		   tmv_from_ns((int64_t)rx_ts));
	return true;
}

/* A PTP message (fi) from port in to the ports of mask, for a BC or the
 * TC (rx_classified() switches the rest, ptp_as_is()): to the control
 * lcore (a BC's domain), or through the TC (a copy per port, the TC's
 * metadata in the TX buffer). */
static void handle_ptp(struct worker *w, struct rte_mbuf *m, unsigned int in,
		       const struct frame_info *fi, uint64_t rx_ts,
		       uint32_t mask)
{
	w->stats[in].ptp_rx++;
	if (fwd_view_bit(w->view->bc_domains, fi->domain)) {
		to_control(w, m, in, fi, rx_ts);
		return;
	}
	if (mask == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	tc_ingress(w->tc, rte_pktmbuf_mtod(m, uint8_t *),
		   rte_pktmbuf_data_len(m), fi, (uint16_t)in,
		   tmv_from_ns((int64_t)rx_ts));
	/* tc_hwtx keeps its own copy of the metadata of a message it holds
	 * and hands it back on release */
	send_copies(w, mask, m, in, TXF_PTP | TXF_TC, fi, rx_ts);
}

/* Append m, a frame to r's run_key, to the burst's run (run: the RX
 * array, where the frames up to m's own place are handled). */
static __rte_always_inline void run_add(struct burst_regs *r,
					struct rte_mbuf **run,
					struct rte_mbuf *m)
{
	run[r->run_n++] = m;
}

/* Append m, any other frame, to the burst's run: as run_add(), not
 * counted by run_key_settle(). */
static __rte_always_inline void run_add_other(struct burst_regs *r,
					      struct rte_mbuf **run,
					      struct rte_mbuf *m)
{
	r->key_base++;
	run_add(r, run, m);
}

/* Whether a frame for port out (>= 0) not the run's opens the burst's
 * run: there is none yet and nothing of this burst waits in out's TX
 * buffer (the run leaves first). */
static __rte_always_inline bool run_opens(const struct worker *w,
					  const struct burst_regs *r, int out)
{
	return r->run_out == RUN_NONE && w->tx[out].n == 0;
}

/* Append m to the burst's run for port out (its port, or it opens). */
static __rte_always_inline void run_join(struct burst_regs *r,
					 struct rte_mbuf **run, int out,
					 struct rte_mbuf *m)
{
	r->run_out = out;
	r->run_port = (unsigned int)out;
	run_key_sync(r);
	run_add_other(r, run, m);
}

/*
 * A frame (not PTP, or PTP switched as it is) for out (burst_dest_one()'s
 * answer): into the burst's run if it takes it, else the TX buffer, or
 * dropped. Returns false if it went to a TX buffer that may be the run's
 * port's: the caller closes the run (it leaves first).
 */
static __rte_always_inline bool switch_to(struct worker *w,
					  struct rte_mbuf *m,
					  struct rte_mbuf **run,
					  const struct burst_const *c,
					  struct burst_regs *r, int out)
{
	if (likely(out == r->run_out)) {
		run_add_other(r, run, m);
		return true;
	}
	if (out >= 0 && run_opens(w, r, out)) {
		run_join(r, run, out, m);
		return true;
	}
	if (out >= 0)		/* not the run's port */
		tx_add(w, (unsigned int)out, m, 0, NULL, 0, 0);
	else if (out == MEMO_DROPPED)
		rte_pktmbuf_free(m);
	else
		send_shared(w, c->fl.flood, m);
	return out != MEMO_FLOOD;
}

/*
 * A frame that is not PTP, or PTP switched as it is (at least 14 bytes),
 * whose source is learnt: to its destination ports, or dropped. Into the
 * burst's run if it takes it (to r's run_key: after one compare), else
 * the TX buffer. Returns false if it went to a TX buffer that may be the
 * run's port's: the caller closes the run (it leaves first).
 */
static __rte_always_inline bool switch_plain(struct worker *w,
					     struct rte_mbuf *m,
					     const uint8_t *data,
					     unsigned int in,
					     struct rte_mbuf **run,
					     const struct burst_const *c,
					     struct burst_regs *r,
					     uint64_t *flooded)
{
	/* to the fast memo's MAC, whose port is the run's */
	if (likely(memo_fast_key(data) == r->run_key)) {
		run_add(r, run, m);
		return true;
	}
	return switch_to(w, m, run, c, r,
			 burst_dest_one(w, data, in, c, r, flooded));
}

/*
 * A classified frame from port in (fi: at least the Ethernet header; cls
 * its class, a constant where the caller knows it) after its checks:
 * learn, ptpsw's own addresses (local: while there are any), then PTP
 * for a BC or the TC to handle_ptp(); the rest, PTP switched as it is
 * too (ptp_as_is()), switched. Returns as switch_plain().
 */
static __rte_always_inline bool rx_classified(struct worker *w,
					      struct rte_mbuf *m,
					      unsigned int in,
					      const struct frame_info *fi,
					      enum frame_class cls,
					      uint64_t rx_ts, bool local,
					      struct burst_ctx *bc,
					      const struct burst_const *c,
					      struct burst_regs *r,
					      uint64_t *flooded)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);

	if (cls == FRAME_PTP)
		watchdog_check(data, rte_pktmbuf_data_len(m), fi, &w->wd[in]);
	burst_learn(w, data, in, c, r);
	if (local && ctl_local(w, m, in, fi, rx_ts))
		return true;
	if (cls == FRAME_PTP) {
		int out = burst_dest_one(w, data, in, c, r, flooded);

		/* a message nobody here takes or corrects is switched as
		 * a plain frame: it joins the run, and a Sync behind it
		 * still can */
		if (ptp_as_is(w, m, in, fi, rx_ts)) {
			w->stats[in].ptp_rx++;
			return switch_to(w, m, bc->run, c, r, out);
		}
		handle_ptp(w, m, in, fi, rx_ts, memo_dest_mask(out, &c->fl));
		return false;
	}
	return switch_plain(w, m, data, in, bc->run, c, r, flooded);
}

/*
 * Every frame rx_frames()'s loop does not switch itself: anything
 * frame_prescan() was not sure of (scan, pos: its result for m), PTP over
 * UDP that frame_classify_udp() did not find well-formed, and every frame
 * while ptpsw has addresses of its own. Out of line: the loop over plain
 * traffic stays small.
 */
static __rte_noinline void handle_pkt(struct worker *w, struct rte_mbuf *m,
				      unsigned int in, uint64_t rx_ts,
				      struct burst_ctx *bc,
				      enum frame_scan scan,
				      const struct frame_scan_pos *pos)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	struct frame_info fi;

	/* one walk over the headers: PTP over UDP goes on from there */
	if (scan == FRAME_SCAN_UDP_PTP)
		frame_classify_udp(data, len, pos, &fi);
	else
		frame_classify(data, len, &fi);
	/* multi-segment, headers split: switched as not PTP if the first
	 * segment holds the Ethernet header at least */
	if (fi.cls == FRAME_MALFORMED && rte_pktmbuf_pkt_len(m) > len &&
	    len >= RTE_ETHER_HDR_LEN)
		fi.cls = FRAME_NON_PTP;
	if (fi.cls == FRAME_MALFORMED) {
		w->stats[in].drop[fi.err < FRAME_E__COUNT ? fi.err : 0]++;
		rte_pktmbuf_free(m);
		return;
	}
	rx_classified(w, m, in, &fi, fi.cls, rx_ts, w->app->local.on, bc,
		      &bc->c, &bc->r, &w->stats[in].flooded);
}

static uint32_t link_mask(const struct app *app)
{
	uint32_t up = 0;
	unsigned int i;

	for (i = 0; i < app->n_ports; i++)
		if (__atomic_load_n(&app->ports[i].link_up, __ATOMIC_ACQUIRE))
			up |= 1u << i;
	return up;
}

/* A burst of pkts from port in starts: what its frames share, the
 * destination memo of the last burst if it is recent (resolved for this
 * burst's port and links: r's fast memo), no run yet. Field
 * by field: the run's TC list is read only up to tc.n (rx_at and
 * rx_step: by the caller). */
static __rte_always_inline void burst_start(struct worker *w,
					    struct burst_ctx *bc,
					    struct rte_mbuf **pkts,
					    unsigned int in, uint32_t up,
					    uint64_t now)
{
	bc->c.now = now;
	bc->c.key_hi = learn_key_hi(now, w->learn_shift);
	memo_flood_init(&bc->c.fl, up, in);
	bc->c.drop = &w->stats[in].drop[DROP_FILTERED];
	memset(&bc->r, 0, sizeof(bc->r));
	bc->r.run_out = RUN_NONE;
	memo_age(&w->memo, now);
	dcache_tick(&w->dcache, now);
	memo_fast_set(&bc->r.fast, &w->memo, in, &bc->c.fl);
	run_key_sync(&bc->r);
	bc->run = pkts;
	bc->tc.at = 0;
	bc->tc.n = 0;
	bc->ptp_as_is = 0;
}

/* A frame queued for the run's port closes the run (it leaves first,
 * then the TX buffer). */
static __rte_always_inline void run_close_queued(const struct worker *w,
						 struct burst_regs *r)
{
	if (r->run_out >= 0 && w->tx[r->run_out].n != 0) {
		r->run_out = RUN_CLOSED;
		run_key_sync(r);
	}
}

/* What rx_frames()'s loop does with a frame frame_prescan_event() saw. */
enum rx_path {
	RX_PLAIN,	/* switched as a plain frame: switch_plain() */
	RX_RUN_TC,	/* the one-step TC's Sync or Delay_Req: rx_run_tc() */
	RX_OTHER,	/* classified first: rx_other() */
};

/* The path of a frame (scan, ptp_off: frame_prescan_event()'s result)
 * while ptpsw has no address of its own. A Sync or Delay_Req goes by its
 * domain's ev_path; one nobody corrects is counted as PTP. */
static __rte_always_inline enum rx_path rx_path_of(const struct worker *w,
						   const uint8_t *data,
						   enum frame_scan scan,
						   unsigned int ptp_off,
						   struct burst_ctx *bc)
{
	uint8_t path;

	if (likely(scan == FRAME_SCAN_NON_PTP))
		return RX_PLAIN;
	if (ptp_off == 0)
		return RX_OTHER;
	path = w->ev_path[data[ptp_off + 4]];	/* domain */
	if (likely(path == EV_RUN_TC))
		return RX_RUN_TC;
	if (path == EV_AS_IS) {
		bc->ptp_as_is++;
		return RX_PLAIN;
	}
	return RX_OTHER;
}

/*
 * A one-step TC's Sync or Delay_Req (PTP header at ptp_off; its RX time
 * ts[i * ts_step]) the TC corrects in place: for one port it joins the
 * run (in the RX array run) with what tc_run() needs, else handle_ptp()
 * takes it. Returns as switch_plain().
 */
static __rte_always_inline bool rx_run_tc(struct worker *w,
					  struct rte_mbuf *m, unsigned int in,
					  unsigned int ptp_off,
					  const uint64_t *ts,
					  unsigned int ts_step, uint16_t i,
					  struct rte_mbuf **run,
					  struct burst_ctx *bc,
					  const struct burst_const *c,
					  struct burst_regs *r,
					  uint64_t *flooded)
{
	uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	struct frame_scan_pos pos;
	struct frame_info fi;
	int out;

	burst_learn(w, data, in, c, r);
	out = burst_dest_one(w, data, in, c, r, flooded);
	if (out >= 0 && (out == r->run_out || run_opens(w, r, out))) {
		bc->tc.ptp[bc->tc.n] = data + ptp_off;
		if (ts_step)	/* else ts[0] for all */
			bc->tc.rx[bc->tc.n] = ts[i];
		bc->tc.n++;
		bc->tc.at |= 1ull << r->run_n;
		if (likely(out == r->run_out))
			run_add_other(r, run, m);
		else
			run_join(r, run, out, m);
		return true;
	}
	frame_prescan(data, len, &pos);
	frame_classify_udp(data, len, &pos, &fi);
	handle_ptp(w, m, in, &fi, ts[i * ts_step],
		   memo_dest_mask(out, &c->fl));
	return false;
}

/*
 * A Pdelay_Req or Pdelay_Resp (m, from port in) that frame_pdelay()
 * accepted, of a domain no BC serves: what rx_classified() does with it,
 * without classifying it in full. The watchdog counts it (RFC 9760 has no
 * peer delay mechanism: watchdog_check() counts a pdelay and nothing else
 * for such a message); it is learnt and switched as it is (ptp_as_is():
 * the TC never handles Pdelay). The caller closes the run if it must
 * (run_close_queued()).
 */
static __rte_always_inline void rx_pdelay(struct worker *w,
					  struct rte_mbuf *m, unsigned int in,
					  struct burst_ctx *bc,
					  const struct burst_const *c,
					  struct burst_regs *r,
					  uint64_t *flooded)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);

	w->wd[in].pdelay++;
	burst_learn(w, data, in, c, r);
	w->stats[in].ptp_rx++;
	switch_to(w, m, bc->run, c, r,
		  burst_dest_one(w, data, in, c, r, flooded));
}

/* A frame the loop does not switch as plain or in the run (scan, pos,
 * ptp_off: frame_prescan_event()'s result; pos not filled for a Sync or
 * Delay_Req): a peer delay message of a domain no BC serves by
 * rx_pdelay(), well-formed PTP over UDP classified here, the rest by
 * handle_pkt(). */
static __rte_always_inline void rx_other(struct worker *w, struct rte_mbuf *m,
					 unsigned int in, uint64_t rx_ts,
					 enum frame_scan scan,
					 struct frame_scan_pos *pos,
					 unsigned int ptp_off,
					 struct burst_ctx *bc,
					 const struct burst_const *c,
					 struct burst_regs *r,
					 uint64_t *flooded)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	struct frame_info fi;

	if (ptp_off != 0)
		frame_prescan(data, len, pos);
	if (scan == FRAME_SCAN_UDP_PTP) {
		unsigned int pd = frame_pdelay(data, pos);

		if (pd != 0 &&
		    !fwd_view_bit(w->view->bc_domains, data[pd + 4])) {
			rx_pdelay(w, m, in, bc, c, r, flooded);
			return;
		}
		if (frame_classify_udp(data, len, pos, &fi) == FRAME_PTP) {
			rx_classified(w, m, in, &fi, FRAME_PTP, rx_ts, false,
				      bc, c, r, flooded);
			return;
		}
	}
	bc->r = *r;
	handle_pkt(w, m, in, rx_ts, bc, scan, pos);
	*r = bc->r;
}

/*
 * Switch a burst of n frames received on port in (RX time of frame i:
 * ts[i * ts_step]). Each frame takes its rx_path_of(): plain frames and
 * the one-step TC's Sync and Delay_Req for one port join the burst's run
 * (sent from the RX array by tx_run()), the rest goes through the TX
 * buffers. A plain frame to the fast memo's MAC whose port is the run's
 * (r.run_key) joins the run after one compare. The loop's state (the
 * fast memo, the run) stays in registers and goes through bc only
 * around handle_pkt().
 *
 * The run's messages reach tc_ingress() when the run is sent; a PTP
 * message of the same burst that takes handle_ptp() reaches it at once.
 * Two Syncs of one time transmitter in one burst (they are milliseconds
 * apart) could so reach the rate estimator in the other order, which
 * only changes which Sync it samples (each sample is a pair of origin
 * and ingress times of its own).
 *
 * No software prefetch: the PMD has just written each mbuf and its data;
 * a pass over the burst or prefetches ahead measured slower
 * (docs/performance.md, Forwarding).
 */
static __rte_always_inline void rx_frames(struct worker *w, unsigned int in,
					  struct rte_mbuf **pkts,
					  const uint64_t *ts,
					  const unsigned int ts_step,
					  uint16_t n, struct burst_ctx *bc)
{
	const struct burst_const c = bc->c;
	struct burst_regs r = bc->r;
	uint64_t bytes = 0, flooded = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
		struct frame_scan_pos pos;
		enum frame_scan scan;
		unsigned int ptp_off;

		bytes += rte_pktmbuf_pkt_len(m);
		ptp_off = frame_prescan_event(data, rte_pktmbuf_data_len(m),
					      &pos, &scan);
		switch (rx_path_of(w, data, scan, ptp_off, bc)) {
		case RX_PLAIN:
			burst_learn(w, data, in, &c, &r);
			if (likely(switch_plain(w, m, data, in, pkts, &c, &r,
						&flooded)))
				continue;
			break;
		case RX_RUN_TC:
			if (rx_run_tc(w, m, in, ptp_off, ts, ts_step, i, pkts,
				      bc, &c, &r, &flooded))
				continue;
			break;
		default:
			rx_other(w, m, in, ts[i * ts_step], scan, &pos,
				 ptp_off, bc, &c, &r, &flooded);
		}
		run_close_queued(w, &r);
	}
	bc->r = r;
	bc->rx_bytes = bytes;
	w->stats[in].flooded += flooded;
}

/* One frame of rx_frames_local(): classified in full by handle_pkt(). */
static __rte_always_inline void rx_local_one(struct worker *w,
					     struct rte_mbuf *m,
					     unsigned int in, uint64_t rx_ts,
					     struct burst_ctx *bc)
{
	const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m);
	struct frame_scan_pos pos;
	enum frame_scan scan;

	/* a Sync or Delay_Req: pos not filled yet */
	if (frame_prescan_event(data, len, &pos, &scan) != 0)
		frame_prescan(data, len, &pos);
	handle_pkt(w, m, in, rx_ts, bc, scan, &pos);
	run_close_queued(w, &bc->r);
}

/*
 * rx_frames() while ptpsw has addresses of its own (ARP, ND, a BC's
 * unicast PTP: ctl_local()): every frame through rx_local_one(). Out of
 * line: the loop over plain traffic stays free of the test.
 */
static __rte_noinline void rx_frames_local(struct worker *w, unsigned int in,
					   struct rte_mbuf **pkts,
					   const uint64_t *ts,
					   unsigned int ts_step, uint16_t n,
					   struct burst_ctx *bc)
{
	uint64_t bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
		rx_local_one(w, pkts[i], in, ts[i * ts_step], bc);
	}
	bc->rx_bytes = bytes;
}

/* The bytes of a burst's run (pkts[0..run_n) of a burst of n frames,
 * bytes in all): the burst's when every frame joined it, else counted. */
static __rte_always_inline uint64_t run_bytes(struct rte_mbuf *const *pkts,
					      unsigned int run_n, uint16_t n,
					      uint64_t bytes)
{
	unsigned int i;

	if (likely(run_n == n))
		return bytes;
	for (bytes = 0, i = 0; i < run_n; i++)
		bytes += rte_pktmbuf_pkt_len(pkts[i]);
	return bytes;
}

/* Returns the number of frames received. */
static uint16_t rx_port(struct worker *w, unsigned int in, uint32_t up,
			uint64_t now)
{
	struct app_port *ap = &w->app->ports[in];
	struct port_stats *st = &w->stats[in];
	struct rte_mbuf **pkts = w->burst.pkts;
	uint64_t *ts = w->burst.ts;
	struct burst_ctx *bc = &w->burst.bc;
	uint16_t n;

	n = rte_eth_rx_burst(ap->port_id, 0, pkts, w->rx_burst);
	if (n == 0)
		return 0;
	burst_start(w, bc, pkts, in, up, now);
	/* a loop for each kind of stamp: one per frame, or one for the
	 * burst (software stamps; the TC list then holds no times) */
	if (ts_source_rx_one_per_burst(&ap->ts)) {
		ts[0] = ts_source_rx_burst_one(&ap->ts, n);
		bc->tc.rx_at = ts;
		bc->tc.rx_step = 0;
	} else {
		ts_source_rx_burst(&ap->ts, pkts, n, ts);
		bc->tc.rx_at = bc->tc.rx;
		bc->tc.rx_step = 1;
	}
	if (unlikely(w->app->local.on))
		rx_frames_local(w, in, pkts, ts, bc->tc.rx_step, n, bc);
	else if (bc->tc.rx_step == 0)
		rx_frames(w, in, pkts, ts, 0, n, bc);
	else
		rx_frames(w, in, pkts, ts, 1, n, bc);
	run_key_settle(&bc->r);
	st->flooded += bc->r.key_floods;
	if (bc->r.run_n)
		tx_run(w, in, bc->r.run_port, pkts, bc->r.run_n,
		       run_bytes(pkts, bc->r.run_n, n, bc->rx_bytes), &bc->tc);
	st->ptp_rx += bc->tc.n + bc->ptp_as_is;
	st->rx_pkts += n;
	st->rx_bytes += bc->rx_bytes;
	return n;
}

static void worker_drain(struct worker *w)
{
	tc_hwtx_free(w->hwtx);		/* held messages and stamp refs */
	w->hwtx = NULL;
	tx_drain(w);
}

/*
 * Idle back-off: after WORKER_IDLE_SPIN_NS of loops that found nothing to
 * do, sleep idle_sleep_ns between polls until traffic comes back. A
 * syscall only in an idle loop (TX buffers are empty by then), never per
 * packet. Not with the two-step TC on TX stamps: held messages wait for
 * completions (a BC's stamp is read a sleep later: it is the kernel's
 * or the NIC's, not the time of the read).
 */
static void worker_idle(struct worker *w, unsigned int got, uint64_t now)
{
	struct timespec ts;

	if (got || w->idle_sleep_ns == 0 || (w->hwtx_tc && w->hwtx != NULL)) {
		w->idle_since = 0;
		return;
	}
	if (w->idle_since == 0) {
		w->idle_since = now;
		return;
	}
	if (now - w->idle_since < WORKER_IDLE_SPIN_NS)
		return;
	ts.tv_sec = 0;
	ts.tv_nsec = (long)w->idle_sleep_ns;
	nanosleep(&ts, NULL);
	w->idle_sleeps++;
}

/* One round of the worker's loop: a new view, the links, every RX port,
 * worker 0's control-lcore TX and TX stamps, the TX buffers, the TC's
 * expiry. Returns the number of frames it took in. */
static unsigned int worker_poll(struct worker *w)
{
	struct app *app = w->app;
	unsigned int i, p, got = 0;
	uint64_t now, g;
	uint32_t up;

	g = vswap_gen(&app->views);
	if (unlikely(g != w->view_gen))
		worker_view_adopt(w, g);
	now = timebase_now();
	up = link_mask(app);
	if (unlikely(up != w->last_up)) {
		/* fdb_flush_port() follows a link down: relearn */
		memset(w->learn, 0, sizeof(w->learn));
		memo_clear(&w->memo);
		dcache_clear(&w->dcache);
		w->last_up = up;
	}
	for (i = 0; i < w->n_rx; i++)
		got += rx_port(w, w->rx_ports[i], up, now);
	if (w->id == 0 && app->ctl_tx_ring != NULL)
		got += ctl_tx(w);
	if (w->hwtx != NULL)
		tc_hwtx_poll(w->hwtx, now, tx_released, w);
	for (p = 0; p < app->n_ports; p++)
		if (w->tx[p].n)
			tx_flush(w, p);
	if (now - w->last_expire_ns > WORKER_EXPIRE_NS) {
		tc_expire(w->tc, tmv_from_ns((int64_t)now));
		w->last_expire_ns = now;
	}
	w->loops++;
	worker_idle(w, got, now);
	return got;
}

int worker_main(void *arg)
{
	struct worker *w = arg;

	tx_stamps_setup(w);
	/* short sleeps mean short: the default 50 us timer slack would
	 * more than double them */
	if (w->idle_sleep_ns)
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	while (!app_quit)
		worker_poll(w);
	worker_drain(w);
	vswap_offline(&w->app->views, w->id);
	return 0;
}
