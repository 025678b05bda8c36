/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * clockmap: the foreign-clock -> timebase estimator (pmd_glue/clockmap.c),
 * tested without EAL against a simulated foreign clock whose offset and
 * rate are known exactly. Plain asserts (no CUnit): exit status 0 = pass.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "timebase.h"

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		failures++;						\
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);	\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
	}								\
} while (0)

/* Deterministic noise in [-amp, amp] (LCG, repeatable). */
static uint64_t lcg = 12345;
static double noise(double amp)
{
	lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
	return amp * (2.0 * (double)(lcg >> 11) / 9007199254740992.0 - 1.0);
}

/* Foreign clock: f = f0 + (b - b0) / rate, i.e. b = b0 + rate * (f - f0). */
struct sim { double rate; int64_t f0, b0; };

static int64_t sim_f(const struct sim *s, int64_t b)
{
	return s->f0 + (int64_t)llround((double)(b - s->b0) / s->rate);
}

static int64_t sim_b(const struct sim *s, int64_t f)
{
	return s->b0 + (int64_t)llround((double)(f - s->f0) * s->rate);
}

/* Before any pair: the nominal rate from zero; not valid. */
static void test_empty(void)
{
	struct clockmap m;

	clockmap_init(&m, 1000.0);
	CHECK(!clockmap_valid(&m), "valid before a pair");
	CHECK(clockmap_to_base(&m, 7) == 7000, "nominal map %lld",
	      (long long)clockmap_to_base(&m, 7));
}

/* Exact pairs, realtime-sized foreign values: error < 1 ns, rate exact. */
static void test_exact(void)
{
	struct sim s = { 1.0 + 37e-6, 1700000000123456789ll, 5000000000ll };
	struct clockmap m;
	int64_t b;
	int i;

	clockmap_init(&m, 1.0);
	for (i = 0; i < 10; i++) {
		b = s.b0 + (int64_t)i * 100000000;
		clockmap_update(&m, sim_f(&s, b), b);
	}
	CHECK(clockmap_valid(&m), "not valid after pairs");
	CHECK(fabs(m.rate - s.rate) < 1e-9, "rate %.12f want %.12f", m.rate,
	      s.rate);
	/* 50 ms past the last pair */
	b += 50000000;
	CHECK(llabs(clockmap_to_base(&m, sim_f(&s, b)) - b) <= 1,
	      "to_base error %lld",
	      (long long)(clockmap_to_base(&m, sim_f(&s, b)) - b));
	CHECK(llabs(clockmap_from_base(&m, b) - sim_f(&s, b)) <= 1,
	      "from_base error %lld",
	      (long long)(clockmap_from_base(&m, b) - sim_f(&s, b)));
}

/* Noisy pairs (+-200 ns): mapped error stays well inside the noise. */
static void test_noise(void)
{
	struct sim s = { 1.0 - 12e-6, 1000, 2000 };
	struct clockmap m;
	double worst = 0, e;
	int64_t b = 2000, f;
	int i;

	clockmap_init(&m, 1.0);
	for (i = 0; i < 200; i++) {
		b += 100000000;
		f = sim_f(&s, b);
		clockmap_update(&m, f, b + (int64_t)noise(200.0));
		if (i < 20)
			continue;
		e = fabs((double)(clockmap_to_base(&m, f + 1000000) -
				  sim_b(&s, f + 1000000)));
		if (e > worst)
			worst = e;
	}
	CHECK(worst < 150.0, "noisy map worst error %.0f ns", worst);
	CHECK(fabs(m.rate - s.rate) < 2e-8, "noisy rate %.12f want %.12f",
	      m.rate, s.rate);
}

/* The foreign clock changes rate by 50 ppm: the map follows it. */
static void test_rate_change(void)
{
	struct sim s = { 1.0, 0, 0 };
	struct clockmap m;
	int64_t b = 0, f = 0;
	int i;

	clockmap_init(&m, 1.0);
	for (i = 0; i < 40; i++) {
		b += 100000000;
		clockmap_update(&m, sim_f(&s, b), b);
	}
	/* new rate from the current point on */
	s.f0 = sim_f(&s, b);
	s.b0 = b;
	s.rate = 1.0 + 50e-6;
	for (i = 0; i < 16 * CLOCKMAP_WINDOW; i++) {
		b += 100000000;
		f = sim_f(&s, b);
		clockmap_update(&m, f, b);
		if (i == 8 * CLOCKMAP_WINDOW) {
			/* old pairs still weigh (15/16)^128: rate within
			 * 0.5% of the step, map within 150 ns (measured
			 * 98 ns: the fit lags an abrupt 50 ppm step) */
			CHECK(fabs(m.rate - s.rate) < 2.5e-7, "rate 8 windows "
			      "after the change %.12f want %.12f", m.rate,
			      s.rate);
			CHECK(llabs(clockmap_to_base(&m, f + 10000000) -
				    sim_b(&s, f + 10000000)) <= 150,
			      "map 8 windows after the change: %lld", (long long)(clockmap_to_base(&m, f + 10000000) - sim_b(&s, f + 10000000)));
		}
	}
	CHECK(fabs(m.rate - s.rate) < 1e-9, "rate 16 windows after the change "
	      "%.12f want %.12f", m.rate, s.rate);
	CHECK(llabs(clockmap_to_base(&m, f + 10000000) -
		    sim_b(&s, f + 10000000)) <= 2, "map after rate change");
}

/* A 5 ms step of the foreign clock restarts the map at the new offset. */
static void test_step(void)
{
	struct sim s = { 1.0 + 3e-6, 0, 0 };
	struct clockmap m;
	int64_t b = 0, f;
	int i;

	clockmap_init(&m, 1.0);
	for (i = 0; i < 20; i++) {
		b += 100000000;
		clockmap_update(&m, sim_f(&s, b), b);
	}
	s.f0 += 5000000;	/* foreign jumps 5 ms ahead */
	b += 100000000;
	f = sim_f(&s, b);
	clockmap_update(&m, f, b);
	CHECK(m.steps == 1, "steps %u", m.steps);
	CHECK(fabs(m.last_resid_ns + 5000000.0 * s.rate) < 10.0,
	      "residual %.0f", m.last_resid_ns);
	CHECK(llabs(clockmap_to_base(&m, f) - b) <= 1, "after step");
	CHECK(fabs(m.rate - s.rate) < 1e-9, "rate kept over the step");
	b += 100000000;
	CHECK(llabs(clockmap_to_base(&m, sim_f(&s, b)) - b) <= 1,
	      "extrapolation after step");
}

/*
 * Pairs taken back to back (microseconds apart, tens of ns of bracket
 * noise) carry no rate information: they must not set the rate, and the
 * map must be right once pairs 100 ms apart follow (a port's map is
 * primed like that at open; a garbage rate from them put one port's
 * stamps hundreds of us off, and restarts on each > 1 ms residual kept
 * the bad rate forever).
 */
static void test_close_pairs(void)
{
	struct sim s = { 1.0 + 2e-6, 1796000000000000000LL, 5000000000LL };
	struct clockmap m;
	int64_t b = s.b0, worst = 0;
	int i;

	clockmap_init(&m, 1.0);
	for (i = 0; i < 4; i++) {	/* 1 us apart, +-40 ns noise */
		b += 1000;
		clockmap_update(&m, sim_f(&s, b) + (int64_t)noise(40.0), b);
	}
	CHECK(fabs(m.rate - 1.0) < 1e-3, "rate from close pairs %.9f", m.rate);
	for (i = 0; i < 40; i++) {
		int64_t e;

		b += 100000000;
		clockmap_update(&m, sim_f(&s, b) + (int64_t)noise(40.0), b);
		/* half-way to the next refresh */
		e = llabs(clockmap_to_base(&m, sim_f(&s, b + 50000000)) -
			  (b + 50000000));
		if (i >= 3 && e > worst)
			worst = e;
	}
	CHECK(worst < 1000, "error between refreshes after priming %lld ns",
	      (long long)worst);
	CHECK(fabs(m.rate - s.rate) < 1e-6, "rate %.9f", m.rate);
	/* a rate that wild is refused whatever the pairs say */
	clockmap_init(&m, 1.0);
	b = s.b0;
	clockmap_update(&m, sim_f(&s, b), b);
	b += 1000000;
	clockmap_update(&m, sim_f(&s, b) + 20000, b);	/* 2 % in 1 ms */
	CHECK(fabs(m.rate - 1.0) <= CLOCKMAP_MAX_DEV + 1e-12,
	      "rate %.6f beyond the bound", m.rate);
}

/* clockmap_holds(): a map holds at its own pairs; a foreign clock that
 * jumps makes it fail by the jump; a map shifted (the test switch) fails
 * by the shift, and the next update restarts it (a step). */
static void test_holds(void)
{
	struct sim s = { 1.0, 1700000000000000000LL, 5000000000LL };
	struct clockmap m;
	int64_t b, err;
	int i;

	clockmap_init(&m, 1.0);
	CHECK(clockmap_holds(&m, 123, 456, 1000, &err) && err == 0,
	      "a map without pairs holds");
	for (i = 0, b = s.b0; i < 20; i++, b += 100000000)
		clockmap_update(&m, sim_f(&s, b), b);
	b += 50000000;		/* between refreshes */
	CHECK(clockmap_holds(&m, sim_f(&s, b), b, 1000, &err),
	      "holds between pairs (err %lld)", (long long)err);
	/* the foreign clock steps back 100 ms: its values map 100 ms early */
	CHECK(!clockmap_holds(&m, sim_f(&s, b) - 100000000, b, 200000, &err),
	      "a 100 ms step of the foreign clock goes unnoticed");
	CHECK(llabs(err + 100000000) < 1000, "err %lld, want -100 ms",
	      (long long)err);
	/* 150 us: within a 200 us tolerance, beyond 100 us */
	CHECK(clockmap_holds(&m, sim_f(&s, b) + 150000, b, 200000, &err),
	      "150 us held within 200 us");
	CHECK(!clockmap_holds(&m, sim_f(&s, b) + 150000, b, 100000, &err),
	      "150 us held within 100 us");
	/* shifted by +100 ms: the same as a foreign step back */
	clockmap_shift(&m, 100000000);
	CHECK(!clockmap_holds(&m, sim_f(&s, b), b, 200000, &err) &&
	      llabs(err - 100000000) < 1000, "shift: err %lld", (long long)err);
	b += 50000000;
	i = (int)m.steps;
	clockmap_update(&m, sim_f(&s, b), b);
	CHECK(m.steps == (uint32_t)i + 1, "the update after a shift restarts");
	CHECK(clockmap_holds(&m, sim_f(&s, b), b, 1000, &err),
	      "holds again after the restart (err %lld)", (long long)err);
}

int main(void)
{
	test_empty();
	test_exact();
	test_noise();
	test_rate_change();
	test_step();
	test_close_pairs();
	test_holds();
	if (failures) {
		fprintf(stderr, "test_clockmap: %d failures\n", failures);
		return 1;
	}
	printf("test_clockmap: all passed\n");
	return 0;
}
