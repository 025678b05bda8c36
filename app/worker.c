/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * worker: burst in, classify, learn, forward, correct, burst out.
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
#include "bc_runtime.h"
#include "meta.h"
#include "net/frame.h"
#include "sw/fdb.h"
#include "sw/fwd_view.h"
#include "sw/hotmem.h"
#include "tc/tc.h"
#include "tc_hwtx.h"
#include "timebase.h"
#include "ts_source.h"
#include "worker.h"

#define WORKER_EXPIRE_NS	(100 * 1000 * 1000)
/* Empty polls for this long before an idle worker starts to sleep. */
#define WORKER_IDLE_SPIN_NS	20000
/* A destination looked up in the fdb is reused for this long (hit or
 * miss): a MAC another worker just learnt floods a little longer. */
#define WORKER_MEMO_NS		100000

static const char *const drop_names[DROP__COUNT - FRAME_E__COUNT] = {
	[DROP_FILTERED - FRAME_E__COUNT] = "filtered",
	[DROP_NO_DEST - FRAME_E__COUNT] = "no_dest",
	[DROP_PORT_DOWN - FRAME_E__COUNT] = "port_down",
	[DROP_NO_MBUF - FRAME_E__COUNT] = "no_mbuf",
	[DROP_TX_FULL - FRAME_E__COUNT] = "tx_full",
	[DROP_BC_RING_FULL - FRAME_E__COUNT] = "bc_ring_full",
};

const char *drop_reason_name(unsigned int r)
{
	if (r < FRAME_E__COUNT)
		return frame_strerror((enum frame_err)r);
	if (r < DROP__COUNT)
		return drop_names[r - FRAME_E__COUNT];
	return "?";
}

/* A Sync or Delay_Req frame_ptp_event() found, by domain (ev_path). */
enum ev_path {
	EV_GENERAL = FWD_EV_GENERAL,	/* a BC's, or the two-step TC's:
					 * handle_ptp() */
	EV_RUN_TC = FWD_EV_RUN_TC,	/* the one-step TC's: tc_run(), in
					 * the run if it can */
	EV_AS_IS = FWD_EV_AS_IS,	/* neither: switched as a plain frame,
					 * byte for byte */
};

/* The view's values the worker keeps in its own struct (the loop reads
 * them there). */
static void worker_view_copy(struct worker *w, const struct fwd_view *v)
{
	w->view = v;
	w->tc_mode = v->tc.mode;
	w->hwtx_tc = v->two_step;
	w->idle_sleep_ns = v->idle_sleep_ns;
	w->learn_shift = v->learn_shift;
	memcpy(w->ev_path, v->ev_path, sizeof(w->ev_path));
}

struct worker *worker_create(struct app *app, unsigned int id,
			     unsigned int lcore)
{
	struct worker *w;

	/* one huge page where possible, also without EAL hugepages */
	w = hotmem_alloc(sizeof(*w));
	if (w == NULL)
		return NULL;
	w->id = id;
	w->lcore = lcore;
	w->txq = (uint16_t)id;
	w->app = app;
	w->view_gen = vswap_gen(&app->views);
	worker_view_copy(w, vswap_get(&app->views));
	w->tc = tc_create(&w->view->tc);
	if (w->tc == NULL) {
		hotmem_free(w, sizeof(*w));
		return NULL;
	}
	return w;
}

void worker_free(struct worker *w)
{
	if (w == NULL)
		return;
	tc_hwtx_free(w->hwtx);
	tc_free(w->tc);
	hotmem_free(w, sizeof(*w));
}

void worker_watchdog_sum(struct worker *const *ws, unsigned int n,
			 unsigned int p, struct watchdog_counters *out)
{
	unsigned int i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n && p < CONF_MAX_PORTS; i++)
		watchdog_add(out, &ws[i]->wd[p]);
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

static inline void tx_add(struct worker *w, unsigned int out,
			  struct rte_mbuf *m, uint8_t flags,
			  const struct frame_info *fi, uint8_t in_port,
			  uint64_t rx_ts);

/* A message tc_hwtx held is released: back into the TX buffer. */
static void tx_hwtx_released(void *arg, unsigned int out, struct rte_mbuf *m,
			     const struct frame_info *fi, uint16_t in_port,
			     uint64_t rx_ts)
{
	tx_add(arg, out, m, TXF_PTP | TXF_TC | TXF_NOHOLD, fi, (uint8_t)in_port,
	       rx_ts);
}

static void tx_send(struct worker *w, unsigned int out, uint16_t from,
		    uint16_t to, uint16_t n_ptp, uint64_t *bytes);

/* tx_tc(): the entries from..*k it kept leave now (before a message that
 * tc_hwtx may send alone), and *k starts again at from. */
static void tx_kept(struct worker *w, unsigned int out, uint16_t from,
		    uint16_t *k, uint64_t *bytes)
{
	struct txbuf *b = &w->tx[out];
	uint16_t i, n_ptp = 0;

	if (*k == from)
		return;
	for (i = from; i < *k; i++)
		n_ptp += (b->flags[i] & TXF_PTP) != 0;
	tx_send(w, out, from, *k, n_ptp, bytes);
	b->n_ptp -= n_ptp;
	*k = from;
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

static bool tx_onestep(struct worker *w, unsigned int out,
		       struct rte_mbuf *m, const struct tx_tc_info *ti,
		       uint8_t *f)
{
	uint64_t t;

	if (!tc_hwtx_port_on(w->hwtx, out) || tc_hwtx_port_lost(w->hwtx, out) ||
	    !(ti->fi.flags & FRAME_F_EVENT) || !tc_in_place(w->tc_mode, &ti->fi))
		return false;
	t = ts_source_tx_predict(&w->app->ports[out].ts);
	if (!tc_egress_in_place(w->tc, rte_pktmbuf_mtod(m, uint8_t *),
				rte_pktmbuf_data_len(m), &ti->fi, ti->in_port,
				(uint16_t)out, tmv_from_ns((int64_t)ti->rx_ts),
				tmv_from_ns((int64_t)t + onestep_lat(w, out))))
		return false;
	w->stats[out].ptp_corrected++;
	*f &= (uint8_t)~TXF_TC;
	if (tc_hwtx_send_onestep(w->hwtx, out, m, t) != 0)
		return false;
	w->stats[out].tx_pkts++;
	w->stats[out].ptp_tx++;
	return true;
}

/* TC on entries from..n of a TX buffer: egress time predicted once, each
 * TC copy corrected (one-step) or its residence stored (two-step), or
 * taken by tc_hwtx. */
static void tx_tc(struct worker *w, unsigned int out, uint16_t from,
		  uint64_t *bytes)
{
	struct txbuf *b = &w->tx[out];
	struct port_stats *st = &w->stats[out];
	uint64_t tx_ts;
	uint16_t i, k = from;

	tx_ts = ts_source_tx_predict(&w->app->ports[out].ts);
	for (i = from; i < b->n; i++) {
		struct rte_mbuf *m = b->pkts[i];
		uint8_t f = b->flags[i];
		const struct tx_tc_info *ti;

		if (f & TXF_TC) {
			ti = &b->tc[i];
			/* what it may overtake by leaving alone leaves first */
			if (tc_hwtx_port_on(w->hwtx, out))
				tx_kept(w, out, from, &k, bytes);
			if (w->hwtx != NULL &&
			    (w->hwtx_tc ? tx_hwtx(w, out, m, f, ti, tx_ts, bytes) :
			     tx_onestep(w, out, m, ti, &f))) {
				/* left the buffer: n_ptp stays exact */
				b->n_ptp -= (f & TXF_PTP) != 0;
				continue;
			}
			if (!(f & TXF_TC))	/* corrected by tx_onestep */
				goto keep;
			/* fi is frame_classify()'s of these bytes, which
			 * nothing changed since: no re-parse for a message
			 * corrected in place */
			if (tc_in_place(w->tc_mode, &ti->fi) ?
			    tc_egress_in_place(w->tc,
					       rte_pktmbuf_mtod(m, uint8_t *),
					       rte_pktmbuf_data_len(m),
					       &ti->fi, ti->in_port,
					       (uint16_t)out,
					       tmv_from_ns((int64_t)ti->rx_ts),
					       tmv_from_ns((int64_t)tx_ts)) :
			    tc_egress(w->tc, rte_pktmbuf_mtod(m, uint8_t *),
				      rte_pktmbuf_data_len(m), &ti->fi,
				      ti->in_port, (uint16_t)out,
				      tmv_from_ns((int64_t)ti->rx_ts),
				      tmv_from_ns((int64_t)tx_ts)))
				st->ptp_corrected++;
			if (k != i)
				b->tc[k] = b->tc[i];
		}
keep:
		b->pkts[k] = m;
		b->flags[k++] = f;
	}
	b->n = k;
}

/* Send entries from..to of a port's TX buffer, n_ptp of them flagged
 * TXF_PTP; what the PMD does not take is freed, counted, and its bytes
 * taken off *bytes. */
static void tx_send(struct worker *w, unsigned int out, uint16_t from,
		    uint16_t to, uint16_t n_ptp, uint64_t *bytes)
{
	struct txbuf *b = &w->tx[out];
	struct port_stats *st = &w->stats[out];
	uint16_t i, sent;

	if (from == to)
		return;
	sent = rte_eth_tx_burst(w->app->ports[out].port_id, w->txq,
				b->pkts + from, (uint16_t)(to - from));
	if (sent == to - from)
		st->ptp_tx += n_ptp;
	else if (n_ptp)
		for (i = from; i < from + sent; i++)
			st->ptp_tx += (b->flags[i] & TXF_PTP) != 0;
	st->tx_pkts += sent;
	if (unlikely(from + sent < to)) {
		for (i = from + sent; i < to; i++) {
			*bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
			rte_pktmbuf_free(b->pkts[i]);
		}
		st->drop[DROP_TX_FULL] += to - from - sent;
	}
}

/*
 * Send a port's TX buffer. With TC copies in it, the frames queued before
 * the first one leave first (their copy and kick then happen before the
 * egress stamp, not inside the uncorrected span after it); then the egress
 * time, the TC, and TX of the rest. Order is kept.
 */
static void tx_flush(struct worker *w, unsigned int out)
{
	struct txbuf *b = &w->tx[out];
	uint64_t bytes = b->bytes;
	uint16_t first = 0;

	if (b->n_tc) {
		while (!(b->flags[first] & TXF_TC))
			first++;
		/* TXF_PTP comes only with TXF_TC: none before first */
		tx_send(w, out, 0, first, 0, &bytes);
		tx_tc(w, out, first, &bytes);
	}
	tx_send(w, out, first, b->n, b->n_ptp, &bytes);
	w->stats[out].tx_bytes += bytes;
	b->n = 0;
	b->n_tc = 0;
	b->n_ptp = 0;
	b->bytes = 0;
}

/* Queue m for port out; fi, in_port and rx_ts (the TC's metadata) only
 * with TXF_TC. */
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
	b->n_tc += (flags & TXF_TC) != 0;
	b->n_ptp += (flags & TXF_PTP) != 0;
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
static void send_copies(struct worker *w, uint32_t mask, struct rte_mbuf *m,
			unsigned int in, uint8_t flags,
			const struct frame_info *fi, uint64_t rx_ts)
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

/*
 * What one RX burst shares: its time, the link mask, and a memo of the
 * last unicast fdb lookup (traffic is often one flow), forgotten when
 * this worker learns that MAC; kept across bursts for WORKER_MEMO_NS
 * (struct worker), so an unknown destination is not searched for in all
 * of its fdb probe buckets at every burst.
 */
struct burst_regs {
	uint64_t dst_key;		/* learn_mac() | MAC_KEY_VALID; 0: none */
	uint64_t dst_t;			/* when it was looked up */
	int dst_port;
	/* the burst's run: plain frames for one port, sent straight from
	 * the RX array (run[0..run_n-1], written over frames already
	 * handled) at the end of the burst, before that port's TX buffer */
	int run_out;			/* its port, RUN_NONE or RUN_CLOSED */
	unsigned int run_port;		/* its port, also once closed */
	uint16_t run_n;
	uint64_t run_bytes;
};

/* run_out without a port: never a value burst_dest_one() returns */
#define RUN_NONE	(-16)		/* no run yet in this burst */
#define RUN_CLOSED	(-17)		/* the run takes no more frames */

/* What a burst's frames share and nothing changes (rx_port()). */
struct burst_const {
	uint64_t now;
	uint64_t key_hi;		/* learn_key_hi() of the port, now */
	uint32_t up;			/* link mask */
	uint32_t flood;			/* up without the ingress port */
	int flood_out;			/* flood's port if it is one, else -1 */
};

/* The run's TC messages (one-step Sync and Delay_Req), in order: for
 * tc_run(). Not initialized: only the burst_ctx's tc_n entries are
 * read. */
struct run_tc {
	uint8_t *ptp[WORKER_BURST];	/* PTP header (frame_ptp_event()) */
	uint64_t rx[WORKER_BURST];	/* with a stamp per frame only */
};

struct burst_ctx {
	struct burst_const c;
	struct rte_mbuf **run;		/* the RX array */
	/* the run's TC messages: not in r, the loop over plain frames
	 * keeps its registers */
	struct run_tc *tc;		/* tc_n entries valid */
	const uint64_t *tc_rx;		/* their RX times: tc->rx, or */
	unsigned int tc_rx_step;	/* 0: one for all (tc_run()) */
	uint32_t tc_at;			/* bit per run entry that is one */
	uint16_t tc_n;
	uint16_t ptp_as_is;		/* PTP frames switched as plain */
	/* rx_frames() keeps these in registers and hands them over to
	 * handle_pkt() here */
	struct burst_regs r;
	uint64_t rx_bytes;
};

/* A run holds at most one burst, and the TX buffer of its port cannot
 * fill (and flush ahead of the run) within the burst. */
_Static_assert(WORKER_BURST <= WORKER_TXBUF, "a burst fits a TX buffer");

#define MAC_KEY_VALID	LEARN_VALID

_Static_assert(CONF_MAX_PORTS <= LEARN_MAX_PORTS,
	       "a port index fits its bits of the learn key");

/*
 * learn_check()'s rare part: src (unicast, mac its learn_mac()) was not in
 * its learn set under key (its port and this epoch): hand it to the fdb
 * and (re)write its way. Returns mac | MAC_KEY_VALID: a memo of a lookup
 * of that MAC is to be forgotten.
 */
static __rte_noinline uint64_t learn_miss(struct worker *w,
					  const uint8_t *src, uint64_t mac,
					  unsigned int in, uint64_t now,
					  uint64_t key)
{
	struct learn_set *set = learn_set_of(w->learn, mac);
	unsigned int k = learn_way(set, mac);

	w->fdb_learn_calls++;
	if (fdb_learn(w->app->fdb, src, (uint16_t)in, now) != 0) {
		set->key[k] = 0;	/* table full: try again next time */
		set->t[k] = 0;
	} else {
		set->key[k] = key;
		set->t[k] = now;
	}
	return mac | MAC_KEY_VALID;
}

/*
 * Learn a unicast source MAC (src, mac its learn_mac()) through the
 * worker's learn cache; key_hi is learn_key_hi() of its port and now. A
 * MAC has at most one way of its set. The usual case (the MAC learned on
 * the same port in this epoch) is one vector compare. Returns 0, or
 * learn_miss()'s MAC key to forget.
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
 * The destination of a frame from port in (at least 12 bytes at data),
 * through the lookup memo in r: its one egress port; -1: dropped
 * (counted); -2: flooded to the ports of c->flood, more than one.
 * Flooded frames are counted in *flooded.
 */
static __rte_always_inline int burst_dest_one(struct worker *w,
					      const uint8_t *data,
					      unsigned int in,
					      const struct burst_const *c,
					      struct burst_regs *r,
					      uint64_t *flooded)
{
	int out;

	if (!(data[0] & 1)) {
		uint64_t key = learn_mac_dst(data) | MAC_KEY_VALID;

		if (unlikely(key != r->dst_key)) {
			r->dst_port = fdb_lookup(w->app->fdb, data, c->now);
			r->dst_key = key;
			r->dst_t = c->now;
		}
		out = r->dst_port;
		if (out >= 0) {
			if (unlikely(out == (int)in)) {
				w->stats[in].drop[DROP_FILTERED]++;
				return -1;
			}
			if (unlikely(!(c->up & (1u << out)))) {
				w->stats[in].drop[DROP_PORT_DOWN]++;
				return -1;
			}
			return out;
		}
	}
	if (likely(c->flood_out >= 0)) {
		(*flooded)++;
		return c->flood_out;
	}
	if (unlikely(c->flood == 0)) {
		w->stats[in].drop[DROP_NO_DEST]++;
		return -1;
	}
	(*flooded)++;
	return -2;
}

/* The same as a port mask, 0 if dropped. */
static __rte_always_inline uint32_t burst_dest(struct worker *w,
					       const uint8_t *data,
					       unsigned int in,
					       const struct burst_const *c,
					       struct burst_regs *r,
					       uint64_t *flooded)
{
	int out = burst_dest_one(w, data, in, c, r, flooded);

	return out >= 0 ? 1u << out : out == -2 ? c->flood : 0;
}

/* Learn the source MAC of a frame from port in (at least 12 bytes at
 * data; a group MAC is not learned); a memo in r of its lookup is
 * forgotten when it goes to the fdb. */
static __rte_always_inline void burst_learn(struct worker *w,
					    const uint8_t *data,
					    unsigned int in,
					    const struct burst_const *c,
					    struct burst_regs *r)
{
	uint64_t forget;

	if (data[6] & 1)		/* a group MAC is not learned */
		return;
	forget = learn_check(w, data + 6, learn_mac_src(data), in, c->now,
			     c->key_hi);
	if (unlikely(forget != 0) && forget == r->dst_key)
		r->dst_key = 0;
}

static void to_control(struct worker *w, struct rte_mbuf *m, unsigned int in)
{
	if (rte_ring_mp_enqueue(w->app->bc_ring, m) != 0) {
		w->stats[in].drop[DROP_BC_RING_FULL]++;
		rte_pktmbuf_free(m);
		return;
	}
	w->stats[in].ptp_to_bc++;
}

static void handle_ptp(struct worker *w, struct rte_mbuf *m, unsigned int in,
		       const struct frame_info *fi, uint64_t rx_ts,
		       uint32_t mask)
{
	struct app *app = w->app;
	uint8_t *data = rte_pktmbuf_mtod(m, uint8_t *);

	w->stats[in].ptp_rx++;
	if (fwd_view_bit(w->view->bc_domains, fi->domain)) {
		meta_from_info(meta_get(m, app->meta_offset), fi, (uint8_t)in,
			       rx_ts);
		to_control(w, m, in);
		return;
	}
	if (mask == 0) {
		rte_pktmbuf_free(m);
		return;
	}
	if (!fwd_view_bit(w->view->tc_domains, fi->domain)) {
		send_shared(w, mask, m);
		return;
	}
	tc_ingress(w->tc, data, rte_pktmbuf_data_len(m), fi, (uint16_t)in,
		   tmv_from_ns((int64_t)rx_ts));
	/* the TX buffer carries the TC's metadata (tc_hwtx keeps its own
	 * copy of a message it holds and hands it back on release) */
	send_copies(w, mask, m, in, TXF_PTP | TXF_TC, fi, rx_ts);
}

/* Append m to the burst's run (run: the RX array, where the frames up to
 * m's own place are handled). */
static __rte_always_inline void run_add(struct burst_regs *r,
					struct rte_mbuf **run,
					struct rte_mbuf *m, uint32_t plen)
{
	run[r->run_n++] = m;
	r->run_bytes += plen;
}

/*
 * Queue a frame for its one egress port out: into the burst's run if that
 * is for out, or there is none yet and nothing of this burst waits in
 * out's TX buffer; else the TX buffer. The run leaves first, so a frame
 * queued in the TX buffer of the run's port must close the run
 * (rx_frames() does after every frame it did not queue here).
 */
static __rte_always_inline void queue_one(struct worker *w, int out,
					  struct rte_mbuf *m, uint32_t plen,
					  struct burst_regs *r,
					  struct rte_mbuf **run)
{
	if (likely(out == r->run_out) ||
	    (r->run_out == RUN_NONE && w->tx[out].n == 0)) {
		r->run_out = out;
		r->run_port = (unsigned int)out;
		run_add(r, run, m, plen);
		return;
	}
	tx_add(w, (unsigned int)out, m, 0, NULL, 0, 0);
}

/* A frame that is not PTP (at least 12 bytes): to its destination ports,
 * or dropped. */
static __rte_always_inline void switch_plain(struct worker *w,
					     struct rte_mbuf *m,
					     const uint8_t *data,
					     unsigned int in,
					     struct burst_ctx *bc,
					     uint64_t *flooded)
{
	int out = burst_dest_one(w, data, in, &bc->c, &bc->r, flooded);

	if (out >= 0)
		queue_one(w, out, m, rte_pktmbuf_pkt_len(m), &bc->r, bc->run);
	else if (out == -2)
		send_shared(w, bc->c.flood, m);
	else
		rte_pktmbuf_free(m);
}

/* Send run[from..to) to port out; tc_at: bit per TC message of the run.
 * What the PMD does not take is freed, counted, and its bytes taken off
 * *bytes. */
static void run_send(struct worker *w, unsigned int out,
		     struct rte_mbuf **run, uint16_t from, uint16_t to,
		     uint32_t tc_at, uint64_t *bytes)
{
	struct port_stats *st = &w->stats[out];
	uint16_t sent, i;

	if (from == to)
		return;
	sent = rte_eth_tx_burst(w->app->ports[out].port_id, w->txq,
				run + from, (uint16_t)(to - from));
	st->tx_pkts += sent;
	/* the TC messages among run[from..from + sent) */
	if (tc_at)
		st->ptp_tx += (unsigned int)__builtin_popcountll(
			tc_at & ((1ull << (from + sent)) - 1) &
			~((1ull << from) - 1));
	if (unlikely(from + sent < to)) {
		for (i = from + sent; i < to; i++) {
			*bytes -= rte_pktmbuf_pkt_len(run[i]);
			rte_pktmbuf_free(run[i]);
		}
		st->drop[DROP_TX_FULL] += to - from - sent;
	}
}

/*
 * Send the burst's run (received on port in). With TC messages in it, as
 * tx_flush(): the frames before the first one leave first, then the
 * egress time, the TC (tc_run: all from in, all to the
 * run's port, one egress time) and the rest.
 */
static void tx_run(struct worker *w, struct burst_ctx *bc, unsigned int in)
{
	unsigned int out = bc->r.run_port;
	struct port_stats *st = &w->stats[out];
	uint64_t bytes = bc->r.run_bytes, tx_ts;
	uint16_t first = 0;

	if (bc->tc_n) {
		first = (uint16_t)__builtin_ctz(bc->tc_at);
		run_send(w, out, bc->run, 0, first, 0, &bytes);
		tx_ts = ts_source_tx_predict(&w->app->ports[out].ts);
		st->ptp_corrected += tc_run(w->tc, (uint16_t)in, (uint16_t)out,
					    tmv_from_ns((int64_t)tx_ts),
					    bc->tc->ptp, bc->tc_rx,
					    bc->tc_rx_step,
					    bc->tc_n);
	}
	run_send(w, out, bc->run, first, bc->r.run_n, bc->tc_at, &bytes);
	st->tx_bytes += bytes;
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
	struct port_stats *st = &w->stats[in];
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
		st->drop[fi.err < FRAME_E__COUNT ? fi.err : 0]++;
		rte_pktmbuf_free(m);
		return;
	}
	if (fi.cls == FRAME_PTP)
		watchdog_check(data, len, &fi, &w->wd[in]);
	/* from here on at least the Ethernet header (frame_classify) */
	burst_learn(w, data, in, &bc->c, &bc->r);
	if (w->app->local.on) {		/* ptpsw's own addresses (neigh.h) */
		enum neigh_class lc = neigh_local_class(&w->app->local, data,
							len);

		if (lc != NEIGH_FWD) {
			meta_from_info(meta_get(m, w->app->meta_offset), &fi,
				       (uint8_t)in, rx_ts);
			if (lc == NEIGH_COPY)	/* and switched as usual */
				rte_mbuf_refcnt_update(m, 1);
			to_control(w, m, in);
			if (lc == NEIGH_LOCAL)
				return;
		}
	}
	if (fi.cls == FRAME_PTP) {
		handle_ptp(w, m, in, &fi, rx_ts,
			   burst_dest(w, data, in, &bc->c, &bc->r,
				      &st->flooded));
		return;
	}
	switch_plain(w, m, data, in, bc, &st->flooded);
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

/*
 * Switch a burst of n frames received on port in. The loop itself takes
 * what the pre-test calls surely not PTP and well-formed PTP over UDP
 * (while ptpsw has no address of its own): learn the source, look up the
 * destination, queue. A Sync or Delay_Req that frame_prescan_event() finds
 * goes by its domain's ev_path: the one-step TC's joins the run for a
 * single port with its entry in the run's TC list (tc_run() when the run
 * is sent), a domain nobody corrects is switched as a plain frame; other
 * PTP goes through handle_ptp(). The loop's state (the lookup memo, the
 * run) stays in registers and goes through bc only around handle_pkt(),
 * which takes everything else.
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
	const bool plain_ok = !w->app->local.on;
	struct burst_regs r = bc->r;
	uint64_t bytes = 0, flooded = 0;
	uint32_t mask;
	uint16_t i;
	int out;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		const uint8_t *data = rte_pktmbuf_mtod(m, const uint8_t *);
		uint32_t len = rte_pktmbuf_data_len(m);
		uint32_t plen = rte_pktmbuf_pkt_len(m);
		struct frame_scan_pos pos;
		enum frame_scan scan;
		struct frame_info fi;
		unsigned int ptp_off;
		uint8_t path;

		bytes += plen;
		/* a Sync or Delay_Req whose watchdog check finds nothing:
		 * its PTP header's offset, pos not filled */
		ptp_off = frame_prescan_event(data, len, &pos, &scan);
		if (likely(scan == FRAME_SCAN_NON_PTP) && plain_ok)
			goto plain;
		if (ptp_off != 0) {
			path = w->ev_path[data[ptp_off + 4]];	/* domain */
			if (likely(path == EV_RUN_TC) && plain_ok)
				goto run_tc;
			if (path == EV_AS_IS && plain_ok) {
				/* handle_ptp()'s steps for a domain nobody
				 * terminates or corrects: those of a plain
				 * frame, counted as PTP */
				bc->ptp_as_is++;
				goto plain;
			}
			frame_prescan(data, len, &pos);	/* for the rest */
		}
		if (scan == FRAME_SCAN_UDP_PTP && plain_ok &&
		    frame_classify_udp(data, len, &pos, &fi) == FRAME_PTP) {
			/* handle_pkt()'s steps for a PTP message */
			watchdog_check(data, len, &fi, &w->wd[in]);
			burst_learn(w, data, in, &c, &r);
			mask = burst_dest(w, data, in, &c, &r, &flooded);
			handle_ptp(w, m, in, &fi, ts[i * ts_step], mask);
			goto queued;
		}
		bc->r = r;
		handle_pkt(w, m, in, ts[i * ts_step], bc, scan, &pos);
		r = bc->r;
queued:
		/* a frame queued for the run's port closes the run (it
		 * leaves first, then the TX buffer) */
		if (r.run_out >= 0 && w->tx[r.run_out].n != 0)
			r.run_out = RUN_CLOSED;
		continue;
plain:
		/* a frame of at least 14 bytes (frame_prescan) */
		burst_learn(w, data, in, &c, &r);
		out = burst_dest_one(w, data, in, &c, &r, &flooded);
		/* the usual case first (run_out's no-port values are never
		 * an out) */
		if (likely(out == r.run_out)) {
			run_add(&r, pkts, m, plen);
			continue;
		}
		if (out >= 0) {
			queue_one(w, out, m, plen, &r, pkts);
			continue;
		}
		if (out == -1) {
			rte_pktmbuf_free(m);
			continue;
		}
		send_shared(w, c.flood, m);
		goto queued;
run_tc:
		/* the one-step TC corrects it in place: for one port it
		 * joins the run with what tc_run() needs */
		burst_learn(w, data, in, &c, &r);
		out = burst_dest_one(w, data, in, &c, &r, &flooded);
		if (out >= 0 && (out == r.run_out ||
				 (r.run_out == RUN_NONE &&
				  w->tx[out].n == 0))) {
			/* data is the mbuf's own (not const) */
			bc->tc->ptp[bc->tc_n] =
				(uint8_t *)(uintptr_t)data + ptp_off;
			if (ts_step)	/* else ts[0] for all */
				bc->tc->rx[bc->tc_n] = ts[i];
			bc->tc_n++;
			bc->tc_at |= 1u << r.run_n;
			r.run_out = out;
			r.run_port = (unsigned int)out;
			run_add(&r, pkts, m, plen);
			continue;
		}
		/* else handle_pkt()'s steps from its destination */
		frame_prescan(data, len, &pos);
		frame_classify_udp(data, len, &pos, &fi);
		handle_ptp(w, m, in, &fi, ts[i * ts_step],
			   out >= 0 ? 1u << out : out == -2 ? c.flood : 0);
		goto queued;
	}
	bc->r = r;
	bc->rx_bytes = bytes;
	w->stats[in].flooded += flooded;
}

/* Returns the number of frames received. */
static uint16_t rx_port(struct worker *w, unsigned int in, uint32_t up,
			uint64_t now)
{
	struct app_port *ap = &w->app->ports[in];
	struct port_stats *st = &w->stats[in];
	struct rte_mbuf *pkts[WORKER_BURST];
	struct run_tc tcq;
	struct burst_ctx bc = { .run = pkts, .tc = &tcq,
				.r = { .run_out = RUN_NONE } };
	uint64_t ts[WORKER_BURST];
	uint16_t n;

	n = rte_eth_rx_burst(ap->port_id, 0, pkts, WORKER_BURST);
	if (n == 0)
		return 0;
	bc.c.now = now;
	bc.c.key_hi = learn_key_hi(in, now, w->learn_shift);
	bc.c.up = up;
	bc.c.flood = up & ~(1u << in);
	bc.c.flood_out = bc.c.flood != 0 && (bc.c.flood & (bc.c.flood - 1)) == 0 ?
			 __builtin_ctz(bc.c.flood) : -1;
	if (now - w->memo_t < WORKER_MEMO_NS) {
		bc.r.dst_key = w->memo_key;
		bc.r.dst_port = w->memo_port;
		bc.r.dst_t = w->memo_t;
	}
	/* a loop for each kind of stamp: one per frame, or one for the
	 * burst (software stamps; the TC list then holds no times) */
	if (ts_source_rx_one_per_burst(&ap->ts)) {
		ts[0] = ts_source_rx_burst_one(&ap->ts, n);
		bc.tc_rx = ts;
		rx_frames(w, in, pkts, ts, 0, n, &bc);
	} else {
		ts_source_rx_burst(&ap->ts, pkts, n, ts);
		bc.tc_rx = tcq.rx;
		bc.tc_rx_step = 1;
		rx_frames(w, in, pkts, ts, 1, n, &bc);
	}
	if (bc.r.run_n)
		tx_run(w, &bc, in);
	st->ptp_rx += bc.tc_n + bc.ptp_as_is;
	w->memo_key = bc.r.dst_key;
	w->memo_port = bc.r.dst_port;
	w->memo_t = bc.r.dst_t;
	st->rx_pkts += n;
	st->rx_bytes += bc.rx_bytes;
	return n;
}

/* tc_hwtx has the stamp of a BC message sent through it. */
static void bc_hwtx_done(void *arg, struct rte_mbuf *m, uint64_t ts,
			 bool stamped)
{
	struct worker *w = arg;

	bc_runtime_tx_stamp(m, w->app->meta_offset, ts);
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

	if (!bc_runtime_wants_stamp(m, w->app->meta_offset) ||
	    tc_hwtx_send_foreign(w->hwtx, out, m,
				 ts_source_tx_predict(&w->app->ports[out].ts),
				 bc_hwtx_done, w) != 0)
		return false;
	w->stats[out].tx_pkts++;
	w->stats[out].tx_bytes += len;
	return true;
}

/* Frames the control lcore built (boundary clocks, ARP/ND; bc_runtime.h):
 * worker 0 sends them on its TX queue of port m->port. */
/* Returns the number of frames taken from the ring. */
static unsigned int ctl_tx(struct worker *w)
{
	struct rte_mbuf *m[WORKER_BURST];
	unsigned int n, i;

	n = rte_ring_sc_dequeue_burst(w->app->ctl_tx_ring, (void **)m,
				      WORKER_BURST, NULL);
	for (i = 0; i < n; i++) {
		unsigned int out = m[i]->port;

		if (out >= w->app->n_ports) {
			rte_pktmbuf_free(m[i]);
			continue;
		}
		/* an event message's stamp is its own: the frames queued
		 * before it (data through a busy port) leave first */
		if (bc_runtime_wants_stamp(m[i], w->app->meta_offset) &&
		    w->tx[out].n > 0)
			tx_flush(w, out);
		if (bc_tx_event(w, out, m[i]))	/* stamped by the backend */
			continue;
		tx_add(w, out, m[i], 0, NULL, 0, 0);
		if (bc_runtime_tx_stamp(m[i], w->app->meta_offset,
				ts_source_tx_predict(&w->app->ports[out].ts)))
			tx_flush(w, out);	/* sent now: stamp holds */
	}
	return n;
}

/*
 * Worker 0 takes the TX stamps of every port whose backend has them
 * (ports are open by launch time) when the two-step TC or a boundary
 * clock uses them; the TC only in two-step mode (hwtx_tc). Without
 * memory it runs on with predicted egress times like other ports.
 */
/* Does the view's TC correct any domain? */
static bool view_tc_any(const struct fwd_view *v)
{
	unsigned int i;

	for (i = 0; i < sizeof(v->tc_domains); i++)
		if (v->tc_domains[i])
			return true;
	return false;
}

/* With TX stamps on this worker (worker 0), one-step messages go the
 * general way to tx_onestep(), not the burst's run (after every view
 * copy: the view's paths know nothing of stamps). */
static void worker_stamp_paths(struct worker *w)
{
	unsigned int d;

	if (w->hwtx == NULL || w->hwtx_tc)
		return;
	for (d = 0; d < 256; d++)
		if (w->ev_path[d] == EV_RUN_TC)
			w->ev_path[d] = EV_GENERAL;
}

static void worker_hwtx_setup(struct worker *w)
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
	worker_stamp_paths(w);
}

/*
 * A reload published a new view (reload.h): taken over at a burst
 * boundary, where the worker holds nothing of the old one (its TX
 * buffers were flushed). The tc gets the new parameters, the learn cache
 * starts again (its epoch may have changed), worker 0 sets up TX stamps
 * if the TC or a new boundary clock now wants them (an allocation once
 * per reload, not per packet). Then the generation is acknowledged: the
 * control lcore may free the old view.
 */
static __rte_noinline void worker_view_adopt(struct worker *w, uint64_t g)
{
	const struct fwd_view *v = vswap_get(&w->app->views);

	if (tc_reconfigure(w->tc, &v->tc) != 0)
		w->view_errors++;	/* pending_entries: kept by reload */
	worker_view_copy(w, v);
	memset(w->learn, 0, sizeof(w->learn));
	w->memo_key = 0;
	if (w->hwtx == NULL)
		worker_hwtx_setup(w);
	worker_stamp_paths(w);
	if (w->idle_sleep_ns)		/* as worker_main() at start */
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	w->view_gen = g;
	w->view_changes++;
	vswap_ack(&w->app->views, w->id, g);
}

static void worker_drain(struct worker *w)
{
	unsigned int p;
	uint16_t i;

	tc_hwtx_free(w->hwtx);		/* held messages and stamp refs */
	w->hwtx = NULL;

	for (p = 0; p < w->app->n_ports; p++) {
		for (i = 0; i < w->tx[p].n; i++)
			rte_pktmbuf_free(w->tx[p].pkts[i]);
		w->tx[p].n = 0;
		w->tx[p].n_tc = w->tx[p].n_ptp = 0;
		w->tx[p].bytes = 0;
	}
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

int worker_main(void *arg)
{
	struct worker *w = arg;
	struct app *app = w->app;
	unsigned int i, p, got;
	uint64_t now, g;
	uint32_t up;

	worker_hwtx_setup(w);
	/* short sleeps mean short: the default 50 us timer slack would
	 * more than double them */
	if (w->idle_sleep_ns)
		prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	while (!app_quit) {
		g = vswap_gen(&app->views);
		if (unlikely(g != w->view_gen))
			worker_view_adopt(w, g);
		now = timebase_now();
		up = link_mask(app);
		if (unlikely(up != w->last_up)) {
			/* fdb_flush_port() follows a link down: relearn */
			memset(w->learn, 0, sizeof(w->learn));
			w->memo_key = 0;
			w->last_up = up;
		}
		got = 0;
		for (i = 0; i < w->n_rx; i++)
			got += rx_port(w, w->rx_ports[i], up, now);
		if (w->id == 0 && app->ctl_tx_ring != NULL)
			got += ctl_tx(w);
		if (w->hwtx != NULL)
			tc_hwtx_poll(w->hwtx, now, tx_hwtx_released, w);
		for (p = 0; p < app->n_ports; p++)
			if (w->tx[p].n)
				tx_flush(w, p);
		if (now - w->last_expire_ns > WORKER_EXPIRE_NS) {
			tc_expire(w->tc, tmv_from_ns((int64_t)now));
			w->last_expire_ns = now;
		}
		w->loops++;
		worker_idle(w, got, now);
	}
	worker_drain(w);
	vswap_offline(&app->views, w->id);
	return 0;
}
