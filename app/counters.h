/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_APP_COUNTERS_H
#define PTPSW_APP_COUNTERS_H

/*
 * counters: one table per stats struct, the one place a counter is named.
 * A row gives the telemetry key, the SIGUSR1 dump label, where the value
 * is (offset and size: unsigned, 4 or 8 bytes), the dump line it goes on
 * and what it counts. The dump (status.c, dump_bc.c), telemetry
 * (telemetry.c, and /ptpsw/counters for the help) and the sums over
 * workers loop over the rows: a new counter is a field and one row.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rte_tel_data;

struct ctr {
	const char *key;	/* telemetry key: a-z, 0-9, '_' */
	const char *label;	/* SIGUSR1 dump label */
	unsigned short off;	/* offsetof() in the struct */
	unsigned char size;	/* 4 or 8 */
	unsigned char line;	/* dump line, for structs shown on several */
	const char *help;	/* what it counts (under 128 characters) */
};

struct ctr_table {
	const char *name;	/* its group in /ptpsw/counters: the command
				 * (and dict) whose reply has the keys */
	const struct ctr *row;
	unsigned int n;
};

#define CTR_ALL	(-1)		/* ctr_dump(): every line */

extern const struct ctr_table ctr_port;	     /* struct port_stats, not drop[] */
extern const struct ctr_table ctr_ctl;	     /* struct app_ctl_stats */
extern const struct ctr_table ctr_watchdog;  /* struct watchdog_counters */
extern const struct ctr_table ctr_tc;	     /* struct tc_stats' counters */
extern const struct ctr_table ctr_tc_domain; /* struct tc_domain_stats */
extern const struct ctr_table ctr_fdb;	     /* struct fdb_stats */
extern const struct ctr_table ctr_wcache;    /* struct worker_cache_stats */
extern const struct ctr_table ctr_ts_tx;     /* struct ts_tx_stats */
extern const struct ctr_table ctr_tc_hwtx;   /* struct tc_hwtx_stats */
extern const struct ctr_table ctr_bc_port;   /* struct bc_port_stats */
extern const struct ctr_table ctr_bc;	     /* struct bc_stats */
extern const struct ctr_table ctr_foreign;   /* struct foreign_stats */
extern const struct ctr_table ctr_bc_rt;     /* struct bc_runtime_stats */
extern const struct ctr_table ctr_neigh;     /* struct neigh_stats */
extern const struct ctr_table ctr_mgmt;	     /* struct mgmt_sock_stats */

/* Every table, for /ptpsw/counters. */
extern const struct ctr_table *const ctr_tables[];
extern const unsigned int ctr_n_tables;

/* The value of row c in struct s. */
uint64_t ctr_get(const struct ctr *c, const void *s);

/* sum += s, row by row (both of t's struct). */
void ctr_sum(const struct ctr_table *t, void *sum, const void *s);

/* " label value" for each row of t on dump line `line` (or CTR_ALL). */
void ctr_dump(FILE *out, const struct ctr_table *t, int line, const void *s);

/* Each row of t into dict d under its key (u64). */
void ctr_tel(struct rte_tel_data *d, const struct ctr_table *t, const void *s);

#endif /* PTPSW_APP_COUNTERS_H */
