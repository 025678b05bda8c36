/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The boundary clocks' resolver cache (app/neigh_cache.c): learning,
 * gleaning, aging and eviction, on times as the control lcore passes
 * them (one read per loop round, gleaning reads the clock again).
 */

#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "neigh.h"

#define S	1000000000ull

static const uint8_t IP6[16] = { 0xfd, 0x66, [15] = 5 };
static const uint8_t IP4[4] = { 10, 66, 0, 5 };
static const uint8_t MAC[6] = { 0x02, 0, 0, 0, 0, 5 };

static struct neigh *fresh(void)
{
	static struct neigh n;

	memset(&n, 0, sizeof(n));
	return &n;
}

/*
 * An entry gleaned after the control loop read its time (the aging pass
 * of the same round gets the earlier time) is new: it stays, and it ages
 * NEIGH_AGING_NS after it was learnt, not before.
 */
static void test_glean_after_now(void)
{
	struct neigh *n = fresh();
	uint64_t now = 1000 * S, seen = now + 250000;

	neigh_glean(n, 4, true, IP6, MAC, seen);
	neigh_age(n, now);
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(n, 4, true, IP6));
	CU_ASSERT_EQUAL(n->st.aged, 0);
	neigh_age(n, seen + NEIGH_AGING_NS);	/* exactly the lifetime */
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(n, 4, true, IP6));
	neigh_age(n, seen + NEIGH_AGING_NS + 1);
	CU_ASSERT_PTR_NULL(neigh_lookup(n, 4, true, IP6));
	CU_ASSERT_EQUAL(n->st.aged, 1);
}

/* Gleaning again keeps an entry; a pending one (a request sent, no
 * answer) goes after NEIGH_PENDING_NS, also when it was made after now. */
static void test_refresh_and_pending(void)
{
	struct neigh *n = fresh();
	struct neigh_entry *e;
	uint64_t t = 50 * S;

	neigh_glean(n, 1, false, IP4, MAC, t);
	neigh_glean(n, 1, false, IP4, MAC, t + NEIGH_AGING_NS - S);
	neigh_age(n, t + NEIGH_AGING_NS + S);
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(n, 1, false, IP4));
	/* the same IP on another port, or as IPv6, is another entry */
	CU_ASSERT_PTR_NULL(neigh_lookup(n, 2, false, IP4));
	CU_ASSERT_PTR_NULL(neigh_lookup(n, 1, true, IP6));

	e = neigh_entry_get(n, 3, true, IP6);
	CU_ASSERT_FALSE(e->resolved);
	e->req_ns = t + 10;
	neigh_age(n, t);
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(n, 3, true, IP6));
	neigh_age(n, t + 10 + NEIGH_PENDING_NS + 1);
	CU_ASSERT_PTR_NULL(neigh_lookup(n, 3, true, IP6));
	/* a group MAC is never learnt */
	neigh_glean(n, 3, true, IP6, (const uint8_t[6]){ 0x33, 0x33, 0, 0, 0,
							 1 }, t);
	CU_ASSERT_PTR_NULL(neigh_lookup(n, 3, true, IP6));
}

/* A full cache makes room by evicting its oldest entry. */
static void test_full(void)
{
	struct neigh *n = fresh();
	uint8_t ip[4] = { 10, 0, 0, 0 };
	unsigned int i;

	for (i = 0; i < NEIGH_SIZE + 1; i++) {
		ip[3] = (uint8_t)i;
		/* entry 0 is the oldest */
		neigh_learn(n, 0, false, ip, MAC, 100 * S + i);
	}
	CU_ASSERT_EQUAL(n->st.evicted, 1);
	ip[3] = 0;
	CU_ASSERT_PTR_NULL(neigh_lookup(n, 0, false, ip));
	ip[3] = NEIGH_SIZE;
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(n, 0, false, ip));
}

/* An entry's address and MAC as the dump and /ptpsw/neigh show them. */
static void test_strings(void)
{
	static const uint8_t ip6[16] = { 0xfd, 0x66, [14] = 0xab, 0xcd };
	static const uint8_t mac[6] = { 0x02, 0xab, 0, 0x10, 0xff, 5 };
	struct neigh *n = fresh();
	char buf[NEIGH_IP_STR_LEN];
	struct neigh_entry *e;

	neigh_learn(n, 0, false, (const uint8_t[4]){ 10, 66, 0, 255 }, mac,
		    S);
	e = neigh_lookup(n, 0, false, (const uint8_t[4]){ 10, 66, 0, 255 });
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	neigh_ip_str(e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "10.66.0.255");
	neigh_mac_str(e, buf, NEIGH_MAC_STR_LEN);
	CU_ASSERT_STRING_EQUAL(buf, "02:ab:00:10:ff:05");

	/* the longest IPv6 text fits */
	e = neigh_entry_get(n, 1, true, ip6);
	neigh_ip_str(e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "fd66:0:0:0:0:0:0:abcd");
	memset(e->ip, 0xff, sizeof(e->ip));
	neigh_ip_str(e, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "glean_after_now", test_glean_after_now },
		{ "refresh_and_pending", test_refresh_and_pending },
		{ "full", test_full },
		{ "strings", test_strings },
		{ NULL, NULL },
	};

	return test_add_suite("neigh", cases);
}
