/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_DCACHE_H
#define PTPSW_SW_DCACHE_H

/*
 * The worker's destination cache, pure (no EAL; the fdb lookup is the
 * caller's): the fdb lookups of the last MEMO_NS for up to
 * DCACHE_SLOTS unicast destination MACs, so that traffic to many
 * destinations at once costs a lookup per destination every MEMO_NS, not
 * one per frame. It widens the memo (sw/memo.h) from the last
 * destination to many, with the memo's rules: an entry is reused for
 * MEMO_NS from its lookup, hit or miss (a MAC another worker just learnt
 * floods that much longer); it is forgotten when this worker hands its
 * MAC to the fdb (dcache_forget()), and all are on a link change (the
 * fdb flushes the port) or a new view (dcache_clear()).
 *
 * Direct mapped (a 4-way set per cache line counted 17 more
 * instructions a frame with 64 destinations, callgrind): an entry holds
 * the key (the memo's, memo_key()) and the time of its lookup with the
 * port in the low DCACHE_PORT_BITS bits (the time loses those bits: at
 * most 63 ns, against MEMO_NS). Two MACs of one entry replace each
 * other, and each is looked up again; neither answers for the other.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sw/learn.h"
#include "sw/memo.h"

#define DCACHE_BITS	11
#define DCACHE_SLOTS	(1u << DCACHE_BITS)
#define DCACHE_PORT_BITS 6		/* port + 1: 0 (unknown) .. 63 */
#define DCACHE_PORT_MASK ((1ull << DCACHE_PORT_BITS) - 1)

/* The largest port an entry can hold. */
#define DCACHE_MAX_PORT	((int)DCACHE_PORT_MASK - 1)

struct dcache_ent {
	uint64_t key;			/* memo_key(); 0: empty */
	uint64_t tp;			/* lookup time | (port + 1) */
};

struct dcache {
	struct dcache_ent e[DCACHE_SLOTS];
};

/* Every function here is inlined whole, as memo.h's. */
#define DCACHE_INLINE	static inline __attribute__((always_inline))

/* The entry of key (memo_key()): the learn cache's multiplier, the
 * product's top bits (each depends on every bit of the MAC). */
DCACHE_INLINE struct dcache_ent *dcache_of(struct dcache *dc, uint64_t key)
{
	return &dc->e[(key * 0x9E3779B97F4A7C15ull) >> (64 - DCACHE_BITS)];
}

/* Empty: nothing hits. */
DCACHE_INLINE void dcache_clear(struct dcache *dc)
{
	memset(dc, 0, sizeof(*dc));
}

/*
 * The lookup of key (memo_key(), never 0) cached less than MEMO_NS before
 * now: true, with its port (< 0: unknown) in *port and its time in *t;
 * else false.
 */
DCACHE_INLINE bool dcache_get(struct dcache *dc, uint64_t key, uint64_t now,
			      int *port, uint64_t *t)
{
	const struct dcache_ent *e = dcache_of(dc, key);
	uint64_t tp = e->tp;

	if (e->key != key || now - (tp & ~DCACHE_PORT_MASK) >= MEMO_NS)
		return false;
	*port = (int)(tp & DCACHE_PORT_MASK) - 1;
	*t = tp & ~DCACHE_PORT_MASK;
	return true;
}

/* Cache the lookup of key (memo_key(), never 0) at now: port (< 0:
 * unknown; a port above DCACHE_MAX_PORT is not cached), in place of
 * what its entry held. */
DCACHE_INLINE void dcache_put(struct dcache *dc, uint64_t key, int port,
			      uint64_t now)
{
	struct dcache_ent *e = dcache_of(dc, key);

	if (port > DCACHE_MAX_PORT)
		return;
	e->key = key;
	e->tp = (now & ~DCACHE_PORT_MASK) |
		(uint64_t)(port < 0 ? 0 : port + 1);
}

/* The learn cache handed the MAC of key (its miss key, or 0: a hit) to
 * the fdb: a cached lookup of that MAC is forgotten (memo_forget()). */
DCACHE_INLINE void dcache_forget(struct dcache *dc, uint64_t key)
{
	struct dcache_ent *e;

	if (__builtin_expect(key == 0, 1))
		return;
	e = dcache_of(dc, key);
	if (e->key == key)
		e->key = 0;
}

#endif /* PTPSW_SW_DCACHE_H */
