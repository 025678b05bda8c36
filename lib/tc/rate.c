/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The transparent clock's rate-ratio estimator (EP-21), one domain per
 * struct tc_rate: rate.h.
 */

#include <math.h>
#include <string.h>

#include "tc/rate.h"

/* Largest deviation of a sample from the prediction of the current
 * estimate: a fixed part for timestamp noise and a part growing with the
 * baseline for real frequency change. */
#define TC_RATE_MAX_RESID_NS 200000.0
#define TC_RATE_MAX_DRIFT 50e-6

void tc_rate_init(struct tc_rate *r)
{
	memset(r, 0, sizeof(*r));
	r->ratio = 1.0;
}

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

/* True if the sample is plausible; handles a rejection. */
static bool tc_rate_check(struct tc_rate *r, const struct tc_rate_pt *pt,
			  double d_org, double d_in)
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

static void tc_rate_set(struct tc_rate *r, double raw)
{
	double v = r->seeded ? r->ratio + (raw - r->ratio) / TC_RATE_SMOOTH
			     : raw;

	r->ratio = fmin(fmax(v, 1.0 - TC_RATE_MAX_DEV), 1.0 + TC_RATE_MAX_DEV);
	r->seeded = true;
	r->known = true;
}

static enum tc_rate_res tc_rate_sample(struct tc_rate *r,
				       const struct tc_rate_pt *pt)
{
	int64_t d_in, need;
	double d_org;

	if (r->n_ref == 0) {
		tc_rate_restart(r, pt);
		return TC_RATE_NONE;
	}
	d_in = tmv_to_ns(tmv_sub(pt->ingress, r->ref.ingress));
	if (d_in <= 0) {
		tc_rate_restart(r, pt);
		return TC_RATE_NONE;
	}
	need = r->known ? TC_RATE_WINDOW_NS : TC_RATE_MIN_BASE_NS;
	if (!r->seeded && d_in < need)
		return TC_RATE_NONE;
	d_org = tc_rate_origin_diff(pt, &r->ref);
	if (!tc_rate_check(r, pt, d_org, (double)d_in))
		return TC_RATE_REJECTED;
	tc_rate_set(r, d_org / (double)d_in);
	tc_rate_renew(r, pt, d_in);
	return TC_RATE_UPDATED;
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

enum tc_rate_res tc_rate_sync(struct tc_rate *r, const uint8_t *ptp,
			      tmv_t rx)
{
	struct tc_rate_pt pt;

	if (!tc_rate_master(r, ptp + OFF_SRC, rx))
		return TC_RATE_NONE;
	if (r->sampled && tmv_to_ns(tmv_sub(rx, r->last_rx)) >= 0 &&
	    tmv_to_ns(tmv_sub(rx, r->last_rx)) < TC_RATE_MIN_GAP_NS)
		return TC_RATE_NONE;
	r->sampled = true;
	r->last_rx = rx;
	if (tc_two_step_flag(ptp)) {
		r->fu_wait = true;
		r->fu_seq = tc_rd16(ptp + OFF_SEQ);
		r->fu_rx = rx;
		r->fu_cf = ptp_hdr_get_correction(ptp);
		return TC_RATE_NONE;
	}
	if (!tc_read_ts(ptp + OFF_BODY_TS, &pt.ts))
		return TC_RATE_NONE;
	pt.cf = ptp_hdr_get_correction(ptp);
	pt.ingress = rx;
	return tc_rate_sample(r, &pt);
}

enum tc_rate_res tc_rate_follow_up(struct tc_rate *r, const uint8_t *ptp)
{
	struct tc_rate_pt pt;

	if (!r->fu_wait || tc_rd16(ptp + OFF_SEQ) != r->fu_seq ||
	    memcmp(r->master, ptp + OFF_SRC, PORT_ID_LEN) != 0)
		return TC_RATE_NONE;
	r->fu_wait = false;
	if (!tc_read_ts(ptp + OFF_BODY_TS, &pt.ts))
		return TC_RATE_NONE;
	pt.cf = ptp_cf_add_sat(r->fu_cf, ptp_hdr_get_correction(ptp));
	pt.ingress = r->fu_rx;
	return tc_rate_sample(r, &pt);
}
