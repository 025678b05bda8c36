/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-domain software clock over the free-running timebase. */

#include <math.h>

#include "bc/dclock.h"

#define FS_PER_NS 1000000LL		/* femtoseconds per nanosecond */
#define FPPB_PER_PPB 1000000.0		/* rate units per ppb */
#define RATE_ONE ((__int128)1000000000000000LL)	/* 1.0 in rate units */

void dclock_init(struct dclock *c, tmv_t base, tmv_t time)
{
	c->anchor_base = base;
	c->anchor_time = time;
	c->frac_fs = 0;
	c->rate_fppb = 0;
	c->ppb = 0.0;
}

/* Floor division of a 128-bit value by a positive divisor. */
static __int128 floordiv(__int128 a, __int128 b, __int128 *rem)
{
	__int128 q = a / b, r = a % b;

	if (r < 0) {
		r += b;
		q--;
	}
	*rem = r;
	return q;
}

/* Elapsed clock time since the anchor, in femtoseconds. */
static __int128 elapsed_fs(const struct dclock *c, tmv_t base)
{
	__int128 d = tmv_to_ns(tmv_sub(base, c->anchor_base));

	/* d ns * (1 + rate) = d * (RATE_ONE + rate_fppb) / 1e9 ns
	 *                   = d * (RATE_ONE + rate_fppb) / 1e9 * 1e6 fs */
	return d * (RATE_ONE + c->rate_fppb) / 1000000000 + c->frac_fs;
}

tmv_t dclock_from_base(const struct dclock *c, tmv_t base)
{
	__int128 rem, ns = floordiv(elapsed_fs(c, base), FS_PER_NS, &rem);

	return tmv_add(c->anchor_time, tmv_from_ns((int64_t)ns));
}

tmv_t dclock_now(const struct dclock *c, tmv_t base)
{
	return dclock_from_base(c, base);
}

tmv_t dclock_to_base(const struct dclock *c, tmv_t time)
{
	__int128 dt_fs = (__int128)tmv_to_ns(tmv_sub(time, c->anchor_time)) *
			 FS_PER_NS - c->frac_fs;
	__int128 div = RATE_ONE + c->rate_fppb;
	__int128 rem, d;

	/* base ns = clock fs * 1e9 / (1e15 + rate), rounded to nearest */
	d = floordiv(dt_fs * 1000000000 + div / 2, div, &rem);
	return tmv_add(c->anchor_base, tmv_from_ns((int64_t)d));
}

/* Move the anchor to base without changing the map. */
static void dclock_reanchor(struct dclock *c, tmv_t base)
{
	__int128 rem, ns = floordiv(elapsed_fs(c, base), FS_PER_NS, &rem);

	c->anchor_time = tmv_add(c->anchor_time, tmv_from_ns((int64_t)ns));
	c->anchor_base = base;
	c->frac_fs = (int64_t)rem;
}

double dclock_adjust_freq(struct dclock *c, tmv_t base, double ppb)
{
	if (ppb > DCLOCK_MAX_PPB)
		ppb = DCLOCK_MAX_PPB;
	if (ppb < -DCLOCK_MAX_PPB)
		ppb = -DCLOCK_MAX_PPB;
	dclock_reanchor(c, base);
	c->rate_fppb = (int64_t)llround(ppb * FPPB_PER_PPB);
	c->ppb = ppb;
	return ppb;
}

void dclock_step(struct dclock *c, tmv_t base, tmv_t delta)
{
	dclock_reanchor(c, base);
	c->anchor_time = tmv_add(c->anchor_time, delta);
}

double dclock_get_freq(const struct dclock *c)
{
	return c->ppb;
}
