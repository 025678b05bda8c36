/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_LEARN_H
#define PTPSW_SW_LEARN_H

/*
 * The worker's learn cache, pure (no EAL, no fdb): a source MAC seen again
 * within the same learn epoch (time in units of 2^shift ns) need not be
 * handed to the shared fdb again. At a new epoch it is, unless it stays
 * put (learn_renew(): the same port, no move in its fdb move slot since,
 * and a hand-over less than a refresh time ago); the fdb records
 * refreshes coarsely anyway.
 * Set-associative, LEARN_WAYS keys per cache line. A key is MAC | epoch
 * << 53 | bit 63 (0: empty way): a MAC last learned in an earlier epoch
 * misses (the epoch wraps after 1024, which at worst delays one refresh
 * by an epoch). The port is not in the key: a MAC that moves to another
 * port goes to the fdb (which moves it) at its first frame in the next
 * epoch. So a MAC seen on two ports at once (a loop, or the same traffic
 * replayed into two ports) costs one fdb write per epoch, not one per
 * frame, and a real move is learned within an epoch. The caller
 * (app/worker.c) owns the sets, asks learn_has() per frame and, on a
 * miss, picks learn_way() and stores.
 *
 * MAC keys (learn_mac(), learn_mac_dst(), learn_mac_src()) are the 48
 * bits of a MAC as an integer in the CPU's order: only compared and
 * hashed, so one 8-byte load of the frame's first or second MAC does.
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#ifdef __SSE4_1__
#include <smmintrin.h>
#endif

#define LEARN_SLOTS	4096		/* power of two */
#define LEARN_WAYS	4		/* keys of a set: one cache line */
#define LEARN_SETS	(LEARN_SLOTS / LEARN_WAYS)
#define LEARN_MAC_MASK	((1ull << 48) - 1)
#define LEARN_VALID	(1ull << 63)	/* in every key (and lookup memo) */
#define LEARN_EPOCH_SHIFT	53
#define LEARN_EPOCH_MASK	0x3FFull

/* One set: a cache line, keys first so that one vector compare finds a
 * way. */
struct learn_set {
	uint64_t key[LEARN_WAYS];	/* 0: empty */
	uint64_t t[LEARN_WAYS];		/* time of the way's last store */
} __attribute__((aligned(64)));

_Static_assert(sizeof(struct learn_set) == 64 && LEARN_WAYS == 4,
	       "a learn cache set is one cache line of four ways");

/* The 48 bits of the MAC at mac. */
static inline uint64_t learn_mac(const uint8_t *mac)
{
	uint32_t lo;
	uint16_t hi;

	memcpy(&lo, mac, 4);
	memcpy(&hi, mac + 4, 2);
	return (uint64_t)lo | (uint64_t)hi << 32;
}

/* learn_mac() of a frame's destination and source MAC (at least 12
 * octets at eth): one 8-byte load each where the byte order allows. */
static inline uint64_t learn_mac_dst(const uint8_t *eth)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, eth, 8);
	return v & LEARN_MAC_MASK;
#else
	return learn_mac(eth);
#endif
}

static inline uint64_t learn_mac_src(const uint8_t *eth)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, eth + 4, 8);
	return v >> 16;
#else
	return learn_mac(eth + 6);
#endif
}

/* The set of a MAC in sets[LEARN_SETS]. */
static inline struct learn_set *learn_set_of(struct learn_set *sets,
					     uint64_t mac)
{
	return &sets[(mac * 0x9E3779B97F4A7C15ull) >> 40 & (LEARN_SETS - 1)];
}

/* The key of a MAC learned at time now (ns) with epochs of 2^shift ns,
 * without the MAC: OR the MAC in. */
static inline uint64_t learn_key_hi(uint64_t now, unsigned int shift)
{
	return (now >> shift & LEARN_EPOCH_MASK) << LEARN_EPOCH_SHIFT |
	       LEARN_VALID;
}

/* True if a way of set holds exactly key. One compare for the four ways
 * and no branch on where the key sits: a scan that stopped at the
 * matching way mispredicts its exit when the source MACs come in no
 * repeating order. */
static inline bool learn_has(const struct learn_set *set, uint64_t key)
{
#ifdef __SSE4_1__
	__m128i k = _mm_set1_epi64x((long long)key);
	__m128i a = _mm_cmpeq_epi64(
		_mm_load_si128((const __m128i *)&set->key[0]), k);
	__m128i b = _mm_cmpeq_epi64(
		_mm_load_si128((const __m128i *)&set->key[2]), k);

	a = _mm_or_si128(a, b);
	return !_mm_testz_si128(a, a);
#else	/* other CPUs: the same without vector registers */
	return (set->key[0] == key) | (set->key[1] == key) |
	       (set->key[2] == key) | (set->key[3] == key);
#endif
}

/* The way to (re)write for mac: the way holding it in any epoch, else
 * the oldest (an empty way is oldest). */
static inline unsigned int learn_way(const struct learn_set *set,
				     uint64_t mac)
{
	unsigned int k, old = 0;

	for (k = 0; k < LEARN_WAYS; k++) {
		if (set->key[k] != 0 &&
		    ((set->key[k] ^ mac) & LEARN_MAC_MASK) == 0)
			return k;
		if (set->t[k] < set->t[old])
			old = k;
	}
	return old;
}

/*
 * A way's time t also says what the fdb was told: its low
 * LEARN_T_PORT_BITS bits the port the MAC was handed over from, the next
 * LEARN_T_MOVE_BITS the fdb's move count of the MAC's move slot then
 * (fdb_moves_of(), its low bits), the rest the time (ns, to 2^16 ns).
 */
#define LEARN_T_PORT_BITS	5
#define LEARN_T_MOVE_BITS	11
#define LEARN_T_LOW_BITS	(LEARN_T_PORT_BITS + LEARN_T_MOVE_BITS)
#define LEARN_T_LOW_MASK	((1ull << LEARN_T_LOW_BITS) - 1)

/* t for a MAC handed to the fdb from port (< 32) at now, when the fdb
 * had made moves moves in its move slot. */
static inline uint64_t learn_t(uint64_t now, unsigned int port, uint64_t moves)
{
	return (now & ~LEARN_T_LOW_MASK) |
	       (moves & ((1ull << LEARN_T_MOVE_BITS) - 1)) << LEARN_T_PORT_BITS |
	       (port & ((1u << LEARN_T_PORT_BITS) - 1));
}

/*
 * Whether way k of set, found for mac (learn_way()) after a miss of this
 * epoch's key, may take that key without telling the fdb: it holds mac,
 * handed over from the same port less than refresh_ns ago, and the fdb
 * has made no move in the MAC's move slot since (moves: fdb_moves_of()
 * now; nobody can have moved the MAC elsewhere). So an active MAC that
 * stays put costs the fdb one call per refresh_ns, not one per epoch,
 * while other MACs move, and a move is still seen at its first frame of
 * the next epoch.
 */
static inline bool learn_renew(const struct learn_set *set, unsigned int k,
			       uint64_t mac, unsigned int port, uint64_t now,
			       uint64_t refresh_ns, uint64_t moves)
{
	uint64_t t = set->t[k];

	return set->key[k] != 0 &&
	       ((set->key[k] ^ mac) & LEARN_MAC_MASK) == 0 &&
	       (t & LEARN_T_LOW_MASK) == (learn_t(0, port, moves) &
					  LEARN_T_LOW_MASK) &&
	       now - (t & ~LEARN_T_LOW_MASK) < refresh_ns;
}

/* The epoch shift for epochs of at most max_ns (the largest power of two
 * of ns not over it; 0 for max_ns < 2). */
static inline unsigned int learn_shift_for(uint64_t max_ns)
{
	unsigned int s = 0;

	while (s < 62 && 2ull << s <= max_ns)
		s++;
	return s;
}

#endif /* PTPSW_SW_LEARN_H */
