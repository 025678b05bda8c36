/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_TC_RATE_H
#define PTPSW_TC_RATE_H

/*
 * The transparent clock's rate-ratio estimator of one domain (private to
 * lib/tc; EP-21, the algorithm and its constants: tc.h). It reads Syncs
 * and Follow_Ups and keeps the ratio; the caller keeps the counters from
 * what each call returns.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "ptp/ptp_time.h"
#include "tc/tc.h"
#include "tc/wire.h"

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
	double ratio;		/* the estimate, 1.0 until there is one */
};

/* What a Sync or Follow_Up did to the estimate. */
enum tc_rate_res {
	TC_RATE_NONE,		/* nothing new */
	TC_RATE_REJECTED,	/* an implausible sample, ignored */
	TC_RATE_UPDATED,	/* ratio has a new value (maybe the same) */
};

/* No time transmitter, ratio 1.0. */
void tc_rate_init(struct tc_rate *r);
/* A Sync (at least LEN_WITH_TS bytes) of r's domain received at rx. */
enum tc_rate_res tc_rate_sync(struct tc_rate *r, const uint8_t *ptp,
			      tmv_t rx);
/* A Follow_Up (at least LEN_WITH_TS bytes) of r's domain. */
enum tc_rate_res tc_rate_follow_up(struct tc_rate *r, const uint8_t *ptp);

/*
 * tc_rate_skip()'s test without its store and without a branch (tc_run(),
 * where Sync and Delay_Req come in any order, uses it for both): true if
 * a Sync of this header received at rx would only be seen, being from the
 * tracked time transmitter (sampled implies one) within
 * TC_RATE_MIN_GAP_NS after the last Sync sampled. Reads the header's
 * sourcePortIdentity (inside its first 44 octets) whatever its type.
 * The two tests apart: the source's (tc_rate_seen_src) and the time's
 * (tc_rate_seen_time, the same for every message of one RX time).
 */
static inline bool tc_rate_seen_src(const struct tc_rate *r,
				    const uint8_t *ptp)
{
	uint64_t a, b;
	uint16_t c, d;

	memcpy(&a, r->master, 8);
	memcpy(&b, ptp + OFF_SRC, 8);
	memcpy(&c, r->master + 8, 2);
	memcpy(&d, ptp + OFF_SRC + 8, 2);
	return ((a ^ b) | (uint64_t)(c ^ d)) == 0;
}

static inline bool tc_rate_seen_time(const struct tc_rate *r, tmv_t rx)
{
	return r->sampled & ((uint64_t)tmv_to_ns(tmv_sub(rx, r->last_rx)) <
			     (uint64_t)TC_RATE_MIN_GAP_NS);
}

static inline bool tc_rate_seen(const struct tc_rate *r, const uint8_t *ptp,
				tmv_t rx)
{
	/* both tests, no branch between them */
	return (unsigned int)tc_rate_seen_time(r, rx) &
	       (unsigned int)tc_rate_seen_src(r, ptp);
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

#endif /* PTPSW_TC_RATE_H */
