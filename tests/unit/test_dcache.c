/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's destination cache (lib/sw/dcache.h): a cached lookup
 * hits with its port, an unknown MAC is cached as such (the all-zero MAC
 * too, never an empty entry's answer), answers end with their generation
 * (at most MEMO_NS, as the memo's), what forgets them (this worker
 * learning the MAC, a link change or a new view), the generations' wrap,
 * and many destinations at once cost one lookup each.
 */

#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "sw/dcache.h"
#include "sw/learn.h"
#include "sw/memo.h"

#define T0	5000000000ull	/* a time well after start-up */

static struct dcache dc;

/* The fast key of MAC 02:00:00:00:hi:lo, as a frame gives it. */
static uint64_t key_of(unsigned int hi, unsigned int lo)
{
	uint8_t eth[8] = { 0x02, 0, 0, 0, (uint8_t)hi, (uint8_t)lo, 0xAA,
			   0xBB };

	return memo_fast_key(eth);
}

/* Counted fdb lookups: the worker asks for one only on a miss. */
static unsigned int lookups;

static int fake_lookup(uint64_t fk)
{
	unsigned int hi = (unsigned int)(fk >> 48 & 0xFF);	/* octet 4 */

	lookups++;
	return hi == 0 ? -1 : (int)(hi & 7);
}

/* The destination port of fk in a burst at now, as the worker asks it. */
static int port_of(uint64_t fk, uint64_t now)
{
	int p;

	dcache_tick(&dc, now);
	if (dcache_get(&dc, fk, &p))
		return p;
	p = fake_lookup(fk);
	dcache_put(&dc, fk, p);
	return p;
}

/* Empty misses (the all-zero MAC too); a put hits with its port, an
 * unknown MAC (< 0) is cached as unknown, another MAC misses. */
static void test_hit_miss(void)
{
	uint64_t a = key_of(0, 0x0a), b = key_of(0x03, 0x0b), zero = 0;
	int p = 99;

	dcache_clear(&dc);
	dcache_tick(&dc, T0);
	CU_ASSERT(!dcache_get(&dc, a, &p));
	CU_ASSERT(!dcache_get(&dc, zero, &p));	/* not an empty entry's */
	dcache_put(&dc, a, -1);
	CU_ASSERT(dcache_get(&dc, a, &p));
	CU_ASSERT_EQUAL(p, -1);
	CU_ASSERT(!dcache_get(&dc, b, &p));
	dcache_put(&dc, b, 3);
	CU_ASSERT(dcache_get(&dc, b, &p));
	CU_ASSERT_EQUAL(p, 3);
	dcache_put(&dc, b, 255);			/* rewritten */
	CU_ASSERT(dcache_get(&dc, b, &p));
	CU_ASSERT_EQUAL(p, 255);
	/* and the first is still there */
	CU_ASSERT(dcache_get(&dc, a, &p));
	CU_ASSERT_EQUAL(p, -1);
	/* the all-zero MAC, cached, is its own answer */
	dcache_put(&dc, zero, -1);
	CU_ASSERT(dcache_get(&dc, zero, &p));
	CU_ASSERT_EQUAL(p, -1);
}

/* An answer, hit or miss, lasts until its generation ends: at the first
 * burst MEMO_NS or more after the generation began; then looked up
 * again. So at most MEMO_NS (plus the wait for that burst). */
static void test_expiry(void)
{
	uint64_t a = key_of(0x01, 0x0a), b = key_of(0, 0x0b);
	int p;

	dcache_clear(&dc);
	lookups = 0;
	CU_ASSERT_EQUAL(port_of(a, T0), 1);	/* a generation begins */
	CU_ASSERT_EQUAL(port_of(b, T0 + 10), -1);
	CU_ASSERT_EQUAL(lookups, 2);
	CU_ASSERT_EQUAL(port_of(a, T0 + MEMO_NS - 1), 1);
	CU_ASSERT_EQUAL(port_of(b, T0 + MEMO_NS - 1), -1);
	CU_ASSERT_EQUAL(lookups, 2);
	dcache_tick(&dc, T0 + MEMO_NS);		/* the next one */
	CU_ASSERT(!dcache_get(&dc, a, &p));
	CU_ASSERT(!dcache_get(&dc, b, &p));
	CU_ASSERT_EQUAL(port_of(a, T0 + MEMO_NS), 1);
	CU_ASSERT_EQUAL(lookups, 3);
	/* a long pause: the first burst after it ends the generation */
	CU_ASSERT_EQUAL(port_of(a, T0 + 50 * MEMO_NS), 1);
	CU_ASSERT_EQUAL(lookups, 4);
}

/* This worker learning a MAC forgets its answer, not another's; 0 (the
 * learn cache hit) forgets nothing; dcache_clear() forgets all. */
static void test_forget(void)
{
	uint64_t a = key_of(0x01, 0x0a), b = key_of(0x02, 0x0b);
	int p;

	dcache_clear(&dc);
	dcache_tick(&dc, T0);
	dcache_put(&dc, a, 1);
	dcache_put(&dc, b, 2);
	dcache_forget(&dc, 0);
	CU_ASSERT(dcache_get(&dc, a, &p));
	/* the learn cache's miss key of a MAC: MAC | LEARN_VALID */
	{
		uint8_t mac_a[6] = { 0x02, 0, 0, 0, 0x01, 0x0a };
		uint8_t mac_b[6] = { 0x02, 0, 0, 0, 0x02, 0x0b };

		CU_ASSERT_EQUAL(memo_fast_of_key(learn_mac(mac_a) | LEARN_VALID),
				a);
		dcache_forget(&dc, learn_mac(mac_a) | LEARN_VALID);
		CU_ASSERT(!dcache_get(&dc, a, &p));
		CU_ASSERT(dcache_get(&dc, b, &p));
		dcache_forget(&dc, learn_mac(mac_b) | LEARN_VALID);
		CU_ASSERT(!dcache_get(&dc, b, &p));
	}
	dcache_put(&dc, a, 1);
	dcache_clear(&dc);
	CU_ASSERT(!dcache_get(&dc, a, &p));
}

/* After 0xFFFF generations their numbers come round: the cache is
 * emptied, so an answer of generation g never hits in generation
 * g + 0xFFFF. */
static void test_wrap(void)
{
	uint64_t a = key_of(0x01, 0x0a), b = key_of(0x02, 0x0b), now = T0;
	unsigned int g;
	int p;

	dcache_clear(&dc);
	dcache_tick(&dc, now);
	CU_ASSERT_EQUAL(dc.gen, 2);
	dcache_put(&dc, a, 1);
	for (g = 0; g < 0xFFFF; g++) {
		now += MEMO_NS;
		dcache_tick(&dc, now);
		if (dc.gen == 2)
			break;
	}
	/* back at 2 after 0xFFFF ticks (0xFFFF -> 1 by a clear, then 2) */
	CU_ASSERT_EQUAL(g, 0xFFFF - 1);
	CU_ASSERT_EQUAL(dc.gen, 2);
	CU_ASSERT(!dcache_get(&dc, a, &p));
	CU_ASSERT(dc.gen >= 1 && dc.gen <= DCACHE_GEN_MASK);
	dcache_put(&dc, b, 2);
	CU_ASSERT(dcache_get(&dc, b, &p));
}

/* 256 destinations taken in turn, again and again within a generation:
 * one lookup each while they fit, whatever their order; two MACs of one
 * entry replace each other (looked up again), never answer for each
 * other. */
static void test_many(void)
{
	unsigned int i, round;
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

		if (dcache_get(&dc, k, &p))
			CU_FAIL("a MAC never put hit");
	}
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "hit with its port, unknown cached, other MAC misses",
		  test_hit_miss },
		{ "an answer ends with its generation (MEMO_NS)",
		  test_expiry },
		{ "forgotten when learned here, all on clear", test_forget },
		{ "generations come round: emptied, never a stale hit",
		  test_wrap },
		{ "many destinations: a lookup each, never another's answer",
		  test_many },
		{ NULL, NULL },
	};

	return test_add_suite("dcache", cases);
}
