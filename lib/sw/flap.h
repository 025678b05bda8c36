/* SPDX-License-Identifier: BSD-3-Clause */
#ifndef PTPSW_SW_FLAP_H
#define PTPSW_SW_FLAP_H

/*
 * MAC move watch, pure (no EAL): whether MACs keep moving between ports,
 * from the fdb's `moved` counter, sampled by the control lcore about once
 * a second. A host that really moves makes one move; a MAC that is seen
 * on two ports at once (a loop, or the same traffic sent into two ports)
 * makes one per learn epoch for as long as it lasts (lib/sw/learn.h).
 * At least FLAP_ON_MOVES moves within one window of FLAP_WINDOW_NS start
 * a flapping period; FLAP_OFF_WINDOWS windows in a row with fewer end it.
 */

#include <stdbool.h>
#include <stdint.h>

#define FLAP_WINDOW_NS		1000000000ull
#define FLAP_ON_MOVES		20
#define FLAP_OFF_WINDOWS	5

struct flap_watch {
	bool started;		/* moved0 and t0 hold a sample */
	bool on;		/* flapping */
	unsigned int quiet;	/* windows in a row below FLAP_ON_MOVES */
	uint64_t moved0, t0;	/* the window's start */
	uint64_t last_moves;	/* moves in the last full window */
	uint64_t events;	/* flapping periods started */
	uint64_t period_moved0;	/* moved at the last period's start */
	uint64_t period_t0;	/* and its time */
};

enum flap_event {
	FLAP_NONE,
	FLAP_STARTED,		/* flapping from now on */
	FLAP_STOPPED,		/* quiet again */
};

/* A sample of the fdb's moved counter at now (ns, monotonic). Returns
 * what changed: FLAP_STARTED and FLAP_STOPPED are each reported once per
 * period. */
static inline enum flap_event flap_update(struct flap_watch *fw,
					  uint64_t moved, uint64_t now)
{
	uint64_t n, start = fw->t0;

	if (!fw->started) {
		fw->started = true;
		fw->moved0 = moved;
		fw->t0 = now;
		return FLAP_NONE;
	}
	if (now - fw->t0 < FLAP_WINDOW_NS)
		return FLAP_NONE;
	n = moved - fw->moved0;
	fw->moved0 = moved;
	fw->t0 = now;
	fw->last_moves = n;
	if (n >= FLAP_ON_MOVES) {
		fw->quiet = 0;
		if (fw->on)
			return FLAP_NONE;
		fw->on = true;
		fw->events++;
		fw->period_moved0 = moved - n;	/* the window that started it */
		fw->period_t0 = start;
		return FLAP_STARTED;
	}
	if (!fw->on || ++fw->quiet < FLAP_OFF_WINDOWS)
		return FLAP_NONE;
	fw->on = false;
	fw->quiet = 0;
	return FLAP_STOPPED;
}

#endif /* PTPSW_SW_FLAP_H */
