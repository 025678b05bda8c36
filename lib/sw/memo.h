/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_MEMO_H
#define PTPSW_SW_MEMO_H

/*
 * The worker's destination of a frame, pure (no EAL; the fdb lookup is
 * the caller's): a memo of the last unicast destination it looked up
 * (traffic is often one flow), and the choice between that port, a flood
 * and a drop.
 *
 * The memo holds one MAC key (memo_key(): learn_mac_dst() | LEARN_VALID,
 * so the learn cache's miss key of the same MAC equals it) and its port
 * (< 0: not in the fdb). It is reused for MEMO_NS from its time (its
 * lookup's; for an answer of the destination cache, sw/dcache.h, its
 * generation's start, so at most MEMO_NS from the lookup), hit or miss,
 * so an unknown destination is not searched for in all of its
 * fdb probe buckets at every burst, and a MAC another worker just learnt
 * floods that much longer. The caller keeps it across bursts and ages it
 * only at a burst's start (memo_age()). It is forgotten when this
 * worker hands its MAC to the fdb (memo_forget()), and whatever it holds
 * on a link change (the fdb flushes the port) or a new view
 * (memo_clear()).
 */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "sw/learn.h"

/* Every function here is inlined whole: left to gcc, a call that it
 * inlines late costs the worker's loop an instruction per frame. */
#define MEMO_INLINE	static inline __attribute__((always_inline))

/* How long a lookup is reused (ns). */
#define MEMO_NS		100000

struct memo {
	uint64_t key;		/* memo_key() of the MAC; 0: none */
	uint64_t t;		/* when it was looked up */
	int port;		/* its port, or < 0 (only with key) */
};

/* The memo key of a frame's destination MAC (at least 8 octets at eth;
 * a unicast MAC: a group MAC is flooded without a lookup). */
MEMO_INLINE uint64_t memo_key(const uint8_t *eth)
{
	return learn_mac_dst(eth) | LEARN_VALID;
}

/* memo_key() of the MAC whose memo_fast_key() is fk. */
MEMO_INLINE uint64_t memo_key_of_fast(uint64_t fk)
{
	return fk >> 16 | LEARN_VALID;
}

/* memo_fast_key() of the MAC of key (memo_key(), or the learn cache's
 * miss key of the same MAC; LEARN_VALID shifts out), or 0 for 0. */
MEMO_INLINE uint64_t memo_fast_of_key(uint64_t key)
{
	return key << 16;
}

/* Empty: nothing hits. */
MEMO_INLINE void memo_clear(struct memo *m)
{
	m->key = 0;
}

/* Does m hold the lookup of key (memo_key())? */
MEMO_INLINE bool memo_has(const struct memo *m, uint64_t key)
{
	return key == m->key;
}

/* The lookup of key gave port (< 0: unknown) at now. */
MEMO_INLINE void memo_set(struct memo *m, uint64_t key, int port, uint64_t now)
{
	m->port = port;
	m->key = key;
	m->t = now;
}

/* A burst starts at now: m, kept from the last burst, stays while its
 * lookup is less than MEMO_NS old, else it is emptied (all zero). */
MEMO_INLINE void memo_age(struct memo *m, uint64_t now)
{
	if (now - m->t >= MEMO_NS) {
		m->key = 0;
		m->port = 0;
		m->t = 0;
	}
}

/* The learn cache handed the MAC of key (its miss key, or 0: a hit) to
 * the fdb: a memo of that MAC is forgotten. */
MEMO_INLINE void memo_forget(struct memo *m, uint64_t key)
{
	if (__builtin_expect(key != 0, 0) && key == m->key)
		m->key = 0;
}

/* What a burst's frames share for their destination. */
struct memo_flood {
	uint32_t up;			/* link mask */
	uint32_t flood;			/* up without the ingress port */
	int flood_out;			/* flood's port if it is one, else -1 */
};

MEMO_INLINE void memo_flood_init(struct memo_flood *f, uint32_t up,
				 unsigned int in)
{
	uint32_t flood = up & ~(1u << in);

	f->up = up;
	f->flood = flood;
	f->flood_out = flood != 0 && (flood & (flood - 1)) == 0 ?
		       __builtin_ctz(flood) : -1;
}

/* memo_dest()'s results that are not a port. */
#define MEMO_DROPPED	(-1)		/* dropped (counted) */
#define MEMO_FLOOD	(-2)		/* to the ports of flood, two or more */

/* Why memo_dest() dropped a frame: index of its counter. */
enum memo_drop {
	MEMO_DROP_FILTERED,	/* the destination is the ingress port */
	MEMO_DROP_NO_DEST,	/* no other port up to flood to */
	MEMO_DROP_PORT_DOWN,	/* the known destination's link is down */
	MEMO_DROP__COUNT
};

/*
 * The destination of a frame from port in whose unicast destination is
 * on port (the memo's port; < 0: unknown or a group MAC): that port,
 * the one port of f's flood, MEMO_FLOOD, or MEMO_DROPPED with
 * drop[enum memo_drop] counted. A flood (to one port or more) is counted
 * in *flooded.
 */
MEMO_INLINE int memo_dest(int port, unsigned int in, const struct memo_flood *f,
			  uint64_t *drop, uint64_t *flooded)
{
	if (port >= 0) {
		if (__builtin_expect(port == (int)in, 0)) {
			drop[MEMO_DROP_FILTERED]++;
			return MEMO_DROPPED;
		}
		if (__builtin_expect(!(f->up & (1u << port)), 0)) {
			drop[MEMO_DROP_PORT_DOWN]++;
			return MEMO_DROPPED;
		}
		return port;
	}
	if (__builtin_expect(f->flood_out >= 0, 1)) {
		(*flooded)++;
		return f->flood_out;
	}
	if (__builtin_expect(f->flood == 0, 0)) {
		drop[MEMO_DROP_NO_DEST]++;
		return MEMO_DROPPED;
	}
	(*flooded)++;
	return MEMO_FLOOD;
}

/* memo_dest()'s result as a port mask, 0 if dropped. */
MEMO_INLINE uint32_t memo_dest_mask(int out, const struct memo_flood *f)
{
	return out >= 0 ? 1u << out : out == MEMO_FLOOD ? f->flood : 0;
}

/*
 * The memo resolved for one burst (its ingress port and link mask fixed):
 * the memo's MAC in the form memo_fast_key() gives a frame, and where
 * such a frame goes when that is one port (a known port, or the one port
 * of a flood). Then a frame to the memo's MAC costs one compare: no
 * group-MAC test, no lookup key to build, no memo_dest(). Anything else
 * (an empty memo, a destination memo_dest() drops or floods to two ports
 * or more) matches no frame, and the caller takes the memo's usual way.
 */
struct memo_fast {
	uint64_t key;		/* memo_fast_key() of the memo's MAC, or
				 * MEMO_FAST_NONE */
	int out;		/* its port (only with key) */
	uint32_t flood;		/* 1 if that is a flood (counted), else 0 */
};

/* No memo_fast_key() has a bit of its low 16 set. */
#define MEMO_FAST_NONE	1ull

/* The destination MAC of a frame (at least 8 octets at eth) as the fast
 * memo compares it: its 48 bits, shifted up by 16 (on little-endian CPUs
 * one 8-byte load and a shift). */
MEMO_INLINE uint64_t memo_fast_key(const uint8_t *eth)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* learn_mac_dst(eth) << 16 without its mask: gcc 12 keeps the mask
	 * (an instruction a frame) though the shift drops those bits */
	uint64_t v;

	memcpy(&v, eth, 8);
	return v << 16;
#else
	return learn_mac_dst(eth) << 16;
#endif
}

/* fm for a burst from port in with flood f, from memo m. */
MEMO_INLINE void memo_fast_set(struct memo_fast *fm, const struct memo *m,
			       unsigned int in, const struct memo_flood *f)
{
	int out = m->port;

	fm->key = MEMO_FAST_NONE;
	fm->out = -1;
	fm->flood = 0;
	if (m->key == 0)
		return;
	if (out < 0)
		out = f->flood_out;
	else if (out == (int)in || !(f->up & (1u << out)))
		out = -1;
	if (out < 0)
		return;
	fm->key = (m->key & LEARN_MAC_MASK) << 16;
	fm->out = out;
	fm->flood = m->port < 0;
}

/* The learn cache handed the MAC of key (its miss key, or 0: a hit) to
 * the fdb: memo_forget() for fm. */
MEMO_INLINE void memo_fast_forget(struct memo_fast *fm, uint64_t key)
{
	if (__builtin_expect(key != 0, 0) && memo_fast_of_key(key) == fm->key)
		fm->key = MEMO_FAST_NONE;
}

#endif /* PTPSW_SW_MEMO_H */
