/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two-step pending table (pending.h): entries in one array, a hash
 * index of chains over it, and a doubly linked age list (oldest first); the
 * free list reuses the age list's newer link.
 */

#include <stdlib.h>
#include <string.h>

#include "tc/pending.h"

#define TC_NONE UINT32_MAX

struct tc_pending {
	struct tc_key key;
	ptp_cf_t residence;
	tmv_t stored;		/* egress time of the event message */
	uint32_t hnext;		/* hash chain */
	uint32_t older;		/* age list */
	uint32_t newer;		/* age list; free list link when free */
};

int tc_pend_init(struct tc_pend_table *t, uint32_t entries)
{
	uint32_t i, nb = 1;

	while (nb < 2 * entries)
		nb <<= 1;
	t->ent = calloc(entries, sizeof(*t->ent));
	t->bucket = calloc(nb, sizeof(*t->bucket));
	if (t->ent == NULL || t->bucket == NULL) {
		tc_pend_fini(t);
		return -1;
	}
	t->hmask = nb - 1;
	for (i = 0; i < nb; i++)
		t->bucket[i] = TC_NONE;
	for (i = 0; i < entries; i++)
		t->ent[i].newer = i + 1 < entries ? i + 1 : TC_NONE;
	t->free_head = 0;
	t->oldest = TC_NONE;
	t->newest = TC_NONE;
	t->in_use = 0;
	return 0;
}

void tc_pend_fini(struct tc_pend_table *t)
{
	free(t->bucket);
	free(t->ent);
	t->bucket = NULL;
	t->ent = NULL;
}

/* FNV-1a over the key bytes. */
static uint32_t tc_hash(const struct tc_pend_table *t, const struct tc_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < sizeof(*k); i++)
		h = (h ^ b[i]) * 16777619u;
	return (h ^ (h >> 16)) & t->hmask;
}

static uint32_t tc_pend_find(const struct tc_pend_table *t,
			     const struct tc_key *k)
{
	uint32_t i = t->bucket[tc_hash(t, k)];

	while (i != TC_NONE && memcmp(&t->ent[i].key, k, sizeof(*k)) != 0)
		i = t->ent[i].hnext;
	return i;
}

static void tc_unlink_hash(struct tc_pend_table *t, uint32_t i)
{
	uint32_t *link = &t->bucket[tc_hash(t, &t->ent[i].key)];

	while (*link != i)
		link = &t->ent[*link].hnext;
	*link = t->ent[i].hnext;
}

static void tc_unlink_age(struct tc_pend_table *t, uint32_t i)
{
	struct tc_pending *e = &t->ent[i];

	if (e->older != TC_NONE)
		t->ent[e->older].newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer != TC_NONE)
		t->ent[e->newer].older = e->older;
	else
		t->newest = e->older;
}

/* Remove entry i and put it on the free list. */
static void tc_pend_del(struct tc_pend_table *t, uint32_t i)
{
	tc_unlink_hash(t, i);
	tc_unlink_age(t, i);
	t->ent[i].newer = t->free_head;
	t->free_head = i;
	t->in_use--;
}

enum tc_pend_put_res tc_pend_put(struct tc_pend_table *t,
				 const struct tc_key *k, ptp_cf_t res,
				 tmv_t now)
{
	enum tc_pend_put_res r = TC_PEND_NEW;
	struct tc_pending *e;
	uint32_t i = tc_pend_find(t, k), h;

	if (i != TC_NONE) {
		t->ent[i].residence = res;
		t->ent[i].stored = now;
		return TC_PEND_REPLACED;
	}
	if (t->free_head == TC_NONE) {
		tc_pend_del(t, t->oldest);
		r = TC_PEND_EVICTED;
	}
	i = t->free_head;
	e = &t->ent[i];
	t->free_head = e->newer;
	e->key = *k;
	e->residence = res;
	e->stored = now;
	h = tc_hash(t, k);
	e->hnext = t->bucket[h];
	t->bucket[h] = i;
	e->older = t->newest;
	e->newer = TC_NONE;
	if (t->newest != TC_NONE)
		t->ent[t->newest].newer = i;
	else
		t->oldest = i;
	t->newest = i;
	t->in_use++;
	return r;
}

bool tc_pend_take(struct tc_pend_table *t, const struct tc_key *k,
		  ptp_cf_t *res)
{
	uint32_t i = tc_pend_find(t, k);

	if (i == TC_NONE)
		return false;
	*res = t->ent[i].residence;
	tc_pend_del(t, i);
	return true;
}

uint32_t tc_pend_expire(struct tc_pend_table *t, tmv_t now,
			int64_t timeout_ns)
{
	uint32_t i = t->oldest, next, n = 0;

	while (i != TC_NONE) {
		next = t->ent[i].newer;
		if (tmv_to_ns(tmv_sub(now, t->ent[i].stored)) > timeout_ns) {
			tc_pend_del(t, i);
			n++;
		}
		i = next;
	}
	return n;
}
