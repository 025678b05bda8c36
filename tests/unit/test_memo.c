/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker's destination memo and flood decision (lib/sw/memo.h): a hit,
 * a miss on another MAC, expiry at a burst's start after MEMO_NS, what
 * forgets it (this worker learning the MAC, a link change, a new view),
 * where a frame goes or why it is dropped, and the memo resolved for a
 * burst.
 */

#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "sw/learn.h"
#include "sw/memo.h"

#define T0	5000000000ull	/* a time well after start-up */

static const uint8_t MAC_A[14] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,	/* dst */
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* src */
	0x08, 0x00,
};
static const uint8_t MAC_B[14] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b,
	0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x08, 0x00,
};

/* Counted fdb lookups: the memo asks for one only on a miss. */
static unsigned int lookups;

static int fake_lookup(const uint8_t *frame)
{
	lookups++;
	return frame[5] == 0x0a ? 2 : -1;	/* A on port 2, B unknown */
}

/* The destination port of a unicast frame through m at now, as the
 * worker asks it. */
static int port_of(struct memo *m, const uint8_t *frame, uint64_t now)
{
	uint64_t key = memo_key(frame);

	if (!memo_has(m, key))
		memo_set(m, key, fake_lookup(frame), now);
	return m->port;
}

/* The key is the destination's learn key: the learn cache's miss (which
 * returns the source's) matches it for the same MAC. */
static void test_key(void)
{
	CU_ASSERT_EQUAL(memo_key(MAC_A), learn_mac(MAC_A) | LEARN_VALID);
	CU_ASSERT_NOT_EQUAL(memo_key(MAC_A), memo_key(MAC_B));
	CU_ASSERT_NOT_EQUAL(memo_key(MAC_A), 0);
	/* and it follows from the frame's fast key */
	CU_ASSERT_EQUAL(memo_key_of_fast(memo_fast_key(MAC_A)),
			memo_key(MAC_A));
	CU_ASSERT_EQUAL(memo_key_of_fast(memo_fast_key(MAC_B)),
			memo_key(MAC_B));
	CU_ASSERT_EQUAL(memo_fast_of_key(memo_key(MAC_A)),
			memo_fast_key(MAC_A));
}

/* An empty memo misses; the MAC looked up last hits (no lookup), another
 * MAC misses and replaces it; an unknown MAC is kept as such too. */
static void test_hit_miss(void)
{
	struct memo m;

	memo_clear(&m);
	lookups = 0;
	CU_ASSERT(!memo_has(&m, memo_key(MAC_A)));
	CU_ASSERT_EQUAL(port_of(&m, MAC_A, T0), 2);
	CU_ASSERT_EQUAL(lookups, 1);
	CU_ASSERT_EQUAL(port_of(&m, MAC_A, T0 + 10), 2);
	CU_ASSERT_EQUAL(lookups, 1);
	CU_ASSERT_EQUAL(m.t, T0);	/* a hit keeps the lookup's time */
	CU_ASSERT(!memo_has(&m, memo_key(MAC_B)));
	CU_ASSERT_EQUAL(port_of(&m, MAC_B, T0 + 20), -1);
	CU_ASSERT_EQUAL(lookups, 2);
	CU_ASSERT_EQUAL(port_of(&m, MAC_B, T0 + 30), -1);
	CU_ASSERT_EQUAL(lookups, 2);		/* a miss is memoised */
	CU_ASSERT(!memo_has(&m, memo_key(MAC_A)));
}

/* At a burst's start the memo kept from the last one is taken while its
 * lookup is less than MEMO_NS old, hit or miss; then it is empty. */
static void test_expiry(void)
{
	struct memo kept, r;

	memo_clear(&kept);
	lookups = 0;
	(void)port_of(&kept, MAC_A, T0);
	r = kept;
	memo_age(&r, T0 + MEMO_NS - 1);
	CU_ASSERT(memo_has(&r, memo_key(MAC_A)));
	CU_ASSERT_EQUAL(r.port, 2);
	CU_ASSERT_EQUAL(r.t, T0);
	r = kept;
	memo_age(&r, T0 + MEMO_NS);
	CU_ASSERT(!memo_has(&r, memo_key(MAC_A)));
	CU_ASSERT_EQUAL(port_of(&r, MAC_A, T0 + MEMO_NS), 2);
	CU_ASSERT_EQUAL(lookups, 2);
	/* a memo of an unknown MAC expires the same way */
	memo_clear(&kept);
	(void)port_of(&kept, MAC_B, T0);
	r = kept;
	memo_age(&r, T0 + MEMO_NS / 2);
	CU_ASSERT(memo_has(&r, memo_key(MAC_B)));
	r = kept;
	memo_age(&r, T0 + 2 * MEMO_NS);
	CU_ASSERT(!memo_has(&r, memo_key(MAC_B)));
	/* an empty memo stays empty */
	memo_clear(&kept);
	r = kept;
	memo_age(&r, T0);
	CU_ASSERT(!memo_has(&r, memo_key(MAC_A)));
	CU_ASSERT(!memo_has(&r, memo_key(MAC_B)));
}

/* This worker learning the memo's MAC forgets it (the fdb may now know
 * it); learning another MAC does not. A link change or a new view
 * forgets it whatever it holds. */
static void test_forget(void)
{
	struct memo m, r;

	memo_clear(&m);
	(void)port_of(&m, MAC_B, T0);
	memo_forget(&m, 0);		/* the learn cache hit: nothing */
	CU_ASSERT(memo_has(&m, memo_key(MAC_B)));
	memo_forget(&m, memo_key(MAC_A));
	CU_ASSERT(memo_has(&m, memo_key(MAC_B)));
	memo_forget(&m, learn_mac(MAC_B) | LEARN_VALID);
	CU_ASSERT(!memo_has(&m, memo_key(MAC_B)));
	lookups = 0;
	(void)port_of(&m, MAC_B, T0 + 1);
	CU_ASSERT_EQUAL(lookups, 1);

	(void)port_of(&m, MAC_A, T0 + 2);
	memo_clear(&m);
	CU_ASSERT(!memo_has(&m, memo_key(MAC_A)));
	/* a cleared memo stays empty into the next burst, however recent */
	r = m;
	memo_age(&r, T0 + 3);
	CU_ASSERT(!memo_has(&r, memo_key(MAC_A)));
}

/* A known port: sent there unless it is the ingress port or down. */
static void test_dest_known(void)
{
	struct memo_flood f;
	uint64_t drop[MEMO_DROP__COUNT] = { 0 }, flooded = 0;

	memo_flood_init(&f, 0x0F, 1);
	CU_ASSERT_EQUAL(memo_dest(2, 1, &f, drop, &flooded), 2);
	CU_ASSERT_EQUAL(memo_dest(1, 1, &f, drop, &flooded), MEMO_DROPPED);
	CU_ASSERT_EQUAL(drop[MEMO_DROP_FILTERED], 1);
	memo_flood_init(&f, 0x0B, 1);		/* port 2 down */
	CU_ASSERT_EQUAL(memo_dest(2, 1, &f, drop, &flooded), MEMO_DROPPED);
	CU_ASSERT_EQUAL(drop[MEMO_DROP_PORT_DOWN], 1);
	CU_ASSERT_EQUAL(drop[MEMO_DROP_NO_DEST], 0);
	CU_ASSERT_EQUAL(flooded, 0);
}

/* Unknown or group destination: flooded to the ports up but the ingress
 * port (one of them: its number; more: MEMO_FLOOD), or dropped if there
 * is none. */
static void test_dest_flood(void)
{
	struct memo_flood f;
	uint64_t drop[MEMO_DROP__COUNT] = { 0 }, flooded = 0;

	memo_flood_init(&f, 0x0D, 0);		/* 0, 2, 3 up */
	CU_ASSERT_EQUAL(f.up, 0x0D);
	CU_ASSERT_EQUAL(f.flood, 0x0C);
	CU_ASSERT_EQUAL(memo_dest(-1, 0, &f, drop, &flooded), MEMO_FLOOD);
	CU_ASSERT_EQUAL(flooded, 1);
	memo_flood_init(&f, 0x09, 0);		/* 0, 3 up */
	CU_ASSERT_EQUAL(f.flood_out, 3);
	CU_ASSERT_EQUAL(memo_dest(-1, 0, &f, drop, &flooded), 3);
	CU_ASSERT_EQUAL(flooded, 2);
	memo_flood_init(&f, 0x01, 0);		/* only the ingress port */
	CU_ASSERT_EQUAL(memo_dest(-1, 0, &f, drop, &flooded), MEMO_DROPPED);
	CU_ASSERT_EQUAL(drop[MEMO_DROP_NO_DEST], 1);
	CU_ASSERT_EQUAL(flooded, 2);
	memo_flood_init(&f, 0, 0);		/* the ingress port down too */
	CU_ASSERT_EQUAL(memo_dest(-1, 0, &f, drop, &flooded), MEMO_DROPPED);
	CU_ASSERT_EQUAL(drop[MEMO_DROP_NO_DEST], 2);
	CU_ASSERT_EQUAL(drop[MEMO_DROP_FILTERED] + drop[MEMO_DROP_PORT_DOWN],
			0);
	/* the port mask for a multi-port caller */
	memo_flood_init(&f, 0x0D, 0);
	CU_ASSERT_EQUAL(memo_dest_mask(MEMO_FLOOD, &f), 0x0C);
	CU_ASSERT_EQUAL(memo_dest_mask(2, &f), 0x04);
	CU_ASSERT_EQUAL(memo_dest_mask(MEMO_DROPPED, &f), 0);
}

/* The memo resolved for a burst (ingress port, link mask): a frame to the
 * memo's MAC takes its one port straight, and only then. Whatever
 * memo_dest() would drop or send to more than one port is left to it
 * (the fast memo matches no frame). */
static void test_fast(void)
{
	static const uint8_t zero[14] = { 0 };
	uint8_t a2[14];
	struct memo_flood f;
	struct memo m;
	struct memo_fast fm;

	memo_flood_init(&f, 0x0F, 1);
	memo_clear(&m);
	memo_fast_set(&fm, &m, 1, &f);	/* empty: nothing matches */
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_A), fm.key);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(zero), fm.key);
	/* a known port */
	memo_set(&m, memo_key(MAC_A), 2, T0);
	memo_fast_set(&fm, &m, 1, &f);
	CU_ASSERT_EQUAL(memo_fast_key(MAC_A), fm.key);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_B), fm.key);
	CU_ASSERT_EQUAL(fm.out, 2);
	CU_ASSERT_EQUAL(fm.flood, 0);
	/* the octets after the MAC are not part of the key */
	memcpy(a2, MAC_A, sizeof(a2));
	a2[6] ^= 0xFF;
	a2[7] ^= 0xFF;
	CU_ASSERT_EQUAL(memo_fast_key(a2), fm.key);
	a2[5] ^= 1;
	CU_ASSERT_NOT_EQUAL(memo_fast_key(a2), fm.key);
	/* learning the MAC here forgets it, learning another does not */
	memo_fast_forget(&fm, 0);
	memo_fast_forget(&fm, learn_mac(MAC_B) | LEARN_VALID);
	CU_ASSERT_EQUAL(memo_fast_key(MAC_A), fm.key);
	memo_fast_forget(&fm, learn_mac(MAC_A) | LEARN_VALID);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_A), fm.key);
	/* the ingress port itself or a port down: memo_dest() counts */
	memo_fast_set(&fm, &m, 2, &f);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_A), fm.key);
	memo_flood_init(&f, 0x0B, 1);
	memo_fast_set(&fm, &m, 1, &f);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_A), fm.key);
	/* unknown: a flood to one port is that port, counted as a flood */
	memo_set(&m, memo_key(MAC_B), -1, T0);
	memo_flood_init(&f, 0x09, 0);
	memo_fast_set(&fm, &m, 0, &f);
	CU_ASSERT_EQUAL(memo_fast_key(MAC_B), fm.key);
	CU_ASSERT_EQUAL(fm.out, 3);
	CU_ASSERT_EQUAL(fm.flood, 1);
	/* to two ports or more, or to none: memo_dest() */
	memo_flood_init(&f, 0x0D, 0);
	memo_fast_set(&fm, &m, 0, &f);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_B), fm.key);
	memo_flood_init(&f, 0x01, 0);
	memo_fast_set(&fm, &m, 0, &f);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_B), fm.key);
	/* an all-zero MAC is a MAC like any other */
	memo_set(&m, memo_key(zero), 3, T0);
	memo_flood_init(&f, 0x0F, 1);
	memo_fast_set(&fm, &m, 1, &f);
	CU_ASSERT_EQUAL(memo_fast_key(zero), fm.key);
	CU_ASSERT_NOT_EQUAL(memo_fast_key(MAC_A), fm.key);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "the key is the destination's learn key", test_key },
		{ "a hit asks no lookup, another MAC misses", test_hit_miss },
		{ "kept for MEMO_NS from its lookup, then empty", test_expiry },
		{ "forgotten when learnt here, on a link change or new view",
		  test_forget },
		{ "a known port: sent, filtered or down", test_dest_known },
		{ "unknown or group: flooded, or no destination",
		  test_dest_flood },
		{ "resolved for a burst: one port straight, the rest not",
		  test_fast },
		{ NULL, NULL },
	};

	return test_add_suite("memo", cases);
}
