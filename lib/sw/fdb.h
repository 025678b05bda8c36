/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_FDB_H
#define PTPSW_SW_FDB_H

/*
 * MAC learning table with aging: fixed size, open addressing, no allocation
 * after fdb_create(). Written and read by several worker lcores without
 * locks: each bucket is one 64-bit word updated atomically (relaxed), so a
 * reader sees an old or a new entry, never a torn one.
 */

#include <stdint.h>

struct fdb;

#define FDB_NO_PORT (-1)

/* entries: rounded up to a power of two. aging in the caller's time unit.
 * Returns NULL on bad arguments or no memory. */
struct fdb *fdb_create(uint32_t entries, uint64_t aging);
void fdb_free(struct fdb *f);

/* Learn (or refresh) mac on port at time now. Group MACs are ignored.
 * Returns 0, or -1 if the table is full (counted). */
int fdb_learn(struct fdb *f, const uint8_t mac[6], uint16_t port, uint64_t now);

/* Port of mac, or FDB_NO_PORT if unknown or aged out. */
int fdb_lookup(const struct fdb *f, const uint8_t mac[6], uint64_t now);

/* Forget every entry of port (link down). */
void fdb_flush_port(struct fdb *f, uint16_t port);

/* Remove aged entries (control lcore timer). Returns how many. */
unsigned int fdb_age(struct fdb *f, uint64_t now);

struct fdb_stats {
	uint32_t entries;	/* in use */
	uint32_t capacity;
	uint64_t learned;
	uint64_t moved;		/* MAC seen on another port */
	uint64_t full;		/* learn failed: table full */
};
void fdb_get_stats(const struct fdb *f, struct fdb_stats *st);

#endif /* PTPSW_SW_FDB_H */
