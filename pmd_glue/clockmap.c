/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clockmap: linear map of a foreign clock onto the timebase, estimated by
 * exponentially weighted least squares. Pure arithmetic, no EAL.
 */

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "timebase.h"

#define CLOCKMAP_LAMBDA (1.0 - 1.0 / CLOCKMAP_WINDOW)

struct map_pub {
	double rate;
	int64_t foreign_ref;
	int64_t base_ref;
	double base_frac;	/* [0, 1) */
};

static void map_publish(struct clockmap *m, const struct map_pub *p)
{
	uint32_t g = m->gen;

	__atomic_store_n(&m->gen, g + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	m->rate = p->rate;
	m->foreign_ref = p->foreign_ref;
	m->base_ref = p->base_ref;
	m->base_frac = p->base_frac;
	__atomic_store_n(&m->gen, g + 2, __ATOMIC_RELEASE);
}

static void map_read(const struct clockmap *m, struct map_pub *p)
{
	uint32_t g1, g2;

	do {
		g1 = __atomic_load_n(&m->gen, __ATOMIC_ACQUIRE);
		p->rate = m->rate;
		p->foreign_ref = m->foreign_ref;
		p->base_ref = m->base_ref;
		p->base_frac = m->base_frac;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		g2 = __atomic_load_n(&m->gen, __ATOMIC_RELAXED);
	} while ((g1 & 1) || g1 != g2);
}

void clockmap_init(struct clockmap *m, double nominal_rate)
{
	struct map_pub p = { .rate = nominal_rate };

	memset(m, 0, sizeof(*m));
	m->nominal_rate = nominal_rate;
	m->rate = nominal_rate;
	m->step_ns = CLOCKMAP_STEP_NS;
	map_publish(m, &p);
}

bool clockmap_valid(const struct clockmap *m)
{
	return m->samples > 0;
}

/* rate, kept within nominal x (1 +- CLOCKMAP_MAX_DEV) */
static double rate_bound(const struct clockmap *m, double rate)
{
	double lo = m->nominal_rate * (1.0 - CLOCKMAP_MAX_DEV);
	double hi = m->nominal_rate * (1.0 + CLOCKMAP_MAX_DEV);

	return rate < lo ? lo : rate > hi ? hi : rate;
}

/* Start the estimate over at (f, b) with slope rate. */
static void map_restart(struct clockmap *m, int64_t f, int64_t b, double rate)
{
	struct map_pub p = { .rate = rate, .foreign_ref = f, .base_ref = b };

	m->org_f = f;
	m->org_b = b;
	m->w = 1.0;
	m->mx = m->my = m->cxx = m->cxy = 0.0;
	m->samples = 1;
	map_publish(m, &p);
}

static int64_t map_eval(const struct map_pub *p, int64_t foreign)
{
	double d = (double)(foreign - p->foreign_ref) * p->rate + p->base_frac;

	return p->base_ref + (int64_t)llround(d);
}

void clockmap_update(struct clockmap *m, int64_t foreign, int64_t base)
{
	struct map_pub cur = { m->rate, m->foreign_ref, m->base_ref,
			       m->base_frac };
	struct map_pub p;
	double dx, dy, resid, off, whole, span;

	if (m->samples == 0) {
		m->last_resid_ns = 0;
		map_restart(m, foreign, base, m->nominal_rate);
		return;
	}
	resid = (double)(base - map_eval(&cur, foreign));
	m->last_resid_ns = resid;
	if (fabs(resid) > (double)m->step_ns || foreign == m->org_f) {
		if (foreign != m->org_f)
			m->steps++;
		map_restart(m, foreign, base, m->rate);
		return;
	}
	/* move the origin to the new pair: means shift, co-moments do not */
	m->mx -= (double)(foreign - m->org_f);
	m->my -= (double)(base - m->org_b);
	m->org_f = foreign;
	m->org_b = base;
	/* weighted Welford update with the new pair at (0, 0) */
	m->w = CLOCKMAP_LAMBDA * m->w + 1.0;
	dx = -m->mx;
	dy = -m->my;
	m->mx += dx / m->w;
	m->my += dy / m->w;
	m->cxx = CLOCKMAP_LAMBDA * m->cxx + dx * -m->mx;
	m->cxy = CLOCKMAP_LAMBDA * m->cxy + dx * -m->my;
	/* a slope only from pairs spread over CLOCKMAP_MIN_SPAN_NS: the
	 * weighted variance of the foreign values, in timebase ns */
	span = CLOCKMAP_MIN_SPAN_NS / m->nominal_rate;
	p.rate = m->cxx >= m->w * span * span ?
		 rate_bound(m, m->cxy / m->cxx) : m->rate;
	p.foreign_ref = foreign;
	/* the line at foreign: base + off, off kept to a fraction of a ns */
	off = m->my - p.rate * m->mx;
	whole = floor(off);
	p.base_ref = base + (int64_t)whole;
	p.base_frac = off - whole;
	m->samples++;
	map_publish(m, &p);
}

int64_t clockmap_to_base(const struct clockmap *m, int64_t foreign)
{
	struct map_pub p;

	map_read(m, &p);
	return map_eval(&p, foreign);
}

int64_t clockmap_from_base(const struct clockmap *m, int64_t base)
{
	struct map_pub p;
	double d;

	map_read(m, &p);
	if (p.rate == 0.0)
		return p.foreign_ref;
	d = ((double)(base - p.base_ref) - p.base_frac) / p.rate;
	return p.foreign_ref + (int64_t)llround(d);
}

bool clockmap_holds(const struct clockmap *m, int64_t foreign, int64_t base,
		    int64_t tol_ns, int64_t *err_ns)
{
	int64_t e;

	*err_ns = 0;
	if (!clockmap_valid(m))
		return true;
	e = clockmap_to_base(m, foreign) - base;
	*err_ns = e;
	return e <= tol_ns && e >= -tol_ns;
}

void clockmap_shift(struct clockmap *m, int64_t ns)
{
	struct map_pub p;

	map_read(m, &p);
	p.base_ref += ns;
	map_publish(m, &p);
}
