/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's learn cache (lib/sw/learn.h): MAC keys from frames, the
 * one-compare hit test, which way a miss rewrites, and the epoch shift.
 */

#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "sw/learn.h"

static struct learn_set sets[LEARN_SETS];

/* A frame's first 14 octets: dst, src, EtherType. */
static const uint8_t FRAME[14] = {
	0x01, 0x1b, 0x19, 0x00, 0x00, 0x00,	/* dst */
	0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee,	/* src */
	0x08, 0x00,
};

/* One 8-byte load per MAC gives exactly the 48 bits learn_mac() reads. */
static void test_mac_keys(void)
{
	uint8_t a[6] = { 1, 2, 3, 4, 5, 6 }, b[6] = { 1, 2, 3, 4, 5, 7 };

	CU_ASSERT_EQUAL(learn_mac_dst(FRAME), learn_mac(FRAME));
	CU_ASSERT_EQUAL(learn_mac_src(FRAME), learn_mac(FRAME + 6));
	CU_ASSERT_EQUAL(learn_mac(a) & ~LEARN_MAC_MASK, 0);
	CU_ASSERT_NOT_EQUAL(learn_mac(a), learn_mac(b));
	CU_ASSERT_NOT_EQUAL(learn_mac_dst(FRAME), learn_mac_src(FRAME));
}

/* A stored key is found exactly: another epoch or another MAC misses;
 * every way of the set is seen. No port in the key: a MAC seen on
 * another port in the same epoch hits (its move waits for the next). */
static void test_has(void)
{
	uint64_t mac = learn_mac(FRAME + 6), t = 5000000000ull;
	uint64_t key = mac | learn_key_hi(t, 20);
	struct learn_set *set = learn_set_of(sets, mac);
	unsigned int k;

	memset(sets, 0, sizeof(sets));
	CU_ASSERT(set >= sets && set < sets + LEARN_SETS);
	CU_ASSERT(!learn_has(set, key));
	for (k = 0; k < LEARN_WAYS; k++) {
		memset(set, 0, sizeof(*set));
		set->key[k] = key;
		CU_ASSERT(learn_has(set, key));
		CU_ASSERT(!learn_has(set, mac | learn_key_hi(t + (1u << 20),
							     20)));
		CU_ASSERT(!learn_has(set, (mac ^ 1) | learn_key_hi(t, 20)));
	}
	/* the same epoch for every time inside it */
	CU_ASSERT_EQUAL(learn_key_hi(t & ~((1ull << 20) - 1), 20),
			learn_key_hi(t | ((1ull << 20) - 1), 20));
	CU_ASSERT((learn_key_hi(0, 20) & LEARN_VALID) != 0);
}

/* A miss rewrites the way that holds the MAC (any epoch), else
 * an empty way, else the oldest. */
static void test_way(void)
{
	struct learn_set set;
	uint64_t m = 0x0000aabbccddeeull;
	unsigned int k;

	memset(&set, 0, sizeof(set));
	for (k = 0; k < LEARN_WAYS; k++) {
		set.key[k] = (m + k + 1) | learn_key_hi(0, 20);
		set.t[k] = 100 + k;
	}
	set.t[2] = 50;					/* the oldest */
	CU_ASSERT_EQUAL(learn_way(&set, m), 2);
	set.key[3] = m | learn_key_hi(1ull << 30, 20);	/* m, earlier */
	CU_ASSERT_EQUAL(learn_way(&set, m), 3);
	set.key[1] = 0;					/* empty: oldest */
	set.t[1] = 0;
	CU_ASSERT_EQUAL(learn_way(&set, m + 10), 1);
}

/* A way renews its key without the fdb only for its MAC, from the port
 * it was handed over from, with the fdb's move count unchanged (its low
 * bits), within refresh_ns of the hand-over. */
static void test_renew(void)
{
	struct learn_set set;
	uint64_t m = 0x0000aabbccddeeull, t0 = 5000000000ull, r = 1000000;

	memset(&set, 0, sizeof(set));
	CU_ASSERT(!learn_renew(&set, 0, m, 3, t0, r, 7));	/* empty */
	set.key[0] = m | learn_key_hi(t0, 20);
	set.t[0] = learn_t(t0, 3, 7);
	CU_ASSERT(learn_renew(&set, 0, m, 3, t0 + r / 2, r, 7));
	CU_ASSERT(!learn_renew(&set, 0, m + 1, 3, t0 + r / 2, r, 7));
	CU_ASSERT(!learn_renew(&set, 0, m, 2, t0 + r / 2, r, 7));
	CU_ASSERT(!learn_renew(&set, 0, m, 3, t0 + r / 2, r, 8));
	CU_ASSERT(!learn_renew(&set, 0, m, 3, t0 + 2 * r, r, 7));
	/* the time loses only its low bits: older t, older way */
	CU_ASSERT(learn_t(t0, 31, 2047) - learn_t(t0, 0, 0) <
		  (1ull << LEARN_T_LOW_BITS));
	CU_ASSERT(learn_t(t0 + (1ull << LEARN_T_LOW_BITS), 0, 0) >
		  learn_t(t0, 31, 2047));
}

/* Epochs: the largest power of two of ns not over the bound. */
static void test_shift(void)
{
	CU_ASSERT_EQUAL(learn_shift_for(0), 0);
	CU_ASSERT_EQUAL(learn_shift_for(1), 0);
	CU_ASSERT_EQUAL(learn_shift_for(2), 1);
	CU_ASSERT_EQUAL(learn_shift_for(1000000), 19);	/* 524288 ns */
	CU_ASSERT_EQUAL(learn_shift_for(1048576), 20);
	CU_ASSERT_EQUAL(learn_shift_for(UINT64_MAX), 62);
}

/* Different MACs spread over the sets. */
static void test_spread(void)
{
	static unsigned int used[LEARN_SETS];
	unsigned int i, n = 0;
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0 };

	memset(used, 0, sizeof(used));
	for (i = 0; i < 4 * LEARN_SETS; i++) {
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		used[learn_set_of(sets, learn_mac(mac)) - sets]++;
	}
	for (i = 0; i < LEARN_SETS; i++)
		n += used[i] > 0;
	CU_ASSERT(n > LEARN_SETS * 3 / 4);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "MAC keys: one load each, the 48 bits", test_mac_keys },
		{ "a key is found exactly, in any way", test_has },
		{ "a miss rewrites the MAC's way, an empty one, the oldest",
		  test_way },
		{ "a new epoch renewed without the fdb: same MAC, port, "
		  "moves, within the refresh", test_renew },
		{ "epoch shift", test_shift },
		{ "MACs spread over the sets", test_spread },
		{ NULL, NULL },
	};

	return test_add_suite("learn", cases);
}
