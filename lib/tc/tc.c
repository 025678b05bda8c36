/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * End-to-end transparent clock (IEEE 1588-2019 10.2, 11.5; RFC 9760
 * EP-20/21/25) on classified byte buffers: residence, the egress paths
 * (their contract: tc.h) and ingress. The rate-ratio estimator is in
 * rate.c, the two-step pending table in pending.c.
 *
 * Only correctionField (and with it the UDP checksum) is ever written, and
 * only through frame_add_correction() and its in-place twins of
 * net/frame.h: addresses, flags and every other byte stay as received, so
 * unicast stays unicast (EP-20) and general messages other than Follow_Up /
 * Delay_Resp pass byte for byte (EP-25). No allocation after tc_create().
 */

#include <stdlib.h>
#include <string.h>

#include "sw/hotmem.h"
#include "tc/pending.h"
#include "tc/rate.h"
#include "tc/tc.h"
#include "tc/wire.h"

_Static_assert(LEN_WITH_TS == TC_IN_PLACE_MIN_LEN, "tc_in_place()");

struct tc {
	struct tc_params p;
	struct tc_stats st;
	struct tc_pend_table pend;
	uint32_t n_skewed;	/* domains whose ratio is not exactly 1.0 */
	struct tc_rate rate[256];
};

/*
 * The PTP message of a classified frame, if fi describes one that lies in
 * buf[0..len) with at least need bytes of messageLength; else NULL.
 */
static const uint8_t *tc_ptp(const uint8_t *buf, size_t len,
			     const struct frame_info *fi, size_t need)
{
	if (buf == NULL || fi == NULL || fi->cls != FRAME_PTP)
		return NULL;
	if (fi->ptp_len < need || fi->ptp_len < PTP_HDR_LEN)
		return NULL;
	if ((size_t)fi->ptp_off + fi->ptp_len > len)
		return NULL;
	return buf + fi->ptp_off;
}

/* Bytes a message needs for the fields read here. */
static size_t tc_need(uint8_t type)
{
	switch (type) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
	case PTP_FOLLOW_UP:
		return LEN_WITH_TS;
	case PTP_DELAY_RESP:
		return LEN_WITH_REQ;
	default:
		return PTP_HDR_LEN;
	}
}

static int32_t tc_lat(const int32_t *lat, uint16_t port)
{
	return port < TC_MAX_PORTS ? lat[port] : 0;
}

/* ---- construction ---- */

static bool tc_params_ok(const struct tc_params *p)
{
	return p != NULL &&
	       (p->mode == TC_ONE_STEP || p->mode == TC_TWO_STEP) &&
	       p->pending_entries > 0 &&
	       p->pending_entries <= TC_PENDING_MAX &&
	       p->pending_timeout_ns > 0;
}

static void tc_init_stats(struct tc *tc)
{
	unsigned int i;

	for (i = 0; i < 256; i++) {
		tc_rate_init(&tc->rate[i]);
		tc->st.domain[i].rate_ratio = 1.0;
	}
	for (i = 0; i < TC_MAX_PORTS; i++) {	/* tc_res_note() */
		tc->st.res[i].min_ns = INT64_MAX;
		tc->st.res[i].max_ns = INT64_MIN;
	}
}

int tc_reconfigure(struct tc *tc, const struct tc_params *p)
{
	if (!tc_params_ok(p) || p->pending_entries != tc->p.pending_entries)
		return -1;
	tc->p = *p;
	return 0;
}

struct tc *tc_create(const struct tc_params *p)
{
	struct tc *tc;

	if (!tc_params_ok(p))
		return NULL;
	/* read per message: one huge page where possible (sw/hotmem.h) */
	tc = hotmem_alloc(sizeof(*tc));
	if (tc == NULL)
		return NULL;
	tc->p = *p;
	if (tc_pend_init(&tc->pend, p->pending_entries) != 0) {
		hotmem_free(tc, sizeof(*tc));
		return NULL;
	}
	tc_init_stats(tc);
	return tc;
}

void tc_free(struct tc *tc)
{
	if (tc == NULL)
		return;
	tc_pend_fini(&tc->pend);
	hotmem_free(tc, sizeof(*tc));
}

/* ---- residence ---- */

/* A residence in correctionField units, times the domain's ratio unless
 * exact (syntonize off, or no domain's ratio differs from 1). */
static inline ptp_cf_t tc_scale(const struct tc *tc, uint8_t domain,
				tmv_t res, bool exact)
{
	double ratio;

	if (exact || (ratio = tc->rate[domain].ratio) == 1.0)
		return ptp_cf_from_tmv(res);
	return ptp_cf_from_ns_double((double)tmv_to_ns(res) * ratio);
}

/* tc_residence(), inlined into the per-message path. Integer arithmetic
 * only unless syntonize is on and the domain's ratio is not exactly 1
 * (while no domain has one, the ratio is not even read). */
static inline ptp_cf_t tc_res(const struct tc *tc, uint8_t domain,
			      uint16_t in_port, uint16_t out_port, tmv_t rx_ts,
			      tmv_t tx_ts)
{
	tmv_t in_wire, out_wire, res;

	in_wire = tmv_sub(rx_ts, tmv_from_ns(tc_lat(tc->p.ingress_latency_ns,
						    in_port)));
	out_wire = tmv_add(tx_ts, tmv_from_ns(tc_lat(tc->p.egress_latency_ns,
						     out_port)));
	res = tmv_sub(out_wire, in_wire);
	return tc_scale(tc, domain, res, !tc->p.syntonize || tc->n_skewed == 0);
}

ptp_cf_t tc_residence(const struct tc *tc, uint8_t domain, uint16_t in_port,
		      uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts)
{
	return tc_res(tc, domain, in_port, out_port, rx_ts, tx_ts);
}


/* ---- residence statistics ---- */

/* ns into r's extremes: no branch on the value, min/max start at the
 * far ends. */
static inline void tc_res_ext(struct tc_res_stats *r, int64_t ns)
{
	r->min_ns = ns < r->min_ns ? ns : r->min_ns;
	r->max_ns = ns > r->max_ns ? ns : r->max_ns;
}

/* ... and into its sum (not its count); the sum wraps (2^63 ns of summed
 * residence). */
static inline void tc_res_add(struct tc_res_stats *r, int64_t ns)
{
	tc_res_ext(r, ns);
	r->sum_ns = (int64_t)((uint64_t)r->sum_ns + (uint64_t)ns);
}

/* One copy of an event message left out_port with residence res. */
static inline void tc_res_note(struct tc *tc, uint16_t out_port,
			       ptp_cf_t res)
{
	struct tc_res_stats *r;
	int64_t ns = ptp_cf_floor_ns(res);

	if (out_port >= TC_MAX_PORTS)
		return;
	r = &tc->st.res[out_port];	/* far-end extremes: tc_create */
	tc_res_add(r, ns);
	r->n++;
}

void tc_res_merge(struct tc_res_stats *a, const struct tc_res_stats *b)
{
	if (b->n == 0)
		return;
	if (a->n == 0 || b->min_ns < a->min_ns)
		a->min_ns = b->min_ns;
	if (a->n == 0 || b->max_ns > a->max_ns)
		a->max_ns = b->max_ns;
	a->n += b->n;
	a->sum_ns = (int64_t)((uint64_t)a->sum_ns + (uint64_t)b->sum_ns);
}

void tc_stats_add(struct tc_stats *sum, const struct tc_stats *s)
{
	unsigned int i;

	sum->corrected_sync += s->corrected_sync;
	sum->corrected_delay_req += s->corrected_delay_req;
	sum->corrected_follow_up += s->corrected_follow_up;
	sum->corrected_delay_resp += s->corrected_delay_resp;
	sum->pending_stored += s->pending_stored;
	sum->pending_evicted += s->pending_evicted;
	sum->pending_expired += s->pending_expired;
	sum->pending_unmatched += s->pending_unmatched;
	sum->ratio_rejected += s->ratio_rejected;
	sum->pending_in_use += s->pending_in_use;
	for (i = 0; i < 256; i++) {
		sum->domain[i].corrected += s->domain[i].corrected;
		sum->domain[i].sync_seen += s->domain[i].sync_seen;
	}
	for (i = 0; i < TC_MAX_PORTS; i++)
		tc_res_merge(&sum->res[i], &s->res[i]);
}

/* ---- two-step: the pending table (pending.c) ---- */

static void tc_key_make(struct tc_key *k, const uint8_t *ptp,
			const uint8_t *id, enum tc_kind kind,
			uint16_t in_port, uint16_t out_port)
{
	k->domain = ptp[OFF_DOMAIN];
	k->kind = (uint8_t)kind;
	k->seq = tc_rd16(ptp + OFF_SEQ);
	k->in_port = in_port;
	k->out_port = out_port;
	memcpy(k->src, id, PORT_ID_LEN);
}

/* Store the residence of an event message for its general message. */
static void tc_store_event(struct tc *tc, const uint8_t *ptp, uint8_t type,
			   uint16_t in_port, uint16_t out_port, ptp_cf_t res,
			   tmv_t tx_ts)
{
	struct tc_key k;

	tc_key_make(&k, ptp, ptp + OFF_SRC,
		    type == PTP_SYNC ? TC_KIND_SYNC : TC_KIND_DELAY,
		    in_port, out_port);
	switch (tc_pend_put(&tc->pend, &k, res, tx_ts)) {
	case TC_PEND_EVICTED:
		tc->st.pending_evicted++;
		/* fall through */
	case TC_PEND_NEW:
		tc->st.pending_stored++;
		break;
	case TC_PEND_REPLACED:
		break;
	}
	tc->st.pending_in_use = tc->pend.in_use;
}

void tc_expire(struct tc *tc, tmv_t now)
{
	tc->st.pending_expired += tc_pend_expire(&tc->pend, now,
						 tc->p.pending_timeout_ns);
	tc->st.pending_in_use = tc->pend.in_use;
}

/* ---- egress (the contract: tc.h) ---- */

/* A message of fi's domain was corrected: *counter and the domain's. */
static void tc_count(struct tc *tc, const struct frame_info *fi,
		     uint64_t *counter)
{
	(*counter)++;
	tc->st.domain[fi->domain].corrected++;
}

/* The counter of a corrected event message of type. */
static inline uint64_t *tc_event_counter(struct tc *tc, uint8_t type)
{
	return type == PTP_SYNC ? &tc->st.corrected_sync :
				  &tc->st.corrected_delay_req;
}

static bool tc_correct(struct tc *tc, uint8_t *buf, size_t len,
		       const struct frame_info *fi, ptp_cf_t res,
		       uint64_t *counter)
{
	if (frame_add_correction(buf, len, fi, res) != 0)
		return false;
	tc_count(tc, fi, counter);
	return true;
}

/*
 * Follow_Up or Delay_Resp: add the stored residence of the event message
 * described by (kind, id, ev_in, ev_out), if any.
 */
static bool tc_general(struct tc *tc, uint8_t *buf, size_t len,
		       const struct frame_info *fi, enum tc_kind kind,
		       uint16_t ev_in, uint16_t ev_out, uint64_t *counter)
{
	const uint8_t *ptp = buf + fi->ptp_off;
	const uint8_t *id = ptp + (kind == TC_KIND_SYNC ? OFF_SRC : OFF_REQ);
	struct tc_key k;
	ptp_cf_t res;

	if (tc_general_passes(tc))
		return false;
	tc_key_make(&k, ptp, id, kind, ev_in, ev_out);
	if (!tc_pend_take(&tc->pend, &k, &res)) {
		tc->st.pending_unmatched++;
		return false;
	}
	tc->st.pending_in_use = tc->pend.in_use;
	return tc_correct(tc, buf, len, fi, res, counter);
}

bool tc_general_passes(const struct tc *tc)
{
	/* tc_general()'s first test */
	return tc->p.mode != TC_TWO_STEP && tc->pend.in_use == 0;
}

/* Sync or Delay_Req: corrected now, or stored in two-step mode. Type,
 * domain and twoStepFlag come from fi (frame_classify read them). */
static bool tc_event(struct tc *tc, uint8_t *buf, size_t len,
		     const struct frame_info *fi, uint8_t type,
		     uint16_t in_port, uint16_t out_port, tmv_t rx_ts,
		     tmv_t tx_ts)
{
	ptp_cf_t res = tc_res(tc, fi->domain, in_port, out_port, rx_ts,
			      tx_ts);
	bool store = tc->p.mode == TC_TWO_STEP &&
		     (type == PTP_DELAY_REQ ||
		      (fi->flags & FRAME_F_TWO_STEP));

	tc_res_note(tc, out_port, res);
	if (store) {
		tc_store_event(tc, buf + fi->ptp_off, type, in_port, out_port,
			       res, tx_ts);
		return false;
	}
	return tc_correct(tc, buf, len, fi, res, tc_event_counter(tc, type));
}

bool tc_egress(struct tc *tc, uint8_t *buf, size_t len,
	       const struct frame_info *fi, uint16_t in_port,
	       uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts)
{
	uint8_t type;

	if (tc_ptp(buf, len, fi, PTP_HDR_LEN) == NULL)
		return false;
	type = fi->ptp_type;		/* buf is not read to know it */
	if (fi->ptp_len < tc_need(type))
		return false;
	switch (type) {
	case PTP_SYNC:
	case PTP_DELAY_REQ:
		return tc_event(tc, buf, len, fi, type, in_port, out_port,
				rx_ts, tx_ts);
	case PTP_FOLLOW_UP:
		return tc_general(tc, buf, len, fi, TC_KIND_SYNC, in_port,
				  out_port, &tc->st.corrected_follow_up);
	case PTP_DELAY_RESP:
		/* travels back: its Delay_Req went out_port -> in_port */
		return tc_general(tc, buf, len, fi, TC_KIND_DELAY, out_port,
				  in_port, &tc->st.corrected_delay_resp);
	default:
		return false;
	}
}

bool tc_egress_in_place(struct tc *tc, uint8_t *buf, size_t len,
			const struct frame_info *fi, uint16_t in_port,
			uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts)
{
	ptp_cf_t res;

	/* no header is read: only that the rewrite stays inside buf */
	if (!tc_in_place(tc->p.mode, fi) ||
	    (size_t)fi->ptp_off + fi->ptp_len > len ||
	    (fi->l3 != FRAME_L3_RAW_PTP &&
	     (fi->l4_off == 0 || (size_t)fi->l4_off + 8 > fi->ptp_off)))
		return false;
	res = tc_res(tc, fi->domain, in_port, out_port, rx_ts, tx_ts);
	tc_res_note(tc, out_port, res);
	frame_cf_add_in_place(buf, fi, res);
	tc_count(tc, fi, tc_event_counter(tc, fi->ptp_type));
	return true;
}

ptp_cf_t tc_event_sent(struct tc *tc, const uint8_t *buf, size_t len,
		       const struct frame_info *fi, uint16_t in_port,
		       uint16_t out_port, tmv_t rx_ts, tmv_t tx_ts)
{
	const uint8_t *ptp = tc_ptp(buf, len, fi, LEN_WITH_TS);
	ptp_cf_t res = { 0 };
	uint8_t type;

	if (ptp == NULL)
		return res;
	type = ptp[0] & 0x0f;
	if (type != PTP_SYNC && type != PTP_DELAY_REQ)
		return res;
	res = tc_res(tc, ptp[OFF_DOMAIN], in_port, out_port, rx_ts, tx_ts);
	tc_res_note(tc, out_port, res);
	if (type == PTP_DELAY_REQ || tc_two_step_flag(ptp))
		tc_store_event(tc, ptp, type, in_port, out_port, res, tx_ts);
	return res;
}

/* ---- ingress: the rate estimator (rate.c) ---- */

/* Count what the estimator made of a message of domain whose ratio was
 * before. */
static void tc_rate_count(struct tc *tc, uint8_t domain, double before,
			  enum tc_rate_res r)
{
	double now = tc->rate[domain].ratio;

	if (r == TC_RATE_REJECTED) {
		tc->st.ratio_rejected++;
	} else if (r == TC_RATE_UPDATED) {
		tc->n_skewed += (now != 1.0) - (before != 1.0);
		tc->st.domain[domain].rate_ratio = now;
	}
}

/* A Sync the estimator must decide on (not one tc_rate_skip() took). */
static __attribute__((noinline)) void tc_rate_sync_in(struct tc *tc,
						      const uint8_t *ptp,
						      tmv_t rx)
{
	uint8_t domain = ptp[OFF_DOMAIN];
	double before = tc->rate[domain].ratio;

	tc_rate_count(tc, domain, before,
		      tc_rate_sync(&tc->rate[domain], ptp, rx));
}

/* A Sync of at least LEN_WITH_TS bytes. */
static inline void tc_ingress_sync(struct tc *tc, const uint8_t *ptp,
				   tmv_t rx_ts)
{
	uint8_t domain = ptp[OFF_DOMAIN];

	tc->st.domain[domain].sync_seen++;
	if (tc->p.syntonize && !tc_rate_skip(&tc->rate[domain], ptp, rx_ts))
		tc_rate_sync_in(tc, ptp, rx_ts);
}

void tc_ingress_msg(struct tc *tc, const uint8_t *buf, size_t len,
		    const struct frame_info *fi, uint16_t in_port, tmv_t rx_ts)
{
	const uint8_t *ptp = tc_ptp(buf, len, fi, PTP_HDR_LEN);
	uint8_t type, domain;
	double before;

	(void)in_port;
	if (ptp == NULL)
		return;
	type = ptp[0] & 0x0f;
	domain = ptp[OFF_DOMAIN];
	if (type == PTP_SYNC && fi->ptp_len >= LEN_WITH_TS) {
		tc_ingress_sync(tc, ptp, rx_ts);
		return;
	}
	if (type == PTP_SYNC)
		tc->st.domain[domain].sync_seen++;
	if (tc->p.syntonize && type == PTP_FOLLOW_UP &&
	    fi->ptp_len >= LEN_WITH_TS) {
		before = tc->rate[domain].ratio;
		tc_rate_count(tc, domain, before,
			      tc_rate_follow_up(&tc->rate[domain], ptp));
	}
}

/* ---- the one-step burst run ---- */

/* tc_run(): a stretch of messages of one domain ends (n of them, n_sync
 * Syncs). Returns n_sync. */
static inline uint64_t tc_run_domain_done(struct tc *tc, uint8_t dom,
					  uint64_t n, uint64_t n_sync)
{
	tc->st.domain[dom].corrected += n;
	tc->st.domain[dom].sync_seen += n_sync;
	return n_sync;
}

/*
 * tc_run(): tc_ingress_sync() for message p received at rx, with no branch
 * on its type in the usual case (the types come in any order: a branch on
 * them mispredicts). Returns true if the estimator decided on a Sync (a
 * ratio may have changed).
 */
static inline __attribute__((always_inline)) bool
tc_run_rate(struct tc *tc, struct tc_rate *rate, const uint8_t *p,
	    unsigned int is_sync, uint64_t rx)
{
	tmv_t rxt = tmv_from_ns((int64_t)rx);
	unsigned int seen = tc_rate_seen(rate, p, rxt);

	/* tc_rate_skip()'s store, for a Sync only seen */
	rate->master_seen = tmv_select(is_sync & seen, rxt,
				       rate->master_seen);
	if (__builtin_expect(is_sync & (seen ^ 1), 0)) {
		tc_rate_sync_in(tc, p, rxt);
		return true;
	}
	return false;
}

/* tc_run(): n messages (n_sync Syncs) left out_port, acc their residence
 * extremes and sum. */
static inline void tc_run_done(struct tc *tc, uint16_t out_port,
			       struct tc_res_stats acc, unsigned int n,
			       uint64_t n_sync)
{
	acc.n = n;
	if (out_port < TC_MAX_PORTS)
		tc_res_merge(&tc->st.res[out_port], &acc);
	tc->st.corrected_sync += n_sync;
	tc->st.corrected_delay_req += n - n_sync;
}

/*
 * tc_run() of a run with one RX time (rxt) from its first message on, in
 * one pass: each message of the first one's domain (dom, rate its
 * estimator's state) that is not a Sync the estimator must decide on
 * (tc_rate_seen()) gets cf (neg: its checksum term), the correction
 * the general loop computes for the first message. Stops at the first
 * other message, untouched: the general loop goes on from there with cf,
 * as it would have. Returns how many it corrected, *n_sync the Syncs
 * among them; their master_seen stores (all rxt) made.
 */
static inline __attribute__((always_inline)) unsigned int
tc_run_same_(struct tc *tc, struct tc_rate *rate, uint8_t dom,
	     uint8_t *const *ptp, tmv_t rxt, ptp_cf_t cf, uint32_t neg,
	     unsigned int n, uint64_t *n_sync)
{
	const bool syntonize = tc->p.syntonize;
	/* a Sync of the tracked source is only seen at rxt */
	const unsigned int in_time = syntonize && tc_rate_seen_time(rate, rxt);
	unsigned int k, is_sync, other;
	uint64_t syncs = 0;

	for (k = 0; k < n; k++) {
		uint8_t *p = ptp[k];

		is_sync = (p[0] & 0x0F) == PTP_SYNC;	/* 0 or 1 */
		other = p[OFF_DOMAIN] ^ dom;
		if (syntonize)	/* a Sync the estimator would decide on */
			other |= is_sync &
				 ((in_time & tc_rate_seen_src(rate, p)) ^ 1);
		if (__builtin_expect(other != 0, 0))
			break;
		syncs += is_sync;
		frame_cf_add_udp_m(p, cf, neg);
	}
	if (syntonize && syncs)		/* tc_rate_skip()'s store */
		rate->master_seen = rxt;
	*n_sync = syncs;
	return k;
}

/* residence = (tx_ts + egress latency) - (rx - ingress latency): the
 * part before rx */
static inline tmv_t tc_run_base(const struct tc *tc, uint16_t in_port,
				uint16_t out_port, tmv_t tx_ts)
{
	return tmv_add(tx_ts, tmv_from_ns(
		(int64_t)tc_lat(tc->p.egress_latency_ns, out_port) +
		tc_lat(tc->p.ingress_latency_ns, in_port)));
}

/* tc_run(), inlined once for rx_step 0 (one RX time for all, kept in a
 * register; tc_run_same_() first) and once for the others */
static inline __attribute__((always_inline)) unsigned int
tc_run_(struct tc *tc, uint16_t in_port, uint16_t out_port, tmv_t tx_ts,
	uint8_t *const *ptp, const uint64_t *rx_ns, const unsigned int rx_step,
	unsigned int n)
{
	tmv_t base = tc_run_base(tc, in_port, out_port, tx_ts);
	/* residence statistics: never addressed, so kept in registers */
	struct tc_res_stats acc = { .min_ns = INT64_MAX, .max_ns = INT64_MIN };
	const bool syntonize = tc->p.syntonize;
	bool exact = !syntonize || tc->n_skewed == 0;
	/* cf (cf_neg: its checksum term) serves the messages after it of the
	 * same RX time and domain, until a Sync may change a ratio (have) */
	bool have = false;
	uint64_t last_rx = 0, n_sync = 0, n_dom = 0, n_dom_sync = 0;
	ptp_cf_t cf = { 0 };
	int64_t cf_ns = 0;
	uint32_t cf_neg = 0;
	unsigned int k, is_sync;
	uint8_t dom = n > 0 ? ptp[0][OFF_DOMAIN] : 0;
	struct tc_rate *rate = &tc->rate[dom];	/* the stretch's domain's */
	const uint64_t rx0 = n > 0 ? rx_ns[0] : 0;

	if (n == 0)
		return 0;
	k = 0;
	if (rx_step == 0) {
		/* the usual run: every message the same correction */
		cf = tc_scale(tc, dom, tmv_sub(base, tmv_from_ns((int64_t)rx0)),
			      exact);
		cf_ns = ptp_cf_floor_ns(cf);	/* as tc_res_note() */
		cf_neg = frame_cf_csum_neg(cf);
		k = tc_run_same_(tc, rate, dom, ptp, tmv_from_ns((int64_t)rx0),
				 cf, cf_neg, n, &n_dom_sync);
		if (k > 0) {
			tc_res_ext(&acc, cf_ns);
			acc.sum_ns = (int64_t)((uint64_t)cf_ns * k);
			n_dom = k;
			have = true;
			last_rx = rx0;
		}
	}
	for (; k < n; k++) {
		uint8_t *p = ptp[k];
		uint64_t rx = rx_step ? rx_ns[(size_t)k * rx_step] : rx0;

		if (__builtin_expect(p[OFF_DOMAIN] != dom, 0)) {
			n_sync += tc_run_domain_done(tc, dom, n_dom, n_dom_sync);
			dom = p[OFF_DOMAIN];
			rate = &tc->rate[dom];
			n_dom = n_dom_sync = 0;
			have = false;		/* another ratio */
		}
		n_dom++;
		is_sync = (p[0] & 0x0F) == PTP_SYNC;	/* 0 or 1 */
		n_dom_sync += is_sync;
		if (syntonize && tc_run_rate(tc, rate, p, is_sync, rx)) {
			exact = tc->n_skewed == 0;
			have = false;
		}
		if (!have || rx != last_rx) {
			cf = tc_scale(tc, dom,
				      tmv_sub(base, tmv_from_ns((int64_t)rx)),
				      exact);
			cf_ns = ptp_cf_floor_ns(cf);	/* as tc_res_note() */
			cf_neg = frame_cf_csum_neg(cf);
			tc_res_ext(&acc, cf_ns);
			have = true;
			last_rx = rx;
		}
		acc.sum_ns = (int64_t)((uint64_t)acc.sum_ns + (uint64_t)cf_ns);
		frame_cf_add_udp_m(p, cf, cf_neg);
	}
	n_sync += tc_run_domain_done(tc, dom, n_dom, n_dom_sync);
	tc_run_done(tc, out_port, acc, n, n_sync);
	return n;
}

unsigned int tc_run(struct tc *tc, uint16_t in_port, uint16_t out_port,
		    tmv_t tx_ts, uint8_t *const *ptp, const uint64_t *rx_ns,
		    unsigned int rx_step, unsigned int n)
{
	if (rx_step == 0)
		return tc_run_(tc, in_port, out_port, tx_ts, ptp, rx_ns, 0, n);
	return tc_run_(tc, in_port, out_port, tx_ts, ptp, rx_ns, rx_step, n);
}

const struct tc_stats *tc_get_stats(const struct tc *tc)
{
	return &tc->st;
}

double tc_rate_ratio(const struct tc *tc, uint8_t domain)
{
	return tc->rate[domain].ratio;
}

bool tc_rate_source(const struct tc *tc, uint8_t domain, uint8_t id[10])
{
	const struct tc_rate *r = &tc->rate[domain];

	if (!r->have_master)
		return false;
	memcpy(id, r->master, PORT_ID_LEN);
	return true;
}
