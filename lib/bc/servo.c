/* SPDX-License-Identifier: BSD-3-Clause */
/* PI servo: frequency estimate over the first second, then PI. */

#include <math.h>
#include <stdlib.h>

#include "bc/servo.h"

#define SERVO_KP_NORM_MAX 0.7
#define SERVO_KI_NORM_MAX 0.3
#define SERVO_EST_BASELINE_NS	1000000000LL	/* frequency estimate */
#define SERVO_EST_MAX_FRAC	0.25		/* of max_ppb: plausible */

static double clampd(double v, double lim)
{
	if (v > lim)
		return lim;
	if (v < -lim)
		return -lim;
	return v;
}

int servo_init(struct servo *s, const struct servo_params *p, double drift_ppb)
{
	if (p->kp < 0.0 || p->ki < 0.0 || p->max_ppb <= 0.0 ||
	    p->interval_s <= 0.0 || p->step_threshold_ns < 0)
		return -1;
	s->p = *p;
	s->kp = fmin(p->kp, SERVO_KP_NORM_MAX / p->interval_s);
	s->ki = fmin(p->ki, SERVO_KI_NORM_MAX / p->interval_s);
	s->drift = clampd(drift_ppb, p->max_ppb);
	s->count = 0;
	s->offset0 = 0;
	s->local0 = 0;
	s->state = SERVO_UNLOCKED;
	s->n_steps = 0;
	s->n_resets = 0;
	s->n_est_rejected = 0;
	s->hold_ppb = 0.0;
	s->hold_n = 0;
	s->hold_phase = HOLD_NONE;
	s->hold_t0 = 0;
	s->hold_window = (uint32_t)fmax(1.0, fmin(1e6, SERVO_HOLD_TAU_S /
							p->interval_s));
	s->n_follow_lost = 0;
	servo_follow_reset(s);
	return 0;
}

void servo_follow_reset(struct servo *s)
{
	s->follow = SERVO_FOLLOWS;
	s->limit_run = 0;
	s->settled_run = 0;
	s->settled_t0 = 0;
	s->rapid_steps = 0;
}

/* Not following (f): counted once, and the first reason stays until
 * the loop settles. */
static void follow_set(struct servo *s, enum servo_follow f)
{
	if (s->follow != SERVO_FOLLOWS)
		return;
	s->n_follow_lost++;
	s->follow = f;
}

/* SERVO_SETTLED_RUN outputs within the clamp in a row, over at least
 * SERVO_SETTLED_NS: a loop that only passes through the range after a
 * step, on its way back to the clamp, has not settled. */
static bool settled(const struct servo *s, int64_t local)
{
	return s->settled_run >= SERVO_SETTLED_RUN &&
	       local - s->settled_t0 >= SERVO_SETTLED_NS;
}

/* A step (counted in n_steps) at local time local: the loop did not
 * settle since the last one? */
static void follow_step(struct servo *s, int64_t local)
{
	if (s->n_steps > 1 && !settled(s, local))	/* not the first */
		s->rapid_steps++;
	else
		s->rapid_steps = 1;
	s->settled_run = 0;
	if (s->rapid_steps >= SERVO_RAPID_STEPS)
		follow_set(s, SERVO_STEPPING);
}

/* One PI output (before the clamp), at local time local. */
static void follow_output(struct servo *s, double ppb, int64_t local)
{
	if (fabs(ppb) >= s->p.max_ppb) {
		s->settled_run = 0;
		if (++s->limit_run >= SERVO_LIMIT_RUN)
			follow_set(s, SERVO_AT_LIMIT);
		return;
	}
	s->limit_run = 0;
	if (s->settled_run == 0)
		s->settled_t0 = local;
	if (s->settled_run < UINT32_MAX)
		s->settled_run++;
	if (settled(s, local)) {
		s->rapid_steps = 0;
		s->follow = SERVO_FOLLOWS;
	}
}

enum servo_follow servo_follow(const struct servo *s)
{
	return s->follow;
}

const char *servo_follow_name(enum servo_follow f)
{
	static const char *const name[] = {
		[SERVO_FOLLOWS] = "follows",
		[SERVO_AT_LIMIT] = "at-limit",
		[SERVO_STEPPING] = "stepping",
	};

	return (unsigned int)f < sizeof(name) / sizeof(name[0]) ? name[f] :
								 "invalid";
}

/* One output of the PI loop (taken at local time local) into the
 * holdover mean: during the first SERVO_HOLD_SETTLE_NS after locking the
 * latest output; then a plain mean of the first hold_window outputs, then
 * an exponential one over that many. */
static void hold_add(struct servo *s, double ppb, int64_t local)
{
	if (s->hold_phase == HOLD_NONE) {
		s->hold_phase = HOLD_SETTLING;
		s->hold_t0 = local;
	}
	if (s->hold_phase == HOLD_SETTLING) {
		if (local - s->hold_t0 < SERVO_HOLD_SETTLE_NS) {
			s->hold_ppb = ppb;
			s->hold_n = 1;
			return;
		}
		s->hold_phase = HOLD_AVERAGING;
		s->hold_n = 0;		/* the mean starts here */
	}
	if (s->hold_n < s->hold_window)
		s->hold_n++;
	s->hold_ppb += (ppb - s->hold_ppb) / (double)s->hold_n;
}

bool servo_holdover_ppb(const struct servo *s, double *ppb)
{
	if (s->hold_n == 0)
		return false;
	*ppb = s->hold_ppb;
	return true;
}

void servo_reset(struct servo *s)
{
	s->count = 0;
	s->hold_n = 0;		/* a step: the mean starts again */
	s->hold_phase = HOLD_NONE;
	s->state = SERVO_UNLOCKED;
	s->n_resets++;
}

static bool over_threshold(const struct servo *s, int64_t off)
{
	return s->p.step_threshold_ns > 0 && llabs(off) > s->p.step_threshold_ns;
}

/*
 * A later sample, at least SERVO_EST_BASELINE_NS after the first: the slope
 * of the offset is the remaining frequency error. Software timestamps
 * carry up to milliseconds of noise, which over a short baseline implies
 * thousands of ppm: a slope beyond max_ppb * SERVO_EST_MAX_FRAC is
 * discarded (the drift keeps its value, the PI loop finds the rest).
 */
static double servo_estimate(struct servo *s, int64_t off, int64_t local)
{
	double est;

	if (local <= s->local0) {
		s->offset0 = off;
		s->local0 = local;
		return -s->drift;
	}
	if (local - s->local0 < SERVO_EST_BASELINE_NS &&
	    !over_threshold(s, off))
		return -s->drift;	/* baseline too short: wait */
	est = (double)(off - s->offset0) * 1e9 / (double)(local - s->local0);
	if (fabs(est) > s->p.max_ppb * SERVO_EST_MAX_FRAC)
		s->n_est_rejected++;
	else
		s->drift = clampd(s->drift + est, s->p.max_ppb);
	s->count = 2;
	if (over_threshold(s, off)) {
		s->state = SERVO_JUMP;
		s->n_steps++;
		follow_step(s, local);
	} else {
		s->state = SERVO_LOCKED;
	}
	return -s->drift;
}

static double servo_pi(struct servo *s, int64_t off, int64_t local)
{
	double ki_term, ppb;

	if (over_threshold(s, off)) {
		servo_reset(s);
		s->offset0 = off;
		return -s->drift;
	}
	ki_term = s->ki * (double)off;
	ppb = s->kp * (double)off + s->drift + ki_term;
	follow_output(s, ppb, local);
	if (fabs(ppb) < s->p.max_ppb)
		s->drift += ki_term;	/* anti-windup: no integration when saturated */
	s->state = SERVO_LOCKED;
	return -clampd(ppb, s->p.max_ppb);
}

double servo_sample(struct servo *s, tmv_t offset, tmv_t local,
		    enum servo_state *state)
{
	int64_t off = tmv_to_ns(offset), loc = tmv_to_ns(local);
	double adj;

	switch (s->count) {
	case 0:
		s->offset0 = off;
		s->local0 = loc;
		s->state = SERVO_UNLOCKED;
		s->count = 1;
		adj = -s->drift;
		break;
	case 1:
		adj = servo_estimate(s, off, loc);
		break;
	default:
		adj = servo_pi(s, off, loc);
		if (s->state == SERVO_LOCKED)
			hold_add(s, adj, loc);
		break;
	}
	if (s->count == 0) {
		/* reset by servo_pi: this sample starts the next estimate */
		s->local0 = loc;
		s->count = 1;
	}
	*state = s->state;
	return adj;
}

enum servo_state servo_get_state(const struct servo *s)
{
	return s->state;
}

const char *servo_state_name(enum servo_state st)
{
	static const char *const name[] = {
		[SERVO_UNLOCKED] = "UNLOCKED",
		[SERVO_JUMP] = "JUMP",
		[SERVO_LOCKED] = "LOCKED",
	};

	return (unsigned int)st < sizeof(name) / sizeof(name[0]) ? name[st] :
								   "invalid";
}
