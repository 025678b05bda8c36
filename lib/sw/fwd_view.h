/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_FWD_VIEW_H
#define PTPSW_SW_FWD_VIEW_H

/*
 * fwd_view: everything of the configuration the workers' fast path reads,
 * in one read-only struct built from a struct conf. A reload builds a new
 * one and publishes it through vswap (sw/vswap.h); each worker takes it
 * over at a burst boundary (fwd_view_adopt), so a worker never sees half
 * of one configuration and half of another. No EAL.
 */

#include <stdbool.h>
#include <stdint.h>

#include "conf/config.h"
#include "tc/tc.h"

/* What the worker does with a Sync or Delay_Req of a domain. */
enum fwd_ev_path {
	FWD_EV_GENERAL = 0,	/* a BC's, or the two-step TC's: handle_ptp() */
	FWD_EV_RUN_TC,		/* the one-step TC's: tc_run(), in the run */
	FWD_EV_AS_IS,		/* neither: switched as a plain frame */
};

/* The learn cache's epoch (sw/learn.h) is at most this long (and fdb
 * aging/64 if shorter). */
#define FWD_LEARN_NS	1000000

struct fwd_view {
	struct tc_params tc;		/* the TC's (every worker's tc) */
	uint8_t tc_domains[32];		/* bit per domain the TC corrects */
	uint8_t bc_domains[32];		/* bit per domain a BC terminates */
	uint8_t ev_path[256];		/* enum fwd_ev_path per domain */
	uint64_t fdb_aging_ns;
	unsigned int learn_shift;	/* learn epoch: ns >> learn_shift */
	uint64_t idle_sleep_ns;		/* worker_idle_sleep_us */
	bool two_step;			/* tc.mode is two-step */
	unsigned int n_bcs;		/* boundary clocks configured */
};

/* Fill v from c (every field). */
void fwd_view_build(const struct conf *c, struct fwd_view *v);

static inline bool fwd_view_bit(const uint8_t *bm, uint8_t d)
{
	return (bm[d >> 3] >> (d & 7)) & 1;
}

#endif /* PTPSW_SW_FWD_VIEW_H */
