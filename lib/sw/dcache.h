/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_DCACHE_H
#define PTPSW_SW_DCACHE_H

/*
 * The worker's destination cache, pure (no EAL; the fdb lookup is the
 * caller's): the fdb's answers for up to DCACHE_SLOTS unicast
 * destination MACs, so that traffic to many destinations at once costs a
 * lookup per destination every MEMO_NS, not one per frame. Together
 * with the memo (sw/memo.h), whose last destination it keeps too, and
 * under the memo's rules: an answer, hit or miss, is reused for at most
 * MEMO_NS (a MAC another worker just learnt floods that much longer); it
 * is forgotten when this worker hands its MAC to the fdb
 * (dcache_forget()), and all are on a link change (the fdb flushes the
 * port) or a new view (dcache_clear()).
 *
 * Its time is cut in generations: one begins at the first burst at least
 * MEMO_NS after the last one began (dcache_tick()), and ends every
 * answer of the one before. An entry holds the destination as the fast
 * memo compares it (memo_fast_key(): the MAC shifted up by 16) with the
 * generation in the 16 bits below, so a hit is one compare of the frame's
 * key with the entry's, whatever the entry's age (a lookup costs no time
 * read either). The generation is never 0, so an empty entry (0) never
 * hits, also not for the all-zero MAC.
 *
 * Direct mapped (a 4-way set per cache line counted 17 more
 * instructions a frame with 64 destinations, callgrind): two MACs of one
 * entry replace each other, and each is looked up again; neither answers
 * for the other.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sw/learn.h"
#include "sw/memo.h"

#define DCACHE_BITS	11
#define DCACHE_SLOTS	(1u << DCACHE_BITS)
#define DCACHE_GEN_MASK	0xFFFFull	/* the key's low 16 bits */

struct dcache_ent {
	uint64_t kg;			/* memo_fast_key() | generation;
					 * 0: empty */
	int64_t port;			/* < 0: unknown */
};

struct dcache {
	struct dcache_ent e[DCACHE_SLOTS];
	uint64_t gen;			/* 1..0xFFFF */
	uint64_t gen_t;			/* when it began (ns) */
};

/* Every function here is inlined whole, as memo.h's. */
#define DCACHE_INLINE	static inline __attribute__((always_inline))

/* The entry of fk (memo_fast_key() of a unicast MAC): the learn cache's
 * multiplier, the product's top bits (each depends on every bit of the
 * MAC). */
DCACHE_INLINE struct dcache_ent *dcache_of(struct dcache *dc, uint64_t fk)
{
	return &dc->e[(fk * 0x9E3779B97F4A7C15ull) >> (64 - DCACHE_BITS)];
}

/* Empty: nothing hits until dcache_put() (generation 1, which the next
 * dcache_tick() ends). */
DCACHE_INLINE void dcache_clear(struct dcache *dc)
{
	memset(dc->e, 0, sizeof(dc->e));
	dc->gen = 1;
	dc->gen_t = 0;
}

/*
 * A burst starts at now: MEMO_NS or more after the generation began, a
 * new one begins and the answers of the old one end. After 0xFFFF
 * generations (6.5 s) their numbers come round: the cache is emptied
 * instead (dcache_clear()).
 */
DCACHE_INLINE void dcache_tick(struct dcache *dc, uint64_t now)
{
	if (__builtin_expect(now - dc->gen_t < MEMO_NS, 1))
		return;
	if (dc->gen == DCACHE_GEN_MASK)
		dcache_clear(dc);
	else
		dc->gen++;
	dc->gen_t = now;
}

/* The answer for fk (memo_fast_key() of a unicast MAC) of this
 * generation: true with its port (< 0: unknown) in *port, else false. */
DCACHE_INLINE bool dcache_get(struct dcache *dc, uint64_t fk, int *port)
{
	const struct dcache_ent *e = dcache_of(dc, fk);

	if (e->kg != (fk | dc->gen))
		return false;
	*port = (int)e->port;
	return true;
}

/* The fdb's answer for fk (memo_fast_key() of a unicast MAC): port (< 0:
 * unknown), in place of what its entry held, for this generation. */
DCACHE_INLINE void dcache_put(struct dcache *dc, uint64_t fk, int port)
{
	struct dcache_ent *e = dcache_of(dc, fk);

	e->kg = fk | dc->gen;
	e->port = port;
}

/* The learn cache handed the MAC of key (its miss key, or 0: a hit) to
 * the fdb: a cached answer for that MAC is forgotten (memo_forget()). */
DCACHE_INLINE void dcache_forget(struct dcache *dc, uint64_t key)
{
	struct dcache_ent *e;
	uint64_t fk;

	if (__builtin_expect(key == 0, 1))
		return;
	fk = memo_fast_of_key(key);
	e = dcache_of(dc, fk);
	if ((e->kg & ~DCACHE_GEN_MASK) == fk)
		e->kg = 0;
}

#endif /* PTPSW_SW_DCACHE_H */
