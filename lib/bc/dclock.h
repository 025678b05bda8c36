/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_DCLOCK_H
#define PTPSW_BC_DCLOCK_H

/*
 * Per-domain software clock (EP-22): an (offset, rate) map over the
 * free-running common timebase, in nanoseconds. The timebase is never
 * steered; each domain's time is
 *	t = anchor_time + (base - anchor_base) * (1 + ppb * 1e-9).
 * Changing the frequency or stepping re-anchors at the given base time, so
 * the clock stays continuous (a frequency change never jumps the time).
 * The sub-nanosecond fraction is carried across re-anchors.
 */

#include <stdint.h>

#include "ptp/ptp_time.h"

#define DCLOCK_MAX_PPB 500000000.0	/* keeps the map strictly increasing */

struct dclock {
	tmv_t anchor_base;
	tmv_t anchor_time;
	int64_t frac_fs;	/* 0 .. 1e6-1: femtoseconds beyond anchor_time */
	int64_t rate_fppb;	/* frequency offset in 1e-15 (femto) units */
	double ppb;		/* last requested adjustment */
};

/* Start the clock: at base time base it reads time. Rate offset 0. */
void dclock_init(struct dclock *c, tmv_t base, tmv_t time);

/* Clock time at base time base (any base, before or after the anchor). */
tmv_t dclock_from_base(const struct dclock *c, tmv_t base);
/* Same as dclock_from_base(): the clock read "now" = base. */
tmv_t dclock_now(const struct dclock *c, tmv_t base);

/* Base time at which the clock reads time (inverse of dclock_from_base,
 * to within 1 ns). */
tmv_t dclock_to_base(const struct dclock *c, tmv_t time);

/* Set the frequency offset to ppb (clamped to +-DCLOCK_MAX_PPB), effective
 * from base time base. Returns the ppb really applied. */
double dclock_adjust_freq(struct dclock *c, tmv_t base, double ppb);

/* Step the clock by delta (added to the time) at base time base. */
void dclock_step(struct dclock *c, tmv_t base, tmv_t delta);

/* Current frequency offset in ppb. */
double dclock_get_freq(const struct dclock *c);

#endif /* PTPSW_BC_DCLOCK_H */
