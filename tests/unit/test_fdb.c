/* SPDX-License-Identifier: BSD-3-Clause */
/* Unit tests of the MAC learning table (lib/sw/fdb.c). */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "cunit_main.h"
#include "sw/fdb.h"
#include "sw/hotmem.h"

/* Locally administered unicast MAC 02:xx:xx:xx:xx:xx numbered n. */
static void mac_n(uint8_t mac[6], uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = 0x5a;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

static void test_learn_lookup(void)
{
	struct fdb *f = fdb_create(100, 300);
	struct fdb_stats st;
	uint8_t a[6], b[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	mac_n(a, 1);
	mac_n(b, 2);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 0), FDB_NO_PORT);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 3, 10), 0);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.max_disp, 0);	/* alone: in its home bucket */
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 10), 3);
	CU_ASSERT_EQUAL(fdb_lookup(f, b, 10), FDB_NO_PORT);
	CU_ASSERT_EQUAL(fdb_learn(f, b, 0, 10), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, b, 10), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 3, 11), 0);	/* refresh */
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.capacity, 128);		/* rounded up */
	CU_ASSERT_EQUAL(st.entries, 2);
	CU_ASSERT_EQUAL(st.learned, 2);
	CU_ASSERT_EQUAL(st.moved, 0);
	CU_ASSERT_EQUAL(st.full, 0);
	/* port beyond 8 bits refused, not counted as full */
	CU_ASSERT_EQUAL(fdb_learn(f, a, FDB_MAX_PORT + 1, 12), -1);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 12), 3);
	CU_ASSERT_EQUAL(fdb_learn(f, a, FDB_MAX_PORT, 12), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 12), FDB_MAX_PORT);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.full, 0);
	fdb_free(f);
}

static void test_bad_args(void)
{
	CU_ASSERT_PTR_NULL(fdb_create(0, 10));
	CU_ASSERT_PTR_NULL(fdb_create(16, 0));
	CU_ASSERT_PTR_NULL(fdb_create((1u << 24) + 1, 10));
	fdb_free(NULL);
}

static void test_move(void)
{
	struct fdb *f = fdb_create(64, 300);
	struct fdb_stats st;
	uint8_t a[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	mac_n(a, 7);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 0), 0);
	fdb_get_stats(f, &st);
	CU_ASSERT(!st.last_move.valid);		/* a first learn is no move */
	CU_ASSERT_EQUAL(fdb_learn(f, a, 2, 1), 0);
	fdb_get_stats(f, &st);
	CU_ASSERT(st.last_move.valid);
	CU_ASSERT_EQUAL(memcmp(st.last_move.mac, a, 6), 0);
	CU_ASSERT_EQUAL(st.last_move.from, 1);
	CU_ASSERT_EQUAL(st.last_move.to, 2);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 1), 2);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 2, 2), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 3), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 3), 1);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	CU_ASSERT_EQUAL(st.learned, 1);
	CU_ASSERT_EQUAL(st.moved, 2);
	CU_ASSERT_EQUAL(st.last_move.from, 2);		/* the latest */
	CU_ASSERT_EQUAL(st.last_move.to, 1);
	fdb_free(f);
}

/* Moves counted by move slot: a MAC's count changes with its own moves
 * and those of the few MACs of its slot, not with a learn or a refresh,
 * nor with the moves of all others (a single count would grow by 4096
 * below; spread over 1024 slots each grows by about 4). */
static void test_move_slots(void)
{
	struct fdb *f = fdb_create(8192, 1000);
	static uint64_t before[4096];
	unsigned int i, most = 0;
	uint8_t a[6], b[6];
	uint64_t ma;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	mac_n(a, 7);
	CU_ASSERT_EQUAL(fdb_moves_of(f, a), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 0), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 1), 0);	/* a refresh */
	CU_ASSERT_EQUAL(fdb_moves_of(f, a), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 2, 2), 0);	/* a move */
	CU_ASSERT_EQUAL(fdb_moves_of(f, a), 1);
	ma = fdb_moves_of(f, a);
	/* 4096 other MACs learned on port 1, then each moved to port 3 */
	for (i = 0; i < 4096; i++) {
		mac_n(b, 100 + i);
		CU_ASSERT_EQUAL(fdb_learn(f, b, 1, 3), 0);
		before[i] = fdb_moves_of(f, b);
	}
	for (i = 0; i < 4096; i++) {
		mac_n(b, 100 + i);
		CU_ASSERT_EQUAL(fdb_learn(f, b, 3, 4), 0);
	}
	for (i = 0; i < 4096; i++) {
		uint64_t d;

		mac_n(b, 100 + i);
		d = fdb_moves_of(f, b) - before[i];
		CU_ASSERT(d >= 1);		/* its own move */
		if (d > most)
			most = (unsigned int)d;
	}
	CU_ASSERT(most <= 32);
	CU_ASSERT(fdb_moves_of(f, a) - ma <= 32);
	fdb_free(f);
}

static void test_aging(void)
{
	struct fdb *f = fdb_create(64, 10);
	struct fdb_stats st;
	uint8_t a[6], b[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	mac_n(a, 1);
	mac_n(b, 2);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 4, 100), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, b, 5, 100), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 110), 4);	/* exactly aging: kept */
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 111), FDB_NO_PORT);
	/* a reader slightly behind the writer's clock still finds it */
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 99), 4);
	CU_ASSERT_EQUAL(fdb_learn(f, b, 5, 105), 0);	/* refresh b */
	CU_ASSERT_EQUAL(fdb_age(f, 110), 0);
	CU_ASSERT_EQUAL(fdb_age(f, 111), 1);		/* a goes */
	CU_ASSERT_EQUAL(fdb_lookup(f, b, 115), 5);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.entries, 1);
	CU_ASSERT_EQUAL(fdb_age(f, 116), 1);		/* b goes */
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.entries, 0);
	/* relearn after aging is a new learn */
	CU_ASSERT_EQUAL(fdb_learn(f, a, 6, 200), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 200), 6);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.learned, 3);
	fdb_free(f);
}

/* Refreshes finer than aging/64 are not recorded; coarser ones are. */
static void test_refresh_granularity(void)
{
	struct fdb *f = fdb_create(64, 6400);
	uint8_t a[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	mac_n(a, 1);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 0), 0);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 100), 0);	/* not recorded */
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 6400), 1);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 6401), FDB_NO_PORT);
	CU_ASSERT_EQUAL(fdb_learn(f, a, 1, 101), 0);	/* recorded */
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 6501), 1);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 6502), FDB_NO_PORT);
	/* a move is always recorded, whatever the time */
	CU_ASSERT_EQUAL(fdb_learn(f, a, 2, 102), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 102), 2);
	fdb_free(f);
}

static void test_flush(void)
{
	struct fdb *f = fdb_create(64, 1000);
	uint8_t a[6], b[6], c[6];

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	mac_n(a, 1);
	mac_n(b, 2);
	mac_n(c, 3);
	fdb_learn(f, a, 1, 0);
	fdb_learn(f, b, 1, 0);
	fdb_learn(f, c, 2, 0);
	CU_ASSERT_EQUAL(fdb_flush_port(f, 1), 2);
	CU_ASSERT_EQUAL(fdb_lookup(f, a, 0), FDB_NO_PORT);
	CU_ASSERT_EQUAL(fdb_lookup(f, b, 0), FDB_NO_PORT);
	CU_ASSERT_EQUAL(fdb_lookup(f, c, 0), 2);
	CU_ASSERT_EQUAL(fdb_flush_port(f, 1), 0);
	CU_ASSERT_EQUAL(fdb_flush_port(f, 300), 0);
	fdb_free(f);
}

static void test_group_mac(void)
{
	static const uint8_t group[][6] = {
		{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
		{ 0x01, 0x00, 0x5e, 0x00, 0x01, 0x81 },	/* 224.0.1.129 */
		{ 0x33, 0x33, 0x00, 0x00, 0x01, 0x81 },	/* ff0e::181 */
		{ 0x01, 0x1b, 0x19, 0x00, 0x00, 0x00 },	/* PTP L2 */
		{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },	/* zero: not a source */
	};
	struct fdb *f = fdb_create(64, 1000);
	struct fdb_stats st;
	size_t i;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (i = 0; i < sizeof(group) / sizeof(group[0]); i++) {
		CU_ASSERT_EQUAL(fdb_learn(f, group[i], 1, 0), 0);
		CU_ASSERT_EQUAL(fdb_lookup(f, group[i], 0), FDB_NO_PORT);
	}
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.entries, 0);
	CU_ASSERT_EQUAL(st.learned, 0);
	CU_ASSERT_EQUAL(st.full, 0);
	fdb_free(f);
}

static void test_full(void)
{
	struct fdb *f = fdb_create(8, 1000);
	struct fdb_stats st;
	uint8_t m[6];
	uint32_t n;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (n = 0; n < 8; n++) {
		mac_n(m, n);
		CU_ASSERT_EQUAL(fdb_learn(f, m, (uint16_t)n, 0), 0);
	}
	mac_n(m, 8);
	CU_ASSERT_EQUAL(fdb_learn(f, m, 8, 0), -1);
	CU_ASSERT_EQUAL(fdb_lookup(f, m, 0), FDB_NO_PORT);
	mac_n(m, 9);
	CU_ASSERT_EQUAL(fdb_learn(f, m, 9, 0), -1);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.entries, 8);
	CU_ASSERT_EQUAL(st.learned, 8);
	CU_ASSERT_EQUAL(st.full, 2);
	for (n = 0; n < 8; n++) {
		mac_n(m, n);
		CU_ASSERT_EQUAL(fdb_lookup(f, m, 0), (int)n);
		/* refresh and move of a present MAC work when full */
		CU_ASSERT_EQUAL(fdb_learn(f, m, (uint16_t)(n + 10), 1), 0);
		CU_ASSERT_EQUAL(fdb_lookup(f, m, 1), (int)n + 10);
	}
	/* free one bucket: the next learn succeeds */
	CU_ASSERT_EQUAL(fdb_flush_port(f, 13), 1);
	mac_n(m, 8);
	CU_ASSERT_EQUAL(fdb_learn(f, m, 8, 2), 0);
	CU_ASSERT_EQUAL(fdb_lookup(f, m, 2), 8);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.full, 2);
	CU_ASSERT_EQUAL(st.entries, 8);
	fdb_free(f);
}

/* Half-full large table: every MAC found, removals in the middle of probe
 * runs do not hide the entries behind them. */
static void test_many(void)
{
	enum { CAP = 4096, N = 2048 };
	struct fdb *f = fdb_create(CAP, 1000);
	struct fdb_stats st;
	uint8_t m[6];
	uint32_t n;
	int bad = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	for (n = 0; n < N; n++) {
		/* spread across the whole 32-bit space too */
		mac_n(m, n * 2654435761u);
		bad += fdb_learn(f, m, (uint16_t)(n % 3), 0) != 0;
	}
	CU_ASSERT_EQUAL(bad, 0);
	fdb_get_stats(f, &st);
	CU_ASSERT_EQUAL(st.entries, N);
	CU_ASSERT_EQUAL(st.full, 0);
	/* lookups scan max_disp + 1 buckets: every MAC is found (below) */
	CU_ASSERT(st.max_disp > 0 && st.max_disp < FDB_PROBE);
	for (n = 0; n < N; n++) {
		mac_n(m, n * 2654435761u);
		bad += fdb_lookup(f, m, 0) != (int)(n % 3);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(fdb_flush_port(f, 1), (N + 1) / 3);
	for (n = 0; n < N; n++) {
		mac_n(m, n * 2654435761u);
		bad += fdb_lookup(f, m, 0) !=
		       (n % 3 == 1 ? FDB_NO_PORT : (int)(n % 3));
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* unknown MACs are not found */
	for (n = N; n < 2 * N; n++) {
		mac_n(m, n * 2654435761u);
		bad += fdb_lookup(f, m, 0) != FDB_NO_PORT;
	}
	CU_ASSERT_EQUAL(bad, 0);
	fdb_free(f);
}

/*
 * A full table of 32 buckets: windows that fit (the two-bucket vector
 * scan) and windows that wrap past the end (bucket by bucket) both find
 * every MAC at any offset of its window, with its own port and age, and
 * never a MAC that is not there, also with buckets freed in between. The
 * all-zero MAC, never learned, is not found in free buckets.
 */
static void test_scan(void)
{
	enum { CAP = 32 };
	struct fdb *f = fdb_create(CAP, 1000);
	static const uint8_t zero[6];
	uint8_t m[6];
	uint32_t n, learned = 0;
	int bad = 0, port;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(fdb_lookup(f, zero, 0), FDB_NO_PORT);
	for (n = 0; learned < CAP && n < 10 * CAP; n++) {
		mac_n(m, n * 40503u);
		if (fdb_learn(f, m, (uint16_t)(n % 7), n) == 0)
			learned++;
	}
	CU_ASSERT_EQUAL(learned, CAP);
	CU_ASSERT_EQUAL(fdb_lookup(f, zero, 0), FDB_NO_PORT);
	{
		struct fdb_stats st;

		fdb_get_stats(f, &st);	/* full: some entries sit far out */
		CU_ASSERT(st.max_disp > 1 && st.max_disp < FDB_PROBE);
	}
	for (n = 0; n < 10 * CAP; n++) {
		mac_n(m, n * 40503u);
		port = fdb_lookup(f, m, n);
		/* learned at time n: found with its port; the rest failed
		 * to learn (table full) and must not be found */
		if (port != FDB_NO_PORT && port != (int)(n % 7))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* every learned MAC found, the others not */
	for (n = 0, learned = 0; n < 10 * CAP; n++) {
		mac_n(m, n * 40503u);
		learned += fdb_lookup(f, m, n) != FDB_NO_PORT;
	}
	CU_ASSERT_EQUAL(learned, CAP);
	/* free the port-3 buckets: the MACs behind them are still found */
	CU_ASSERT(fdb_flush_port(f, 3) > 0);
	for (n = 0, learned = 0; n < 10 * CAP; n++) {
		mac_n(m, n * 40503u);
		port = fdb_lookup(f, m, n);
		bad += port == 3;
		learned += port != FDB_NO_PORT;
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT(learned > 0 && learned < CAP);
	/* aged: not found by either scan */
	for (n = 0; n < 10 * CAP; n++) {
		mac_n(m, n * 40503u);
		bad += fdb_lookup(f, m, 10 * CAP + 2000) != FDB_NO_PORT;
	}
	CU_ASSERT_EQUAL(bad, 0);
	fdb_free(f);
}

/* Two writers and one reader at once: a reader sees a port this MAC was
 * really learned on, never a mix of two entries. */
struct mt_arg {
	struct fdb *f;
	uint16_t port_base;
	int bad;
};

#define MT_MACS 512
#define MT_ROUNDS 200

static void *mt_writer(void *p)
{
	struct mt_arg *a = p;
	uint8_t m[6];
	int r, n;

	for (r = 0; r < MT_ROUNDS; r++)
		for (n = 0; n < MT_MACS; n++) {
			mac_n(m, (uint32_t)n);
			/* MAC n only ever lives on port n%4 or n%4 + 4 */
			fdb_learn(a->f, m, (uint16_t)(a->port_base + n % 4),
				  (uint64_t)r);
		}
	return NULL;
}

static void *mt_reader(void *p)
{
	struct mt_arg *a = p;
	uint8_t m[6];
	int r, n, port;

	for (r = 0; r < MT_ROUNDS; r++)
		for (n = 0; n < MT_MACS; n++) {
			mac_n(m, (uint32_t)n);
			port = fdb_lookup(a->f, m, (uint64_t)r);
			if (port != FDB_NO_PORT && port != n % 4 &&
			    port != n % 4 + 4)
				a->bad++;
		}
	return NULL;
}

static void test_concurrent(void)
{
	struct fdb *f = fdb_create(2048, 1000);
	struct mt_arg w0 = { f, 0, 0 }, w1 = { f, 4, 0 }, rd = { f, 0, 0 };
	pthread_t t0, t1, t2;
	uint8_t m[6];
	int n, bad = 0, port;

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t0, NULL, mt_writer, &w0), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t1, NULL, mt_writer, &w1), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t2, NULL, mt_reader, &rd), 0);
	pthread_join(t0, NULL);
	pthread_join(t1, NULL);
	pthread_join(t2, NULL);
	CU_ASSERT_EQUAL(rd.bad, 0);
	for (n = 0; n < MT_MACS; n++) {
		mac_n(m, (uint32_t)n);
		port = fdb_lookup(f, m, MT_ROUNDS);
		bad += port != n % 4 && port != n % 4 + 4;
	}
	CU_ASSERT_EQUAL(bad, 0);
	fdb_free(f);
}

/* sw/hotmem.h: zeroed, 2 MiB-aligned, writable to its end; sizes that
 * are and are not multiples of the alignment. */
static void test_hotmem(void)
{
	static const size_t sizes[] = { 1, 100000, (size_t)2 << 20,
					((size_t)2 << 20) + 1 };
	size_t i, k;

	CU_ASSERT_PTR_NULL(hotmem_alloc(0));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t *p = hotmem_alloc(sizes[i]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		CU_ASSERT_EQUAL((uintptr_t)p & (((uintptr_t)2 << 20) - 1), 0);
		for (k = 0; k < sizes[i]; k += 4096)
			CU_ASSERT_EQUAL(p[k], 0);
		CU_ASSERT_EQUAL(p[sizes[i] - 1], 0);
		memset(p, 0xA5, sizes[i]);
		hotmem_free(p, sizes[i]);
	}
	hotmem_free(NULL, 1);
}

int test_register(void)
{
	static const struct test_case cases[] = {
		{ "learn_lookup", test_learn_lookup },
		{ "bad_args", test_bad_args },
		{ "move", test_move },
		{ "moves counted by move slot", test_move_slots },
		{ "aging", test_aging },
		{ "refresh_granularity", test_refresh_granularity },
		{ "flush", test_flush },
		{ "group_mac", test_group_mac },
		{ "full", test_full },
		{ "many", test_many },
		{ "scan", test_scan },
		{ "concurrent", test_concurrent },
		{ "hotmem", test_hotmem },
		{ NULL, NULL },
	};

	return test_add_suite("fdb", cases);
}
