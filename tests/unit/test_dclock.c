/* SPDX-License-Identifier: BSD-3-Clause */
/* Per-domain software clock: continuity, rate, inverse map, steps. */
#include <stdint.h>
#include <stdlib.h>

#include "cunit_main.h"
#include "bc/dclock.h"

#define NS(x) tmv_from_ns(x)
#define SEC 1000000000LL

static void test_init_identity(void)
{
	struct dclock c;

	dclock_init(&c, NS(1000), NS(5 * SEC));
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(1000))), 5 * SEC);
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(1000 + 7 * SEC))), 12 * SEC);
	/* before the anchor too */
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(0))), 5 * SEC - 1000);
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_to_base(&c, NS(6 * SEC))), SEC + 1000);
	CU_ASSERT_EQUAL(dclock_get_freq(&c), 0.0);
}

static void test_rate(void)
{
	struct dclock c;

	dclock_init(&c, NS(0), NS(0));
	CU_ASSERT_EQUAL(dclock_adjust_freq(&c, NS(0), 1000.0), 1000.0);
	/* 1 s of base = 1 s + 1000 ns of clock */
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(SEC))), SEC + 1000);
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(10 * SEC))), 10 * SEC + 10000);
	dclock_adjust_freq(&c, NS(10 * SEC), -250.0);
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(14 * SEC))),
			14 * SEC + 10000 - 1000);
	/* 50 ppm: 100 s -> 5 ms */
	dclock_init(&c, NS(0), NS(0));
	dclock_adjust_freq(&c, NS(0), 50000.0);
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(100 * SEC))), 100 * SEC + 5000000);
	/* clamp */
	CU_ASSERT_EQUAL(dclock_adjust_freq(&c, NS(0), 2e9), DCLOCK_MAX_PPB);
	CU_ASSERT_EQUAL(dclock_adjust_freq(&c, NS(0), -2e9), -DCLOCK_MAX_PPB);
}

/* A frequency change never moves the time at the change instant, and the
 * map stays monotonic across it. */
static void test_continuity(void)
{
	struct dclock c;
	int64_t base = 123456789, prev;
	double f[] = { 100.0, -40000.0, 7.25, 0.0, 499999.0, -123.5 };

	dclock_init(&c, NS(base), NS(42 * SEC));
	prev = tmv_to_ns(dclock_now(&c, NS(base)));
	for (unsigned int i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		int64_t before;

		base += 333333333;
		before = tmv_to_ns(dclock_now(&c, NS(base)));
		CU_ASSERT(before > prev);
		dclock_adjust_freq(&c, NS(base), f[i]);
		CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(base))), before);
		CU_ASSERT(tmv_to_ns(dclock_now(&c, NS(base + 1))) >= before);
		prev = before;
	}
}

/* Sub-nanosecond parts are carried across re-anchors: 0.5 ppb re-anchored
 * every second for 1000 s gains exactly 500 ns. */
static void test_fraction_carry(void)
{
	struct dclock c;
	int64_t b;

	dclock_init(&c, NS(0), NS(0));
	for (b = 0; b <= 1000 * SEC; b += SEC)
		dclock_adjust_freq(&c, NS(b), 0.5);
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(1000 * SEC))), 1000 * SEC + 500);
	/* 1/3 ppb, re-anchored every 3 s for 300 s: 100 ns */
	dclock_init(&c, NS(0), NS(0));
	for (b = 0; b <= 300 * SEC; b += 3 * SEC)
		dclock_adjust_freq(&c, NS(b), 1.0 / 3.0);
	CU_ASSERT(llabs(tmv_to_ns(dclock_now(&c, NS(300 * SEC))) - (300 * SEC + 100)) <= 1);
}

static void test_inverse(void)
{
	struct dclock c;
	uint64_t x = 88172645463325252ULL;

	dclock_init(&c, NS(777), NS(1700000000LL * SEC));
	dclock_adjust_freq(&c, NS(5 * SEC), -31234.567);
	for (int i = 0; i < 1000; i++) {
		int64_t b, t;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		b = (int64_t)(x % (uint64_t)(100000 * SEC));
		t = tmv_to_ns(dclock_from_base(&c, NS(b)));
		CU_ASSERT(llabs(tmv_to_ns(dclock_to_base(&c, NS(t))) - b) <= 1);
	}
}

static void test_step(void)
{
	struct dclock c;

	dclock_init(&c, NS(0), NS(0));
	dclock_adjust_freq(&c, NS(0), 1000.0);
	dclock_step(&c, NS(SEC), NS(-500));
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(SEC))), SEC + 1000 - 500);
	/* the rate survives a step */
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(2 * SEC))), 2 * SEC + 2000 - 500);
	CU_ASSERT_EQUAL(dclock_get_freq(&c), 1000.0);
	dclock_step(&c, NS(2 * SEC), NS(3 * SEC));
	CU_ASSERT_EQUAL(tmv_to_ns(dclock_now(&c, NS(2 * SEC))), 5 * SEC + 1500);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "init and identity map", test_init_identity },
		{ "rate", test_rate },
		{ "continuity on frequency change", test_continuity },
		{ "sub-ns carried across re-anchors", test_fraction_carry },
		{ "to_base inverts from_base", test_inverse },
		{ "step", test_step },
		{ NULL, NULL },
	};

	return test_add_suite("dclock", cases);
}
