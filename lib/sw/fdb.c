/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MAC learning table. A bucket is one 64-bit word:
 *   bits  0..47  MAC (first octet in the high bits)
 *   bits 48..55  port
 *   bit  63      valid
 * A zero word is a free bucket. The last-seen time of bucket i is seen[i];
 * it is written before the word that publishes a new entry (release) and
 * read after the word (acquire), so a reader never pairs a new MAC with
 * the previous occupant's time on weakly ordered CPUs either.
 */

#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "net/frame.h"
#include "sw/fdb.h"

#define FDB_VALID	(1ull << 63)
#define FDB_PORT_SHIFT	48
#define FDB_MAC_MASK	((1ull << 48) - 1)
#define FDB_MAX_SIZE	(1u << 24)

struct fdb {
	uint64_t *word;
	uint64_t *seen;
	uint32_t mask;
	uint32_t probe;		/* min(FDB_PROBE, size) */
	uint32_t max_disp;	/* furthest any entry sits from its home */
	uint64_t aging;
	uint64_t refresh;	/* aging / 64: finer refreshes are not written */
	uint64_t learned;
	uint64_t moved;
	uint64_t full;
	uint64_t last_move;	/* MAC | to << 48 | from << 56 (0: none) */
	uint32_t slot_moves[FDB_MOVE_SLOTS];	/* moves by move slot */
};

_Static_assert((FDB_MOVE_SLOTS & (FDB_MOVE_SLOTS - 1)) == 0,
	       "FDB_MOVE_SLOTS is a power of two");

static uint32_t fdb_home(const struct fdb *f, uint64_t key)
{
	/* Fibonacci hashing: the high bits of the product are well mixed. */
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 40) & f->mask;
}

/* The move slot of key: other bits of the product than fdb_home()'s. */
static uint32_t fdb_move_slot(uint64_t key)
{
	return (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 54) &
	       (FDB_MOVE_SLOTS - 1);
}

static uint64_t fdb_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static int fdb_word_port(uint64_t w)
{
	return (int)((w >> FDB_PORT_SHIFT) & 0xff);
}

static void fdb_count(uint64_t *ctr)
{
	__atomic_fetch_add(ctr, 1, __ATOMIC_RELAXED);
}

/* True if an entry last seen at seen is older than the aging time. */
static int fdb_is_old(const struct fdb *f, uint64_t seen, uint64_t now)
{
	return (int64_t)(now - seen) >
	       (int64_t)__atomic_load_n(&f->aging, __ATOMIC_RELAXED);
}

struct fdb *fdb_create(uint32_t entries, uint64_t aging)
{
	struct fdb *f;
	uint32_t size = 1;

	if (entries == 0 || entries > FDB_MAX_SIZE || aging == 0 ||
	    aging > INT64_MAX)
		return NULL;
	while (size < entries)
		size <<= 1;
	f = calloc(1, sizeof(*f));
	if (f == NULL)
		goto err;
	f->word = calloc(size, sizeof(*f->word));
	if (f->word == NULL)
		goto err_struct;
	f->seen = calloc(size, sizeof(*f->seen));
	if (f->seen == NULL)
		goto err_word;
	f->mask = size - 1;
	f->probe = size < FDB_PROBE ? size : FDB_PROBE;
	f->aging = aging;
	f->refresh = aging >> 6;
	return f;

err_word:
	free(f->word);
err_struct:
	free(f);
err:
	return NULL;
}

int fdb_set_aging(struct fdb *f, uint64_t aging)
{
	if (aging == 0 || aging > INT64_MAX)
		return -1;
	__atomic_store_n(&f->refresh, aging >> 6, __ATOMIC_RELAXED);
	__atomic_store_n(&f->aging, aging, __ATOMIC_RELAXED);
	return 0;
}

void fdb_free(struct fdb *f)
{
	if (f == NULL)
		return;
	free(f->seen);
	free(f->word);
	free(f);
}

/*
 * Update a bucket that already holds key: refresh time, maybe move. The
 * time is written only when it advanced by more than aging/64, so lcores
 * forwarding the same host's traffic do not bounce the cache line at
 * every packet.
 */
static void fdb_refresh(struct fdb *f, uint32_t i, uint64_t w, uint64_t nw,
			uint64_t now)
{
	uint64_t seen = __atomic_load_n(&f->seen[i], __ATOMIC_RELAXED);

	if ((int64_t)(now - seen) >
	    (int64_t)__atomic_load_n(&f->refresh, __ATOMIC_RELAXED))
		__atomic_store_n(&f->seen[i], now, __ATOMIC_RELAXED);
	if (w != nw) {
		/* Lost race with a concurrent writer is fine: either wins. */
		__atomic_store_n(&f->word[i], nw, __ATOMIC_RELEASE);
		__atomic_fetch_add(&f->slot_moves[fdb_move_slot(nw &
							       FDB_MAC_MASK)],
				   1, __ATOMIC_RELEASE);
		fdb_count(&f->moved);
		__atomic_store_n(&f->last_move, (nw & ~(0xFFull << 56)) |
				 (uint64_t)fdb_word_port(w) << 56,
				 __ATOMIC_RELAXED);
	}
}

/* Raise max_disp to d (never lowered: removals leave it). Before the
 * bucket is claimed, so a lookup that sees the entry scans far enough
 * (one racing with the claim may miss it, as if it came a moment
 * later). */
static void fdb_disp(struct fdb *f, uint32_t d)
{
	uint32_t cur = __atomic_load_n(&f->max_disp, __ATOMIC_RELAXED);

	while (d > cur &&
	       !__atomic_compare_exchange_n(&f->max_disp, &cur, d, 1,
					    __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED))
		;
}

/* Claim a free bucket for nw. Returns 0, or -1 if it was taken meanwhile. */
static int fdb_claim(struct fdb *f, uint32_t i, uint64_t nw, uint64_t now)
{
	uint64_t expect = 0;

	__atomic_store_n(&f->seen[i], now, __ATOMIC_RELAXED);
	if (!__atomic_compare_exchange_n(&f->word[i], &expect, nw, 0,
					 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		return -1;
	fdb_count(&f->learned);
	return 0;
}

int fdb_learn(struct fdb *f, const uint8_t mac[6], uint16_t port, uint64_t now)
{
	uint64_t key, nw, w;
	uint32_t home, i, k, free_i;
	int tries;

	if ((mac[0] & 1) != 0)
		return 0;
	key = frame_mac48(mac);
	if (key == 0)
		return 0;
	if (port > FDB_MAX_PORT)
		return -1;
	nw = FDB_VALID | ((uint64_t)port << FDB_PORT_SHIFT) | key;
	home = fdb_home(f, key);
	for (tries = 0; tries < 2; tries++) {
		free_i = UINT32_MAX;
		for (k = 0; k < f->probe; k++) {
			i = (home + k) & f->mask;
			w = fdb_load(&f->word[i]);
			if (w == 0) {
				if (free_i == UINT32_MAX)
					free_i = i;
			} else if ((w & FDB_MAC_MASK) == key) {
				fdb_refresh(f, i, w, nw, now);
				return 0;
			}
		}
		if (free_i == UINT32_MAX)
			break;
		fdb_disp(f, (free_i - home) & f->mask);
		if (fdb_claim(f, free_i, nw, now) == 0)
			return 0;
	}
	fdb_count(&f->full);
	return -1;
}

#ifdef __SSE2__
/*
 * Bit k set: bucket home + k (no wrap) held key when read. Two buckets per
 * compare and no branch per bucket: an unknown MAC (flooded traffic) is
 * compared with all FDB_PROBE buckets of its window. Each 8-byte bucket is
 * read whole (x86 reads an aligned 8-byte lane as one); a bucket written
 * meanwhile is missed (the frame floods once) or found and then re-read
 * with acquire by fdb_lookup(). In C11 terms the plain vector load races
 * with the writers' atomic stores; DPDK's lock-free rte_hash reads its
 * bucket signatures the same way (an SSE load, then an acquire load of the
 * entry it matched), and per-bucket atomic loads measured slower here
 * (docs/performance.md, "Many destinations").
 */
static uint32_t fdb_scan(const struct fdb *f, uint32_t home, uint64_t key,
			 uint32_t n)
{
	const __m128i mask = _mm_set1_epi64x((long long)FDB_MAC_MASK);
	const __m128i want = _mm_set1_epi64x((long long)key);
	uint32_t hits = 0, k;

	for (k = 0; k < n; k += 2) {
		__m128i w = _mm_loadu_si128((const __m128i *)&f->word[home + k]);
		__m128i eq = _mm_cmpeq_epi32(_mm_and_si128(w, mask), want);

		/* a bucket matches if both of its 32-bit halves do */
		eq = _mm_and_si128(eq, _mm_shuffle_epi32(eq, 0xB1));
		hits |= (uint32_t)_mm_movemask_pd(_mm_castsi128_pd(eq)) << k;
	}
	return hits;
}
#endif

int fdb_lookup(const struct fdb *f, const uint8_t mac[6], uint64_t now)
{
	uint64_t key, w, seen;
	uint32_t home, i, k = 0, n;

	if ((mac[0] & 1) != 0)
		return FDB_NO_PORT;
	key = frame_mac48(mac);
	if (key == 0)			/* never learned; matches free buckets */
		return FDB_NO_PORT;
	home = fdb_home(f, key);
	/* no entry sits further from its home than max_disp */
	n = __atomic_load_n(&f->max_disp, __ATOMIC_ACQUIRE) + 1;
	if (n > f->probe)
		n = f->probe;
#ifdef __SSE2__
	if (f->probe == FDB_PROBE && home + FDB_PROBE <= f->mask + 1) {
		uint32_t hits = fdb_scan(f, home, key, n);

		if (hits == 0)
			return FDB_NO_PORT;
		k = (uint32_t)__builtin_ctz(hits);
	}
#endif
	for (; k < n; k++) {
		i = (home + k) & f->mask;
		w = fdb_load(&f->word[i]);	/* acquire: then its time */
		if ((w & FDB_MAC_MASK) != key)
			continue;
		seen = __atomic_load_n(&f->seen[i], __ATOMIC_RELAXED);
		if (fdb_is_old(f, seen, now))
			return FDB_NO_PORT;
		return fdb_word_port(w);
	}
	return FDB_NO_PORT;
}

/* Clear bucket i if it still holds w. Returns 1 if cleared. */
static unsigned int fdb_clear(struct fdb *f, uint32_t i, uint64_t w)
{
	return __atomic_compare_exchange_n(&f->word[i], &w, 0, 0,
					   __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

unsigned int fdb_flush_port(struct fdb *f, uint16_t port)
{
	unsigned int n = 0;
	uint32_t i;
	uint64_t w;

	for (i = 0; i <= f->mask; i++) {
		w = fdb_load(&f->word[i]);
		if (w != 0 && fdb_word_port(w) == port)
			n += fdb_clear(f, i, w);
	}
	return n;
}

unsigned int fdb_age(struct fdb *f, uint64_t now)
{
	unsigned int n = 0;
	uint32_t i;
	uint64_t w, seen;

	for (i = 0; i <= f->mask; i++) {
		w = fdb_load(&f->word[i]);
		if (w == 0)
			continue;
		seen = __atomic_load_n(&f->seen[i], __ATOMIC_RELAXED);
		if (fdb_is_old(f, seen, now))
			n += fdb_clear(f, i, w);
	}
	return n;
}

uint64_t fdb_moves_of(const struct fdb *f, const uint8_t mac[6])
{
	return __atomic_load_n(&f->slot_moves[fdb_move_slot(frame_mac48(mac))],
			       __ATOMIC_ACQUIRE);
}

void fdb_get_stats(const struct fdb *f, struct fdb_stats *st)
{
	uint32_t i, used = 0;

	for (i = 0; i <= f->mask; i++)
		if (fdb_load(&f->word[i]) != 0)
			used++;
	st->entries = used;
	st->capacity = f->mask + 1;
	st->learned = __atomic_load_n(&f->learned, __ATOMIC_RELAXED);
	st->moved = __atomic_load_n(&f->moved, __ATOMIC_RELAXED);
	st->full = __atomic_load_n(&f->full, __ATOMIC_RELAXED);
	st->max_disp = __atomic_load_n(&f->max_disp, __ATOMIC_RELAXED);
	fdb_last_move(f, &st->last_move);
}

int fdb_last_move(const struct fdb *f, struct fdb_move *mv)
{
	uint64_t v = __atomic_load_n(&f->last_move, __ATOMIC_RELAXED);
	unsigned int k;

	memset(mv, 0, sizeof(*mv));
	if (v == 0)
		return -1;
	for (k = 0; k < 6; k++)
		mv->mac[k] = (uint8_t)(v >> (40 - 8 * k));
	mv->to = (uint16_t)(v >> FDB_PORT_SHIFT & 0xFF);
	mv->from = (uint16_t)(v >> 56);
	mv->valid = true;
	return 0;
}
