/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_FDB_H
#define PTPSW_SW_FDB_H

/*
 * MAC learning table with aging: fixed size, open addressing, no allocation
 * after fdb_create(). Written and read by several worker lcores without
 * locks: each bucket is one 64-bit word updated atomically (relaxed), so a
 * reader sees an old or a new entry, never a torn one.
 *
 * A MAC lives within FDB_PROBE buckets of its home bucket (linear probing,
 * bounded); lookups scan that window, so removal just clears a bucket and
 * no tombstones are needed. A lookup scans only as far as the furthest
 * entry ever sat from its home (a sparse table: a few buckets). A learn
 * that finds no free bucket in the window fails and is counted as full. Two lcores learning the same new MAC at
 * the same instant may each insert it once; the duplicate ages out.
 */

#include <stdbool.h>
#include <stdint.h>

struct fdb;

#define FDB_NO_PORT (-1)
#define FDB_MAX_PORT 255	/* ports are stored in 8 bits */
#define FDB_PROBE 16		/* buckets scanned from a MAC's home bucket */

/* entries: rounded up to a power of two (at least 1, at most 2^24).
 * aging in the caller's time unit (> 0); an entry not refreshed for more
 * than aging units is gone. Refreshes closer than aging/64 to the last
 * recorded one are not recorded (fewer shared writes), so an entry may go
 * up to aging/64 early.
 * Returns NULL on bad arguments or no memory. */
struct fdb *fdb_create(uint32_t entries, uint64_t aging);
void fdb_free(struct fdb *f);

/* A new aging time (same units and bounds as fdb_create's; a reload).
 * Each lcore sees the old or the new value, one aligned word each.
 * Returns 0, or -1 (unchanged) for 0 or over INT64_MAX. */
int fdb_set_aging(struct fdb *f, uint64_t aging);

/* Learn (or refresh) mac on port at time now. Group MACs and the all-zero
 * MAC are ignored (return 0, nothing stored).
 * Returns 0, or -1 if the table is full (counted) or port > FDB_MAX_PORT
 * (not counted). */
int fdb_learn(struct fdb *f, const uint8_t mac[6], uint16_t port, uint64_t now);

/* Port of mac, or FDB_NO_PORT if unknown or aged out. */
int fdb_lookup(const struct fdb *f, const uint8_t mac[6], uint64_t now);

/* Forget every entry of port (link down). Returns how many were removed. */
unsigned int fdb_flush_port(struct fdb *f, uint16_t port);

/* Remove aged entries (control lcore timer). Returns how many. */
unsigned int fdb_age(struct fdb *f, uint64_t now);

/* The last move the fdb made (a MAC learned on another port than its
 * entry's): for a log line, one word written per move (any lcore's). */
struct fdb_move {
	bool valid;		/* false: no move yet */
	uint8_t mac[6];
	uint16_t from, to;	/* ports */
};

/* Moves are also counted per move slot: one of FDB_MOVE_SLOTS, by a hash
 * of the MAC. */
#define FDB_MOVE_SLOTS 1024

/* How many moves the MACs of mac's move slot made so far (any lcore's):
 * a cache in front of the fdb knows by no change that mac has not moved,
 * while other MACs may move all the time (a loop elsewhere, traffic
 * replayed into two ports). */
uint64_t fdb_moves_of(const struct fdb *f, const uint8_t mac[6]);

/* Fill *mv with the last move. Returns 0, or -1 if there was none. */
int fdb_last_move(const struct fdb *f, struct fdb_move *mv);

struct fdb_stats {
	uint32_t entries;	/* in use (a scan of the table) */
	uint32_t capacity;
	uint64_t learned;
	uint64_t moved;		/* MAC seen on another port */
	uint64_t full;		/* learn failed: table full */
	uint32_t max_disp;	/* lookups scan max_disp + 1 buckets */
	struct fdb_move last_move;
};
/* Fill *st. Not atomic as a whole: counters are read one by one. */
void fdb_get_stats(const struct fdb *f, struct fdb_stats *st);

#endif /* PTPSW_SW_FDB_H */
