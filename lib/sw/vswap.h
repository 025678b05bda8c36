/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_VSWAP_H
#define PTPSW_SW_VSWAP_H

/*
 * vswap: one writer replaces a read-only "view" that several polling
 * readers use, without locks on the readers' side (quiescent-state
 * reclamation with a generation counter). No EAL.
 *
 * Writer (one thread, e.g. the control lcore):
 *	vswap_publish(s, v)	makes v current (generation + 1) and retires
 *				the previous view; -EBUSY while an earlier
 *				retired view is not reclaimed yet;
 *	vswap_reclaim(s)	frees the retired view once every reader has
 *				acknowledged the generation that replaced it.
 * Reader r (a worker), at a point where it holds no pointer into a view
 * (a burst boundary):
 *	g = vswap_gen(s);
 *	if (g != mine) { v = vswap_get(s); ...use v...; vswap_ack(s, r, g); }
 * The acknowledgement says "I no longer use any view older than g". A
 * reader that stops for good calls vswap_offline() (or the writer does it
 * once the reader's thread has ended).
 *
 * Ordering: publish stores the view (release) before the generation
 * (release); a reader that loads generation g (acquire) then loads a view
 * at least as new as g's. The writer reads each acknowledgement with
 * acquire, so every access a reader made to the old view happens before
 * the free.
 */

#include <stdbool.h>
#include <stdint.h>

#define VSWAP_MAX_READERS	16

struct vswap_reader {
	uint64_t ack;			/* last generation acknowledged */
} __attribute__((aligned(64)));

struct vswap {
	void *cur;			/* current view (atomic) */
	uint64_t gen;			/* its generation (atomic), from 1 */
	unsigned int n_readers;
	struct vswap_reader rd[VSWAP_MAX_READERS];
	/* writer only */
	void *retired;			/* replaced, not yet freed */
	uint64_t retired_gen;		/* the generation that replaced it */
	void (*free_fn)(void *view, void *arg);
	void *free_arg;
	uint64_t n_published, n_reclaimed;
};

/* first becomes generation 1, acknowledged by all n_readers readers
 * (they start on it). free_fn frees a view that is no longer used.
 * Returns 0, or -EINVAL (n_readers over VSWAP_MAX_READERS, no free_fn). */
int vswap_init(struct vswap *s, unsigned int n_readers, void *first,
	       void (*free_fn)(void *view, void *arg), void *free_arg);

/* Free the current and any retired view (no reader may run any more). */
void vswap_fini(struct vswap *s);

/* Writer: make view current. Returns the new generation, or -EBUSY (an
 * earlier view still waits for a reader: nothing changed, try again after
 * vswap_reclaim() succeeds) or -EINVAL (view NULL). */
int64_t vswap_publish(struct vswap *s, void *view);

/* Writer: free the retired view if every reader acknowledged its
 * replacement. Returns true when no view waits any more. */
bool vswap_reclaim(struct vswap *s);

/* Reader r will not read views any more (it stopped). */
void vswap_offline(struct vswap *s, unsigned int r);

/* Current generation (reader side: compare with the one it uses). */
static inline uint64_t vswap_gen(const struct vswap *s)
{
	return __atomic_load_n(&s->gen, __ATOMIC_ACQUIRE);
}

/* Current view (after vswap_gen()). */
static inline void *vswap_get(const struct vswap *s)
{
	return __atomic_load_n(&s->cur, __ATOMIC_ACQUIRE);
}

/* Reader r uses no view older than generation g any more. */
static inline void vswap_ack(struct vswap *s, unsigned int r, uint64_t g)
{
	__atomic_store_n(&s->rd[r].ack, g, __ATOMIC_RELEASE);
}

#endif /* PTPSW_SW_VSWAP_H */
