/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_BC_SERVO_H
#define PTPSW_BC_SERVO_H

/*
 * PI clock servo. Input: offsetFromMaster (local - master, ns) and the local
 * time of the measurement; output: the frequency adjustment to apply to the
 * clock, in ppb (positive = make the clock faster). The first sample and
 * the first one at least 1 s later estimate the frequency error (an
 * implausible estimate, beyond max_ppb / 4, is discarded: timestamp noise
 * over a short baseline); afterwards a proportional-integral loop runs.
 * Offsets beyond the step threshold ask the caller to step (at the second
 * sample already, without waiting for the 1 s baseline).
 * The loop's outputs carry the proportional term of each noisy sample
 * (0.7 x 1 us = 700 ppb with software stamps): the frequency a clock
 * keeps in holdover is their running mean instead, over about
 * SERVO_HOLD_TAU_S (servo_holdover_ppb()).
 * A loop that cannot follow its reference says so (servo_follow()): its
 * output at the max_ppb clamp for SERVO_LIMIT_RUN samples in a row (the
 * reference's rate is beyond what the clock can be steered to), or
 * SERVO_RAPID_STEPS steps, each before the loop settled again (the
 * reference's time jumps, or noise beyond the step threshold). Settled:
 * SERVO_SETTLED_RUN samples within the clamp in a row, over at least
 * SERVO_SETTLED_NS, without a step; that clears it.
 * One servo per domain (EP-22). No allocation, no I/O.
 */

#include <stdbool.h>
#include <stdint.h>

#include "ptp/ptp_time.h"

enum servo_state {
	SERVO_UNLOCKED = 0,	/* collecting the first samples */
	SERVO_JUMP,		/* caller must step the clock by -offset */
	SERVO_LOCKED,		/* PI loop running */
};

/* Whether the loop follows its reference (servo_follow()). */
enum servo_follow {
	SERVO_FOLLOWS = 0,	/* or has not tried yet */
	SERVO_AT_LIMIT,		/* output at the max_ppb clamp */
	SERVO_STEPPING,		/* steps again before it settles */
};

#define SERVO_LIMIT_RUN 8	/* clamped outputs in a row: AT_LIMIT */
#define SERVO_RAPID_STEPS 3	/* steps, each before settling: STEPPING */
#define SERVO_SETTLED_RUN 16	/* outputs within the clamp, in a row,
				 * without a step, ... */
#define SERVO_SETTLED_NS 10000000000LL	/* ... over at least 10 s:
					 * settled (FOLLOWS) */

struct servo_params {
	double kp;		/* proportional gain (per sample) */
	double ki;		/* integral gain (per sample) */
	int64_t step_threshold_ns; /* 0: never step */
	double max_ppb;		/* output clamp, > 0 */
	double interval_s;	/* sync interval; kp <= 0.7/T, ki <= 0.3/T */
};

struct servo {
	struct servo_params p;
	double kp, ki;		/* effective gains */
	double drift;		/* frequency error estimate, ppb (+ = fast) */
	int count;
	int64_t offset0, local0;
	enum servo_state state;
	uint64_t n_steps, n_resets;
	uint64_t n_est_rejected;	/* implausible frequency estimates */
	double hold_ppb;	/* running mean of the PI loop's outputs */
	uint32_t hold_n;	/* outputs in it (counts up to the window) */
	uint32_t hold_window;	/* SERVO_HOLD_TAU_S in samples */
	enum { HOLD_NONE, HOLD_SETTLING, HOLD_AVERAGING } hold_phase;
	int64_t hold_t0;	/* local time of the first locked output */
	enum servo_follow follow;
	uint32_t limit_run;	/* PI outputs at the clamp, in a row */
	uint32_t settled_run;	/* PI outputs within it, in a row */
	int64_t settled_t0;	/* local time of the first of those */
	uint32_t rapid_steps;	/* steps, each before settling */
	uint64_t n_follow_lost;	/* FOLLOWS -> AT_LIMIT or STEPPING */
};

/* Time constant of the holdover frequency's running mean, s. */
#define SERVO_HOLD_TAU_S 30.0
/* The loop's outputs of its first seconds after locking still carry the
 * settling of the frequency estimate: they do not enter the mean (which
 * is the latest output until then). */
#define SERVO_HOLD_SETTLE_NS 5000000000LL

/* Initialise s; drift_ppb is the clock's current frequency error estimate
 * (usually 0). Returns 0, or -1 for invalid parameters. */
int servo_init(struct servo *s, const struct servo_params *p, double drift_ppb);

/*
 * Feed one sample: offset = local - master (ns), local = local time of the
 * sample. Returns the frequency adjustment in ppb to apply now; *state
 * tells whether a step by -offset is required (SERVO_JUMP).
 */
double servo_sample(struct servo *s, tmv_t offset, tmv_t local,
		    enum servo_state *state);

/* The frequency adjustment (ppb, as servo_sample returns) to keep in
 * holdover: the running mean of the PI loop's outputs. Returns false
 * (and leaves *ppb) before the loop's first output. */
bool servo_holdover_ppb(const struct servo *s, double *ppb);

/* Forget the samples (not the drift, but the holdover mean): next sample
 * starts UNLOCKED. */
void servo_reset(struct servo *s);

/* Whether the loop follows its reference (see the top of this file). */
enum servo_follow servo_follow(const struct servo *s);

/* Start the follow bookkeeping afresh (a new reference): FOLLOWS. */
void servo_follow_reset(struct servo *s);

/* Name of a follow state: "follows", "at-limit", "stepping". */
const char *servo_follow_name(enum servo_follow f);

/* Current state. */
enum servo_state servo_get_state(const struct servo *s);

/* Name of a state, static string. */
const char *servo_state_name(enum servo_state st);

#endif /* PTPSW_BC_SERVO_H */
