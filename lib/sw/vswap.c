/* SPDX-License-Identifier: BSD-3-Clause */
/* vswap: generation-acknowledged view replacement (see vswap.h). */

#include <errno.h>
#include <string.h>

#include "sw/vswap.h"

int vswap_init(struct vswap *s, unsigned int n_readers, void *first,
	       void (*free_fn)(void *view, void *arg), void *free_arg)
{
	unsigned int r;

	if (n_readers > VSWAP_MAX_READERS || free_fn == NULL || first == NULL)
		return -EINVAL;
	memset(s, 0, sizeof(*s));
	s->n_readers = n_readers;
	s->free_fn = free_fn;
	s->free_arg = free_arg;
	for (r = 0; r < n_readers; r++)
		s->rd[r].ack = 1;
	__atomic_store_n(&s->cur, first, __ATOMIC_RELEASE);
	__atomic_store_n(&s->gen, 1, __ATOMIC_RELEASE);
	return 0;
}

void vswap_fini(struct vswap *s)
{
	if (s->free_fn == NULL)
		return;
	if (s->retired != NULL)
		s->free_fn(s->retired, s->free_arg);
	if (s->cur != NULL)
		s->free_fn(s->cur, s->free_arg);
	s->retired = NULL;
	s->cur = NULL;
}

int64_t vswap_publish(struct vswap *s, void *view)
{
	uint64_t g;

	if (view == NULL)
		return -EINVAL;
	if (s->retired != NULL && !vswap_reclaim(s))
		return -EBUSY;
	g = s->gen + 1;		/* only the writer stores gen */
	s->retired = s->cur;
	s->retired_gen = g;
	__atomic_store_n(&s->cur, view, __ATOMIC_RELEASE);
	__atomic_store_n(&s->gen, g, __ATOMIC_RELEASE);
	s->n_published++;
	return (int64_t)g;
}

bool vswap_reclaim(struct vswap *s)
{
	unsigned int r;

	if (s->retired == NULL)
		return true;
	for (r = 0; r < s->n_readers; r++)
		if (__atomic_load_n(&s->rd[r].ack, __ATOMIC_ACQUIRE) <
		    s->retired_gen)
			return false;
	s->free_fn(s->retired, s->free_arg);
	s->retired = NULL;
	s->n_reclaimed++;
	return true;
}

void vswap_offline(struct vswap *s, unsigned int r)
{
	if (r < s->n_readers)
		__atomic_store_n(&s->rd[r].ack, UINT64_MAX, __ATOMIC_RELEASE);
}
