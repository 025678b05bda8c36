/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * End-to-end transparent clock (IEEE 1588-2019 10.2, 11.5; RFC 9760
 * EP-20/21/25) on classified byte buffers.
 *
 * Only correctionField (and with it the UDP checksum) is ever written, and
 * only through frame_add_correction(): addresses, flags and every other
 * byte stay as received, so unicast stays unicast (EP-20) and general
 * messages other than Follow_Up / Delay_Resp pass byte for byte (EP-25).
 *
 * Two-step residences wait in a fixed table: entries in one array, a hash
 * index of chains over it, and a doubly linked age list (oldest first) that
 * gives eviction when full and expiry. No allocation after tc_create().
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sw/hotmem.h"
#include "tc/tc.h"

/* Offsets in a PTP message (IEEE 1588-2019 13.3, 13.6 - 13.8). */
#define OFF_DOMAIN	4
#define OFF_FLAGS	6	/* first octet of flagField */
#define OFF_SRC		20	/* sourcePortIdentity */
#define OFF_SEQ		30
#define OFF_BODY_TS	34	/* (precise)originTimestamp */
#define OFF_REQ		44	/* Delay_Resp requestingPortIdentity */
#define PORT_ID_LEN	10
#define TS_LEN		10
#define LEN_WITH_TS	(OFF_BODY_TS + TS_LEN)
_Static_assert(LEN_WITH_TS == TC_IN_PLACE_MIN_LEN, "tc_in_place()");
#define LEN_WITH_REQ	(OFF_REQ + PORT_ID_LEN)

#define TC_NONE UINT32_MAX

enum tc_kind { TC_KIND_SYNC = 0, TC_KIND_DELAY = 1 };

/* What a general message must match; no padding, so memcmp compares it. */
struct tc_key {
	uint8_t domain;
	uint8_t kind;		/* enum tc_kind */
	uint16_t seq;
	uint16_t in_port;	/* of the event message */
	uint16_t out_port;
	uint8_t src[PORT_ID_LEN];	/* the event's sourcePortIdentity */
};
_Static_assert(sizeof(struct tc_key) == 18, "struct tc_key has padding");

struct tc_pending {
	struct tc_key key;
	ptp_cf_t residence;
	tmv_t stored;		/* egress time of the event message */
	uint32_t hnext;		/* hash chain */
	uint32_t older;		/* age list */
	uint32_t newer;		/* age list; free list link when free */
};

/* One rate sample: origin = ts + cf (GM time), ingress on our timebase. */
struct tc_rate_pt {
	tmv_t ts;
	ptp_cf_t cf;
	tmv_t ingress;
};

struct tc_rate {
	uint8_t master[PORT_ID_LEN];
	bool have_master;
	bool fu_wait;		/* two-step Sync waiting for its Follow_Up */
	bool known;		/* an estimate was ever made */
	bool seeded;		/* the current reference chain made one */
	bool sampled;		/* last_rx is valid (only with a master:
				 * cleared when one is adopted) */
	uint8_t n_ref;		/* reference points held: 0, 1 or 2 */
	uint8_t rejects;	/* consecutive rejected samples */
	uint16_t fu_seq;
	tmv_t master_seen;
	tmv_t last_rx;		/* ingress of the last Sync sampled */
	tmv_t fu_rx;
	ptp_cf_t fu_cf;
	struct tc_rate_pt ref;	/* baseline start */
	struct tc_rate_pt next;	/* the next baseline start */
	double ratio;
};

struct tc {
	struct tc_params p;
	struct tc_stats st;
	struct tc_pending *ent;
	uint32_t *bucket;
	uint32_t hmask;
	uint32_t free_head;
	uint32_t oldest;
	uint32_t newest;
	uint32_t n_skewed;	/* domains whose ratio is not exactly 1.0 */
	struct tc_rate rate[256];
};

/* Largest deviation of a sample from the prediction of the current
 * estimate: a fixed part for timestamp noise and a part growing with the
 * baseline for real frequency change. */
#define TC_RATE_MAX_RESID_NS 200000.0
#define TC_RATE_MAX_DRIFT 50e-6

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint64_t rd_be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* PTP Timestamp at p as tmv. Returns false if not representable. */
static bool tc_read_ts(const uint8_t *p, tmv_t *out)
{
	struct ptp_timestamp ts;

	ts.sec = rd_be(p, 6);
	ts.nsec = (uint32_t)rd_be(p + 6, 4);
	return ptp_ts_to_tmv(&ts, out);
}

static bool tc_two_step_flag(const uint8_t *ptp)
{
	return (ptp[OFF_FLAGS] & (PTP_FLAG_TWO_STEP >> 8)) != 0;
}

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

static void tc_init_table(struct tc *tc)
{
	uint32_t i, n = tc->p.pending_entries;

	for (i = 0; i <= tc->hmask; i++)
		tc->bucket[i] = TC_NONE;
	for (i = 0; i < n; i++)
		tc->ent[i].newer = i + 1 < n ? i + 1 : TC_NONE;
	tc->free_head = 0;
	tc->oldest = TC_NONE;
	tc->newest = TC_NONE;
}

static void tc_init_rates(struct tc *tc)
{
	unsigned int d;

	for (d = 0; d < 256; d++) {
		tc->rate[d].ratio = 1.0;
		tc->st.domain[d].rate_ratio = 1.0;
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
	uint32_t nb = 1;
	unsigned int i;

	if (!tc_params_ok(p))
		return NULL;
	while (nb < 2 * p->pending_entries)
		nb <<= 1;
	/* read per message: one huge page where possible (sw/hotmem.h) */
	tc = hotmem_alloc(sizeof(*tc));
	if (tc == NULL)
		goto err;
	tc->p = *p;
	tc->ent = calloc(p->pending_entries, sizeof(*tc->ent));
	if (tc->ent == NULL)
		goto err_tc;
	tc->bucket = calloc(nb, sizeof(*tc->bucket));
	if (tc->bucket == NULL)
		goto err_ent;
	tc->hmask = nb - 1;
	tc_init_table(tc);
	tc_init_rates(tc);
	for (i = 0; i < TC_MAX_PORTS; i++) {	/* tc_res_note() */
		tc->st.res[i].min_ns = INT64_MAX;
		tc->st.res[i].max_ns = INT64_MIN;
	}
	return tc;

err_ent:
	free(tc->ent);
err_tc:
	hotmem_free(tc, sizeof(*tc));
err:
	return NULL;
}

void tc_free(struct tc *tc)
{
	if (tc == NULL)
		return;
	free(tc->bucket);
	free(tc->ent);
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

/* ---- pending table ---- */

static void tc_key_make(struct tc_key *k, const uint8_t *ptp,
			const uint8_t *id, enum tc_kind kind,
			uint16_t in_port, uint16_t out_port)
{
	k->domain = ptp[OFF_DOMAIN];
	k->kind = (uint8_t)kind;
	k->seq = rd16(ptp + OFF_SEQ);
	k->in_port = in_port;
	k->out_port = out_port;
	memcpy(k->src, id, PORT_ID_LEN);
}

/* FNV-1a over the key bytes. */
static uint32_t tc_hash(const struct tc *tc, const struct tc_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 16777619u;
	return (h ^ (h >> 16)) & tc->hmask;
}

static uint32_t tc_pend_find(const struct tc *tc, const struct tc_key *k)
{
	uint32_t i = tc->bucket[tc_hash(tc, k)];

	while (i != TC_NONE && memcmp(&tc->ent[i].key, k, sizeof(*k)) != 0)
		i = tc->ent[i].hnext;
	return i;
}

static void tc_unlink_hash(struct tc *tc, uint32_t i)
{
	uint32_t *link = &tc->bucket[tc_hash(tc, &tc->ent[i].key)];

	while (*link != i)
		link = &tc->ent[*link].hnext;
	*link = tc->ent[i].hnext;
}

static void tc_unlink_age(struct tc *tc, uint32_t i)
{
	struct tc_pending *e = &tc->ent[i];

	if (e->older != TC_NONE)
		tc->ent[e->older].newer = e->newer;
	else
		tc->oldest = e->newer;
	if (e->newer != TC_NONE)
		tc->ent[e->newer].older = e->older;
	else
		tc->newest = e->older;
}

/* Remove entry i and put it on the free list. */
static void tc_pend_del(struct tc *tc, uint32_t i)
{
	tc_unlink_hash(tc, i);
	tc_unlink_age(tc, i);
	tc->ent[i].newer = tc->free_head;
	tc->free_head = i;
	tc->st.pending_in_use--;
}

/* A free entry, evicting the oldest one if there is none. */
static uint32_t tc_pend_alloc(struct tc *tc)
{
	uint32_t i;

	if (tc->free_head == TC_NONE) {
		tc_pend_del(tc, tc->oldest);
		tc->st.pending_evicted++;
	}
	i = tc->free_head;
	tc->free_head = tc->ent[i].newer;
	return i;
}

static void tc_pend_put(struct tc *tc, const struct tc_key *k, ptp_cf_t res,
			tmv_t now)
{
	struct tc_pending *e;
	uint32_t i = tc_pend_find(tc, k), h;

	if (i != TC_NONE) {
		/* the same event again (duplicate): latest residence wins */
		tc->ent[i].residence = res;
		tc->ent[i].stored = now;
		return;
	}
	i = tc_pend_alloc(tc);
	e = &tc->ent[i];
	e->key = *k;
	e->residence = res;
	e->stored = now;
	h = tc_hash(tc, k);
	e->hnext = tc->bucket[h];
	tc->bucket[h] = i;
	e->older = tc->newest;
	e->newer = TC_NONE;
	if (tc->newest != TC_NONE)
		tc->ent[tc->newest].newer = i;
	else
		tc->oldest = i;
	tc->newest = i;
	tc->st.pending_in_use++;
	tc->st.pending_stored++;
}

void tc_expire(struct tc *tc, tmv_t now)
{
	uint32_t i = tc->oldest, next;
	tmv_t age;

	while (i != TC_NONE) {
		next = tc->ent[i].newer;
		age = tmv_sub(now, tc->ent[i].stored);
		if (tmv_to_ns(age) > tc->p.pending_timeout_ns) {
			tc_pend_del(tc, i);
			tc->st.pending_expired++;
		}
		i = next;
	}
}

/* ---- egress ---- */

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
	int64_t ns = res.scaled >> 16;	/* gcc: arithmetic shift (floor) */

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

/* A message of fi's domain was corrected: *counter and the domain's. */
static void tc_count(struct tc *tc, const struct frame_info *fi,
		     uint64_t *counter)
{
	(*counter)++;
	tc->st.domain[fi->domain].corrected++;
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

/* Store the residence of an event message for its general message. */
static void tc_store_event(struct tc *tc, const uint8_t *ptp, uint8_t type,
			   uint16_t in_port, uint16_t out_port, ptp_cf_t res,
			   tmv_t tx_ts)
{
	struct tc_key k;

	tc_key_make(&k, ptp, ptp + OFF_SRC,
		    type == PTP_SYNC ? TC_KIND_SYNC : TC_KIND_DELAY,
		    in_port, out_port);
	tc_pend_put(tc, &k, res, tx_ts);
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
	uint32_t i;

	if (tc->p.mode != TC_TWO_STEP && tc->st.pending_in_use == 0)
		return false;
	tc_key_make(&k, ptp, id, kind, ev_in, ev_out);
	i = tc_pend_find(tc, &k);
	if (i == TC_NONE) {
		tc->st.pending_unmatched++;
		return false;
	}
	res = tc->ent[i].residence;
	tc_pend_del(tc, i);
	return tc_correct(tc, buf, len, fi, res, counter);
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
	return tc_correct(tc, buf, len, fi, res,
			  type == PTP_SYNC ? &tc->st.corrected_sync :
					     &tc->st.corrected_delay_req);
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
	tc_count(tc, fi, fi->ptp_type == PTP_SYNC ? &tc->st.corrected_sync :
					      &tc->st.corrected_delay_req);
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

/* ---- rate ratio (EP-21) ---- */

static void tc_rate_restart(struct tc_rate *r, const struct tc_rate_pt *pt)
{
	r->ref = *pt;
	r->n_ref = 1;
	r->seeded = false;
	r->rejects = 0;
}

/* GM time elapsed from a to b, in ns (the CF keeps its sub-ns part). */
static double tc_rate_origin_diff(const struct tc_rate_pt *b,
				  const struct tc_rate_pt *a)
{
	return (double)tmv_to_ns(tmv_sub(b->ts, a->ts)) +
	       (ptp_cf_to_ns_double(b->cf) - ptp_cf_to_ns_double(a->cf));
}

/* True if the sample is plausible; counts and handles a rejection. */
static bool tc_rate_check(struct tc *tc, struct tc_rate *r,
			  const struct tc_rate_pt *pt, double d_org,
			  double d_in)
{
	double raw = d_org / d_in;
	double resid = d_org - r->ratio * d_in;
	bool ok = fabs(raw - 1.0) <= TC_RATE_MAX_DEV;

	if (ok && r->seeded)
		ok = fabs(resid) <= TC_RATE_MAX_RESID_NS +
				    TC_RATE_MAX_DRIFT * d_in;
	if (ok) {
		r->rejects = 0;
		return true;
	}
	tc->st.ratio_rejected++;
	if (++r->rejects >= TC_RATE_MAX_REJECTS)
		tc_rate_restart(r, pt);	/* the GM stepped: start over */
	return false;
}

/* Keep the baseline between TC_RATE_WINDOW_NS and twice that. */
static void tc_rate_renew(struct tc_rate *r, const struct tc_rate_pt *pt,
			  int64_t d_in)
{
	if (r->n_ref == 1 && d_in >= TC_RATE_WINDOW_NS) {
		r->next = *pt;
		r->n_ref = 2;
	} else if (r->n_ref == 2 && d_in >= 2 * TC_RATE_WINDOW_NS) {
		r->ref = r->next;
		r->next = *pt;
	}
}

static void tc_rate_set(struct tc *tc, uint8_t domain, double raw)
{
	struct tc_rate *r = &tc->rate[domain];
	double v = r->seeded ? r->ratio + (raw - r->ratio) / TC_RATE_SMOOTH
			     : raw;

	v = fmin(fmax(v, 1.0 - TC_RATE_MAX_DEV), 1.0 + TC_RATE_MAX_DEV);
	tc->n_skewed += (v != 1.0) - (r->ratio != 1.0);
	r->ratio = v;
	r->seeded = true;
	r->known = true;
	tc->st.domain[domain].rate_ratio = v;
}

static void tc_rate_sample(struct tc *tc, uint8_t domain,
			   const struct tc_rate_pt *pt)
{
	struct tc_rate *r = &tc->rate[domain];
	int64_t d_in, need;
	double d_org;

	if (r->n_ref == 0) {
		tc_rate_restart(r, pt);
		return;
	}
	d_in = tmv_to_ns(tmv_sub(pt->ingress, r->ref.ingress));
	if (d_in <= 0) {
		tc_rate_restart(r, pt);
		return;
	}
	need = r->known ? TC_RATE_WINDOW_NS : TC_RATE_MIN_BASE_NS;
	if (!r->seeded && d_in < need)
		return;
	d_org = tc_rate_origin_diff(pt, &r->ref);
	if (!tc_rate_check(tc, r, pt, d_org, (double)d_in))
		return;
	tc_rate_set(tc, domain, d_org / (double)d_in);
	tc_rate_renew(r, pt, d_in);
}

/* True if a Sync from id is from the tracked time transmitter (adopting
 * id if there is none, or the tracked one went silent). */
static bool tc_rate_master(struct tc_rate *r, const uint8_t *id, tmv_t rx)
{
	if (r->have_master && memcmp(r->master, id, PORT_ID_LEN) == 0) {
		r->master_seen = rx;
		return true;
	}
	if (r->have_master && tmv_to_ns(tmv_sub(rx, r->master_seen)) <=
			      TC_RATE_MASTER_TIMEOUT_NS)
		return false;
	memcpy(r->master, id, PORT_ID_LEN);
	r->have_master = true;
	r->master_seen = rx;
	r->fu_wait = false;
	r->n_ref = 0;
	r->sampled = false;
	r->seeded = false;
	r->rejects = 0;
	return true;
}

static __attribute__((noinline)) void tc_rate_sync(struct tc *tc,
						   const uint8_t *ptp,
						   tmv_t rx)
{
	uint8_t domain = ptp[OFF_DOMAIN];
	struct tc_rate *r = &tc->rate[domain];
	struct tc_rate_pt pt;

	if (!tc_rate_master(r, ptp + OFF_SRC, rx))
		return;
	if (r->sampled && tmv_to_ns(tmv_sub(rx, r->last_rx)) >= 0 &&
	    tmv_to_ns(tmv_sub(rx, r->last_rx)) < TC_RATE_MIN_GAP_NS)
		return;
	r->sampled = true;
	r->last_rx = rx;
	if (tc_two_step_flag(ptp)) {
		r->fu_wait = true;
		r->fu_seq = rd16(ptp + OFF_SEQ);
		r->fu_rx = rx;
		r->fu_cf = ptp_hdr_get_correction(ptp);
		return;
	}
	if (!tc_read_ts(ptp + OFF_BODY_TS, &pt.ts))
		return;
	pt.cf = ptp_hdr_get_correction(ptp);
	pt.ingress = rx;
	tc_rate_sample(tc, domain, &pt);
}

static void tc_rate_follow_up(struct tc *tc, const uint8_t *ptp)
{
	uint8_t domain = ptp[OFF_DOMAIN];
	struct tc_rate *r = &tc->rate[domain];
	struct tc_rate_pt pt;

	if (!r->fu_wait || rd16(ptp + OFF_SEQ) != r->fu_seq ||
	    memcmp(r->master, ptp + OFF_SRC, PORT_ID_LEN) != 0)
		return;
	r->fu_wait = false;
	if (!tc_read_ts(ptp + OFF_BODY_TS, &pt.ts))
		return;
	pt.cf = ptp_cf_add_sat(r->fu_cf, ptp_hdr_get_correction(ptp));
	pt.ingress = r->fu_rx;
	tc_rate_sample(tc, domain, &pt);
}

/*
 * tc_rate_skip()'s test without its store and without a branch (tc_run(),
 * where Sync and Delay_Req come in any order, uses it for both): true if
 * a Sync of this header received at rx would only be seen, being from the
 * tracked time transmitter (sampled implies one) within
 * TC_RATE_MIN_GAP_NS after the last Sync sampled. Reads the header's
 * sourcePortIdentity (inside its first 44 octets) whatever its type.
 */
static inline bool tc_rate_seen(const struct tc_rate *r, const uint8_t *ptp,
				tmv_t rx)
{
	uint64_t a, b;
	uint16_t c, d;

	memcpy(&a, r->master, 8);
	memcpy(&b, ptp + OFF_SRC, 8);
	memcpy(&c, r->master + 8, 2);
	memcpy(&d, ptp + OFF_SRC + 8, 2);
	return r->sampled & (((a ^ b) | (uint64_t)(c ^ d)) == 0) &
	       ((uint64_t)tmv_to_ns(tmv_sub(rx, r->last_rx)) <
		(uint64_t)TC_RATE_MIN_GAP_NS);
}

/*
 * tc_rate_sync()'s usual Sync, inline: one that tc_rate_seen() says is
 * only seen. Returns false for every other Sync (tc_rate_sync()
 * decides).
 */
static inline bool tc_rate_skip(struct tc_rate *r, const uint8_t *ptp,
				tmv_t rx)
{
	if (!tc_rate_seen(r, ptp, rx))
		return false;
	r->master_seen = rx;
	return true;
}

/* A Sync of at least LEN_WITH_TS bytes. */
static inline void tc_ingress_sync(struct tc *tc, const uint8_t *ptp,
				   tmv_t rx_ts)
{
	uint8_t domain = ptp[OFF_DOMAIN];

	tc->st.domain[domain].sync_seen++;
	if (tc->p.syntonize && !tc_rate_skip(&tc->rate[domain], ptp, rx_ts))
		tc_rate_sync(tc, ptp, rx_ts);
}

void tc_ingress_msg(struct tc *tc, const uint8_t *buf, size_t len,
		    const struct frame_info *fi, uint16_t in_port, tmv_t rx_ts)
{
	const uint8_t *ptp = tc_ptp(buf, len, fi, PTP_HDR_LEN);
	uint8_t type;

	(void)in_port;
	if (ptp == NULL)
		return;
	type = ptp[0] & 0x0f;
	if (type == PTP_SYNC && fi->ptp_len >= LEN_WITH_TS) {
		tc_ingress_sync(tc, ptp, rx_ts);
		return;
	}
	if (type == PTP_SYNC)
		tc->st.domain[ptp[OFF_DOMAIN]].sync_seen++;
	if (tc->p.syntonize && type == PTP_FOLLOW_UP &&
	    fi->ptp_len >= LEN_WITH_TS)
		tc_rate_follow_up(tc, ptp);
}

unsigned int tc_run(struct tc *tc, uint16_t in_port, uint16_t out_port,
		    tmv_t tx_ts, uint8_t *const *ptp, const uint64_t *rx_ns,
		    unsigned int rx_step, unsigned int n)
{
	/* residence = (tx_ts + egress latency) - (rx - ingress latency) */
	int64_t base = tmv_to_ns(tx_ts) + tc_lat(tc->p.egress_latency_ns,
						 out_port) +
		       tc_lat(tc->p.ingress_latency_ns, in_port);
	/* the loop's residence statistics (never addressed outside it, so
	 * kept in registers across tc_rate_sync()), then rs */
	struct tc_res_stats acc = { .min_ns = INT64_MAX, .max_ns = INT64_MIN },
			    rs;
	const bool syntonize = tc->p.syntonize;
	bool exact = !syntonize || tc->n_skewed == 0;
	/* the correction last computed (valid: have), for the messages
	 * after it of the same RX time and domain (with software stamps a
	 * burst has one RX time), until a Sync may change a ratio */
	bool have = false;
	uint64_t last_rx = 0;
	ptp_cf_t cf = { 0 };
	int64_t cf_ns = 0;
	/* counted per stretch of one domain */
	uint64_t n_sync = 0, n_dom = 0, n_dom_sync = 0;
	struct tc_rate *rate;		/* the stretch's domain's */
	unsigned int k, is_sync;
	uint8_t dom;

	if (n == 0)
		return 0;
	dom = ptp[0][OFF_DOMAIN];
	rate = &tc->rate[dom];
	for (k = 0; k < n; k++) {
		uint8_t *p = ptp[k];
		uint64_t rx = *rx_ns;

		rx_ns += rx_step;

		if (__builtin_expect(p[OFF_DOMAIN] != dom, 0)) {
			tc->st.domain[dom].corrected += n_dom;
			tc->st.domain[dom].sync_seen += n_dom_sync;
			n_sync += n_dom_sync;
			dom = p[OFF_DOMAIN];
			rate = &tc->rate[dom];
			n_dom = 0;
			n_dom_sync = 0;
			have = false;		/* another ratio */
		}
		n_dom++;
		/* tc_ingress_sync() for a Sync, with no branch on the type
		 * in the usual case (the types come in any order: a branch
		 * on them mispredicts) */
		is_sync = (p[0] & 0x0F) == PTP_SYNC;	/* 0 or 1 */
		n_dom_sync += is_sync;
		if (syntonize) {
			tmv_t rxt = tmv_from_ns((int64_t)rx);
			unsigned int seen = tc_rate_seen(rate, p, rxt);
			/* all ones for a Sync only seen */
			uint64_t m = -(uint64_t)(is_sync & seen);

			/* tc_rate_skip()'s store, for such a Sync */
			rate->master_seen.ns = (int64_t)(
				((uint64_t)rxt.ns & m) |
				((uint64_t)rate->master_seen.ns & ~m));
			if (__builtin_expect(is_sync & (seen ^ 1), 0)) {
				tc_rate_sync(tc, p, rxt);
				/* it may have changed a ratio */
				exact = tc->n_skewed == 0;
				have = false;
			}
		}
		if (!have || rx != last_rx) {
			cf = tc_scale(tc, dom, tmv_from_ns(base - (int64_t)rx),
				      exact);
			cf_ns = cf.scaled >> 16;	/* as tc_res_note() */
			tc_res_ext(&acc, cf_ns);
			have = true;
			last_rx = rx;
		}
		acc.sum_ns = (int64_t)((uint64_t)acc.sum_ns +
				       (uint64_t)cf_ns);
		frame_cf_add_udp(p, cf);
	}
	tc->st.domain[dom].corrected += n_dom;
	tc->st.domain[dom].sync_seen += n_dom_sync;
	n_sync += n_dom_sync;
	rs = acc;
	rs.n = n;
	if (out_port < TC_MAX_PORTS)
		tc_res_merge(&tc->st.res[out_port], &rs);
	tc->st.corrected_sync += n_sync;
	tc->st.corrected_delay_req += n - n_sync;
	return n;
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
