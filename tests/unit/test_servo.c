/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * PI servo in a closed loop with a simulated clock: the free-running base
 * runs with a frequency error against true time, a dclock (steered by the
 * servo) maps base to domain time, measurements carry seeded Gaussian
 * noise. Everything is deterministic.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cunit_main.h"
#include "bc/dclock.h"
#include "bc/servo.h"

#define SEC 1000000000LL

struct prng { uint64_t s; };

static double prng_uniform(struct prng *p)
{
	p->s ^= p->s << 13;
	p->s ^= p->s >> 7;
	p->s ^= p->s << 17;
	return ((double)(p->s >> 11) + 0.5) / 9007199254740992.0;
}

static double prng_gauss(struct prng *p)
{
	double u1 = prng_uniform(p), u2 = prng_uniform(p);

	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

struct sim {
	struct servo s;
	struct dclock c;
	struct prng rng;
	int64_t t;		/* true time, ns */
	double base;		/* base time, ns (double: sub-ns rate errors) */
	double ferr_ppm;	/* base frequency error vs true time */
	double noise_ns;	/* sigma of the measurement noise */
	unsigned int steps;
	int64_t dt;		/* sync interval, ns */
};

static void sim_init(struct sim *m, double ferr_ppm, double noise,
		     int64_t initial_offset, int64_t step_threshold)
{
	struct servo_params p = {
		.kp = 0.7, .ki = 0.3, .step_threshold_ns = step_threshold,
		.max_ppb = 900000.0, .interval_s = 1.0,
	};

	CU_ASSERT_EQUAL_FATAL(servo_init(&m->s, &p, 0.0), 0);
	m->t = 1000 * SEC;
	m->base = 5.0 * SEC;
	dclock_init(&m->c, tmv_from_ns((int64_t)m->base),
		    tmv_from_ns(m->t + initial_offset));
	m->rng.s = 0x9E3779B97F4A7C15ULL;
	m->ferr_ppm = ferr_ppm;
	m->noise_ns = noise;
	m->steps = 0;
	m->dt = SEC;
}

/* One sync interval: advance time, measure, run the servo. Returns the true
 * offset (clock - true time) at the measurement, before correction. */
static int64_t sim_step(struct sim *m)
{
	tmv_t base, local, meas;
	enum servo_state st;
	int64_t true_off;
	double adj;

	m->t += m->dt;
	m->base += (double)m->dt * (1.0 + m->ferr_ppm * 1e-6);
	base = tmv_from_ns((int64_t)llround(m->base));
	local = dclock_now(&m->c, base);
	true_off = tmv_to_ns(local) - m->t;
	meas = tmv_from_ns(true_off + (int64_t)llround(m->noise_ns *
						       prng_gauss(&m->rng)));
	adj = servo_sample(&m->s, meas, local, &st);
	if (st == SERVO_JUMP) {
		dclock_step(&m->c, base, tmv_from_ns(-tmv_to_ns(meas)));
		m->steps++;
	}
	dclock_adjust_freq(&m->c, base, adj);
	return true_off;
}

struct stats { double rms; int64_t max; };

static struct stats sim_run(struct sim *m, int n)
{
	struct stats st = { 0.0, 0 };
	double sum2 = 0.0;

	for (int i = 0; i < n; i++) {
		int64_t o = sim_step(m);

		sum2 += (double)o * (double)o;
		if (llabs(o) > st.max)
			st.max = llabs(o);
	}
	st.rms = sqrt(sum2 / n);
	return st;
}

/* +50 ppm base error, 50 ns noise: locks, then offset rms/max stay small
 * and the clock frequency settles near -50 ppm / (1 + 50 ppm). */
static void test_converge_50ppm(void)
{
	struct sim m;
	struct stats st;
	double want = -50e3 / (1.0 + 50e-6);

	sim_init(&m, 50.0, 50.0, 20000, 0);
	sim_run(&m, 60);			/* settle */
	CU_ASSERT_EQUAL(servo_get_state(&m.s), SERVO_LOCKED);
	st = sim_run(&m, 600);
	printf("\n    +50 ppm, 50 ns noise: rms %.1f ns, max %lld ns, freq %.1f ppb",
	       st.rms, (long long)st.max, dclock_get_freq(&m.c));
	CU_ASSERT(st.rms < 100.0);
	CU_ASSERT(st.max < 300);
	CU_ASSERT(fabs(dclock_get_freq(&m.c) - want) < 200.0);
	CU_ASSERT_EQUAL(m.steps, 0);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_FOLLOWS);
	CU_ASSERT_EQUAL(m.s.n_follow_lost, 0);
}

/* No noise: the loop converges to (nearly) zero. */
static void test_converge_noiseless(void)
{
	struct sim m;
	struct stats st;

	sim_init(&m, -80.0, 0.0, -3000, 0);
	sim_run(&m, 80);
	st = sim_run(&m, 100);
	CU_ASSERT(st.max <= 2);
	CU_ASSERT(fabs(dclock_get_freq(&m.c) - 80e3 / (1.0 - 80e-6)) < 1.0);
}

/* Frequency step of +5 ppm after lock: bounded transient, re-converges. */
static void test_frequency_step(void)
{
	struct sim m;
	struct stats tr, st;

	sim_init(&m, 50.0, 20.0, 0, 0);
	sim_run(&m, 120);
	m.ferr_ppm = 55.0;
	tr = sim_run(&m, 30);
	st = sim_run(&m, 300);
	printf("\n    +5 ppm step: transient max %lld ns, after rms %.1f ns max %lld ns",
	       (long long)tr.max, st.rms, (long long)st.max);
	/* 5 ppm = 5000 ns/s; the first sample sees at most about that */
	CU_ASSERT(tr.max > 2000);		/* the step really happened */
	CU_ASSERT(tr.max < 12000);
	CU_ASSERT(st.rms < 40.0);
	CU_ASSERT(st.max < 120);
	CU_ASSERT(fabs(dclock_get_freq(&m.c) + 55e3 / (1.0 + 55e-6)) < 100.0);
}

/* A 1 ms initial offset above a 100 us threshold is stepped once; below
 * the threshold the servo slews. */
static void test_step_threshold(void)
{
	struct sim m;
	struct stats st;

	sim_init(&m, 10.0, 10.0, 1000000, 100000);
	sim_run(&m, 30);
	CU_ASSERT_EQUAL(m.steps, 1);
	CU_ASSERT_EQUAL(m.s.n_steps, 1);
	st = sim_run(&m, 100);
	CU_ASSERT(st.max < 100);

	sim_init(&m, 10.0, 10.0, 50000, 100000);
	sim_run(&m, 60);
	CU_ASSERT_EQUAL(m.steps, 0);
	st = sim_run(&m, 100);
	CU_ASSERT(st.max < 100);
	/* a later jump beyond the threshold resets and steps again */
	dclock_step(&m.c, tmv_from_ns((int64_t)m.base), tmv_from_ns(500000));
	sim_run(&m, 5);
	CU_ASSERT_EQUAL(m.steps, 1);
	CU_ASSERT_EQUAL(m.s.n_resets, 1);
	st = sim_run(&m, 100);
	CU_ASSERT(st.max < 100);
	/* one step after settling is no sign of a loop that cannot follow */
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_FOLLOWS);
	CU_ASSERT_EQUAL(m.s.n_follow_lost, 0);
}

/*
 * Software timestamps: milliseconds of noise at 8 samples/s. The frequency
 * estimate waits for a 1 s baseline and discards implausible slopes (more
 * than max_ppb / 4), instead of throwing the clock to the clamp.
 */
static void test_noisy_estimate(void)
{
	struct servo_params p = { .kp = 0.1, .ki = 0.01, .max_ppb = 900000.0,
				  .interval_s = 0.125 };
	struct servo s;
	enum servo_state st;
	struct prng rng = { 0x2545F4914F6CDD1DULL };
	struct dclock c;
	double adj, base = 7.0 * SEC, fsum = 0.0, fmax = 0.0;
	int64_t t = 1000 * SEC;
	int i, n = 0;

	CU_ASSERT_EQUAL_FATAL(servo_init(&s, &p, 0.0), 0);
	adj = servo_sample(&s, tmv_from_ns(0), tmv_from_ns(SEC), &st);
	CU_ASSERT_EQUAL(st, SERVO_UNLOCKED);
	/* 1 ms of noise 125 ms later would imply 8000 ppm: wait */
	adj = servo_sample(&s, tmv_from_ns(1000000), tmv_from_ns(SEC + SEC / 8), &st);
	CU_ASSERT_EQUAL(st, SERVO_UNLOCKED);
	CU_ASSERT_DOUBLE_EQUAL(adj, 0.0, 1e-12);
	/* 1 s baseline, 400 us: 400 ppm > 225 ppm, discarded */
	adj = servo_sample(&s, tmv_from_ns(400000), tmv_from_ns(2 * SEC), &st);
	CU_ASSERT_EQUAL(st, SERVO_LOCKED);
	CU_ASSERT_DOUBLE_EQUAL(adj, 0.0, 1e-12);
	CU_ASSERT_EQUAL(s.n_est_rejected, 1);
	/* a plausible slope is kept: 30 us over 1 s = 30 ppm fast */
	servo_reset(&s);
	servo_sample(&s, tmv_from_ns(0), tmv_from_ns(10 * SEC), &st);
	adj = servo_sample(&s, tmv_from_ns(30000), tmv_from_ns(11 * SEC), &st);
	CU_ASSERT_EQUAL(st, SERVO_LOCKED);
	CU_ASSERT_DOUBLE_EQUAL(adj, -30000.0, 1e-6);
	CU_ASSERT_EQUAL(s.n_est_rejected, 1);

	/* closed loop: +40 ppm base, 500 us sigma noise, 8 Hz, 60 s */
	CU_ASSERT_EQUAL_FATAL(servo_init(&s, &p, 0.0), 0);
	dclock_init(&c, tmv_from_ns((int64_t)base), tmv_from_ns(t));
	for (i = 0; i < 480; i++) {
		tmv_t b, local;
		int64_t off;
		double f;

		t += SEC / 8;
		base += (double)(SEC / 8) * (1.0 + 40e-6);
		b = tmv_from_ns((int64_t)llround(base));
		local = dclock_now(&c, b);
		off = tmv_to_ns(local) - t +
		      (int64_t)llround(500000.0 * prng_gauss(&rng));
		adj = servo_sample(&s, tmv_from_ns(off), local, &st);
		dclock_adjust_freq(&c, b, adj);
		f = dclock_get_freq(&c);
		if (i >= 240) {		/* last 30 s */
			fsum += f;
			n++;
		}
		if (i >= 8 && fabs(f) > fmax)
			fmax = fabs(f);
	}
	printf("\n    +40 ppm, 500 us noise at 8 Hz: mean freq %.1f ppb, "
	       "max |freq| %.1f ppb, rejected estimates %llu", fsum / n, fmax,
	       (unsigned long long)s.n_est_rejected);
	CU_ASSERT(fmax < 900000.0);		/* never at the clamp */
	CU_ASSERT_EQUAL(s.n_follow_lost, 0);
	CU_ASSERT(fabs(fsum / n + 40e3) < 20e3);
}

/* Holdover after locking on noisy software stamps (8 Hz, 1 us sigma,
 * base +3 ppm): the loop's last output is off by its proportional term,
 * the mean it keeps for holdover is not; 30 s of holdover on the mean
 * stay within a few us. */
static void test_holdover_mean(void)
{
	struct servo_params p = {
		.kp = 0.7, .ki = 0.3, .step_threshold_ns = 20000000,
		.max_ppb = 900000.0, .interval_s = 0.125,
	};
	double want = -3e3 / (1.0 + 3e-6), hold = 0.0, last, worst = 0.0;
	struct sim m;
	int64_t end_off = 0;

	sim_init(&m, 3.0, 1000.0, 0, 20000000);
	CU_ASSERT_EQUAL_FATAL(servo_init(&m.s, &p, 0.0), 0);
	CU_ASSERT_EQUAL(m.s.hold_window, 240);	/* 30 s at 8 Hz */
	CU_ASSERT_FALSE(servo_holdover_ppb(&m.s, &hold));
	m.dt = SEC / 8;
	sim_run(&m, 8 * 120);			/* two minutes locked */
	CU_ASSERT_EQUAL(servo_get_state(&m.s), SERVO_LOCKED);
	CU_ASSERT_EQUAL(m.steps, 0);
	CU_ASSERT_FATAL(servo_holdover_ppb(&m.s, &hold));
	/* the last outputs, as a clock would keep them without the mean */
	for (int i = 0; i < 8 * 10; i++) {
		sim_step(&m);
		last = dclock_get_freq(&m.c);
		if (fabs(last - want) > worst)
			worst = fabs(last - want);
	}
	CU_ASSERT(servo_holdover_ppb(&m.s, &hold));
	printf("\n    holdover mean %.1f ppb (want %.1f), last outputs up to %.1f ppb off",
	       hold, want, worst);
	CU_ASSERT(fabs(hold - want) < 100.0);
	CU_ASSERT(worst > 300.0);	/* what the mean is for */
	/* holdover: no more samples, the clock runs on the mean for 30 s */
	{
		tmv_t base = tmv_from_ns((int64_t)llround(m.base));
		int64_t t0_off = tmv_to_ns(dclock_now(&m.c, base)) - m.t;

		dclock_adjust_freq(&m.c, base, hold);
		m.t += 30 * SEC;
		m.base += 30.0 * SEC * (1.0 + 3e-6);
		base = tmv_from_ns((int64_t)llround(m.base));
		end_off = tmv_to_ns(dclock_now(&m.c, base)) - m.t;
		printf(", 30 s holdover: %lld -> %lld ns", (long long)t0_off,
		       (long long)end_off);
		CU_ASSERT(llabs(end_off - t0_off) < 3000);
	}
	/* a step starts the mean again */
	servo_reset(&m.s);
	CU_ASSERT_FALSE(servo_holdover_ppb(&m.s, &hold));
}

/* The loop's outputs of its first 5 s after locking (settling) are not
 * in the holdover mean: until then it is the latest output, then the mean
 * starts from the next one. */
static void test_holdover_settle(void)
{
	struct servo_params p = { .kp = 0.7, .ki = 0.3, .max_ppb = 1e6,
				  .interval_s = 1.0 };
	struct servo s;
	enum servo_state st;
	double adj, a8, a9, h = 0.0;

	CU_ASSERT_EQUAL_FATAL(servo_init(&s, &p, 0.0), 0);
	servo_sample(&s, tmv_from_ns(0), tmv_from_ns(1 * SEC), &st);
	servo_sample(&s, tmv_from_ns(0), tmv_from_ns(2 * SEC), &st);
	CU_ASSERT_FALSE(servo_holdover_ppb(&s, &h));	/* no PI output yet */
	for (int i = 3; i <= 7; i++) {	/* first PI output at 3 s: settling */
		adj = servo_sample(&s, tmv_from_ns(100 * i), tmv_from_ns(i * SEC),
				   &st);
		CU_ASSERT(servo_holdover_ppb(&s, &h));
		CU_ASSERT_DOUBLE_EQUAL(h, adj, 1e-9);
	}
	a8 = servo_sample(&s, tmv_from_ns(50), tmv_from_ns(8 * SEC), &st);
	CU_ASSERT(servo_holdover_ppb(&s, &h));
	CU_ASSERT_DOUBLE_EQUAL(h, a8, 1e-9);
	a9 = servo_sample(&s, tmv_from_ns(-50), tmv_from_ns(9 * SEC), &st);
	CU_ASSERT(servo_holdover_ppb(&s, &h));
	CU_ASSERT_DOUBLE_EQUAL(h, (a8 + a9) / 2.0, 1e-9);
}

static void test_states_and_params(void)
{
	struct servo s;
	struct servo_params p = { .kp = 5.0, .ki = 2.0, .max_ppb = 1e5,
				  .interval_s = 0.5 };
	enum servo_state st;
	double adj;

	CU_ASSERT_EQUAL(servo_init(&s, &p, 0.0), 0);
	CU_ASSERT_DOUBLE_EQUAL(s.kp, 1.4, 1e-12);	/* 0.7 / 0.5 */
	CU_ASSERT_DOUBLE_EQUAL(s.ki, 0.6, 1e-12);
	/* first sample: unlocked, no correction yet */
	adj = servo_sample(&s, tmv_from_ns(100), tmv_from_ns(SEC), &st);
	CU_ASSERT_EQUAL(st, SERVO_UNLOCKED);
	CU_ASSERT_DOUBLE_EQUAL(adj, 0.0, 1e-12);
	/* second: offset grew 1000 ns in 1 s = clock 1000 ppb fast */
	adj = servo_sample(&s, tmv_from_ns(1100), tmv_from_ns(2 * SEC), &st);
	CU_ASSERT_EQUAL(st, SERVO_LOCKED);
	CU_ASSERT_DOUBLE_EQUAL(adj, -1000.0, 1e-9);
	/* PI: -(kp*o + drift + ki*o) */
	adj = servo_sample(&s, tmv_from_ns(100), tmv_from_ns(3 * SEC), &st);
	CU_ASSERT_DOUBLE_EQUAL(adj, -(1.4 * 100 + 1000 + 0.6 * 100), 1e-9);
	/* output clamp */
	adj = servo_sample(&s, tmv_from_ns(10000000), tmv_from_ns(4 * SEC), &st);
	CU_ASSERT_DOUBLE_EQUAL(adj, -1e5, 1e-9);
	CU_ASSERT_STRING_EQUAL(servo_state_name(SERVO_JUMP), "JUMP");
	p.kp = -1.0;
	CU_ASSERT_EQUAL(servo_init(&s, &p, 0.0), -1);
	p.kp = 0.1; p.max_ppb = 0.0;
	CU_ASSERT_EQUAL(servo_init(&s, &p, 0.0), -1);
	p.max_ppb = 1.0; p.interval_s = 0.0;
	CU_ASSERT_EQUAL(servo_init(&s, &p, 0.0), -1);
}

/*
 * A reference the loop cannot follow: a base running 1500 ppm fast
 * against a clamp of 900 ppm (AT_LIMIT after SERVO_LIMIT_RUN samples),
 * then a time that jumps beyond the step threshold before the loop
 * settles (STEPPING at the third step). Both clear once the loop has
 * settled again (SERVO_SETTLED_RUN samples within the clamp).
 */
static void test_cannot_follow(void)
{
	struct sim m;
	int i, at = -1;

	sim_init(&m, 1500.0, 10.0, 0, 0);
	for (i = 0; i < 30; i++) {
		sim_step(&m);
		if (at < 0 && servo_follow(&m.s) == SERVO_AT_LIMIT)
			at = i;
	}
	printf("\n    +1500 ppm: at the limit from sample %d", at);
	/* the estimate (1500 ppm > max_ppb / 4) is rejected: the PI loop
	 * runs into the clamp within a few samples, then 8 in a row */
	CU_ASSERT(at >= SERVO_LIMIT_RUN && at < 20);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_AT_LIMIT);
	CU_ASSERT_EQUAL(m.s.n_follow_lost, 1);
	CU_ASSERT_STRING_EQUAL(servo_follow_name(servo_follow(&m.s)), "at-limit");
	/* the reference comes within reach: the ms gathered are slewed off
	 * at the clamp, then the loop settles */
	m.ferr_ppm = 100.0;
	sim_run(&m, 30);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_AT_LIMIT);	/* still slewing */
	sim_run(&m, 120);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_FOLLOWS);
	CU_ASSERT_EQUAL(m.s.n_follow_lost, 1);

	/* ptpsw's lab gains at 8 Hz, the 20 ms step threshold: the loop
	 * steps every ~30 s and passes within the clamp for some samples
	 * after each step, on its way back to it; that is not following
	 * (the integration test's BC 27 logged "follows again" then) */
	{
		struct servo_params p = {
			.kp = 0.1, .ki = 0.01, .step_threshold_ns = 20000000,
			.max_ppb = 900000.0, .interval_s = 0.125,
		};
		int lost = -1;

		sim_init(&m, 1500.0, 1000.0, 0, 20000000);
		CU_ASSERT_EQUAL_FATAL(servo_init(&m.s, &p, 0.0), 0);
		m.dt = SEC / 8;
		for (i = 0; i < 8 * 120; i++) {
			sim_step(&m);
			if (lost < 0 && servo_follow(&m.s) != SERVO_FOLLOWS)
				lost = i;
			if (lost >= 0)
				CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_AT_LIMIT);
		}
		printf(", at 8 Hz: from %.1f s, %u steps in 120 s", lost / 8.0,
		       m.steps);
		CU_ASSERT(lost >= 0 && lost < 8 * 10);
		CU_ASSERT(m.steps >= 2);
		CU_ASSERT_EQUAL(m.s.n_follow_lost, 1);
	}

	/* 500 us jumps, beyond a 100 us threshold, two samples apart */
	sim_init(&m, 10.0, 10.0, 0, 100000);
	sim_run(&m, 40);
	CU_ASSERT_EQUAL(m.steps, 0);
	for (i = 0; i < SERVO_RAPID_STEPS; i++) {
		CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_FOLLOWS);
		dclock_step(&m.c, tmv_from_ns((int64_t)m.base),
			    tmv_from_ns(500000));
		sim_run(&m, 4);		/* reset, estimate and step, 2 PI */
	}
	CU_ASSERT_EQUAL(m.steps, SERVO_RAPID_STEPS);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_STEPPING);
	CU_ASSERT_EQUAL(m.s.n_follow_lost, 1);
	CU_ASSERT_EQUAL(m.s.settled_run, 2);	/* the 2 PI samples */
	sim_run(&m, SERVO_SETTLED_RUN - 3);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_STEPPING);
	sim_run(&m, 1);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_FOLLOWS);
	/* a new reference starts afresh */
	m.s.follow = SERVO_AT_LIMIT;
	servo_follow_reset(&m.s);
	CU_ASSERT_EQUAL(servo_follow(&m.s), SERVO_FOLLOWS);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "cannot follow: rate beyond the clamp, repeated steps",
		  test_cannot_follow },
		{ "converge +50 ppm with noise", test_converge_50ppm },
		{ "converge without noise", test_converge_noiseless },
		{ "follow a +5 ppm frequency step", test_frequency_step },
		{ "step threshold", test_step_threshold },
		{ "noisy samples: estimate baseline, plausibility", test_noisy_estimate },
		{ "holdover keeps the loop's mean frequency", test_holdover_mean },
		{ "holdover mean skips the loop's settling", test_holdover_settle },
		{ "states, gains, clamps", test_states_and_params },
		{ NULL, NULL },
	};

	return test_add_suite("servo", cases);
}
