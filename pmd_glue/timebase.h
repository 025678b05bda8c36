/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_GLUE_TIMEBASE_H
#define PTPSW_GLUE_TIMEBASE_H

/*
 * The one common timebase of ptpsw: nanoseconds derived from the calibrated
 * TSC. Every port's timestamps (software, NIC clock, wall clock of a PMD)
 * are mapped onto it by an (offset, rate) estimate refreshed from periodic
 * cross-timestamps on the control lcore. The fast path only reads the
 * published maps (seqlock-free: each map is one struct written whole and
 * guarded by a generation counter).
 */

#include <stdbool.h>
#include <stdint.h>

/* Calibrate (reads rte_get_tsc_hz). Call once after EAL init. */
int timebase_init(void);

/* Now on the common timebase, ns. Cheap (rdtsc + multiply). */
uint64_t timebase_now(void);
/* TSC ticks -> timebase ns. */
uint64_t timebase_from_tsc(uint64_t tsc);

/*
 * A linear map from a foreign clock (ns or ticks) onto the timebase,
 * estimated from pairs (foreign, timebase) and tracking rate changes.
 */
struct clockmap {
	volatile uint32_t gen;		/* odd while being written */
	double rate;			/* timebase ns per foreign unit */
	int64_t foreign_ref;
	int64_t base_ref;
	uint32_t samples;
	double last_resid_ns;		/* last fit residual */
};

void clockmap_init(struct clockmap *m, double nominal_rate);
/* Add one cross-timestamp pair (control lcore). */
void clockmap_update(struct clockmap *m, int64_t foreign, int64_t base);
/* Map a foreign value onto the timebase (any lcore). */
int64_t clockmap_to_base(const struct clockmap *m, int64_t foreign);
int64_t clockmap_from_base(const struct clockmap *m, int64_t base);

#endif /* PTPSW_GLUE_TIMEBASE_H */
