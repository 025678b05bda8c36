/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's destination cache (lib/sw/dcache.h): a cached lookup
 * hits with its port and time, an unknown MAC is cached as such, an entry
 * ages out after MEMO_NS as the memo does, what forgets it (this worker
 * learning the MAC, a link change or a new view), and many destinations
 * at once cost one lookup each.
 */

#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "sw/dcache.h"
#include "sw/learn.h"
#include "sw/memo.h"

#define T0	5000000000ull	/* a time well after start-up */

static struct dcache dc;

/* The memo key of MAC 02:00:00:00:hi:lo. */
static uint64_t key_of(unsigned int hi, unsigned int lo)
{
	uint8_t eth[8] = { 0x02, 0, 0, 0, (uint8_t)hi, (uint8_t)lo, 0, 0 };

	return memo_key(eth);
}

/* Counted fdb lookups: the worker asks for one only on a miss. */
static unsigned int lookups;

static int fake_lookup(uint64_t key)
{
	unsigned int hi = (unsigned int)(key >> 32 & 0xFF);	/* octet 4 */

	lookups++;
	return hi == 0 ? -1 : (int)(hi & 7);
}

/* The destination port of key at now, as the worker asks it. */
static int port_of(uint64_t key, uint64_t now)
{
	uint64_t t;
	int p;

	if (dcache_get(&dc, key, now, &p, &t))
		return p;
	p = fake_lookup(key);
	dcache_put(&dc, key, p, now);
	return p;
}

/* Empty misses; a put hits with its port and time (to 64 ns), an
 * unknown MAC (< 0) is cached as unknown, another MAC misses. */
static void test_hit_miss(void)
{
	uint64_t a = key_of(0, 0x0a), b = key_of(0x03, 0x0b), t = 0;
	int p = 99;

	dcache_clear(&dc);
	CU_ASSERT(!dcache_get(&dc, a, T0, &p, &t));
	dcache_put(&dc, a, -1, T0);
	CU_ASSERT(dcache_get(&dc, a, T0 + 10, &p, &t));
	CU_ASSERT_EQUAL(p, -1);
	CU_ASSERT(t <= T0 && T0 - t < 64);
	CU_ASSERT(!dcache_get(&dc, b, T0 + 10, &p, &t));
	dcache_put(&dc, b, 3, T0 + 20);
	CU_ASSERT(dcache_get(&dc, b, T0 + 30, &p, &t));
	CU_ASSERT_EQUAL(p, 3);
	dcache_put(&dc, b, DCACHE_MAX_PORT, T0 + 40);	/* rewritten */
	CU_ASSERT(dcache_get(&dc, b, T0 + 50, &p, &t));
	CU_ASSERT_EQUAL(p, DCACHE_MAX_PORT);
	/* a port it cannot hold is not cached: the old entry stays */
	dcache_put(&dc, b, DCACHE_MAX_PORT + 1, T0 + 60);
	CU_ASSERT(dcache_get(&dc, b, T0 + 70, &p, &t));
	CU_ASSERT_EQUAL(p, DCACHE_MAX_PORT);
	/* and the first is still there */
	CU_ASSERT(dcache_get(&dc, a, T0 + 70, &p, &t));
	CU_ASSERT_EQUAL(p, -1);
}

/* An entry is reused for MEMO_NS from its lookup (to 64 ns), hit or
 * miss, then looked up again. */
static void test_expiry(void)
{
	uint64_t a = key_of(0x01, 0x0a), b = key_of(0, 0x0b), t;
	int p;

	dcache_clear(&dc);
	lookups = 0;
	CU_ASSERT_EQUAL(port_of(a, T0), 1);
	CU_ASSERT_EQUAL(port_of(b, T0), -1);
	CU_ASSERT_EQUAL(lookups, 2);
	CU_ASSERT_EQUAL(port_of(a, T0 + MEMO_NS - 64), 1);
	CU_ASSERT_EQUAL(port_of(b, T0 + MEMO_NS - 64), -1);
	CU_ASSERT_EQUAL(lookups, 2);
	CU_ASSERT(!dcache_get(&dc, a, T0 + MEMO_NS, &p, &t));
	CU_ASSERT(!dcache_get(&dc, b, T0 + MEMO_NS, &p, &t));
	CU_ASSERT_EQUAL(port_of(a, T0 + MEMO_NS), 1);
	CU_ASSERT_EQUAL(lookups, 3);
	/* its new time counts from the new lookup */
	CU_ASSERT(dcache_get(&dc, a, T0 + 2 * MEMO_NS - 64, &p, &t));
}

/* This worker learning a MAC forgets its entry, not another's; 0 (the
 * learn cache hit) forgets nothing; dcache_clear() forgets all. */
static void test_forget(void)
{
	uint64_t a = key_of(0x01, 0x0a), b = key_of(0x02, 0x0b), t;
	int p;

	dcache_clear(&dc);
	dcache_put(&dc, a, 1, T0);
	dcache_put(&dc, b, 2, T0);
	dcache_forget(&dc, 0);
	CU_ASSERT(dcache_get(&dc, a, T0, &p, &t));
	dcache_forget(&dc, a);
	CU_ASSERT(!dcache_get(&dc, a, T0, &p, &t));
	CU_ASSERT(dcache_get(&dc, b, T0, &p, &t));
	/* the learn cache's miss key of a MAC is its memo key */
	{
		uint8_t src[6] = { 0x02, 0, 0, 0, 0x02, 0x0b };

		dcache_forget(&dc, learn_mac(src) | LEARN_VALID);
		CU_ASSERT(!dcache_get(&dc, b, T0, &p, &t));
	}
	dcache_put(&dc, a, 1, T0);
	dcache_clear(&dc);
	CU_ASSERT(!dcache_get(&dc, a, T0, &p, &t));
}

/* 256 destinations taken in turn, again and again within MEMO_NS: one
 * lookup each while they fit, whatever their order; two MACs of one
 * entry replace each other (looked up again), never answer for each
 * other. */
static void test_many(void)
{
	unsigned int i, round;
	uint64_t t;
	int p;

	dcache_clear(&dc);
	lookups = 0;
	for (round = 0; round < 4; round++)
		for (i = 0; i < 256; i++)
			CU_ASSERT_EQUAL(port_of(key_of(1 + i % 7, i), T0 + round),
					(int)(1 + i % 7));
	/* each distinct MAC once, plus the ones sharing an entry */
	CU_ASSERT(lookups >= 256 && lookups <= 256 + 32);
	/* a MAC never hits on another's entry */
	for (i = 0; i < 4096; i++) {
		uint64_t k = key_of(0x10 + (i >> 8), i & 0xFF);

		if (dcache_get(&dc, k, T0 + 4, &p, &t))
			CU_FAIL("a MAC never put hit");
	}
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "hit with port and time, unknown cached, other MAC misses",
		  test_hit_miss },
		{ "reused for MEMO_NS from its lookup, then looked up again",
		  test_expiry },
		{ "forgotten when learned here, all on clear", test_forget },
		{ "many destinations: a lookup each, never another's answer",
		  test_many },
		{ NULL, NULL },
	};

	return test_add_suite("dcache", cases);
}
