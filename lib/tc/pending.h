/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_TC_PENDING_H
#define PTPSW_TC_PENDING_H

/*
 * The two-step transparent clock's pending table (private to lib/tc): the
 * residence of each event message sent, kept until its Follow_Up or
 * Delay_Resp takes it. A fixed table: entries in one array, a hash index of
 * chains over it, and a doubly linked age list (oldest first) that gives
 * eviction when full and expiry. No allocation after tc_pend_init().
 */

#include <stdbool.h>
#include <stdint.h>

#include "ptp/ptp_time.h"
#include "tc/wire.h"

enum tc_kind { TC_KIND_SYNC = 0, TC_KIND_DELAY = 1 };

/* What a general message must match; no padding, so memcmp compares it. */
struct tc_key {
	uint8_t domain;
	uint8_t kind;		/* enum tc_kind */
	uint16_t seq;
	uint16_t in_port;	/* of the event message */
	uint16_t out_port;
	uint8_t src[PORT_ID_LEN];	/* the event's sourcePortIdentity */
};
_Static_assert(sizeof(struct tc_key) == 18, "struct tc_key has padding");

struct tc_pending;

struct tc_pend_table {
	struct tc_pending *ent;
	uint32_t *bucket;
	uint32_t hmask;
	uint32_t free_head;
	uint32_t oldest;
	uint32_t newest;
	uint32_t in_use;	/* entries held */
};

/* What tc_pend_put() did. */
enum tc_pend_put_res {
	TC_PEND_NEW,		/* stored in a free entry */
	TC_PEND_EVICTED,	/* stored; the oldest entry was dropped for it */
	TC_PEND_REPLACED,	/* the same key again: latest residence wins */
};

/* A table of entries (> 0) entries. Returns 0, or -1 with no memory. */
int tc_pend_init(struct tc_pend_table *t, uint32_t entries);
/* Free the table's memory (a zeroed table is fine). */
void tc_pend_fini(struct tc_pend_table *t);

/* Store residence res under k, stored at now. */
enum tc_pend_put_res tc_pend_put(struct tc_pend_table *t,
				 const struct tc_key *k, ptp_cf_t res,
				 tmv_t now);
/* Take (find and free) the entry of k: its residence into *res.
 * Returns false if there is none. */
bool tc_pend_take(struct tc_pend_table *t, const struct tc_key *k,
		  ptp_cf_t *res);
/* Free the entries stored more than timeout_ns before now (scans the
 * table). Returns how many. */
uint32_t tc_pend_expire(struct tc_pend_table *t, tmv_t now,
			int64_t timeout_ns);

#endif /* PTPSW_TC_PENDING_H */
