/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests for lib/ptp/ptp_time.c: Timestamp and correctionField maths. */
#include <math.h>
#include <stdint.h>

#include <CUnit/CUnit.h>

#include "cunit_main.h"
#include "ptp/ptp_time.h"

/* Values computed by hand, not through the code under test. */
#define TWO_POW_47	140737488355328LL	/* INT64 range / 2^16 */
#define TWO_POW_48	281474976710656ULL

static void test_ts_to_tmv_basic(void)
{
	struct ptp_timestamp ts = { 1, 5 };
	tmv_t t;

	CU_ASSERT_TRUE(ptp_ts_to_tmv(&ts, &t));
	CU_ASSERT_EQUAL(tmv_to_ns(t), 1000000005LL);

	ts.sec = 0;
	ts.nsec = 999999999;
	CU_ASSERT_TRUE(ptp_ts_to_tmv(&ts, &t));
	CU_ASSERT_EQUAL(tmv_to_ns(t), 999999999LL);

	ts.sec = 1700000000;	/* a 2023 TAI date */
	ts.nsec = 123456789;
	CU_ASSERT_TRUE(ptp_ts_to_tmv(&ts, &t));
	CU_ASSERT_EQUAL(tmv_to_ns(t), 1700000000123456789LL);
}

static void test_ts_to_tmv_bad_nsec(void)
{
	struct ptp_timestamp ts = { 0, 1000000000u };
	tmv_t t = tmv_from_ns(42);

	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
	ts.nsec = 0xffffffffu;
	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
	/* out is not touched on failure */
	CU_ASSERT_EQUAL(tmv_to_ns(t), 42);
}

static void test_ts_to_tmv_range(void)
{
	/* INT64_MAX ns = 9223372036 s + 854775807 ns */
	struct ptp_timestamp ts = { 9223372036ULL, 854775807u };
	tmv_t t;

	CU_ASSERT_TRUE(ptp_ts_to_tmv(&ts, &t));
	CU_ASSERT_EQUAL(tmv_to_ns(t), INT64_MAX);
	ts.nsec = 854775808u;
	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
	ts.sec = 9223372037ULL;
	ts.nsec = 0;
	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
	/* largest 48-bit second is beyond int64 ns */
	ts.sec = TWO_POW_48 - 1;
	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
	/* not a 48-bit value at all */
	ts.sec = TWO_POW_48;
	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
	ts.sec = UINT64_MAX;
	CU_ASSERT_FALSE(ptp_ts_to_tmv(&ts, &t));
}

static void test_ts_48bit_seconds(void)
{
	/* seconds above 2^32 survive both ways (no 32-bit truncation) */
	struct ptp_timestamp ts = { (1ULL << 33) + 7, 1 }, back;
	tmv_t t;

	CU_ASSERT_TRUE(ptp_ts_to_tmv(&ts, &t));
	CU_ASSERT_EQUAL(tmv_to_ns(t), 8589934599000000001LL);
	back = ptp_tmv_to_ts(t);
	CU_ASSERT_EQUAL(back.sec, (1ULL << 33) + 7);
	CU_ASSERT_EQUAL(back.nsec, 1u);
}

static void test_tmv_to_ts(void)
{
	struct ptp_timestamp ts;

	ts = ptp_tmv_to_ts(tmv_from_ns(1000000005LL));
	CU_ASSERT_EQUAL(ts.sec, 1u);
	CU_ASSERT_EQUAL(ts.nsec, 5u);
	ts = ptp_tmv_to_ts(tmv_from_ns(999999999LL));
	CU_ASSERT_EQUAL(ts.sec, 0u);
	CU_ASSERT_EQUAL(ts.nsec, 999999999u);
	ts = ptp_tmv_to_ts(tmv_from_ns(INT64_MAX));
	CU_ASSERT_EQUAL(ts.sec, 9223372036ULL);
	CU_ASSERT_EQUAL(ts.nsec, 854775807u);
	ts = ptp_tmv_to_ts(tmv_zero());
	CU_ASSERT_EQUAL(ts.sec, 0u);
	CU_ASSERT_EQUAL(ts.nsec, 0u);
}

static void test_tmv_to_ts_negative_clamps(void)
{
	struct ptp_timestamp ts;

	ts = ptp_tmv_to_ts(tmv_from_ns(-1));
	CU_ASSERT_EQUAL(ts.sec, 0u);
	CU_ASSERT_EQUAL(ts.nsec, 0u);
	ts = ptp_tmv_to_ts(tmv_from_ns(INT64_MIN));
	CU_ASSERT_EQUAL(ts.sec, 0u);
	CU_ASSERT_EQUAL(ts.nsec, 0u);
	ts = ptp_tmv_to_ts(tmv_from_ns(-1500000000LL));
	CU_ASSERT_EQUAL(ts.sec, 0u);
	CU_ASSERT_EQUAL(ts.nsec, 0u);
}

static void test_ts_round_trip(void)
{
	static const int64_t v[] = { 0, 1, 999999999, 1000000000,
		1000000001, 1700000000123456789LL, INT64_MAX - 1, INT64_MAX };
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct ptp_timestamp ts = ptp_tmv_to_ts(tmv_from_ns(v[i]));
		tmv_t t;

		CU_ASSERT_TRUE(ts.nsec < 1000000000u);
		CU_ASSERT_EQUAL(ts.sec * 1000000000ULL + ts.nsec,
				(uint64_t)v[i]);
		CU_ASSERT_TRUE(ptp_ts_to_tmv(&ts, &t));
		CU_ASSERT_EQUAL(tmv_to_ns(t), v[i]);
	}
}

static void test_cf_from_tmv(void)
{
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_zero()).scaled, 0);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(1)).scaled, 65536);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(-1)).scaled, -65536);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(1000)).scaled, 65536000);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(-123456789)).scaled,
			-8090864123904LL);
}

static void test_cf_from_tmv_saturates(void)
{
	/* largest exact value: (2^47 - 1) * 2^16 = 2^63 - 2^16 */
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(TWO_POW_47 - 1)).scaled,
			INT64_MAX - 65535);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(TWO_POW_47)).scaled,
			INT64_MAX);
	/* -2^47 * 2^16 = -2^63 exactly: no saturation needed */
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(-TWO_POW_47)).scaled,
			INT64_MIN);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(-TWO_POW_47 - 1)).scaled,
			INT64_MIN);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(INT64_MAX)).scaled,
			INT64_MAX);
	CU_ASSERT_EQUAL(ptp_cf_from_tmv(tmv_from_ns(INT64_MIN)).scaled,
			INT64_MIN);
}

static void test_cf_to_tmv_truncates(void)
{
	ptp_cf_t cf;

	cf.scaled = 5 * 65536 + 65535;	/* 5.99998 ns */
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), 5);
	cf.scaled = -(5 * 65536 + 65535);
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), -5);
	cf.scaled = 65535;
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), 0);
	cf.scaled = -65535;
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), 0);
	cf.scaled = -65536;
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), -1);
	cf.scaled = INT64_MIN;
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), -TWO_POW_47);
	cf.scaled = INT64_MAX;
	CU_ASSERT_EQUAL(tmv_to_ns(ptp_cf_to_tmv(cf)), TWO_POW_47 - 1);
}

static void test_cf_from_double_fraction(void)
{
	const double unit = 1.0 / 65536.0;	/* 2^-16 ns, exact in double */

	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(1.5).scaled, 98304);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-1.5).scaled, -98304);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(3 * unit).scaled, 3);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(0.25).scaled, 16384);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(1000.0).scaled, 65536000);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-0.0).scaled, 0);
}

static void test_cf_from_double_rounding(void)
{
	const double unit = 1.0 / 65536.0;

	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(0.4 * unit).scaled, 0);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(0.6 * unit).scaled, 1);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-0.6 * unit).scaled, -1);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-0.4 * unit).scaled, 0);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(7.4 * unit).scaled, 7);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(7.6 * unit).scaled, 8);
	/* 100.3 ns = 6573260.8 units -> 6573261 */
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(100.3).scaled, 6573261);
	/* -100.3 ns -> -6573261 (nearest, not truncated) */
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-100.3).scaled, -6573261);
}

static void test_cf_from_double_saturates(void)
{
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(1e30).scaled, INT64_MAX);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-1e30).scaled, INT64_MIN);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(INFINITY).scaled, INT64_MAX);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-INFINITY).scaled, INT64_MIN);
	/* 2^47 ns * 2^16 = 2^63: first value out of range */
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(140737488355328.0).scaled,
			INT64_MAX);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(-140737488355328.0).scaled,
			INT64_MIN);
	CU_ASSERT_EQUAL(ptp_cf_from_ns_double(NAN).scaled, 0);
}

static void test_cf_to_double(void)
{
	ptp_cf_t cf;

	cf.scaled = 98304;
	CU_ASSERT_DOUBLE_EQUAL(ptp_cf_to_ns_double(cf), 1.5, 0.0);
	cf.scaled = -32768;
	CU_ASSERT_DOUBLE_EQUAL(ptp_cf_to_ns_double(cf), -0.5, 0.0);
	cf.scaled = 1;
	CU_ASSERT_DOUBLE_EQUAL(ptp_cf_to_ns_double(cf), 1.0 / 65536.0, 0.0);
	cf.scaled = INT64_MIN;
	CU_ASSERT_DOUBLE_EQUAL(ptp_cf_to_ns_double(cf), -140737488355328.0,
			       0.0);
}

static void test_cf_double_round_trip(void)
{
	static const int64_t v[] = { 0, 1, -1, 65535, -65537, 123456789012LL,
		-987654321098765LL, (1LL << 53), -(1LL << 53) };
	unsigned int i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ptp_cf_t cf = { v[i] };

		CU_ASSERT_EQUAL(
			ptp_cf_from_ns_double(ptp_cf_to_ns_double(cf)).scaled,
			v[i]);
	}
}

static void test_cf_add_sat(void)
{
	ptp_cf_t a = { 100 }, b = { -250 };

	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, -150);
	a.scaled = INT64_MAX;
	b.scaled = 1;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, INT64_MAX);
	b.scaled = INT64_MAX;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, INT64_MAX);
	a.scaled = INT64_MIN;
	b.scaled = -1;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, INT64_MIN);
	b.scaled = INT64_MIN;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, INT64_MIN);
	a.scaled = INT64_MAX;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, -1);
	/* near the edge but not over it */
	a.scaled = INT64_MAX - 10;
	b.scaled = 10;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, INT64_MAX);
	a.scaled = INT64_MIN + 10;
	b.scaled = -10;
	CU_ASSERT_EQUAL(ptp_cf_add_sat(a, b).scaled, INT64_MIN);
}

static void test_tmv_helpers(void)
{
	tmv_t a = tmv_from_ns(10), b = tmv_from_ns(25);

	CU_ASSERT_EQUAL(tmv_to_ns(tmv_sub(a, b)), -15);
	CU_ASSERT_TRUE(tmv_is_neg(tmv_sub(a, b)));
	CU_ASSERT_EQUAL(tmv_to_ns(tmv_add(a, b)), 35);
	CU_ASSERT_EQUAL(tmv_cmp(a, b), -1);
	CU_ASSERT_EQUAL(tmv_cmp(b, a), 1);
	CU_ASSERT_EQUAL(tmv_cmp(a, a), 0);
}

static const struct test_case time_cases[] = {
	{ "ts_to_tmv basic", test_ts_to_tmv_basic },
	{ "ts_to_tmv rejects nsec >= 1e9", test_ts_to_tmv_bad_nsec },
	{ "ts_to_tmv int64 and 48-bit range", test_ts_to_tmv_range },
	{ "timestamp 48-bit seconds", test_ts_48bit_seconds },
	{ "tmv_to_ts", test_tmv_to_ts },
	{ "tmv_to_ts clamps negatives", test_tmv_to_ts_negative_clamps },
	{ "timestamp round trip", test_ts_round_trip },
	{ "cf_from_tmv", test_cf_from_tmv },
	{ "cf_from_tmv saturates", test_cf_from_tmv_saturates },
	{ "cf_to_tmv truncates toward zero", test_cf_to_tmv_truncates },
	{ "cf_from_ns_double keeps fraction", test_cf_from_double_fraction },
	{ "cf_from_ns_double rounds to nearest", test_cf_from_double_rounding },
	{ "cf_from_ns_double saturates", test_cf_from_double_saturates },
	{ "cf_to_ns_double", test_cf_to_double },
	{ "cf double round trip", test_cf_double_round_trip },
	{ "cf_add_sat", test_cf_add_sat },
	{ "tmv helpers", test_tmv_helpers },
	{ NULL, NULL }
};

int test_register(void)
{
	return test_add_suite("ptp_time", time_cases);
}
